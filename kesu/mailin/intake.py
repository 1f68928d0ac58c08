"""What a fetched mail becomes (issue 23 §2): a complaint, an entry on a complaint's timeline, or a triage item.

:func:`mail_take_in` is called once per message by the fetch loop (:mod:`kesu.mailin.fetch`). Everything it
writes — the mail's own row, the complaint or timeline entry, the mailbox's reading position — is one transaction,
and the row is unique per (mailbox, UIDVALIDITY, UID): a worker killed between two mails leaves each either fully
taken in or not at all, and the next run takes the rest exactly once.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import email.utils
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import TransitionRefused
from kesu.core.uploads import check_upload

from .choices import Outcome, Reason
from .models import InboundMail, Mailbox

logger = logging.getLogger("kesu.mailin")
SOURCE = "mail"  # the audit trail's channel for what the intake writes
# Webmail domains say nothing about which customer writes: a sender there is only known by their own address.
PUBLIC_DOMAINS = frozenset({
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com",
    "139.com", "189.cn", "wo.cn", "gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
})
# A date further back than this in a mail's header is not trusted as the receipt time (a wrong clock).
DATE_TRUSTED_FOR = datetime.timedelta(days=30)
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{2,58}[A-Za-z0-9]")


def _clean(text: str, limit: int) -> str:
    # PostgreSQL refuses NUL characters in text; a mail may carry them.
    return (text or "").replace("\x00", "")[:limit]


@dataclass
class ParsedMail:
    """The parts of a mail the intake reads; ``error`` says why it could not be read (malformed)."""

    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    message_id: str = ""
    sent_at: datetime.datetime | None = None
    body: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    error: str = ""


def _text_of(part) -> str:
    try:
        text = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return ""
    return strip_tags(text) if part.get_content_type() == "text/html" else text


def mail_parse(raw: bytes, *, headers_only: bool = False) -> ParsedMail:
    """Read a mail (RFC 5322 bytes); never raises: a mail that cannot be read comes back with ``error``."""
    parsed = ParsedMail()
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parsed.subject = _clean(str(message.get("subject", "") or ""), 500).replace("\r", "").replace("\n", " ")
        parsed.message_id = _clean(str(message.get("message-id", "") or ""), 300).strip()
        name, address = email.utils.parseaddr(str(message.get("from", "") or ""))
        parsed.sender_name, parsed.sender = _clean(name, 200), _clean(address, 300).strip().lower()
        try:
            sent = email.utils.parsedate_to_datetime(str(message.get("date", "")))
            parsed.sent_at = sent if sent.tzinfo else None
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed.sent_at = None
        if not parsed.sender or "@" not in parsed.sender:
            parsed.error = _("The mail has no readable sender address.")
            return parsed
        if headers_only:
            return parsed
        if message.is_multipart():
            body = message.get_body(preferencelist=("plain", "html"))
        else:  # a single part: the text itself, or a lone attachment
            body = message if message.get_content_maintype() == "text" else None
        parsed.body = _clean(_text_of(body), 20000).strip() if body is not None else ""
        for part in message.walk():
            if part.is_multipart() or part is body:
                continue
            filename = part.get_filename()
            if not filename:
                continue  # a signature image or alternative body without a name: not an attachment
            parsed.attachments.append((_clean(str(filename), 200), part.get_payload(decode=True) or b""))
    except Exception as error:  # noqa: BLE001 -- any parser failure means "malformed", kept in triage
        parsed.error = _("The mail could not be read: %(error)s") % {"error": str(error)[:300]}
    return parsed


def checked_files(parsed: ParsedMail) -> tuple[list, list[str]]:
    """The attachments as uploads that pass the upload checks (kesu.core.uploads), and why the others failed."""
    files, refusals = [], []
    for name, data in parsed.attachments:
        upload = SimpleUploadedFile(name, data)
        try:
            check_upload(upload, field="files")
        except ValidationError as error:
            refusals.extend(str(m) for messages in error.message_dict.values() for m in messages)
        else:
            upload.seek(0)
            files.append(upload)
    return files, refusals


def sender_customer(company, sender: str):
    """(customer, contact, reason): the contact with this address, else the one customer using its domain.

    ``reason`` is empty when found, else why not (unknown or ambiguous sender).
    """
    from kesu.customers.models import Contact

    contacts = list(Contact.objects.filter(company=company, email__iexact=sender).select_related("customer")
                    .order_by("pk")[:20])
    customers = {c.customer_id for c in contacts}
    if len(customers) == 1:
        return contacts[0].customer, contacts[0], ""
    if len(customers) > 1:
        return None, None, Reason.AMBIGUOUS_SENDER
    domain = sender.rpartition("@")[2]
    if not domain or domain in PUBLIC_DOMAINS:
        return None, None, Reason.UNKNOWN_SENDER
    customers = set(Contact.objects.filter(company=company, email__iendswith=f"@{domain}")
                    .values_list("customer_id", flat=True)[:20])
    if len(customers) == 1:
        from kesu.customers.models import Customer

        return Customer.objects.get(pk=customers.pop()), None, ""
    return None, None, (Reason.AMBIGUOUS_SENDER if customers else Reason.UNKNOWN_SENDER)


def quoted_complaint(company, subject: str):
    """The company's complaint whose number the subject quotes (a reply: "Re: KS-2026-0001 …"), or None."""
    from kesu.complaints.models import Complaint

    tokens = {t for t in TOKEN.findall(subject or "")}
    tokens |= {t.rstrip(".") for t in tokens}
    if not tokens:
        return None
    return Complaint.objects.filter(company=company, number__in=sorted(tokens)[:50]).order_by("-pk").first()


