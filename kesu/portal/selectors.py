"""What a contact may read (conventions habit 7): their own customer's complaints, in customer's words.

Everything the portal shows goes through here: no internal notes or attachments, no costs, no staff names but
the owner's. A complaint of another customer is a 404, whatever its id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import CustomerDecision, DeadlineKind, Status
from kesu.complaints.models import Complaint, ComplaintAttachment
from kesu.complaints.selectors import timeline_for
from kesu.surveys.choices import CampaignStatus
from kesu.surveys.models import Answer, Invitation, Recipient

from .models import PortalAccount, PortalSettings

# The status in plain words for the customer (issue 23 §1): several internal steps read the same outside.
PLAIN_STATUS = {
    Status.RECEIVED: _("Received, waiting for confirmation"),
    Status.ACKNOWLEDGED: _("Confirmed, being assessed"),
    Status.ASSESSED: _("Being investigated"),
    Status.SALES_HANDLING: _("Being investigated"),
    Status.QA_INVESTIGATION: _("Being investigated"),
    Status.REMEDY_PROPOSED: _("Remedy being prepared"),
    Status.REMEDY_APPROVED: _("Remedy proposed: waiting for your decision"),
    Status.CUSTOMER_REJECTED: _("You rejected the remedy: a new proposal is being prepared"),
    Status.REMEDY_ACCEPTED: _("Remedy accepted: being carried out"),
    Status.REMEDY_DONE: _("Remedy carried out"),
    Status.VERIFICATION: _("Checking later deliveries"),
    Status.EXPLANATION_SENT: _("Written explanation sent to you"),
    Status.CLOSED: _("Closed"),
    Status.REJECTED_AT_INTAKE: _("Not accepted (not our product)"),
    Status.CANCELLED: _("Cancelled"),
}
# The deadlines the customer is told of: when we answer and when we mean to close (ISO 10002 §7.3).
SHOWN_DEADLINES = (DeadlineKind.REPLY, DeadlineKind.CLOSURE)
DEADLINE_WORDS = {DeadlineKind.REPLY: _("First answer to you"), DeadlineKind.CLOSURE: _("Planned closure")}


def plain_status(status: str) -> str:
    return str(PLAIN_STATUS.get(status, Status(status).label if status in Status.values else status))


def portal_complaints(account: PortalAccount) -> QuerySet[Complaint]:
    """The complaints of the contact's customer (not only the contact's own: a colleague's are theirs too)."""
    return (Complaint.objects.filter(company_id=account.company_id, customer_id=account.contact.customer_id)
            .select_related("part").order_by("-received_at", "-id"))


def portal_complaint_get(account: PortalAccount, pk) -> Complaint:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    complaint = portal_complaints(account).select_related("owner", "company", "customer").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


@dataclass
class Milestone:
    at: object
    status: str
    label: str


def milestones(complaint: Complaint) -> list[Milestone]:
    """Each status the complaint reached, once, in plain words (not who moved it, nor the internal note)."""
    rows, last = [], None
    for change in complaint.status_changes.order_by("at", "id").only("at", "new_status"):
        words = plain_status(change.new_status)
        if words != last:
            rows.append(Milestone(at=change.at, status=change.new_status, label=words))
            last = words
    return rows


def deadlines(complaint: Complaint) -> list[dict]:
    rows = []
    for d in complaint.deadlines.filter(kind__in=SHOWN_DEADLINES, cancelled_at__isnull=True).order_by("due_at"):
        rows.append({"kind": d.kind, "label": str(DEADLINE_WORDS[d.kind]), "due_at": d.due_at, "met_at": d.met_at})
    return rows


def communications(complaint: Complaint):
    """The non-internal timeline (communications only) with their non-internal files."""
    return timeline_for(complaint, include_internal=False)


def pending_remedy(complaint: Complaint):
    """The approved proposal waiting for the customer's decision, if the complaint waits for it."""
    if complaint.status != Status.REMEDY_APPROVED:
        return None
    return complaint.remedies.filter(customer_decision=CustomerDecision.PENDING).order_by("-round").first()


