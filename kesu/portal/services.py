"""Every write of the portal (conventions habit 1): invitations, sign-in, and the customer's complaint steps.

A contact acts through the complaint services as the system (``actor=None``) with the source "portal": the
services' role checks are for staff, and the portal's own check is that the complaint is the contact's
customer's (``selectors.portal_complaint_get``). The audit trail and the timeline say "portal".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.accounts.roles import SALES
from kesu.complaints import services as complaint_services
from kesu.complaints.choices import Channel, Direction
from kesu.core.context import acting_as
from kesu.core.services import require_role

from . import access
from .models import PortalAccount, PortalToken

SOURCE = "portal"
INVITERS = SALES


def _staff_language():
    """What the system writes for staff (the step's timeline text, the note naming the contact) is in the
    installation's language, not the contact's: the customer's own message keeps the contact's language."""
    return translation.override(settings.LANGUAGE_CODE)


def _mail(account: PortalAccount, subject, body) -> None:
    from kesu.notifications.services import mail_queue

    company, to = account.company, account.email
    transaction.on_commit(lambda: mail_queue(company=company, to=to, subject=subject, body=body))


def _invite_text(account: PortalAccount) -> tuple[str, str]:
    with translation.override(account.contact.language):
        subject = _("Your access to the complaint portal of %(company)s") % {"company": account.company.name}
        body = _("Dear %(name)s,\n\n%(company)s invites you to its customer complaint portal, where you can file "
                 "complaints and follow them. Set your password within 7 days with this link (it works once):\n\n"
                 "%(link)s\n\nYou sign in with your e-mail address %(email)s.") % {
            "name": account.contact.name, "company": account.company.name,
            "link": access.link_url(account, "invite"), "email": account.email}
    return subject, body


def portal_invite(*, actor, contact, source: str = "web") -> PortalAccount:
    """Give a customer contact a portal account (or renew it) and e-mail a one-time link to set a password.

    Only sales staff of the contact's company invite; the contact needs an e-mail address, used by no other
    portal account.
    """
    require_role(actor, INVITERS, contact.company_id)
    email = (contact.email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("The contact has no e-mail address to send the invitation to.")})
    taken = PortalAccount.objects.filter(email=email).exclude(contact=contact).exists()
    if taken:
        raise ValidationError({"email": _("Another contact's portal account already uses this e-mail address.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        account = PortalAccount.objects.filter(contact=contact).first()
        if account is None:
            account = PortalAccount(company_id=contact.company_id, contact=contact)
        account.email = email
        account.is_active = True
        account.invited_by = actor if getattr(actor, "is_authenticated", False) else None
        account.invited_at = now
        account.save()
        account.contact = contact
        _mail(account, *_invite_text(account))
    return account


def portal_deactivate(*, actor, account: PortalAccount, source: str = "web") -> PortalAccount:
    """Switch a contact's portal access off: sessions, links and API tokens stop working at once."""
    require_role(actor, INVITERS, account.company_id)
    with acting_as(actor, source), transaction.atomic():
        account.is_active = False
        account.save(update_fields=["is_active", "updated_at"])
        account.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return account


def portal_password_set(*, account: PortalAccount, password: str) -> PortalAccount:
    """The contact's own password (from the invitation link); other sessions and earlier links end."""
    try:
        validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    with acting_as(None, SOURCE), transaction.atomic():
        account.set_password(password)
        account.save(update_fields=["password", "updated_at"])
    return account


def portal_login_link_send(*, email: str) -> bool:
    """E-mail a one-time sign-in link to an active account of this address; nothing (and no sign) otherwise."""
    account = access.active_accounts().filter(email=(email or "").strip().lower()).first()
    if account is None:
        return False
    with translation.override(account.contact.language):
        subject = _("Your sign-in link to the complaint portal")
        body = _("Dear %(name)s,\n\nsign in to the complaint portal of %(company)s with this link within 30 "
                 "minutes (it works once):\n\n%(link)s\n\nIf you did not ask for it, ignore this e-mail.") % {
            "name": account.contact.name, "company": account.company.name,
            "link": access.link_url(account, "login")}
    with transaction.atomic():
        _mail(account, subject, body)
    return True


def portal_code_send(*, account: PortalAccount, code: str) -> None:
    """E-mail the one-time sign-in code (when the company asks for two steps)."""
    with translation.override(account.contact.language):
        subject = _("Your sign-in code: %(code)s") % {"code": code}
        body = _("Your code to sign in to the complaint portal of %(company)s is %(code)s. It is valid for "
                 "10 minutes.") % {"company": account.company.name, "code": code}
    with transaction.atomic():
        _mail(account, subject, body)


# -- the contact's complaint steps ---------------------------------------------------------------------

FILE_FIELDS = ("part", "quantity_defective", "lot_number", "delivery_date", "defect_nature", "description",
               "customer_request")


def portal_complaint_file(*, account: PortalAccount, data: dict[str, Any], files=()):
    """File a complaint for the contact's customer on the short feedback form (channel "portal")."""
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    part = data.get("part")
    if part is not None and (part.company_id != account.company_id
                             or (part.customer_id and part.customer_id != account.contact.customer_id)):
        raise ValidationError({"part": _("Choose one of your parts.")})
    given = {k: v for k, v in data.items() if v not in (None, "")}
    given.update(channel=Channel.PORTAL, customer=account.contact.customer, contact=account.contact)
    files = list(files or ())
    with transaction.atomic():
        with _staff_language():
            complaint = complaint_services.complaint_create(actor=None, company=account.company, data=given,
                                                            source=SOURCE)
        if files:
            # The customer's own photos stay theirs to see: a communication from the customer, not internal as
            # staff intake files are. A file refused by the upload checks refuses the whole complaint.
            complaint_services.communication_log(
                actor=None, complaint=complaint, direction=Direction.IN, channel=Channel.PORTAL,
                summary=_("Files added by %(name)s.") % {"name": account.contact.name}, files=files, source=SOURCE)
    return complaint


def portal_reply(*, account: PortalAccount, complaint, text: str, files=()):
    """The contact's message (and files) on the complaint's timeline: a communication from the customer."""
    text = (text or "").strip()
    if not text and files:
        text = _("Files added by %(name)s.") % {"name": account.contact.name}
    if not text:
        raise ValidationError({"text": _("Write your message.")})
    return complaint_services.communication_log(actor=None, complaint=complaint, direction=Direction.IN,
                                                channel=Channel.PORTAL, summary=text, files=files, source=SOURCE)


def portal_remedy_decide(*, account: PortalAccount, complaint, accepted: bool, reason: str = ""):
    """The customer's decision on the approved remedy: the same step staff record, taken through the portal.

    The decision also goes on the timeline as a communication from the customer, so the contact sees it.
    """
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise ValidationError({"reason": _("Say why you reject the proposed remedy.")})
    who = account.contact.name
    with transaction.atomic():
        with _staff_language():
            done = complaint_services.customer_decision_record(
                actor=None, complaint=complaint, accepted=accepted, reason=reason,
                note=_("Recorded in the customer portal by %(name)s.") % {"name": who}, source=SOURCE)
        summary = (_("We accept the proposed remedy.") if accepted
                   else _("We reject the proposed remedy: %(reason)s") % {"reason": reason})
        complaint_services.communication_log(actor=None, complaint=done, direction=Direction.IN,
                                             channel=Channel.PORTAL, summary=summary, source=SOURCE)
    return done


def portal_explanation_answer(*, account: PortalAccount, complaint, acknowledged: bool, reason: str = ""):
    """The customer acknowledges the written explanation (the complaint closes) or disputes it (back to QA).

    The same steps staff record for the customer ("customer_acknowledges", "customer_disputes"), through the
    portal; the answer also goes on the timeline as a communication from the customer.
    """
    from kesu.complaints.services import complaint_transition

    reason = (reason or "").strip()
    if not acknowledged and not reason:
        raise ValidationError({"reason": _("Say why you dispute the explanation.")})
    with _staff_language():
        recorded = _("Recorded in the customer portal by %(name)s.") % {"name": account.contact.name}
    with transaction.atomic():
        if acknowledged:
            with _staff_language():
                done = complaint_transition(actor=None, complaint=complaint, action="customer_acknowledges",
                                            note=f"{recorded} {reason}".strip(), source=SOURCE)
            summary = _("We acknowledge the written explanation.")
            if reason:
                summary = f"{summary}\n{reason}"
        else:
            with _staff_language():
                done = complaint_transition(actor=None, complaint=complaint, action="customer_disputes",
                                            reason=reason, note=recorded, source=SOURCE)
            summary = _("We dispute the written explanation: %(reason)s") % {"reason": reason}
        complaint_services.communication_log(actor=None, complaint=done, direction=Direction.IN,
                                             channel=Channel.PORTAL, summary=summary, source=SOURCE)
    return done


# -- API tokens ------------------------------------------------------------------------------------------


def portal_survey_answer(*, account: PortalAccount, recipient, invitation, choices: dict, comments: dict | None = None,
                         remarks: str = ""):
    """The contact answers one of their surveys inside the portal: the same service as the personal link
    (``answer_submit``), spending the contact's link so it takes no second answer either way."""
    from kesu.surveys.choices import AnswerChannel
    from kesu.surveys.services import answer_submit

    if recipient.contact_id != account.contact_id or invitation.recipient_id != recipient.pk:
        raise ValidationError({"recipient": _("This survey is not yours to answer.")})
    return answer_submit(actor=None, recipient=recipient, invitation=invitation, choices=choices,
                         comments=comments, remarks=remarks, channel=AnswerChannel.PORTAL,
                         respondent=account.contact.name, source=SOURCE)


def portal_token_create(*, account: PortalAccount, name: str) -> tuple[PortalToken, str]:
    """A new API token for the contact's own system; the raw token is returned once and stored hashed."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    raw = PortalToken.generate()
    with acting_as(None, SOURCE), transaction.atomic():
        token = PortalToken.objects.create(account=account, name=name[:100], key_prefix=raw[:12],
                                           token_hash=PortalToken.hash(raw))
    return token, raw


def portal_token_revoke(*, account: PortalAccount, token: PortalToken) -> PortalToken:
    if token.account_id != account.pk:
        raise ValidationError(_("This token is not yours."))
    with acting_as(None, SOURCE), transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
