"""Events people are told about, and who may be told (issue 3 §6, issue 4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    COMPLAINT_CREATED = "complaint_created", _("Complaint recorded")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Complaint assigned")
    COMPLAINT_TRANSITIONED = "complaint_transitioned", _("Complaint moved on")
    COMPLAINT_ESCALATED = "complaint_escalated", _("Overdue complaint escalated")
    EARLY_WARNING = "early_warning", _("Early warning A or B")
    SAFETY_FLAGGED = "safety_flagged", _("Complaint with a safety or regulatory impact")
    ACTION_RAISED = "action_raised", _("Corrective action raised")
    ACTION_TRANSITIONED = "action_transitioned", _("Corrective action moved on")
    ACTION_ESCALATED = "action_escalated", _("Overdue corrective action step escalated")
    NCR_CHANGED = "ncr_changed", _("Nonconforming product report issued, answered or verified")
    CLAIM_CREATED = "claim_created", _("Claim recorded")
    CLAIM_TRANSITIONED = "claim_transitioned", _("Claim moved on")
    SUPPLIER_CLAIM_TRANSITIONED = "supplier_claim_transitioned", _("Supplier claim moved on")
    SURVEY_ANSWERED = "survey_answered", _("Satisfaction survey answered (with the customer's remarks)")
    CAMPAIGN_TRANSITIONED = "campaign_transitioned", _("Satisfaction survey campaign opened or closed")
    IMPROVEMENT_TRANSITIONED = "improvement_transitioned", _(
        "Satisfaction improvement proposed, approved, carried out, verified or reported to the customer")
    SURVEY_MEETING_CALLED = "survey_meeting_called", _("Improvement meeting called by a survey answer")
    SATISFACTION_REPORT_TRANSITIONED = "satisfaction_report_transitioned", _(
        "Yearly satisfaction report submitted, approved, countersigned, distributed or returned")
    REPORT_DUE = "report_due", _("Departmental monthly report due")
    REPORT_SUBMITTED = "report_submitted", _("Departmental monthly report submitted for approval")
    REPORT_DECIDED = "report_decided", _("Departmental monthly report approved or returned")
    # The modules of issues 19–22; each sends its events from its own receivers (kesu/<app>/receivers.py).
    PROPERTY_TRANSITIONED = "property_transitioned", _(
        "Customer property: loan, damage report, drawing copy or inventory check moved on")
    PROPERTY_DUE = "property_due", _("Customer property: a loan return or a calibration is due or overdue")
    CONTRACT_TRANSITIONED = "contract_transitioned", _(
        "Contract review, change notice or delivery plan moved on")
    CONTRACT_DUE = "contract_due", _("Contract review: a sign-off or confirmation is due or overdue")
    SERVICE_TRANSITIONED = "service_transitioned", _("Service plan, visit or product quality report moved on")
    SERVICE_DUE = "service_due", _("Customer service: a planned visit or a report is due")
    SIGNAL_RAISED = "signal_raised", _("Early-warning signal recorded (A and B to the leadership group at once)")
    PREVENTION_TRANSITIONED = "prevention_transitioned", _(
        "Early-warning signal or salesperson assessment moved on")
    REPEAT_COMPLAINT = "repeat_complaint", _("Repeat complaint flagged")
    # Issue 23 §5: a webhook subscription switched off after repeated failed deliveries (kesu/webhooks).
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook subscription disabled after repeated failures")
    # Issue 23 §2: a mailbox of the mail intake could not be read several times in a row (kesu/mailin).
    MAILBOX_DOWN = "mailbox_down", _("Mailbox of the complaint intake cannot be read")


class Audience(models.TextChoices):
    OWNER = "owner", _("the record's owner")
    CREATOR = "creator", _("who recorded or raised it")
    DEPARTMENT_HEAD = "department_head", _("head of the owning or responsible department")
    ESCALATION = "escalation", _("the escalation's recipients")
    LEADERSHIP = "leadership", _("the leadership group (GM, vice GM, sales director, QA)")
    NEXT_STEP = "next_step", _("everyone whose role takes the next step")
    # Issue 16 §3: the people the record now waits for, read from the work registry (kesu/core/work.py).
    NEXT_ACTOR = "next_actor", _("the next actor: whoever the record now waits for, in its department and company")
    # Seed 004 §6.1: a complaint is passed on within one working day to the salesperson's superior and the sales
    # assistant (the step that meets the pass-on deadline names them).
    PASS_ON = "pass_on", _("the salesperson's superior and the sales assistant, when a complaint is passed on")
    QA_HEAD = "qa_head", _("the head of the quality department")
    GM = "gm", _("the general manager")
    # Issues 19–22: the people a record names itself (a prevention group's members, the departments holding a
    # drawing's copies, the departments a change notice goes to), given by the sender as context["members"].
    MEMBERS = "members", _("the people the record names (group members, copy holders, departments concerned)")


class MailStatus(models.TextChoices):
    """Where an outbox mail is: waiting (retried without end), being sent, sent, or given up by an administrator."""

    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    GIVEN_UP = "given_up", _("given up")
