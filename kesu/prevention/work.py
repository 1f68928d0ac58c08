"""What prevention records wait for (seed 001 §七; seed 004 §6; design §12).

A signal waits for whoever follows it in the working group (its ``owner``) to identify and diagnose it; once
actions are planned, each action waits for its owner by its working-day deadline; an A or B signal is then decided
(closed) by the leadership group (its ``decider``), a C signal by its follower. An assessment waits for the sales
director to comment and confirm.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import LEADERSHIP_CLASSES, AssessmentStatus, SignalStatus
from .models import Assessment, PreventiveAction, WarningSignal
from .workflow import DIRECTORS, PREVENTERS

S = SignalStatus


def _signal_url(row) -> str:
    return reverse("prevention:detail", args=[row.pk])


def _about(row) -> str:
    return f"{row.get_warning_class_display()} · {row.customer} · {row.observed[:80]}"


work.register(work.Source(
    module="prevention", label=_("Early-warning signals"), model=WarningSignal,
    open=Q(status__in=(S.IDENTIFYING, S.DIAGNOSING, S.PREVENTING)), url=_signal_url, describe=_about,
    steps=(
        work.Step("identify", _("Identify the signal: is it real?"), PREVENTERS, Q(status=S.IDENTIFYING),
                  assignee="owner"),
        work.Step("diagnose", _("Diagnose causes and likely development, plan actions"), PREVENTERS,
                  Q(status=S.DIAGNOSING), assignee="owner"),
        work.Step("decide", _("Decide: close the A/B signal when the actions are done"), PREVENTERS,
                  Q(status=S.PREVENTING, warning_class__in=LEADERSHIP_CLASSES), assignee="decider"),
        work.Step("close_resolved", _("Close the signal when the actions are done"), PREVENTERS,
                  Q(status=S.PREVENTING) & ~Q(warning_class__in=LEADERSHIP_CLASSES), assignee="owner"),
    ),
))


def _action_url(row) -> str:
    return reverse("prevention:detail", args=[row.signal_id])


def _action_about(row) -> str:
    return row.description[:120]


work.register(work.Source(
    module="prevention_actions", label=_("Preventive actions"), model=PreventiveAction,
    open=Q(done_at__isnull=True, signal__status__in=(S.DIAGNOSING, S.PREVENTING)), url=_action_url,
    number="signal__number", customer="signal__customer", describe=_action_about, related=("signal",),
    steps=(
        work.Step("do_action", _("Carry out the preventive action"), PREVENTERS, Q(done_at__isnull=True),
                  assignee="owner", due="due_at"),
    ),
))


def _assessment_url(row) -> str:
    return reverse("prevention:assessment", args=[row.pk])


def _assessment_name(row) -> str:
    return f"{row.salesperson} {row.period_start:%Y-%m-%d}–{row.period_end:%Y-%m-%d}"


work.register(work.Source(
    module="prevention_assessments", label=_("After-sales assessments"), model=Assessment,
    open=Q(status=AssessmentStatus.DRAFT), url=_assessment_url, number=_assessment_name, customer=None,
    related=("salesperson",), describe=lambda row: str(row.salesperson),
    steps=(
        work.Step("confirm", _("Comment on and confirm the assessment"), DIRECTORS, Q(status=AssessmentStatus.DRAFT)),
    ),
))
