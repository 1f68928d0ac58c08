"""Notifications of the prevention module and its hooks on complaints. Signals arrive after commit."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.complaints import signals as complaint_signals
from kesu.notifications.choices import Event
from kesu.notifications.services import notify

from . import signals
from .choices import LEADERSHIP_CLASSES, GroupKind


def _signal_link(signal) -> str:
    return reverse("prevention:detail", args=[signal.pk])


def _signal_summary(signal) -> str:
    return f"{signal.customer} · {signal.get_source_display()}\n{signal.observed[:500]}"


def alerted_group(signal) -> str:
    """Seed 001 §五–§七: A and B go to the leadership group at once, C to the working group."""
    return GroupKind.LEADERSHIP if signal.warning_class in LEADERSHIP_CLASSES else GroupKind.WORKING


@receiver(signals.signal_raised, dispatch_uid="prevention_signal_raised")
def on_signal_raised(sender, warning, actor=None, **kwargs):
    signal = warning
    from .services import members_of

    notify(event=Event.SIGNAL_RAISED, company=signal.company,
           context={"owner": signal.owner, "creator": signal.reported_by, "record": signal,
                    "members": members_of(signal.company, alerted_group(signal))},
           actor=actor, link=_signal_link(signal),
           message=lambda: (_("%(class)s signal %(number)s: %(customer)s") % {
               "class": signal.get_warning_class_display(), "number": signal.number, "customer": signal.customer},
               _signal_summary(signal)))


@receiver(signals.signal_transitioned, dispatch_uid="prevention_signal_transitioned")
def on_signal_transitioned(sender, warning, actor=None, **kwargs):
    signal = warning
    notify(event=Event.PREVENTION_TRANSITIONED, company=signal.company,
           context={"owner": signal.owner, "creator": signal.reported_by, "record": signal, "members": []},
           actor=actor, link=_signal_link(signal),
           message=lambda: (_("Signal %(number)s is now “%(status)s”") % {
               "number": signal.number, "status": signal.get_status_display()}, kwargs.get("note", "")))


@receiver(signals.assessment_transitioned, dispatch_uid="prevention_assessment_transitioned")
def on_assessment_transitioned(sender, assessment, actor=None, **kwargs):
    notify(event=Event.PREVENTION_TRANSITIONED, company=assessment.company,
           context={"owner": assessment.salesperson, "creator": None, "record": assessment, "members": []},
           actor=actor, link=reverse("prevention:assessment", args=[assessment.pk]),
           message=lambda: (_("Your after-sales assessment %(period)s is confirmed") % {
               "period": f"{assessment.period_start:%Y-%m-%d}–{assessment.period_end:%Y-%m-%d}"},
               kwargs.get("note", "")))


@receiver(signals.repeat_flagged, dispatch_uid="prevention_repeat_flagged")
def on_repeat_flagged(sender, flag, complaint, action_owners=(), **kwargs):
    # ISO 10002 §8.5: the complaint's owner hears it is a repeat; a repeat under a corrective action verified
    # effective reopens that action's effectiveness question — its owner is told.
    earlier = "、".join(c.number for c in flag.earlier.all())
    notify(event=Event.REPEAT_COMPLAINT, company=complaint.company,
           context={"owner": complaint.owner, "creator": complaint.created_by, "record": complaint,
                    "members": list(action_owners)},
           link=reverse("complaints:detail", args=[complaint.pk]),
           message=lambda: (_("Complaint %(number)s repeats %(earlier)s") % {
               "number": complaint.number, "earlier": earlier}, str(flag.get_rule_display())))


@receiver(complaint_signals.complaint_created, dispatch_uid="prevention_repeat_on_create")
def on_complaint_created(sender, complaint, **kwargs):
    from .repeats import flag_repeat

    flag_repeat(complaint)


@receiver(complaint_signals.complaint_transitioned, dispatch_uid="prevention_repeat_on_transition")
def on_complaint_transitioned(sender, complaint, **kwargs):
    from .repeats import flag_repeat

    if kwargs.get("action") in ("assess", "record_recurrence"):
        complaint.refresh_from_db()
        flag_repeat(complaint)
