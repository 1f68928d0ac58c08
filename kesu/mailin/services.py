"""The one write path of the mail intake (conventions habit 1): mailboxes, and QA's decisions on triaged mails.

Every service is atomic, keyword-only, checks the actor's role and company, and runs as the actor so the audit
trail names who did it. The fetch itself (no person acting) lives in :mod:`kesu.mailin.fetch`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.context import acting_as

from . import permissions
from .choices import Outcome, Security
from .intake import checked_files, mail_parse, mail_text
from .models import InboundMail, Mailbox

MAILBOX_FIELDS = ("name", "host", "port", "security", "username", "password", "folder", "max_bytes", "is_active",
                  "read_existing")


def _require_company(actor, company_id: int) -> None:
    if not (actor.is_superuser or company_id in actor.visible_company_ids()):
        raise PermissionDenied


def _validate(instance) -> None:
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def _mailbox_rules(mailbox: Mailbox) -> None:
    errors = {}
    if mailbox.security not in Security.values:
        errors["security"] = _("Choose how to connect.")
    if not 1 <= (mailbox.port or 0) <= 65535:
        errors["port"] = _("A port is a number from 1 to 65535.")
    if not 1024 <= (mailbox.max_bytes or 0) <= 200 * 1024 * 1024:
        errors["max_bytes"] = _("Between 1 KB and 200 MB.")
    if Mailbox.objects.filter(company_id=mailbox.company_id, name=mailbox.name).exclude(pk=mailbox.pk).exists():
        errors["name"] = _("This company already has a mailbox of this name.")
    for name in ("name", "host", "username", "folder", "password"):
        if "\x00" in str(getattr(mailbox, name) or ""):
            errors[name] = _("Remove the invisible control characters.")
    if errors:
        raise ValidationError(errors)


def mailbox_create(*, actor, company, data: dict[str, Any], source: str = "web") -> Mailbox:
    """Add a mailbox for Kesu to read (company administrators)."""
    if not permissions.may_manage_mailboxes(actor):
        raise PermissionDenied(_("Only an administrator may set up mailboxes."))
    _require_company(actor, company.pk)
    unknown = sorted(set(data) - set(MAILBOX_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    mailbox = Mailbox(company=company, **data)
    _mailbox_rules(mailbox)
    _validate(mailbox)
    with acting_as(actor, source), transaction.atomic():
        mailbox.save()
    return mailbox


def mailbox_update(*, actor, mailbox: Mailbox, data: dict[str, Any], source: str = "web") -> Mailbox:
    """Change a mailbox; an empty password keeps the one stored (it is never shown back). A new server, user or
    folder is a different mailbox: reading starts from its UIDVALIDITY again."""
    if not permissions.may_manage_mailboxes(actor):
        raise PermissionDenied(_("Only an administrator may set up mailboxes."))
    _require_company(actor, mailbox.company_id)
    unknown = sorted(set(data) - set(MAILBOX_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    data = dict(data)
    if not data.get("password"):
        data.pop("password", None)
    with acting_as(actor, source), transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        moved = any(name in data and data[name] != getattr(locked, name) for name in ("host", "username", "folder"))
        for name, value in data.items():
            setattr(locked, name, value)
        _mailbox_rules(locked)
        _validate(locked)
        if moved:
            locked.uidvalidity, locked.last_uid = None, 0
        # A changed setting is worth a fresh try at once, whatever the pause after errors said.
        locked.next_attempt_at = None
        locked.save()
    return locked


# -- triage ---------------------------------------------------------------------------------------


def _lock_waiting(actor, mail: InboundMail) -> InboundMail:
    if not permissions.may_triage(actor):
        raise PermissionDenied(_("Only quality assurance handles mails in triage."))
    _require_company(actor, mail.company_id)
    locked = InboundMail.objects.select_for_update(of=("self",)).get(pk=mail.pk)
    if locked.outcome != Outcome.TRIAGE:
        raise ValidationError({"outcome": _("This mail has already been handled (%(outcome)s).") % {
            "outcome": locked.get_outcome_display()}})
    return locked


def _parsed(mail: InboundMail):
    """The stored original mail read again (attachments included); what was kept when it cannot be read."""
    raw = b""
    if mail.raw:
        try:
            with mail.raw.open("rb") as handle:
                raw = handle.read()
        except OSError:
            raw = b""
    parsed = mail_parse(raw) if raw else None
    if parsed is None or parsed.error:
        parsed = mail_parse(b"")
        parsed.error = ""
        parsed.subject, parsed.body, parsed.sender, parsed.sent_at = mail.subject, mail.body, mail.sender, mail.sent_at
    return parsed


def _done(locked: InboundMail, actor, outcome: str, **fields) -> InboundMail:
    locked.outcome = outcome
    locked.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.handled_at = timezone.now()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return locked


def triage_make_complaint(*, actor, mail: InboundMail, customer, contact=None, source: str = "web") -> InboundMail:
    """QA registers a triaged mail as a complaint of ``customer`` (its attachments that pass the upload checks
    come along; a refused one stays only in the kept original)."""
    from kesu.complaints import services as complaint_services
    from kesu.complaints.choices import Channel

    if customer is None or customer.company_id != mail.company_id:
        raise ValidationError({"customer": _("Choose a customer of the mail's company.")})
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("The contact must be one of the customer's.")})
    parsed = _parsed(mail)
    files, _refused = checked_files(parsed)
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_waiting(actor, mail)
        received = locked.sent_at if locked.sent_at and locked.sent_at <= timezone.now() else locked.fetched_at
        complaint = complaint_services.complaint_create(
            actor=actor, company=customer.company, files=files, source=source,
            data={"channel": Channel.EMAIL, "customer": customer, "contact": contact, "received_at": received,
                  "description": mail_text(parsed)[:20000]})
        return _done(locked, actor, Outcome.MADE, complaint=complaint, customer=customer, contact=contact)


def triage_attach(*, actor, mail: InboundMail, complaint, source: str = "web") -> InboundMail:
    """QA adds a triaged mail to a complaint's timeline as an incoming e-mail from the customer."""
    from kesu.complaints import services as complaint_services
    from kesu.complaints.choices import Channel, Direction

    if complaint is None or complaint.company_id != mail.company_id:
        raise ValidationError({"complaint": _("Choose a complaint of the mail's company.")})
    parsed = _parsed(mail)
    files, _refused = checked_files(parsed)
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_waiting(actor, mail)
        at = locked.sent_at if locked.sent_at and locked.sent_at <= timezone.now() else locked.fetched_at
        complaint_services.communication_log(
            actor=actor, complaint=complaint, direction=Direction.IN, channel=Channel.EMAIL,
            summary=mail_text(parsed)[:20000], at=at, files=files, source=source)
        return _done(locked, actor, Outcome.ATTACHED, complaint=complaint)


def triage_discard(*, actor, mail: InboundMail, reason: str, source: str = "web") -> InboundMail:
    """QA discards a triaged mail (spam, a newsletter …) with the reason; the row and the original stay."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the mail is discarded.")})
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_waiting(actor, mail)
        return _done(locked, actor, Outcome.DISCARDED, discard_reason=reason[:2000])
