"""A receiving system for the webhook tests: a local HTTP server in a thread that keeps what it was sent."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kesu.accounts.roles import Role


class Receiver:
    """Records each POST (headers, body); answers ``status`` (or the next of ``script``)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[dict] = []
        self.status = 200
        self.script: list[int] = []
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/kesu-hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.script.pop(0) if receiver.script else receiver.status
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.KESU_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def webhook_admin(make_user):
    """Company A's administrator (not a superuser)."""
    return make_user(Role.ADMIN, username="wh-admin", display_name="系统管理员")


@pytest.fixture
def other_admin(make_user, company_b):
    return make_user(Role.ADMIN, company=company_b, username="wh-admin-b", display_name="乙管理员")
