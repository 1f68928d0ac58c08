"""The prevention workflows as data (seed 001 §三, §七; seed 004 §6).

A signal is identified (is it real?), diagnosed (causes and likely development), prevented (actions with owners and
working-day deadlines) and closed: resolved, became a complaint (one click creates it through the complaints
service), or no further risk. Who may decide follows the groups (seed 001 §七): the working group follows every
signal; an A or B signal is closed by the leadership group. ``services.signal_transition`` and
``services.assessment_transition`` are the only code applying these tables.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.workflow import CheckResult, Table, Transition, register_table

from .choices import LEADERSHIP_CLASSES, OPEN_STATUSES, AssessmentStatus, GroupKind, SignalStatus

S = SignalStatus
SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
# Who may record a signal: anyone who meets customers or hears of them (issue 22 §1).
RECORDERS = SALES | {Role.AFTER_SALES, Role.QA, Role.GENERAL_OFFICE, Role.GM, Role.VICE_GM, Role.ENGINEERING}
# Who may act on a signal: the staff roles; membership of the groups decides (checks below).
PREVENTERS = RECORDERS | {Role.PRODUCTION}
# The complaint is created by the complaints service, which only these roles may call (complaints.permissions.CREATE).
COMPLAINT_CREATORS = SALES | {Role.QA, Role.AFTER_SALES}
DIRECTORS = frozenset({Role.SALES_DIRECTOR})

ROWS: tuple[Transition, ...] = (
    Transition("identify", (S.IDENTIFYING,), S.DIAGNOSING, PREVENTERS, _("Identify: the sign is real"),
               required=("identification",), checks=("in_groups",)),
    Transition("diagnose", (S.DIAGNOSING,), S.PREVENTING, PREVENTERS, _("Diagnose causes and development"),
               required=("causes", "development"), checks=("in_groups",)),
    Transition("close_resolved", (S.PREVENTING,), S.CLOSED, PREVENTERS, _("Close: resolved"),
               required=("closing_note",), checks=("decides", "actions_done")),
    Transition("to_complaint", OPEN_STATUSES, S.CLOSED, COMPLAINT_CREATORS, _("It became a complaint: create it"),
               optional=("closing_note",), checks=("in_groups",)),
    Transition("close_no_risk", OPEN_STATUSES, S.CLOSED, PREVENTERS, _("Close: no further risk"),
               required=("closing_note",), checks=("decides",)),
)

INPUT_LABELS: dict[str, Any] = {
    "identification": _("identification: what is really the case"), "causes": _("causes"),
    "development": _("likely development"), "closing_note": _("closing note"),
    "director_comment": _("sales director's comments"),
}


def in_group(signal_or_company_id, user, kinds) -> bool:
    """Whether ``user`` is in one of the groups ``kinds`` of the company."""
    from .models import GroupMember

    company_id = getattr(signal_or_company_id, "company_id", signal_or_company_id)
    return GroupMember.objects.filter(group__company_id=company_id, group__kind__in=list(kinds),
                                      user=user).exists()


def _in_groups(signal, inputs, actor) -> CheckResult:
    # Seed 001 §七 2: the working group finds and handles the problems; the leadership group directs it.
    if actor is None or actor.is_superuser or actor.pk in (signal.owner_id, signal.decider_id):
        return None
    if in_group(signal, actor, (GroupKind.WORKING, GroupKind.LEADERSHIP, GroupKind.OFFICE)):
        return None
    return "", _("Only the prevention working group, office or leadership group handles signals.")


def _decides(signal, inputs, actor) -> CheckResult:
    # Seed 001 §七 1: the leadership group decides on serious (A and B) matters; C is the working group's.
    if actor is None or actor.is_superuser:
        return None
    if signal.warning_class in LEADERSHIP_CLASSES:
        if actor.pk == signal.decider_id or in_group(signal, actor, (GroupKind.LEADERSHIP,)):
            return None
        return "", _("An A or B signal is closed by the prevention leadership group.")
    return _in_groups(signal, inputs, actor)


def _actions_done(signal, inputs, actor) -> CheckResult:
    actions = list(signal.actions.all())
    if not actions:
        return "", _("Record at least one preventive action with its owner first.")
    if any(a.done_at is None for a in actions):
        return "", _("Every preventive action must be done first.")
    return None


SIGNAL_TABLE = register_table("prevention.signal", Table(ROWS, {
    "in_groups": _in_groups, "decides": _decides, "actions_done": _actions_done,
}, dry_checks=frozenset({"in_groups", "decides", "actions_done"}), plain_inputs=frozenset(),
   note_inputs=("closing_note", "identification", "causes")), "prevention.WarningSignal",
    changes="prevention.SignalChange")


A = AssessmentStatus


def _not_own(assessment, inputs, actor) -> CheckResult:
    if actor is not None and actor.pk == assessment.salesperson_id:
        return "", _("Nobody confirms their own assessment.")
    return None


ASSESSMENT_ROWS: tuple[Transition, ...] = (
    Transition("confirm", (A.DRAFT,), A.CONFIRMED, DIRECTORS, _("Comment and confirm"),
               required=("director_comment",), checks=("not_own",)),
)
ASSESSMENT_TABLE = register_table("prevention.assessment", Table(
    ASSESSMENT_ROWS, {"not_own": _not_own}, dry_checks=frozenset({"not_own"}),
    plain_inputs=frozenset(), note_inputs=("director_comment",)), "prevention.Assessment", changes="prevention.AssessmentChange")
