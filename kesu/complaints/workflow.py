"""The complaint workflow as data (issue 3 §3; seed 000 §4.1.1–4.1.6, 004 §5.2, §6; ISO 10002 steps).

``TABLE`` is a :class:`kesu.core.workflow.Table` of :class:`Transition` rows;
``TRANSITIONS`` maps (from_status, action) → row. A transition names the roles
allowed (with a second set when the complaint is escalated to QA, because QA
then owns the remedy: 000 §4.1.3–4.1.4), the inputs it requires, named
precondition checks, and which deadlines it schedules or meets.
``services.complaint_transition`` is the only code that applies it, through
the core runner.

Later modules extend closing rules with :func:`register_close_check` (CAPA
adds "the corrective action is verified" when ``needs_corrective_action``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core import workflow as core

from .choices import (
    OPEN_STATUSES,
    AcceptanceDecision,
    DeadlineKind,
    DispositionKind,
    Responsibility,
    Severity,
    Status,
    WindowStatus,
)

S = Status
SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
SALES_APPROVERS = frozenset({Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
QA = frozenset({Role.QA})
SALES_OR_QA = SALES | QA
# Departments that answer QA's instruction in writing (004 §6.3).
DEPARTMENTS = frozenset({Role.QA, Role.ENGINEERING, Role.PRODUCTION, Role.PURCHASING, Role.AFTER_SALES}) | SALES
REMEDY_DOERS = SALES_OR_QA | {Role.AFTER_SALES, Role.PRODUCTION, Role.ENGINEERING}


@dataclass(frozen=True)
class Transition(core.Transition):
    """One row of the table (the core row's columns, ``name`` being the action) plus the roles once escalated
    to QA and the deadlines it schedules, meets and cancels. ``target`` None means the status stays."""

    roles_escalated: frozenset[str] | None = None
    schedules: tuple[str, ...] = ()
    meets: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ()

    def allowed_roles(self, complaint) -> frozenset[str]:
        if complaint.escalated_to_qa and self.roles_escalated is not None:
            return self.roles_escalated
        return self.roles


HANDLING = (S.SALES_HANDLING, S.QA_INVESTIGATION)
EXPLAINABLE = (S.ASSESSED, *HANDLING, S.CUSTOMER_REJECTED)
EXPLANATION_APPROVERS = frozenset({Role.QA, Role.GM})
ALL_DEADLINES = tuple(DeadlineKind.values)
QA_OPINION_MET_BY = (DeadlineKind.QA_OPINION,)
# Closing meets the closure target (ISO 10002 §7.7); the other open duties are cancelled.
CLOSED_IN_TIME = (DeadlineKind.CLOSURE,)

ROWS: tuple[Transition, ...] = (
    Transition(
        "acknowledge", (S.RECEIVED,), S.ACKNOWLEDGED, SALES, _("Acknowledge to the customer"),
        required=("channel",), optional=("note",),
    ),
    Transition(
        "assess", (S.ACKNOWLEDGED,), S.ASSESSED, SALES, _("Initial assessment"),
        required=("category", "severity", "warning_class"),
        optional=("defect_type", "safety_or_regulatory_impact", "acceptance_decision", "acceptance_note", "exclusion",
                  "note"),
        checks=("acceptance_decided", "safety_needs_major"), meets=(DeadlineKind.PASS_ON,),
    ),
    Transition(
        "start_sales_handling", (S.ASSESSED,), S.SALES_HANDLING, SALES, _("Handle in sales"),
        optional=("note",), checks=("not_escalated", "accepted_for_handling"), schedules=(DeadlineKind.SALES_REMEDY,),
    ),
    Transition(
        "escalate_to_qa", (S.ASSESSED, S.SALES_HANDLING, S.CUSTOMER_REJECTED), S.QA_INVESTIGATION, SALES,
        _("Escalate to QA"), optional=("note",), checks=("accepted_for_handling",),
        schedules=(DeadlineKind.QA_OPINION,), cancels=(DeadlineKind.SALES_REMEDY,),
    ),
    Transition(
        "record_qa_opinion", (S.QA_INVESTIGATION,), None, QA, _("Record QA's opinion"),
        required=("note",), optional=("root_cause", "cause_hard_to_find"), meets=QA_OPINION_MET_BY,
    ),
    Transition(
        "instruct_department", (S.QA_INVESTIGATION,), None, QA, _("Instruct the responsible department"),
        required=("responsible_department", "note"), meets=QA_OPINION_MET_BY,
        schedules=(DeadlineKind.DEPARTMENT_ANSWER,),
    ),
    Transition(
        "record_department_answer", (S.QA_INVESTIGATION,), None, DEPARTMENTS, _("Record the department's answer"),
        required=("note",), optional=("root_cause",), checks=("department_instructed",),
        meets=(DeadlineKind.DEPARTMENT_ANSWER,),
    ),
    Transition(
        "submit_initial_report", (S.QA_INVESTIGATION,), None, QA, _("Submit the initial analysis report"),
        required=("initial_report",), checks=("severe_and_hard_to_find",), meets=QA_OPINION_MET_BY,
        schedules=(DeadlineKind.INITIAL_REPORT_APPROVAL,),
    ),
    Transition(
        "approve_initial_report", (S.QA_INVESTIGATION,), None, frozenset({Role.GM}),
        _("Approve the initial analysis report"), optional=("note",),
        checks=("initial_report_submitted", "not_own_initial_report"),
        meets=(DeadlineKind.INITIAL_REPORT_APPROVAL,),
    ),
    Transition(
        "propose_remedy", (*HANDLING, S.CUSTOMER_REJECTED), S.REMEDY_PROPOSED, SALES, _("Propose a remedy"),
        roles_escalated=QA, required=("remedy_text",), optional=("note",),
        checks=("meeting_held_if_major",), meets=(DeadlineKind.SALES_REMEDY, DeadlineKind.QA_OPINION),
    ),
    Transition(
        "approve_remedy", (S.REMEDY_PROPOSED,), S.REMEDY_APPROVED, SALES_APPROVERS, _("Approve the remedy"),
        roles_escalated=QA, optional=("note",), checks=("initial_report_approved_if_needed", "not_own_remedy"),
    ),
    Transition(
        "customer_accepts", (S.REMEDY_APPROVED,), S.REMEDY_ACCEPTED, SALES_OR_QA,
        _("Record the customer's acceptance"), optional=("note",),
    ),
    Transition(
        "customer_rejects", (S.REMEDY_APPROVED,), S.CUSTOMER_REJECTED, SALES_OR_QA,
        _("Record the customer's rejection"), required=("reason",), optional=("note",),
    ),
    Transition(
        "complete_remedy", (S.REMEDY_ACCEPTED,), S.REMEDY_DONE, REMEDY_DOERS, _("Remedy carried out"),
        optional=("note",), checks=("mis_order_returns_approved",),
    ),
    Transition(
        "start_verification", (S.REMEDY_DONE,), S.VERIFICATION, SALES_OR_QA, _("Start verification"),
        optional=("note",),
    ),
    Transition(
        "close", (S.REMEDY_DONE,), S.CLOSED, SALES_OR_QA, _("Close"), roles_escalated=QA,
        optional=("note", "responsibility", "responsible_department", "responsible_supplier", "root_cause",
                  "needs_corrective_action"),
        checks=("no_verification_needed", "responsibility_set", "can_close"), meets=CLOSED_IN_TIME,
        cancels=ALL_DEADLINES,
    ),
    Transition(
        "close", (S.VERIFICATION,), S.CLOSED, SALES_OR_QA, _("Close"), roles_escalated=QA,
        optional=("note", "responsibility", "responsible_department", "responsible_supplier", "root_cause",
                  "needs_corrective_action"),
        checks=("verified_on_later_shipments", "responsibility_set", "can_close"), meets=CLOSED_IN_TIME,
        cancels=ALL_DEADLINES,
    ),
    # 003 §5.4.2: when the complaint is not ours, QA writes the explanation (品质部提出书面报告回复客户), another
    # person (QA's head, or the GM) approves it, and sales sends it to the customer.
    Transition(
        "prepare_explanation", EXPLAINABLE, None, QA, _("Prepare a written explanation"),
        required=("responsibility", "explanation", "explanation_evidence"),
        optional=("responsible_supplier", "root_cause", "note"),
        checks=("not_our_responsibility",), meets=(DeadlineKind.QA_OPINION,),
    ),
    Transition(
        "approve_explanation", EXPLAINABLE, None, EXPLANATION_APPROVERS, _("Approve the written explanation"),
        optional=("note",), checks=("explanation_prepared", "not_own_explanation"),
    ),
    # 004 §5.2(3): a later delivery on which the problem recurred sends the complaint back to QA's investigation.
    # Taken only by recording that delivery's verification (services.delivery_verification_record), never alone.
    Transition(
        "record_recurrence", (S.VERIFICATION,), S.QA_INVESTIGATION, SALES_OR_QA,
        _("The problem recurred on a later delivery"), required=("reason",), checks=("recurrence_recorded",),
        schedules=(DeadlineKind.QA_OPINION,),
    ),
    Transition(
        "send_explanation", EXPLAINABLE, S.EXPLANATION_SENT, SALES, _("Send the written explanation"),
        optional=("note", "channel"), checks=("explanation_approved", "not_our_responsibility"),
    ),
    Transition(
        "customer_disputes", (S.EXPLANATION_SENT,), S.QA_INVESTIGATION, SALES_OR_QA,
        _("Customer disputes the explanation"), required=("reason",), optional=("note",),
        schedules=(DeadlineKind.QA_OPINION,),
    ),
    Transition(
        "customer_acknowledges", (S.EXPLANATION_SENT,), S.CLOSED, SALES_OR_QA,
        _("Customer acknowledged the explanation"), required=("note",),
        checks=("responsibility_set", "can_close"), meets=CLOSED_IN_TIME, cancels=ALL_DEADLINES,
    ),
    Transition(
        "reject_at_intake", (S.RECEIVED, S.ACKNOWLEDGED, S.ASSESSED), S.REJECTED_AT_INTAKE, SALES,
        _("Reject at intake (not our product)"), required=("note",), cancels=ALL_DEADLINES,
    ),
    Transition(
        "cancel", tuple(s for s in Status if s in OPEN_STATUSES), S.CANCELLED, SALES_OR_QA,
        _("Cancelled by the customer"), required=("note",), cancels=ALL_DEADLINES,
    ),
    Transition(
        "reopen", (S.CLOSED,), S.ASSESSED, SALES_OR_QA | {Role.GM}, _("Reopen"), required=("note",),
    ),
)

ACTIONS: frozenset[str] = frozenset(row.action for row in ROWS)

# Inputs that are not complaint fields, with their labels for messages.
INPUT_LABELS: dict[str, Any] = {
    "note": _("note"),
    "reason": _("reason"),
    "remedy_text": _("remedy"),
    "channel": _("channel"),
}


# Who does a step when the table allows several roles: the everyday person first
# (the demo and the tests act through this; people may of course differ).
ROLE_PREFERENCE = (
    Role.SALESPERSON, Role.QA, Role.SALES_DIRECTOR, Role.REGIONAL_MANAGER, Role.GM, Role.SALES_ASSISTANT,
    Role.ENGINEERING, Role.AFTER_SALES, Role.PRODUCTION,
)


def preferred_role(row: Transition, complaint) -> str:
    """The role that usually takes this step for this complaint."""
    roles = row.allowed_roles(complaint)
    for role in ROLE_PREFERENCE:
        if role in roles:
            return role
    return sorted(roles)[0]


def available_actions(complaint, user) -> list[Transition]:
    """Transitions the user may try now (pages show them as buttons; checks run on submit)."""
    return TABLE.allowed(complaint, user)  # type: ignore[return-value]


# -- named checks ---------------------------------------------------------------------
# A check returns None when it passes, or (field, message) when it fails; field may be "".

CheckResult = tuple[str, Any] | None


@dataclass
class CheckContext:
    """What a check may need beyond the complaint (the settings, the clock)."""

    settings: Any
    now: Any
    extra: dict[str, Any] = field(default_factory=dict)
    actor: Any = None  # the dry run names the user; on submit the runner's acting_as does (see _actor)


def _actor(ctx: CheckContext):
    """Who takes the step: the context's, else the one the runner acts as while it judges the checks."""
    from kesu.core.context import current_actor

    return ctx.actor if ctx.actor is not None else current_actor().user


def _acceptance_decided(c, ctx) -> CheckResult:
    if c.window_status in (WindowStatus.OUTSIDE, WindowStatus.EXCLUDED) and not c.acceptance_decision:
        return "acceptance_decision", _(
            "The complaint is outside its acceptance window or excluded: decide whether it is accepted "
            "(paid service, goodwill) or not."
        )
    return None


def _safety_needs_major(c, ctx) -> CheckResult:
    # Issue 18 §11: a safety or regulatory impact is never a minor or general matter.
    if c.safety_or_regulatory_impact and c.severity not in (Severity.MAJOR, Severity.SEVERE):
        return "severity", _(
            "A complaint with a safety or regulatory impact is at least major: choose major or severe."
        )
    return None


def _not_escalated(c, ctx) -> CheckResult:
    if c.escalated_to_qa:
        return "escalated_to_qa", _("The complaint is escalated to QA; QA handles it.")
    return None


def _accepted_for_handling(c, ctx) -> CheckResult:
    if c.acceptance_decision == AcceptanceDecision.NOT_ACCEPTED:
        return "acceptance_decision", _(
            "The complaint was not accepted: send a written explanation or reject it instead."
        )
    return None


def _department_instructed(c, ctx) -> CheckResult:
    if not c.responsible_department_id:
        return "responsible_department", _("QA has not instructed a department yet.")
    return None


def _severe_and_hard_to_find(c, ctx) -> CheckResult:
    if c.severity != Severity.SEVERE or not c.cause_hard_to_find:
        return "severity", _(
            "An initial analysis report is for severe complaints whose cause is hard to find (004 §6.3)."
        )
    return None


def _initial_report_submitted(c, ctx) -> CheckResult:
    if not c.initial_report_submitted_at:
        return "initial_report", _("QA has not submitted an initial analysis report.")
    if c.initial_report_approved_at:
        return "initial_report", _("The initial analysis report is already approved.")
    return None


def _meeting_held_if_major(c, ctx) -> CheckResult:
    if c.escalated_to_qa and c.severity in (Severity.MAJOR, Severity.SEVERE) and not c.meetings.exists():
        return "meeting", _(
            "A major quality problem needs an ad-hoc meeting of QA, engineering, production and others "
            "before a remedy is proposed (000 §4.1.3)."
        )
    return None


def _initial_report_approved_if_needed(c, ctx) -> CheckResult:
    if c.severity == Severity.SEVERE and c.cause_hard_to_find and not c.initial_report_approved_at:
        return "initial_report", _(
            "The general manager must approve the initial analysis report first (004 §6.3)."
        )
    return None


def _mis_order_returns_approved(c, ctx) -> CheckResult:
    pending = c.dispositions.filter(
        kind=DispositionKind.RETURN, mis_order=True, regional_manager_approved_at__isnull=True
    ).exists()
    if pending:
        return "dispositions", _("A return for a customer mis-order needs the regional manager's approval (004 §6.6).")
    return None


# 004 §5.2(3) "情节严重的质量反馈": severe and major complaints are verified on later deliveries before closing.
SERIOUS = (Severity.MAJOR, Severity.SEVERE)


def _no_verification_needed(c, ctx) -> CheckResult:
    if c.severity in SERIOUS:
        return "status", _(
            "A severe or major complaint is closed only after verification on later shipments (004 §5.2(3))."
        )
    return None


def _verified_on_later_shipments(c, ctx) -> CheckResult:
    if c.severity not in SERIOUS:
        return None
    from .selectors import verified_delivery_count

    needed = ctx.settings.verification_shipments
    have = verified_delivery_count(c)
    if have < needed:
        return "verification", _(
            "Closing needs %(needed)s OK verifications on later shipments of the part to the customer after the "
            "remedy; there are %(have)s."
        ) % {"needed": needed, "have": have}
    return None


def _recurrence_recorded(c, ctx) -> CheckResult:
    from .selectors import recurrence_pending

    if not recurrence_pending(c):
        return "delivery_verifications", _(
            "Record the later delivery on which the problem recurred (a delivery verification, not OK).")
    return None


def _explanation_prepared(c, ctx) -> CheckResult:
    if not c.explanation_prepared_at:
        return "explanation", _("QA has not prepared a written explanation yet.")
    if c.explanation_approved_at:
        return "explanation", _("The written explanation is already approved.")
    return None


def _explanation_approved(c, ctx) -> CheckResult:
    if not c.explanation_prepared_at:
        return "explanation", _("QA prepares the written explanation first (003 §5.4.2).")
    if not c.explanation_approved_at:
        return "explanation", _("The written explanation must be approved before sales sends it (003 §5.4.2).")
    return None


def _not_own_explanation(c, ctx) -> CheckResult:
    # Design §11: the person who prepared the explanation does not approve it.
    return core.refuse_own_proposal(_actor(ctx), c.explanation_prepared_by_id)


def _responsibility_set(c, ctx) -> CheckResult:
    if not c.responsibility:
        return "responsibility", _("Set the responsibility before closing.")
    return None


def _not_our_responsibility(c, ctx) -> CheckResult:
    if c.responsibility in ("", Responsibility.OURS):
        return "responsibility", _("A written explanation is for complaints that are not our responsibility.")
    return None


def _not_own_remedy(c, ctx) -> CheckResult:
    # Design §11: nobody approves a proposal they made (the remedy's latest round).
    proposer = c.remedies.order_by("-round").values_list("proposed_by_id", flat=True).first()
    return core.refuse_own_proposal(_actor(ctx), proposer)


def _not_own_initial_report(c, ctx) -> CheckResult:
    # Design §11: the general manager who approves did not write the report (004 §6.3).
    return core.refuse_own_proposal(_actor(ctx), core.last_actor_id(c, ("submit_initial_report",)))


# Extension point (issue 3 §3): later modules add closing rules, e.g. CAPA's
# "corrective action verified". Each gets the complaint and the context.
CLOSE_CHECKS: list[Callable[[Any, CheckContext], CheckResult]] = []


def register_close_check(func: Callable[[Any, CheckContext], CheckResult]) -> Callable:
    if func not in CLOSE_CHECKS:
        CLOSE_CHECKS.append(func)
    return func


def can_close_checks(c, ctx) -> CheckResult:
    """Run every registered closing rule; the first failure refuses."""
    for check in CLOSE_CHECKS:
        result = check(c, ctx)
        if result is not None:
            return result
    return None


CHECKS: dict[str, Callable[[Any, CheckContext], CheckResult]] = {
    "acceptance_decided": _acceptance_decided,
    "safety_needs_major": _safety_needs_major,
    "not_escalated": _not_escalated,
    "accepted_for_handling": _accepted_for_handling,
    "department_instructed": _department_instructed,
    "severe_and_hard_to_find": _severe_and_hard_to_find,
    "initial_report_submitted": _initial_report_submitted,
    "meeting_held_if_major": _meeting_held_if_major,
    "initial_report_approved_if_needed": _initial_report_approved_if_needed,
    "mis_order_returns_approved": _mis_order_returns_approved,
    "no_verification_needed": _no_verification_needed,
    "verified_on_later_shipments": _verified_on_later_shipments,
    "responsibility_set": _responsibility_set,
    "not_our_responsibility": _not_our_responsibility,
    "can_close": can_close_checks,
    "not_own_remedy": _not_own_remedy,
    "not_own_initial_report": _not_own_initial_report,
    "recurrence_recorded": _recurrence_recorded,
    "explanation_prepared": _explanation_prepared,
    "explanation_approved": _explanation_approved,
    "not_own_explanation": _not_own_explanation,
}

# Checks that read only the complaint as it stands and the actor (no field a step's inputs set), which the
# pages' dry run judges too (issue 16 §5): a step they refuse is not offered, and the page says why.
DRY_CHECKS = frozenset({
    "not_escalated", "accepted_for_handling", "department_instructed", "severe_and_hard_to_find",
    "initial_report_submitted", "meeting_held_if_major", "initial_report_approved_if_needed",
    "mis_order_returns_approved", "no_verification_needed", "not_own_remedy", "not_own_initial_report",
    "explanation_prepared", "explanation_approved", "not_own_explanation",
})


def _dry_context(c, user) -> CheckContext:
    from django.utils import timezone

    return CheckContext(settings=None, now=timezone.now(), actor=user)


# The complaint's own refusal wording, kept when it moved onto the core runner (same msgids).
TEXTS: dict[str, Any] = {
    "unknown": _("Unknown action “%(action)s”."),
    "stale": _("Someone else changed this complaint meanwhile (it is now “%(status)s”); reload it and try again."),
    "wrong_state": _("“%(action)s” is not possible while the complaint is “%(status)s”."),
    "wrong_role": _("Only these roles may “%(action)s” here: %(roles)s."),
}

# Inputs not in INPUT_LABELS are complaint fields, set on the complaint before its checks are judged; the
# note comes before the reason in the status-change row; the status moves by compare-and-set.
TABLE = core.register_table(
    "complaints.complaint",
    core.Table(ROWS, CHECKS, texts=TEXTS, plain_inputs=frozenset(INPUT_LABELS), compare_and_set=True,
               note_inputs=("note", "reason"), dry_checks=DRY_CHECKS, dry_context=_dry_context),
    "complaints.Complaint", changes="complaints.StatusChange",
)
TRANSITIONS: dict[tuple[str, str], Transition] = TABLE.index  # type: ignore[assignment]
