"""The contract review and change-notice workflows as data (seed 002; design §7).

Review: sales submits → each department asked answers can / cannot meet in parallel (seed 002 §3.2: engineering the
technical content, purchasing the material supply, production/PMC the delivery date, QA the quality requirements
and acceptance, finance price and payment, sales correctness and completeness), each by a working-day deadline →
sales concludes (§3.1.4): accept, accept with changes agreed with the customer, or decline; a "cannot meet" sales
settles with the customer (§3.1.3) is answered again by that department; one sales cannot resolve goes to the GM,
who decides (§3.3) → the accepted review is approved (§4.3: the GM or an authorised proxy; a tender below the
threshold by the branch factory head, §6.3.2; a foreign-trade contract by the GM himself, §6.5). An informal order
is reviewed by its signer alone, with the customer's confirmation recorded (§6.4).

Change notice (合同变更通知单): re-reviewed by the departments it affects, then sent to every department concerned,
each confirming receipt; issuing it makes the next version of the contract.

``services.review_transition`` and ``services.notice_transition`` are the only code that applies these tables.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.workflow import CheckResult, Table, Transition, refuse_own_proposal, register_table

from .choices import (
    DEPT_ROLES,
    PLAN_CHECKS,
    PLAN_RECEIVERS,
    SALES_ROLES,
    Answer,
    ChangeStatus,
    PlanStatus,
    ReviewMode,
    ReviewStatus,
    dept_of,
)

S = ReviewStatus
C = ChangeStatus
SALES = SALES_ROLES
GM = frozenset({Role.GM})
CANCELLERS = frozenset({Role.SALES_DIRECTOR, Role.GM})
SIGNERS = frozenset().union(*DEPT_ROLES.values())
BRANCH_APPROVERS = frozenset({Role.PRODUCTION, Role.VICE_GM, Role.GM})
GM_OR_PROXY = frozenset({Role.GM, Role.VICE_GM})


class ApproveTransition(Transition):
    """Approval: the branch factory head for a tender below the threshold, else the GM (or the recorded proxy).
    (It adds no field, so it needs no dataclass decorator of its own: the row stays frozen and compares alike.)"""

    def allowed_roles(self, obj) -> frozenset[str]:
        return BRANCH_APPROVERS if obj.mode == ReviewMode.BRANCH else GM_OR_PROXY


ROWS: tuple[Transition, ...] = (
    Transition("submit", (S.DRAFT,), S.REVIEWING, SALES, _("Send to the departments for review"),
               optional=("note",), checks=("not_self_review",)),
    Transition("self_review", (S.DRAFT,), S.ACCEPTED, SALES, _("Record the self review and the customer's confirmation"),
               required=("confirmation_method", "confirmation_note"), checks=("is_self_review",)),
    Transition("sign_off", (S.REVIEWING,), None, SIGNERS, _("Sign off for my department"),
               required=("answer",), optional=("comment", "dept"), checks=("signoff_valid",)),
    Transition("agree_change", (S.REVIEWING,), None, SALES, _("Record a change agreed with the customer"),
               required=("change_note",), checks=("has_cannot",)),
    Transition("accept", (S.REVIEWING,), S.APPROVAL, SALES, _("Conclude: accept"), optional=("note",),
               checks=("all_can_meet",)),
    Transition("accept_with_changes", (S.REVIEWING,), S.APPROVAL, SALES,
               _("Conclude: accept with changes agreed with the customer"), required=("change_note",),
               checks=("all_can_meet",)),
    Transition("decline", (S.REVIEWING,), S.DECLINED, SALES, _("Conclude: decline"), required=("reason",)),
    Transition("refer_to_gm", (S.REVIEWING,), S.GM_DECISION, SALES,
               _("Refer to the GM (sales cannot resolve a “cannot meet”)"), required=("reason",),
               checks=("all_answered_with_cannot",)),
    Transition("gm_accept", (S.GM_DECISION,), S.ACCEPTED, GM, _("GM decides: accept"), required=("decision",)),
    Transition("gm_decline", (S.GM_DECISION,), S.DECLINED, GM, _("GM decides: decline"), required=("decision",)),
    ApproveTransition("approve", (S.APPROVAL,), S.ACCEPTED, GM_OR_PROXY, _("Approve the contract"),
                      optional=("note",), checks=("may_approve", "not_own_conclusion")),
    ApproveTransition("return", (S.APPROVAL,), S.REVIEWING, GM_OR_PROXY, _("Send back to sales"),
                      required=("reason",), checks=("may_approve",)),
    Transition("cancel", (S.DRAFT, S.REVIEWING, S.GM_DECISION, S.APPROVAL), S.CANCELLED, CANCELLERS, _("Cancel"),
               required=("reason",)),
)

INPUT_LABELS: dict[str, Any] = {
    "note": _("note"), "reason": _("reason"), "answer": _("answer"), "comment": _("comment"),
    "dept": _("department"), "change_note": _("changes agreed with the customer"), "decision": _("GM's decision"),
    "confirmation_method": _("customer confirmed by"), "confirmation_note": _("customer's confirmation"),
}


def _not_self_review(review, inputs, actor) -> CheckResult:
    if review.mode == ReviewMode.SELF:
        return "mode", _("An informal order is reviewed by its signer: record the customer's confirmation instead.")
    return None


def _is_self_review(review, inputs, actor) -> CheckResult:
    if review.mode != ReviewMode.SELF:
        return "mode", _("This record needs the departments' review; only informal orders are self-reviewed.")
    return None


def signer_dept(actor, inputs) -> str | None:
    """The department ``actor`` signs for: the one given (superusers, or someone answering for a department their
    role covers), else the one their role belongs to."""
    given = inputs.get("dept") or ""
    if given and (actor is None or actor.is_superuser or getattr(actor, "role", None) in DEPT_ROLES.get(given, ())):
        return given
    return dept_of(actor) if actor is not None else None


def _signoff_valid(review, inputs, actor) -> CheckResult:
    if inputs.get("answer") not in (Answer.CAN, Answer.CANNOT):
        return "answer", _("Choose “can meet” or “cannot meet”.")
    dept = signer_dept(actor, inputs)
    if dept is None or dept not in review.waiting_depts():
        return "answer", _("Your department has no sign-off waiting on this review.")
    if inputs["answer"] == Answer.CANNOT and not (inputs.get("comment") or "").strip():
        return "comment", _("Say what cannot be met.")
    return None


def _has_cannot(review, inputs, actor) -> CheckResult:
    if not review.signoffs.filter(change__isnull=True, current=True, answer=Answer.CANNOT).exists():
        return "change_note", _("No department said it cannot meet a requirement.")
    return None


def _all_can_meet(review, inputs, actor) -> CheckResult:
    if review.waiting_on:
        return "", _("Not every department has signed off yet.")
    if review.signoffs.filter(change__isnull=True, current=True, answer=Answer.CANNOT).exists():
        return "", _("A department cannot meet a requirement: agree a change with the customer, refer it to the GM "
                     "or decline.")
    return None


def _all_answered_with_cannot(review, inputs, actor) -> CheckResult:
    if review.waiting_on:
        return "", _("Not every department has signed off yet.")
    if not review.signoffs.filter(change__isnull=True, current=True, answer=Answer.CANNOT).exists():
        return "", _("Every department can meet the requirements: conclude the review yourself.")
    return None


def _may_approve(review, inputs, actor) -> CheckResult:
    if actor is None or actor.is_superuser:
        return None
    from .rules import rules_for

    rules = rules_for(review.company)
    if review.mode == ReviewMode.BRANCH:
        if actor.has_role(Role.GM) or (review.approver_id and actor.pk == review.approver_id):
            return None
        return "", _("The branch factory head concludes a tender of this amount.")
    if actor.has_role(Role.GM):
        return None
    if review.review_type == "foreign_trade":
        return "", _("A foreign-trade contract is signed by the general manager himself.")
    if rules.gm_proxy_id and actor.pk == rules.gm_proxy_id:
        return None
    return "", _("Contracts are approved by the general manager or the proxy the company recorded.")


def _not_own_conclusion(review, inputs, actor) -> CheckResult:
    # Design §11: nobody approves their own proposal (here: the conclusion they signed).
    return refuse_own_proposal(actor, review.concluded_by_id)


REVIEW_DRY_CHECKS = frozenset({"not_self_review", "is_self_review", "has_cannot", "all_can_meet",
                               "all_answered_with_cannot", "may_approve", "not_own_conclusion"})
REVIEW_TABLE = register_table("contracts.review", Table(ROWS, {
    "not_self_review": _not_self_review, "is_self_review": _is_self_review, "signoff_valid": _signoff_valid,
    "has_cannot": _has_cannot, "all_can_meet": _all_can_meet, "all_answered_with_cannot": _all_answered_with_cannot,
    "may_approve": _may_approve, "not_own_conclusion": _not_own_conclusion,
}, dry_checks=REVIEW_DRY_CHECKS), "contracts.ContractReview", changes="contracts.ReviewChange")


# -- change notices -------------------------------------------------------------------------------------------


def _change_signoff_valid(notice, inputs, actor) -> CheckResult:
    if inputs.get("answer") not in (Answer.CAN, Answer.CANNOT):
        return "answer", _("Choose “can meet” or “cannot meet”.")
    dept = signer_dept(actor, inputs)
    if dept is None or dept not in notice.waiting_depts():
        return "answer", _("Your department has no sign-off waiting on this change.")
    if inputs["answer"] == Answer.CANNOT and not (inputs.get("comment") or "").strip():
        return "comment", _("Say what cannot be met.")
    return None


def _change_all_can(notice, inputs, actor) -> CheckResult:
    if notice.waiting_on:
        return "", _("Not every affected department has re-reviewed the change yet.")
    if notice.signoffs.filter(answer=Answer.CANNOT).exists():
        return "", _("A department cannot meet the change: agree it again with the customer or withdraw it.")
    return None


def _receipt_waiting(notice, inputs, actor) -> CheckResult:
    dept = signer_dept(actor, inputs)
    if dept is None or dept not in notice.waiting_depts():
        return "", _("Your department has no receipt to confirm on this notice.")
    return None


def _all_confirmed(notice, inputs, actor) -> CheckResult:
    if notice.waiting_on:
        return "", _("Not every department has confirmed receipt yet.")
    return None


CHANGE_ROWS: tuple[Transition, ...] = (
    Transition("submit", (C.DRAFT,), C.REVIEWING, SALES, _("Send the change to the affected departments"),
               optional=("note",)),
    Transition("sign_off", (C.REVIEWING,), None, SIGNERS, _("Sign off the change for my department"),
               required=("answer",), optional=("comment", "dept"), checks=("change_signoff_valid",)),
    Transition("issue", (C.REVIEWING,), C.NOTIFIED, SALES, _("Send the change notice to the departments"),
               optional=("note",), checks=("change_all_can",)),
    Transition("confirm", (C.NOTIFIED,), None, SIGNERS, _("Confirm receipt for my department"),
               optional=("dept", "note"), checks=("receipt_waiting",)),
    # Taken by the system when the last department confirms.
    Transition("close", (C.NOTIFIED,), C.CLOSED, SALES, _("Close: every department confirmed"),
               checks=("all_confirmed",)),
    Transition("withdraw", (C.DRAFT, C.REVIEWING), C.WITHDRAWN, SALES, _("Withdraw the change"),
               required=("reason",)),
)
CHANGE_TABLE = register_table("contracts.change", Table(CHANGE_ROWS, {
    "change_signoff_valid": _change_signoff_valid, "change_all_can": _change_all_can,
    "receipt_waiting": _receipt_waiting, "all_confirmed": _all_confirmed,
}, dry_checks=frozenset({"change_all_can", "all_confirmed"})), "contracts.ChangeNotice", changes="contracts.NoticeChange")


# -- customer demand to delivery plan (顾客需求管理程序 §5) ---------------------------------------------------------

P = PlanStatus
PLAN_CHECKERS = frozenset().union(*(DEPT_ROLES[d] for d in PLAN_CHECKS))
PLAN_SIGNERS = frozenset().union(*(DEPT_ROLES[d] for d in PLAN_RECEIVERS))
VICE_GM = frozenset({Role.VICE_GM, Role.GM})


def _plan_dept(plan, inputs, actor, allowed) -> CheckResult:
    dept = signer_dept(actor, inputs)
    if dept not in allowed or dept not in plan.waiting_depts():  # a step naming no department (None) is in neither
        return "", _("Your department has nothing waiting on this delivery plan.")
    return None


def _plan_check_valid(plan, inputs, actor) -> CheckResult:
    if inputs.get("answer") not in (Answer.CAN, Answer.CANNOT):
        return "answer", _("Choose “can meet” or “cannot meet”.")
    if inputs["answer"] == Answer.CANNOT and not (inputs.get("comment") or "").strip():
        return "comment", _("Say what cannot be met.")
    return _plan_dept(plan, inputs, actor, PLAN_CHECKS)


def _plan_ready(plan, inputs, actor) -> CheckResult:
    if plan.waiting_on:
        return "", _("Engineering, the warehouse and production have not all checked the order yet.")
    short = [d for d, c in plan.checks.items() if c.get("answer") == Answer.CANNOT]
    outsourcer = inputs.get("outsourcer") or plan.outsourcer
    if short and (outsourcer is None or not (inputs.get("outsource_date") or plan.outsource_date)):
        return "outsourcer", _("A check found the order cannot be met in house: name an approved outsourcer and "
                               "its confirmed date.")
    if outsourcer is not None and not outsourcer.is_active:
        return "outsourcer", _("Only an approved (active) outsourcer may take the work.")
    if outsourcer is not None and not on_outsourcer_list(plan.company_id, outsourcer):
        # 顾客需求管理程序 §5.4.2: only a qualified outsourcer listed in 《外包加工商清单》.
        return "outsourcer", _("%(supplier)s is not on the approved-outsourcer list today.") % {
            "supplier": outsourcer}
    return None


def on_outsourcer_list(company_id: int, supplier, day=None) -> bool:
    """Whether ``supplier`` is on the company's approved-outsourcer list on ``day`` (today by default)."""
    from django.utils import timezone

    from .models import ApprovedOutsourcer

    day = day or timezone.localdate()
    entry = ApprovedOutsourcer.objects.filter(company_id=company_id, supplier=supplier).first()
    return entry is not None and entry.approved_on_day(day)


