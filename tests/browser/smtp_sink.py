"""A real SMTP server in the test process that keeps what it receives (issue 23 "Done when": the acknowledgement
is read back from a test SMTP sink).

Just enough of RFC 5321 for Python's ``smtplib`` (what Django's SMTP backend speaks): greeting, HELO/EHLO, MAIL,
RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; no TLS, no authentication. Each connection is served on a
thread of its own; the mails are kept in arrival order.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass
class Received:
    """One mail as the server got it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # Django folds a long encoded subject onto the next line ("Subject: \r\n =?utf-8?…"): the unfolded
        # value starts with that space.
        return str(self.message["Subject"] or "").strip()

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


def _address(argument: str) -> str:
    # "FROM:<a@b> SIZE=12" → "a@b"
    value = argument.split(":", 1)[1].strip() if ":" in argument else argument
    return value.split(">", 1)[0].lstrip("<").strip()


class _Session(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def _data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        sender, recipients = "", []
        self._say("220 kesu-test-sink ESMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb in ("HELO", "EHLO"):
                self._say("250 kesu-test-sink")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(argument))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                message = email.message_from_bytes(self._data(), policy=email.policy.default)
                sink.keep(Received(sender=sender, recipients=list(recipients), message=message))
                self._say("250 OK: kept")
            elif verb in ("RSET", "NOOP"):
                if verb == "RSET":
                    sender, recipients = "", []
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """``with SmtpSink() as sink:`` a server on 127.0.0.1:``sink.port``; ``sink.mails`` is what arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[Received] = []
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.sink = self  # type: ignore[attr-defined]
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, name="smtp-sink", daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def keep(self, mail: Received) -> None:
        with self._lock:
            self._mails.append(mail)

    @property
    def mails(self) -> list[Received]:
        with self._lock:
            return list(self._mails)

    def to(self, address: str) -> list[Received]:
        """The mails whose envelope names ``address`` as a recipient, in arrival order."""
        return [m for m in self.mails if address in m.recipients]