def _received_at(parsed: ParsedMail, now: datetime.datetime) -> datetime.datetime:
    sent = parsed.sent_at
    if sent is None or sent > now or now - sent > DATE_TRUSTED_FOR:
        return now
    return sent


def mail_text(parsed: ParsedMail) -> str:
    """The subject and the text, as the complaint's description or the timeline entry shows them."""
    parts = [p for p in (parsed.subject.strip(), parsed.body.strip()) if p]
    return "\n\n".join(parts) or _("(The mail has no text.)")


def _register(row: InboundMail, parsed: ParsedMail, files: list, now: datetime.datetime) -> None:
    """Make the complaint or the timeline entry of a mail from a known sender; ValidationError when refused."""
    from kesu.complaints import services as complaint_services
    from kesu.complaints.choices import Channel, Direction

    text = mail_text(parsed)
    complaint = quoted_complaint(row.company, parsed.subject)
    if complaint is not None:
        if complaint.customer_id != row.customer_id:
            row.outcome, row.reason = Outcome.TRIAGE, Reason.FOREIGN_REPLY
            row.reason_detail = _("The subject quotes %(number)s, which is a complaint of another customer.") % {
                "number": complaint.number}
            return
        complaint_services.communication_log(
            actor=None, complaint=complaint, direction=Direction.IN, channel=Channel.EMAIL, summary=text[:20000],
            at=_received_at(parsed, now), files=files, source=SOURCE)
        row.outcome, row.complaint = Outcome.REPLY, complaint
        return
    data = {"channel": Channel.EMAIL, "customer": row.customer, "contact": row.contact,
            "received_at": _received_at(parsed, now), "description": text[:20000]}
    row.complaint = complaint_services.complaint_create(actor=None, company=row.company, data=data, files=files,
                                                        source=SOURCE)
    row.outcome = Outcome.COMPLAINT


def mail_take_in(*, mailbox: Mailbox, uidvalidity: int, uid: int, raw: bytes, size: int,
                 oversized: bool = False, now: datetime.datetime | None = None) -> InboundMail | None:
    """Take in one fetched message exactly once; returns its row, or None when it was taken in before.

    ``raw`` is the whole mail, or only its headers when ``oversized`` (the whole mail stays on the server).
    """
    now = now or timezone.now()
    parsed = mail_parse(raw, headers_only=oversized)
    with acting_as(None, SOURCE), transaction.atomic():
        done = InboundMail.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).exists()
        if not done and parsed.message_id:
            # After a UIDVALIDITY change the server numbers old mails anew: the Message-ID still knows them.
            done = InboundMail.objects.filter(mailbox=mailbox, message_id=parsed.message_id).exclude(
                uidvalidity=uidvalidity).exists()
        Mailbox.objects.filter(pk=mailbox.pk, uidvalidity=uidvalidity, last_uid__lt=uid).update(last_uid=uid)
        if done:
            return None
        row = InboundMail(
            company_id=mailbox.company_id, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid,
            message_id=parsed.message_id, sender=parsed.sender, sender_name=parsed.sender_name,
            subject=parsed.subject, sent_at=parsed.sent_at, fetched_at=now, size=min(size, 2**31 - 1),
            body=parsed.body, attachment_names=[name for name, _data in parsed.attachments][:50],
            outcome=Outcome.TRIAGE,
        )
        row.company = mailbox.company
        row.raw.save(f"{mailbox.pk}-{uidvalidity}-{uid}.eml", ContentFile(raw), save=False)
        try:
            with transaction.atomic():
                # The row first: a second worker on the same message waits here and then finds it taken,
                # before it could make a second complaint.
                row.save()
        except IntegrityError:
            row.raw.delete(save=False)
            return None
        _decide(row, parsed, oversized=oversized, limit=mailbox.max_bytes, now=now)
        row.save()
    return row


def _decide(row: InboundMail, parsed: ParsedMail, *, oversized: bool, limit: int, now) -> None:
    """Set the row's outcome: registered (complaint or reply) or triage with the reason."""
    if oversized:
        row.reason = Reason.OVERSIZED
        row.reason_detail = _("%(size)s bytes, the mailbox accepts at most %(limit)s; the whole mail stays on "
                              "the mail server.") % {"size": row.size, "limit": limit}
        return
    if parsed.error:
        row.reason, row.reason_detail = Reason.MALFORMED, parsed.error[:2000]
        return
    customer, contact, reason = sender_customer(row.company, parsed.sender)
    row.customer, row.contact = customer, contact
    files, refusals = checked_files(parsed)
    if refusals:
        row.reason, row.reason_detail = Reason.REFUSED_ATTACHMENT, "\n".join(refusals)[:2000]
        return
    if customer is None:
        row.reason = reason
        row.reason_detail = _("No contact or customer of this company uses the address %(sender)s.") % {
            "sender": parsed.sender} if reason == Reason.UNKNOWN_SENDER else _(
            "Contacts of several customers use the address or domain of %(sender)s.") % {"sender": parsed.sender}
        return
    try:
        with transaction.atomic():
            _register(row, parsed, files, now)
    except Exception as error:  # noqa: BLE001 -- whatever refused it, the mail waits in triage, never lost
        if not isinstance(error, ValidationError | TransitionRefused | PermissionDenied):
            logger.exception("mail %s could not be registered", row.pk)
        messages = error.messages if isinstance(error, ValidationError) else [str(error) or type(error).__name__]
        row.outcome, row.complaint = Outcome.TRIAGE, None
        row.reason, row.reason_detail = Reason.NOT_REGISTERED, "\n".join(messages)[:2000]
