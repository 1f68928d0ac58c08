"""The corrective-action workflow as data (issue 4 §4; seed 000 §3.2–3.3, 003 §5.4.1).

The responsible department plans → QA approves → the department implements →
QA verifies → the effectiveness check runs on later shipments → QA closes.
QA may send a plan or an implementation back with a reason; an action found
ineffective starts a new planning round. ``services.action_transition`` is
the only code that applies this table (``TABLE``), through the core runner.

The nonconforming product handling form (《不合格品处理单》, seed 003 §5.4.1) runs on the same runner
(``NCR_TABLE``, ``"capa.ncr"``): QA issues it to the responsible department, which answers with the cause
and its corrective and preventive measures; QA verifies — effective closes it, not effective returns it for a
new answer — or cancels it. ``services.ncr`` is the only code that applies it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.workflow import Table, Transition, last_actor_id, refuse_own_proposal, register_table

from .choices import OPEN_STATUSES, ActionFormat, ActionStatus, ItemKind, NcrStatus

S = ActionStatus
QA = frozenset({Role.QA})
# The responsible department may be any working department (checked against the action below).
DEPARTMENT = frozenset({
    Role.QA, Role.ENGINEERING, Role.PRODUCTION, Role.PURCHASING, Role.AFTER_SALES, Role.SALESPERSON,
    Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR,
})
CANCELLERS = frozenset({Role.QA, Role.GM})


ROWS: tuple[Transition, ...] = (
    Transition("submit_plan", (S.PLANNING,), S.PLAN_SUBMITTED, DEPARTMENT, _("Submit the plan to QA"),
               optional=("note",), checks=("in_department", "plan_complete")),
    Transition("approve_plan", (S.PLAN_SUBMITTED,), S.IMPLEMENTING, QA, _("Approve the plan"), optional=("note",),
               checks=("not_own_plan",)),
    Transition("return_plan", (S.PLAN_SUBMITTED,), S.PLANNING, QA, _("Send the plan back"), required=("reason",)),
    Transition("report_implemented", (S.IMPLEMENTING,), S.IMPLEMENTED, DEPARTMENT, _("Report as implemented"),
               optional=("note",), checks=("in_department", "items_implemented")),
    Transition("verify", (S.IMPLEMENTED,), S.EFFECTIVENESS, QA, _("Verify the implementation"),
               optional=("note",), checks=("items_validated",)),
    Transition("reject_implementation", (S.IMPLEMENTED,), S.IMPLEMENTING, QA, _("Send the implementation back"),
               required=("reason",)),
    Transition("close", (S.EFFECTIVENESS,), S.CLOSED, QA, _("Close as effective"),
               optional=("note", "effectiveness_evidence", "effectiveness_reason"),
               checks=("prevention_recorded", "effective")),
    Transition("not_effective", (S.EFFECTIVENESS,), S.PLANNING, QA, _("Not effective: plan again"),
               required=("reason",)),
    Transition("cancel", tuple(s for s in S if s in OPEN_STATUSES), S.CANCELLED, CANCELLERS, _("Cancel"),
               required=("reason",)),
)

NAMES: frozenset[str] = frozenset(row.name for row in ROWS)
INPUT_LABELS = {"note": _("note"), "reason": _("reason"), "effectiveness_evidence": _("other evidence of effectiveness"),
                "effectiveness_reason": _("why other evidence")}


def available(action, user) -> list[Transition]:
    """The steps the user may try now (pages show them as buttons; checks run on submit)."""
    return TABLE.allowed(action, user)


# -- named checks: None when passing, else (field, message) --------------------------------

CheckResult = tuple[str, Any] | None


@dataclass
class CheckContext:
    actor: Any
    inputs: dict[str, Any]
    effectiveness: Any = None  # selectors.Effectiveness, computed by the service when needed


def _in_department(a, ctx) -> CheckResult:
    user = ctx.actor
    if user is None or user.is_superuser or user.has_role(Role.QA):
        return None
    if user.department_id == a.responsible_department_id or a.owner_id == user.pk:
        return None
    if a.team.filter(user=user).exists():
        return None
    return "responsible_department", _("Only the responsible department, the action's team or QA may do this.")


def _plan_complete(a, ctx) -> CheckResult:
    if a.format == ActionFormat.SIMPLE:
        for name in ("cause", "corrective_measures"):
            if not getattr(a, name).strip():
                return name, _("Fill in %(field)s before submitting the plan.") % {
                    "field": a._meta.get_field(name).verbose_name}
        return None
    if not a.team.filter(is_leader=True).exists():
        return "team", _("D1: name the team and its leader before submitting the plan.")
    if not a.what.strip():
        return "what", _("D2: describe the problem (what) before submitting the plan.")
    if not a.containment.exists() and not a.emergency_response.strip():
        return "containment", _("D3: record the containment (or the emergency response) before submitting the plan.")
    if not (a.occurrence_cause.strip() and a.escape_cause.strip()):
        return "occurrence_cause", _("D4: give the root cause of occurrence and of escape before submitting the plan.")
    if not a.items.filter(kind=ItemKind.PERMANENT).exists():
        return "items", _("D5: choose at least one permanent corrective action before submitting the plan.")
    return None


def _items_implemented(a, ctx) -> CheckResult:
    if a.items.filter(kind=ItemKind.PERMANENT, implemented_on__isnull=True).exists():
        return "items", _("D6: give the implementation date of every permanent action first.")
    return None


def _items_validated(a, ctx) -> CheckResult:
    if a.format == ActionFormat.SIMPLE:
        if not a.verification.strip():
            return "verification", _("Write down how the action was verified first.")
        return None
    if a.items.filter(kind=ItemKind.PERMANENT, validation="").exists():
        return "items", _("D6: record the validation of every permanent action first.")
    return None


def _prevention_recorded(a, ctx) -> CheckResult:
    if a.format == ActionFormat.SIMPLE:
        return None
    if not (a.procedures_updated or a.fmea_updated or a.control_plan_updated or a.lessons_learned.strip()
            or a.items.filter(kind=ItemKind.PREVENTION).exists()):
        return "lessons_learned", _("D7: record what prevents recurrence (procedures, FMEA, control plan, "
                                    "lessons learned) before closing.")
    return None


def _effective(a, ctx) -> CheckResult:
    evidence = (ctx.inputs.get("effectiveness_evidence") or "").strip()
    reason = (ctx.inputs.get("effectiveness_reason") or "").strip()
    if evidence or reason:
        if not (evidence and reason):
            field = "effectiveness_reason" if evidence else "effectiveness_evidence"
            return field, _("Other evidence of effectiveness needs both the evidence and the reason for using it.")
        return None
    result = ctx.effectiveness
    if result is None:
        return "effectiveness_evidence", _(
            "There are no shipments to count on (no customer or no affected part): record the evidence of "
            "effectiveness and why it is used.")
    if result.passed:
        return None
    if result.recurrences:
        return "effectiveness", _(
            "The problem came back: %(numbers)s received after verification. Mark the action not effective "
            "or record other evidence with a reason.") % {"numbers": "、".join(result.recurrences)}
    return "effectiveness", _(
        "Effectiveness is proven by %(needed)s later shipments of the affected parts to the customer without a new "
        "complaint; there are %(have)s so far. Wait, or record other evidence with a reason.") % {
        "needed": result.needed, "have": result.shipments}


def _not_own_plan(a, ctx) -> CheckResult:
    # Design §11: QA never approves a plan it submitted itself (QA may plan as the responsible department).
    return refuse_own_proposal(ctx.actor, last_actor_id(a, ("submit_plan",)))


CHECKS: dict[str, Callable[[Any, CheckContext], CheckResult]] = {
    "in_department": _in_department,
    "plan_complete": _plan_complete,
    "items_implemented": _items_implemented,
    "items_validated": _items_validated,
    "prevention_recorded": _prevention_recorded,
    "effective": _effective,
    "not_own_plan": _not_own_plan,
}
# Checks that read only the action and the actor, judged by the pages' dry run too (issue 16 §5).
DRY_CHECKS = frozenset({"in_department", "plan_complete", "items_implemented", "items_validated",
                        "prevention_recorded", "not_own_plan"})

# The action's own refusal wording, kept when it moved onto the core runner (same msgids).
TEXTS: dict[str, Any] = {
    "stale": _("Someone else changed this action meanwhile (it is now “%(status)s”); reload it and try again."),
    "wrong_state": _("“%(action)s” is not possible while the action is “%(status)s”."),
}
TABLE = register_table("capa.action", Table(ROWS, CHECKS, texts=TEXTS, dry_checks=DRY_CHECKS,
                                            dry_context=lambda a, user: CheckContext(actor=user, inputs={})),
                       "capa.CorrectiveAction",
                       changes="capa.ActionChange")
TRANSITIONS: dict[tuple[str, str], Transition] = TABLE.index


# -- the nonconforming product handling form (seed 003 §5.4.1) ------------------------------

N = NcrStatus

NCR_ROWS: tuple[Transition, ...] = (
    # The responsible department answers (QA may answer for it); the cause and measures are checked by
    # ``answer_complete`` so the refusal keeps its own words ("Give the cause.").
    Transition("answer", (N.ISSUED,), N.ANSWERED, DEPARTMENT, _("Answer"), optional=("cause", "measures"),
               checks=("in_responsible_department", "answer_complete")),
    Transition("verify", (N.ANSWERED,), N.VERIFIED, QA, _("Verify"), optional=("note",),
               checks=("not_own_answer",)),
    Transition("return", (N.ANSWERED,), N.ISSUED, QA, _("Not effective: answer again"), optional=("note",),
               checks=("not_own_answer", "return_reason_given")),
    Transition("cancel", (N.ISSUED, N.ANSWERED), N.CANCELLED, QA, _("Cancel the report"), optional=("note",),
               checks=("cancel_reason_given",)),
)
NCR_INPUT_LABELS = {"cause": _("cause"), "measures": _("corrective and preventive measures"),
                    "note": _("verification note")}


def _in_responsible_department(ncr, inputs, actor) -> CheckResult:
    # Seed 003 §5.4.1: the form goes to the responsible department, which answers it; QA may answer for it.
    if actor is None or actor.is_superuser or actor.has_role(Role.QA):
        return None
    if actor.department_id == ncr.responsible_department_id:
        return None
    return "responsible_department", _("Only the responsible department answers this report.")


def _answer_complete(ncr, inputs, actor) -> CheckResult:
    if not (inputs.get("cause") or "").strip():
        return "cause", _("Give the cause.")
    if not (inputs.get("measures") or "").strip():
        return "measures", _("Give the corrective and preventive measures.")
    return None


def _not_own_answer(ncr, inputs, actor) -> CheckResult:
    # Design §11, segregation of duties: whoever answered (QA may answer for the department) never verifies it.
    return refuse_own_proposal(actor, ncr.answered_by_id)


def _return_reason_given(ncr, inputs, actor) -> CheckResult:
    if not (inputs.get("note") or "").strip():
        return "verification_note", _("Say why the measures are not effective.")
    return None


def _cancel_reason_given(ncr, inputs, actor) -> CheckResult:
    if not (inputs.get("note") or "").strip():
        return "verification_note", _("Say why the report is cancelled.")
    return None


NCR_TABLE = register_table("capa.ncr", Table(NCR_ROWS, {
    "in_responsible_department": _in_responsible_department, "answer_complete": _answer_complete,
    "not_own_answer": _not_own_answer, "return_reason_given": _return_reason_given,
    "cancel_reason_given": _cancel_reason_given,
}, texts={
    # The report's own refusal wording, kept when it moved onto the core runner (same msgid).
    "stale": _("This report is “%(status)s” now; reload it."),
    "wrong_state": _("This report is “%(status)s” now; reload it."),
}, dry_checks=frozenset({"in_responsible_department", "not_own_answer"})),
    "capa.NonconformingReport", changes="capa.NcrChange")
