"""Complaint events → notifications. Signals arrive after commit: a rolled-back change tells no one."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.complaints import signals
from kesu.complaints.models import Complaint

from .choices import Event
from .services import notify


def _link(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _summary(complaint: Complaint) -> str:
    return f"{complaint.customer} · {complaint.defect_location} {complaint.defect_nature}\n{complaint.description[:500]}"


@receiver(signals.complaint_created, dispatch_uid="notify_complaint_created")
def on_created(sender, complaint, actor=None, **kwargs):
    notify(event=Event.COMPLAINT_CREATED, company=complaint.company, context={"complaint": complaint},
           actor=actor, link=_link(complaint),
           message=lambda: (_("New complaint %(number)s") % {"number": complaint.number}, _summary(complaint)))


@receiver(signals.complaint_assigned, dispatch_uid="notify_complaint_assigned")
def on_assigned(sender, complaint, owner, actor=None, **kwargs):
    notify(event=Event.COMPLAINT_ASSIGNED, company=complaint.company,
           context={"complaint": complaint, "owner": owner}, actor=actor, link=_link(complaint),
           message=lambda: (_("Complaint %(number)s assigned to you") % {"number": complaint.number},
                            _summary(complaint)))


@receiver(signals.complaint_transitioned, dispatch_uid="notify_complaint_transitioned")
def on_transitioned(sender, complaint, actor=None, **kwargs):
    notify(event=Event.COMPLAINT_TRANSITIONED, company=complaint.company, context={"complaint": complaint},
           actor=actor, link=_link(complaint),
           message=lambda: (_("Complaint %(number)s is now “%(status)s”") % {
               "number": complaint.number, "status": complaint.get_status_display()}, kwargs.get("note", "")))


@receiver(signals.complaint_escalated, dispatch_uid="notify_complaint_escalated")
def on_escalated(sender, complaint, escalation, **kwargs):
    notify(event=Event.COMPLAINT_ESCALATED, company=complaint.company,
           context={"complaint": complaint, "escalation": escalation}, link=_link(complaint),
           message=lambda: (_("Overdue: complaint %(number)s (%(deadline)s)") % {
               "number": complaint.number, "deadline": escalation.deadline.get_kind_display()}, _summary(complaint)))


@receiver(signals.early_warning_raised, dispatch_uid="notify_early_warning")
def on_early_warning(sender, complaint, warning_class, **kwargs):
    notify(event=Event.EARLY_WARNING, company=complaint.company, context={"complaint": complaint},
           link=_link(complaint),
           message=lambda: (_("Early warning %(cls)s: complaint %(number)s") % {
               "cls": warning_class.upper(), "number": complaint.number}, _summary(complaint)))