def _plan_not_own(plan, inputs, actor) -> CheckResult:
    return refuse_own_proposal(actor, plan.proposed_by_id)


def _plan_sign_valid(plan, inputs, actor) -> CheckResult:
    return _plan_dept(plan, inputs, actor, PLAN_RECEIVERS)


def _plan_all_signed(plan, inputs, actor) -> CheckResult:
    if plan.waiting_on:
        return "", _("Not every department has signed for the plan yet.")
    return None


PLAN_ROWS: tuple[Transition, ...] = (
    Transition("issue_notice", (P.DRAFT,), P.CHECKING, SALES, _("Issue the production notice"), optional=("note",)),
    Transition("check", (P.CHECKING,), None, PLAN_CHECKERS, _("Record my department's check"),
               required=("answer",), optional=("comment", "dept"), checks=("plan_check_valid",)),
    Transition("propose", (P.CHECKING,), P.APPROVAL, SALES, _("Submit the delivery plan to the vice GM"),
               required=("plan_text",), optional=("outsourcer", "outsource_date", "first_delivery", "last_delivery"),
               checks=("plan_ready",)),
    Transition("approve", (P.APPROVAL,), P.CUSTOMER, VICE_GM, _("Approve the delivery plan"), optional=("note",),
               checks=("plan_not_own",)),
    Transition("return", (P.APPROVAL,), P.CHECKING, VICE_GM, _("Send the plan back"), required=("reason",)),
    Transition("customer_confirms", (P.CUSTOMER,), P.DISTRIBUTED, SALES,
               _("Record the customer's confirmation and distribute the plan"), required=("confirmation_note",)),
    Transition("sign_for", (P.DISTRIBUTED,), None, PLAN_SIGNERS, _("Sign for the plan for my department"),
               optional=("dept", "note"), checks=("plan_sign_valid",)),
    # Taken by the system when the last department signs.
    Transition("close", (P.DISTRIBUTED,), P.CLOSED, SALES, _("Close: every department signed"),
               checks=("plan_all_signed",)),
    Transition("cancel", (P.DRAFT, P.CHECKING, P.APPROVAL, P.CUSTOMER), P.CANCELLED, SALES, _("Cancel"),
               required=("reason",)),
)
INPUT_LABELS.update({"plan_text": _("delivery plan"), "outsourcer": _("outsourcer"),
                     "outsource_date": _("outsourcer's confirmed date"), "first_delivery": _("first delivery"),
                     "last_delivery": _("last delivery")})
PLAN_TABLE = register_table("contracts.plan", Table(PLAN_ROWS, {
    "plan_check_valid": _plan_check_valid, "plan_ready": _plan_ready, "plan_not_own": _plan_not_own,
    "plan_sign_valid": _plan_sign_valid, "plan_all_signed": _plan_all_signed,
}, dry_checks=frozenset({"plan_not_own", "plan_all_signed"})), "contracts.DeliveryPlan",
    changes="contracts.DeliveryPlanChange")