def remedies(complaint: Complaint) -> list[dict]:
    """Proposals the customer has seen (approved ones), with their decision; not who proposed or approved."""
    return [{"round": r.round, "text": r.text, "decision": r.customer_decision,
             "decision_label": r.get_customer_decision_display(), "reason": r.decision_reason,
             "decided_at": r.decided_at}
            for r in complaint.remedies.filter(approved_at__isnull=False).order_by("round")]


def portal_attachment_get(account: PortalAccount, complaint_pk, pk) -> ComplaintAttachment:
    complaint = portal_complaint_get(account, complaint_pk)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    row = ComplaintAttachment.objects.filter(complaint=complaint, pk=pk, internal=False).first()
    if row is None:
        raise Http404
    return row


def explanation_available(complaint: Complaint) -> bool:
    """The written explanation is the customer's once it has been sent to them."""
    return bool(complaint.explanation) and complaint.status_changes.filter(name="send_explanation").exists()


# -- documents meant for the customer ------------------------------------------------------------------


def shares_eight_d(account: PortalAccount) -> bool:
    return PortalSettings.objects.filter(company_id=account.company_id, share_eight_d=True).exists()


def shared_eight_d(account: PortalAccount, complaint: Complaint):
    """The 8D action raised from ``complaint`` when the company shares 8D reports with customers, else None."""
    from kesu.capa.choices import ActionFormat
    from kesu.capa.selectors import links_to

    if not shares_eight_d(account):
        return None
    link = (links_to(complaint).filter(action__company_id=complaint.company_id, action__format=ActionFormat.EIGHT_D)
            .order_by("-action__raised_at", "-action_id").first())
    return link.action if link is not None else None


# -- the contact's surveys -----------------------------------------------------------------------------


def portal_survey_recipients(account: PortalAccount) -> QuerySet[Recipient]:
    """The survey invitations of this contact (not a colleague's: a survey asks one person's opinion)."""
    return (Recipient.objects.filter(company_id=account.company_id, customer_id=account.contact.customer_id,
                                     contact_id=account.contact_id, included=True)
            .select_related("campaign", "campaign__company", "campaign__complaint").order_by("-campaign__opened_at", "-id"))


def open_invitation(recipient: Recipient) -> Invitation | None:
    """The contact's unused, unexpired link of an open campaign not yet answered: what answering spends."""
    if recipient.campaign.status != CampaignStatus.OPEN or Answer.objects.filter(recipient=recipient).exists():
        return None
    return (recipient.invitations.filter(used_at__isnull=True, expires_at__gt=timezone.now(),
                                         contact_id=recipient.contact_id)
            .select_related("contact").order_by("-id").first())


def portal_surveys(account: PortalAccount) -> dict[str, list[dict]]:
    """The contact's open survey invitations (campaign open, not answered, link valid) and answered ones."""
    now = timezone.now()
    rows = (portal_survey_recipients(account)
            .annotate(answered_at=models.F("answer__answered_at"),
                      open_links=models.Count("invitations", filter=models.Q(
                          invitations__used_at__isnull=True, invitations__expires_at__gt=now,
                          invitations__contact_id=account.contact_id))))
    result: dict[str, list[dict]] = {"open": [], "answered": []}
    for r in rows:
        row = {"id": r.pk, "name": r.campaign.title, "opened_at": r.campaign.opened_at, "answered_at": r.answered_at}
        if r.answered_at is not None:
            result["answered"].append(row)
        elif r.campaign.status == CampaignStatus.OPEN and r.open_links:
            result["open"].append(row)
    return result


def portal_survey_get(account: PortalAccount, pk) -> tuple[Recipient, Invitation]:
    """An open survey of this contact and the link it spends; anything else (another's, answered, closed) 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    recipient = portal_survey_recipients(account).filter(pk=pk).first()
    invitation = open_invitation(recipient) if recipient is not None else None
    if invitation is None:
        raise Http404
    return recipient, invitation
