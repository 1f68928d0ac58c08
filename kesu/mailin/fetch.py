"""Reading the companies' IMAP mailboxes (issue 23 §2), called by the worker job ``mailin.fetch``.

Fetched exactly once by UID (RFC 3501 §2.3.1.1): a mailbox remembers its UIDVALIDITY and the last UID taken in;
each message is taken in by :func:`kesu.mailin.intake.mail_take_in` in a transaction of its own that also moves
the position on. The folder is opened read-only: Kesu never deletes or flags a customer's mail.

A mailbox that cannot be read (server away, login refused) is retried after growing pauses; its error is shown on
the mailbox page and, once it has failed ``REPORT_AFTER`` times in a row, told once to the company's
administrators (a later recovery clears it, so the next outage is told again).
"""

from __future__ import annotations

import datetime
import imaplib
import logging
import re
import socket
import ssl
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .choices import Security
from .intake import mail_take_in
from .models import Mailbox

logger = logging.getLogger("kesu.mailin")

TIMEOUT_SECONDS = 30
LEASE = datetime.timedelta(minutes=10)
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_MAX = datetime.timedelta(minutes=30)
REPORT_AFTER = 3
BATCH = 200  # messages per mailbox and run; the next run goes on where this one stopped
FAILURES = (OSError, imaplib.IMAP4.error, socket.timeout, ssl.SSLError, ValueError, EOFError)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class FetchError(Exception):
    """The server answered, but not as expected (a folder that does not exist, a refused command)."""


@dataclass
class FetchResult:
    """What one run did for one mailbox."""

    taken: int = 0
    skipped: int = 0
    error: str = ""


def retry_delay(failures: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after the failures in a row, at most half an hour."""
    return min(RETRY_FIRST * 2 ** min(max(failures, 1) - 1, 10), RETRY_MAX)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    """A logged-in connection to the mailbox's server."""
    if mailbox.security == Security.SSL:
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(),
                                                timeout=TIMEOUT_SECONDS)
    else:
        conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
        if mailbox.security == Security.STARTTLS:
            conn.starttls(ssl.create_default_context())
    try:
        conn.login(mailbox.username, mailbox.password)
    except BaseException:
        _logout(conn)
        raise
    return conn


def _logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except Exception:  # noqa: BLE001 -- the connection is gone either way
        pass


def _check(typ: str, data, what: str) -> list:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace") if data else ""
        raise FetchError(f"{what}: {detail}"[:500])
    return data


def _message(conn: imaplib.IMAP4, uid: int, item: str) -> bytes:
    data = _check(*conn.uid("FETCH", str(uid), f"({item})"), "FETCH")
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            return part[1]
    return b""


def _size(conn: imaplib.IMAP4, uid: int) -> int | None:
    data = _check(*conn.uid("FETCH", str(uid), "(RFC822.SIZE)"), "FETCH")
    for part in data:
        found = _SIZE.search(part if isinstance(part, bytes) else part[0])
        if found:
            return int(found.group(1))
    return None  # expunged meanwhile


def _highest_uid(conn: imaplib.IMAP4) -> int:
    data = _check(*conn.uid("SEARCH", "ALL"), "SEARCH")
    return max((int(u) for u in b" ".join(d for d in data if d).split()), default=0)


def _read(mailbox: Mailbox, conn: imaplib.IMAP4, result: FetchResult, now: datetime.datetime) -> None:
    _check(*conn.select(_quoted(mailbox.folder), readonly=True), "SELECT")
    _typ, values = conn.response("UIDVALIDITY")
    if not values or not values[0]:
        raise FetchError("the server gave no UIDVALIDITY")
    uidvalidity = int(values[0])
    mailbox.refresh_from_db(fields=["uidvalidity", "last_uid", "max_bytes", "read_existing"])
    if mailbox.uidvalidity != uidvalidity:
        # The UIDs were reassigned (a recreated folder): read from the start; Message-IDs keep known mails out.
        # The first reading of a mailbox starts after the mails already there, unless told to take them in.
        start = 0 if mailbox.uidvalidity is not None or mailbox.read_existing else _highest_uid(conn)
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=start)
        mailbox.uidvalidity, mailbox.last_uid = uidvalidity, start
    data = _check(*conn.uid("SEARCH", f"UID {mailbox.last_uid + 1}:*"), "SEARCH")
    # "n:*" names the last message even when its UID is below n (RFC 3501 §6.4.8): keep the new ones only.
    uids = sorted(int(u) for u in b" ".join(d for d in data if d).split() if int(u) > mailbox.last_uid)
    for uid in uids[:BATCH]:
        size = _size(conn, uid)
        if size is None:
            continue
        oversized = size > mailbox.max_bytes
        raw = _message(conn, uid, "BODY.PEEK[HEADER]" if oversized else "BODY.PEEK[]")
        row = mail_take_in(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, raw=raw, size=size,
                           oversized=oversized, now=now)
        if row is None:
            result.skipped += 1
        else:
            result.taken += 1


def mailbox_fetch(mailbox: Mailbox, *, now: datetime.datetime | None = None) -> FetchResult | None:
    """Read one mailbox's new mails; None when it is not due (paused after errors) or another worker reads it."""
    now = now or timezone.now()
    claimed = (Mailbox.objects.filter(pk=mailbox.pk, is_active=True)
               .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
               .update(leased_until=now + LEASE))
    if not claimed:
        return None
    result = FetchResult()
    try:
        try:
            conn = connect(mailbox)
            try:
                _read(mailbox, conn, result, now)
            finally:
                _logout(conn)
        except (*FAILURES, FetchError) as error:
            result.error = f"{type(error).__name__}: {error}"[:2000] if str(error) else type(error).__name__
            _failed(mailbox, result.error, now)
        else:
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_checked_at=now, last_error="", failing_since=None, failures=0, next_attempt_at=None,
                error_reported_at=None)
    finally:
        Mailbox.objects.filter(pk=mailbox.pk).update(leased_until=None)
    return result


def _failed(mailbox: Mailbox, error: str, now: datetime.datetime) -> None:
    mailbox.refresh_from_db(fields=["failures", "failing_since", "error_reported_at"])
    failures = mailbox.failures + 1
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_checked_at=now, last_error=error, failing_since=mailbox.failing_since or now, failures=failures,
        next_attempt_at=now + retry_delay(failures))
    logger.warning("mailbox %s (%s) could not be read: %s", mailbox.pk, mailbox.name, error)
    if failures >= REPORT_AFTER and mailbox.error_reported_at is None:
        from .notifications import mailbox_down_tell

        # Told once: the compare-and-set makes a second worker's report a no-op.
        if Mailbox.objects.filter(pk=mailbox.pk, error_reported_at__isnull=True).update(error_reported_at=now):
            mailbox_down_tell(mailbox, error, failures)


def mailboxes_fetch(now: datetime.datetime | None = None) -> dict[int, FetchResult]:
    """Read every active mailbox that is due (the worker job's body)."""
    now = now or timezone.now()
    results = {}
    due = (Mailbox.objects.filter(is_active=True)
           .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).order_by("pk"))
    for mailbox in due.select_related("company"):
        result = mailbox_fetch(mailbox, now=now)
        if result is not None:
            results[mailbox.pk] = result
    return results
