"""Events of every module → notifications. Signals arrive after commit: a rolled-back change tells no one.

Each context names the record, so the next actor can be read from the work registry (issue 16 §3).
"""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.capa import signals as capa_signals
from kesu.claims import signals as claim_signals
from kesu.complaints import signals
from kesu.complaints.choices import DeadlineKind, Status
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import pass_on_recipients
from kesu.complaints.workflow import TRANSITIONS
from kesu.surveys import signals as survey_signals

from .choices import Event
from .services import notify


def _link(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _people(complaint: Complaint, **extra) -> dict:
    return {"owner": complaint.owner, "creator": complaint.created_by, "department": complaint.department,
            "record": complaint, **extra}


def _summary(complaint: Complaint) -> str:
    return f"{complaint.customer} · {complaint.defect_location} {complaint.defect_nature}\n{complaint.description[:500]}"


@receiver(signals.complaint_created, dispatch_uid="notify_complaint_created")
def on_created(sender, complaint, actor=None, **kwargs):
    notify(event=Event.COMPLAINT_CREATED, company=complaint.company, context=_people(complaint),
           actor=actor, link=_link(complaint),
           message=lambda: (_("New complaint %(number)s") % {"number": complaint.number}, _summary(complaint)))


@receiver(signals.complaint_assigned, dispatch_uid="notify_complaint_assigned")
def on_assigned(sender, complaint, owner, actor=None, **kwargs):
    notify(event=Event.COMPLAINT_ASSIGNED, company=complaint.company,
           context=_people(complaint, owner=owner), actor=actor, link=_link(complaint),
           message=lambda: (_("Complaint %(number)s assigned to you") % {"number": complaint.number},
                            _summary(complaint)))


def _status_label(status: str) -> str:
    """The status a step left, in the reader's language (the complaint may have moved on since)."""
    return str(Status(status).label) if status in Status.values else status


@receiver(signals.complaint_transitioned, dispatch_uid="notify_complaint_transitioned")
def on_transitioned(sender, complaint, actor=None, **kwargs):
    context = _people(complaint)
    row = TRANSITIONS.get((kwargs.get("old_status"), kwargs.get("action")))
    if row is not None and DeadlineKind.PASS_ON in row.meets:
        # 004 §6.1: the step that passes the complaint on tells the salesperson's superior and the sales assistant.
        context["pass_on"] = pass_on_recipients(complaint)
    if kwargs.get("old_status") == kwargs.get("new_status"):
        # A step inside a status (QA's opinion, the instruction, the initial report) is news for whoever it gives
        # work, not for the owner: their complaint has not moved on, and its timeline shows the step.
        context.update(owner=None, creator=None)
    notify(event=Event.COMPLAINT_TRANSITIONED, company=complaint.company, context=context,
           actor=actor, link=_link(complaint),
           message=lambda: (_("Complaint %(number)s is now “%(status)s”") % {
               "number": complaint.number, "status": _status_label(kwargs.get("new_status") or complaint.status)},
                            kwargs.get("note", "")))


@receiver(signals.complaint_escalated, dispatch_uid="notify_complaint_escalated")
def on_escalated(sender, complaint, escalation, **kwargs):
    notify(event=Event.COMPLAINT_ESCALATED, company=complaint.company,
           context=_people(complaint, escalation=escalation), link=_link(complaint),
           message=lambda: (_("Overdue: complaint %(number)s (%(deadline)s)") % {
               "number": complaint.number, "deadline": escalation.deadline.get_kind_display()}, _summary(complaint)))


@receiver(signals.early_warning_raised, dispatch_uid="notify_early_warning")
def on_early_warning(sender, complaint, warning_class, **kwargs):
    notify(event=Event.EARLY_WARNING, company=complaint.company, context=_people(complaint),
           link=_link(complaint),
           message=lambda: (_("Early warning %(cls)s: complaint %(number)s") % {
               "cls": warning_class.upper(), "number": complaint.number}, _summary(complaint)))


@receiver(signals.safety_flagged, dispatch_uid="notify_safety_flagged")
def on_safety_flagged(sender, complaint, actor=None, **kwargs):
    notify(event=Event.SAFETY_FLAGGED, company=complaint.company, context=_people(complaint), actor=actor,
           link=_link(complaint),
           message=lambda: (_("Safety or regulatory impact: complaint %(number)s (%(severity)s)") % {
               "number": complaint.number, "severity": complaint.get_severity_display()}, _summary(complaint)))


# -- corrective actions and nonconforming reports (issue 4) ------------------------------------

def _action_people(action, **extra) -> dict:
    return {"owner": action.owner, "creator": action.raised_by, "department": action.responsible_department,
            "record": action, **extra}


def _action_link(action) -> str:
    return reverse("capa:detail", args=[action.pk])


@receiver(capa_signals.action_raised, dispatch_uid="notify_action_raised")
def on_action_raised(sender, action, actor=None, **kwargs):
    notify(event=Event.ACTION_RAISED, company=action.company, context=_action_people(action), actor=actor,
           link=_action_link(action),
           message=lambda: (_("Corrective action %(number)s for your department") % {"number": action.number},
                            f"{action.title}\n{action.problem[:500]}"))


@receiver(capa_signals.action_transitioned, dispatch_uid="notify_action_transitioned")
def on_action_transitioned(sender, action, actor=None, note="", **kwargs):
    notify(event=Event.ACTION_TRANSITIONED, company=action.company, context=_action_people(action), actor=actor,
           link=_action_link(action),
           message=lambda: (_("Corrective action %(number)s is now “%(status)s”") % {
               "number": action.number, "status": action.get_status_display()}, note))


@receiver(capa_signals.action_escalated, dispatch_uid="notify_action_escalated")
def on_action_escalated(sender, action, escalation, **kwargs):
    notify(event=Event.ACTION_ESCALATED, company=action.company, context=_action_people(action, escalation=escalation),
           link=_action_link(action),
           message=lambda: (_("Overdue: %(step)s of corrective action %(number)s") % {
               "step": escalation.step.get_step_display(), "number": action.number}, action.title))


@receiver(capa_signals.ncr_changed, dispatch_uid="notify_ncr_changed")
def on_ncr_changed(sender, ncr, actor=None, **kwargs):
    notify(event=Event.NCR_CHANGED, company=ncr.company,
           context={"owner": None, "creator": ncr.issued_by, "department": ncr.responsible_department,
                    "record": ncr},
           actor=actor, link=reverse("capa:ncr_detail", args=[ncr.pk]),
           message=lambda: (_("Nonconforming product report %(number)s: %(status)s") % {
               "number": ncr.number, "status": ncr.get_status_display()}, ncr.description[:500]))


def _next_roles(table, status: str) -> set[str]:
    return {str(role) for row in table.rows if status in row.sources for role in row.roles}


@receiver(claim_signals.claim_created, dispatch_uid="notify_claim_created")
def on_claim_created(sender, claim, actor=None, **kwargs):
    notify(event=Event.CLAIM_CREATED, company=claim.company, context={"owner": claim.owner, "record": claim},
           actor=actor, link=reverse("claims:detail", args=[claim.pk]),
           message=lambda: (_("New claim %(number)s") % {"number": claim.number},
                            f"{claim.customer} · {claim.title}"))


@receiver(claim_signals.claim_transitioned, dispatch_uid="notify_claim_transitioned")
def on_claim_transitioned(sender, claim, new_status, actor=None, note="", **kwargs):
    from kesu.claims.workflow import CLAIM_TABLE

    # Amounts stay out of the message: not everyone told may see money.
    notify(event=Event.CLAIM_TRANSITIONED, company=claim.company,
           context={"owner": claim.owner, "creator": claim.created_by, "record": claim,
                    "next_roles": _next_roles(CLAIM_TABLE, new_status)},
           actor=actor, link=reverse("claims:detail", args=[claim.pk]),
           message=lambda: (_("Claim %(number)s is now “%(status)s”") % {
               "number": claim.number, "status": claim.get_status_display()}, note))


@receiver(claim_signals.supplier_claim_transitioned, dispatch_uid="notify_supplier_claim_transitioned")
def on_supplier_claim_transitioned(sender, supplier_claim, new_status, actor=None, note="", **kwargs):
    from kesu.claims.workflow import SUPPLIER_TABLE

    sc = supplier_claim
    notify(event=Event.SUPPLIER_CLAIM_TRANSITIONED, company=sc.company,
           context={"owner": sc.handler, "creator": sc.raised_by, "record": sc,
                    "next_roles": _next_roles(SUPPLIER_TABLE, new_status)},
           actor=actor, link=reverse("claims:supplier_detail", args=[sc.pk]),
           message=lambda: (_("Supplier claim %(number)s is now “%(status)s”") % {
               "number": sc.number, "status": sc.get_status_display()}, note))


@receiver(survey_signals.answer_received, dispatch_uid="notify_survey_answered")
def on_survey_answered(sender, answer, **kwargs):
    campaign = answer.campaign
    customer = answer.recipient.customer
    notify(event=Event.SURVEY_ANSWERED, company=campaign.company, context={"owner": campaign.owner},
           link=reverse("surveys:answer_detail", args=[answer.pk]),
           message=lambda: (_("%(customer)s answered %(campaign)s: %(score)s (%(grade)s)") % {
               "customer": customer.name, "campaign": campaign.name, "score": answer.score,
               "grade": answer.get_grade_display()}, answer.remarks))


# -- survey campaigns, improvements, meetings and the yearly report (issue 16 §3, issue 18 §3, §7, §8) ----------


@receiver(survey_signals.campaign_transitioned, dispatch_uid="notify_campaign_transitioned")
def on_campaign_transitioned(sender, campaign, actor=None, note="", **kwargs):
    notify(event=Event.CAMPAIGN_TRANSITIONED, company=campaign.company,
           context={"owner": campaign.owner, "record": campaign}, actor=actor,
           link=reverse("surveys:campaign_detail", args=[campaign.pk]),
           message=lambda: (_("Satisfaction survey %(campaign)s is now “%(status)s”") % {
               "campaign": campaign.name, "status": campaign.get_status_display()}, note))


@receiver(survey_signals.improvement_transitioned, dispatch_uid="notify_improvement_transitioned")
def on_improvement_transitioned(sender, improvement, actor=None, note="", **kwargs):
    campaign = improvement.campaign
    notify(event=Event.IMPROVEMENT_TRANSITIONED, company=improvement.company,
           context={"owner": campaign.owner, "creator": improvement.recorded_by,
                    "department": improvement.department, "record": improvement}, actor=actor,
           link=reverse("surveys:campaign_detail", args=[campaign.pk]) + "#improvements",
           message=lambda: (_("Improvement “%(area)s” (%(campaign)s) is now “%(status)s”") % {
               "area": improvement.area, "campaign": campaign.name, "status": improvement.get_status_display()},
               f"{improvement.measures[:500]}\n{note}".strip()))


@receiver(survey_signals.meeting_called, dispatch_uid="notify_survey_meeting_called")
def on_survey_meeting_called(sender, meeting, actor=None, **kwargs):
    campaign = meeting.campaign
    answer = meeting.answer
    notify(event=Event.SURVEY_MEETING_CALLED, company=meeting.company,
           context={"owner": campaign.owner, "record": meeting}, actor=actor,
           link=reverse("surveys:campaign_detail", args=[campaign.pk]) + "#meetings",
           message=lambda: (_("Improvement meeting needed: %(customer)s scored %(score)s in %(campaign)s") % {
               "customer": answer.recipient.customer.name if answer else "", "score": answer.score if answer else "",
               "campaign": campaign.name}, answer.remarks if answer else ""))


@receiver(survey_signals.report_transitioned, dispatch_uid="notify_satisfaction_report_transitioned")
def on_satisfaction_report_transitioned(sender, report, name="", actor=None, note="", **kwargs):
    link = reverse("surveys:yearly_report", args=[report.pk])

    def message():
        return (_("%(report)s is now “%(status)s”") % {"report": str(report), "status": report.get_status_display()},
                note)

    receipts = list(report.receipts.select_related("department__head")) if name == "distribute" else []
    writer = report.written_by
    # Distributed, the writer hears through their own department's copy when there is one (each person once).
    told_by_copy = writer is not None and any(r.department_id == writer.department_id for r in receipts)
    notify(event=Event.SATISFACTION_REPORT_TRANSITIONED, company=report.company,
           context={"owner": None, "creator": None if told_by_copy else writer, "record": report}, actor=actor,
           link=link, message=message)
    for receipt in receipts:
        # Seed 000 §4.3.3.3 分发到各部门: each department's copy waits for the department to confirm it.
        notify(event=Event.SATISFACTION_REPORT_TRANSITIONED, company=report.company,
               context={"owner": None, "creator": None, "record": receipt}, actor=actor, link=link,
               message=message)
