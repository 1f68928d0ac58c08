"""Mail intake test helpers: mails built with the standard library, a real IMAP server when one is given.

``KESU_TEST_IMAP=host:port:user:password`` names the server (``scripts/ci_dovecot.sh`` starts one and prints the
line); without it the tests that need a server are skipped with that reason. Each test gets a folder of its own,
so tests running in parallel never read each other's mails.
"""

from __future__ import annotations

import imaplib
import os
import uuid
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.utils import timezone

from kesu.customers.tests.factories import ContactFactory, CustomerFactory
from kesu.mailin.choices import Security
from kesu.mailin.models import Mailbox

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The first bytes of a Windows program: an executable dressed up as a PDF.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def make_mail(*, sender: str, subject: str, body: str = "", attachments=(), size_padding: int = 0) -> bytes:
    """A mail as a customer's client sends it (RFC 5322 bytes)."""
    message = EmailMessage()
    message["From"] = f"Customer <{sender}>"
    message["To"] = "complaints@factory.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example>"
    message.set_content(body + ("\n" + "x" * 76) * (size_padding // 77))
    for name, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def _imap_settings():
    value = os.environ.get("KESU_TEST_IMAP", "")
    parts = value.split(":", 3)
    if len(parts) != 4:
        return None
    host, port, user, password = parts
    return host, int(port), user, password


class Imap:
    """The test server and a fresh folder of this test's own."""

    def __init__(self, host: str, port: int, user: str, password: str) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.folder = f"kesu-test-{uuid.uuid4().hex[:12]}"
        with self.connection() as conn:
            conn.create(self.folder)

    def connection(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def deliver(self, raw: bytes) -> None:
        """Put a mail into the folder as the mail server would on delivery (IMAP APPEND)."""
        with self.connection() as conn:
            typ, data = conn.append(f'"{self.folder}"', None, None, raw)
            assert typ == "OK", data

    def remove_folder(self) -> None:
        with self.connection() as conn:
            conn.delete(f'"{self.folder}"')

    def mailbox(self, company, **extra) -> Mailbox:
        data = {"name": f"inbox-{self.folder}", "host": self.host, "port": self.port,
                "security": Security.PLAIN, "username": self.user, "password": self.password,
                "folder": self.folder, "read_existing": True}
        data.update(extra)
        return Mailbox.objects.create(company=company, **data)


@pytest.fixture
def imap():
    found = _imap_settings()
    if found is None:
        pytest.skip("KESU_TEST_IMAP (host:port:user:password) is not set: start a test server with "
                    "scripts/ci_dovecot.sh and export the line it prints")
    server = Imap(*found)
    yield server
    server.remove_folder()


@pytest.fixture
def customer(company_a):
    return CustomerFactory(company=company_a, code="C001", name="上海客户有限公司")


@pytest.fixture
def contact(customer):
    return ContactFactory(customer=customer, company=customer.company, name="张采购", email="buyer@shcustomer.example")
