"""The customer property workflows as data (seed 000 §4.4; issue 19).

- ``property.item`` — a ledger item: received → in use ↔ on loan; damaged or lost (a damage report says so);
  returned to the customer or scrapped with the customer's consent (sales).
- ``property.loan`` — the loan slip (§4.4.2): requested → sales approves (or records that the customer agreed,
  where the item's terms require it) → the keeping department issues → returns it with a condition check.
- ``property.damage`` — damage, loss or unsuitability (§4.4.3): reported → remedial action recorded → sales
  notifies the customer in writing → the customer's answer → the cost booked with its bearer.
- ``property.copy`` — a controlled copy of a drawing revision: superseding the revision recalls it; the holding
  department confirms its return or destruction.

``services`` is the only code that applies these tables.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.workflow import CheckResult, Table, Transition, refuse_own_proposal, register_table

from .choices import LENDABLE_STATUSES, CopyStatus, DamageStatus, InventoryStatus, ItemStatus, LoanStatus

S, L, D, C = ItemStatus, LoanStatus, DamageStatus, CopyStatus
SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
# Seed 000 §4.4.1: production keeps samples, engineering drawings, QA documents and measuring equipment.
KEEPERS = frozenset({Role.PRODUCTION, Role.ENGINEERING, Role.QA}) | SALES
ENGINEERING = frozenset({Role.ENGINEERING})
FINANCE = frozenset({Role.FINANCE})
STAFF = frozenset(r for r in Role.values if r != Role.ADMIN)

# -- the ledger item -----------------------------------------------------------------------------------------

ITEM_ROWS: tuple[Transition, ...] = (
    Transition("put_in_use", (S.RECEIVED,), S.IN_USE, KEEPERS, _("Put into use"), optional=("note",)),
    # Taken by the loan and damage services only (SYSTEM_STEPS), never offered on the item's page.
    Transition("lend", LENDABLE_STATUSES, S.ON_LOAN, KEEPERS, _("Lend out"), optional=("note",)),
    Transition("take_back", (S.ON_LOAN,), S.IN_USE, KEEPERS, _("Take back from loan"), optional=("note",)),
    Transition("mark_damaged", (S.RECEIVED, S.IN_USE, S.ON_LOAN), S.DAMAGED, STAFF, _("Mark as damaged"),
               optional=("note",)),
    Transition("mark_lost", (S.RECEIVED, S.IN_USE, S.ON_LOAN, S.DAMAGED), S.LOST, STAFF, _("Mark as lost"),
               optional=("note",)),
    Transition("repaired", (S.DAMAGED,), S.IN_USE, KEEPERS, _("Repaired, back in use"), required=("note",)),
    Transition("found", (S.LOST,), S.IN_USE, KEEPERS, _("Found again"), required=("note",)),
    Transition("return_to_customer", (S.RECEIVED, S.IN_USE, S.DAMAGED), S.RETURNED, SALES,
               _("Return to the customer"), required=("disposal_note",), checks=("no_open_loan",)),
    Transition("scrap", (S.RECEIVED, S.IN_USE, S.DAMAGED), S.SCRAPPED, SALES,
               _("Scrap with the customer's consent"), required=("disposal_note",), checks=("no_open_loan",)),
)
SYSTEM_STEPS = frozenset({"lend", "take_back", "mark_damaged", "mark_lost"})


def _no_open_loan(item, inputs, actor) -> CheckResult:
    from .choices import OPEN_LOAN_STATUSES

    loan = item.loans.filter(status__in=OPEN_LOAN_STATUSES).first()
    if loan is not None:
        return "status", _("Loan %(number)s of this item is still open; finish or cancel it first.") % {
            "number": loan.number}
    return None


ITEM_TABLE = register_table("property.item", Table(
    rows=ITEM_ROWS, checks={"no_open_loan": _no_open_loan}, plain_inputs=frozenset({"note"}),
    note_inputs=("note", "disposal_note"), dry_checks=frozenset({"no_open_loan"})),
    "property.PropertyItem", changes="property.PropertyItemChange")

# -- loans ---------------------------------------------------------------------------------------------------

LOAN_ROWS: tuple[Transition, ...] = (
    Transition("approve", (L.REQUESTED,), L.APPROVED, SALES, _("Approve the loan"),
               optional=("customer_consent", "note"), checks=("not_own_request", "consent_recorded")),
    Transition("reject", (L.REQUESTED,), L.REJECTED, SALES, _("Refuse the loan"), required=("reason",)),
    Transition("issue", (L.APPROVED,), L.ISSUED, KEEPERS, _("Issue the item"), optional=("note",),
               checks=("item_lendable",)),
    Transition("return", (L.ISSUED,), L.RETURNED, KEEPERS, _("Take the item back"),
               required=("return_condition",), optional=("return_note",), checks=("condition_described",)),
    Transition("cancel", (L.REQUESTED, L.APPROVED), L.CANCELLED, STAFF, _("Cancel the loan"),
               required=("reason",), checks=("borrower_or_sales",)),
)


def _not_own_request(loan, inputs, actor) -> CheckResult:
    # Design §11: nobody approves their own request.
    return refuse_own_proposal(actor, loan.requested_by_id)


def _consent_recorded(loan, inputs, actor) -> CheckResult:
    # Seed 000 §4.4.2: "由销售部或经顾客协商同意后" — where the item's terms require it, the customer's consent.
    if loan.item.loan_needs_consent and not (loan.customer_consent or "").strip():
        return "customer_consent", _("This item is lent only with the customer's consent: record who agreed, "
                                     "when and how.")
    return None


def _item_lendable(loan, inputs, actor) -> CheckResult:
    if loan.item.status not in LENDABLE_STATUSES:
        return "item", _("The item is “%(status)s” and cannot be issued.") % {
            "status": loan.item.get_status_display()}
    return None


def _condition_described(loan, inputs, actor) -> CheckResult:
    from .choices import Condition

    if loan.return_condition not in Condition.values:
        return "return_condition", _("Choose the condition the item came back in.")
    if loan.return_condition == Condition.DAMAGED and not (loan.return_note or "").strip():
        return "return_note", _("Describe the damage found on return.")
    return None


def _borrower_or_sales(loan, inputs, actor) -> CheckResult:
    if actor is None or actor.is_superuser or actor.pk == loan.requested_by_id or actor.role in SALES:
        return None
    return "", _("Only the borrower or sales may cancel a loan.")


LOAN_TABLE = register_table("property.loan", Table(
    rows=LOAN_ROWS,
    checks={"not_own_request": _not_own_request, "consent_recorded": _consent_recorded,
            "item_lendable": _item_lendable, "condition_described": _condition_described,
            "borrower_or_sales": _borrower_or_sales},
    plain_inputs=frozenset({"note"}), note_inputs=("reason", "note", "return_note"),
    dry_checks=frozenset({"not_own_request", "borrower_or_sales"})),
    "property.Loan", changes="property.LoanChange")

# -- damage, loss or unsuitability ---------------------------------------------------------------------------

DAMAGE_ROWS: tuple[Transition, ...] = (
    Transition("record_remedy", (D.REPORTED,), D.REMEDIED, KEEPERS, _("Record the remedial action"),
               required=("remedial_action",)),
    Transition("notify_customer", (D.REMEDIED,), D.NOTIFIED, SALES, _("Record that the customer was notified"),
               required=("communication",), optional=("notice_language",)),
    Transition("record_answer", (D.NOTIFIED,), D.ANSWERED, SALES, _("Record the customer's answer"),
               required=("customer_answer",)),
    Transition("book_cost", (D.ANSWERED,), D.CLOSED, FINANCE | SALES, _("Book the cost and close"),
               required=("bearer", "cost_amount"), optional=("note",), checks=("cost_positive",)),
    Transition("close_without_cost", (D.ANSWERED,), D.CLOSED, FINANCE | SALES, _("Close without a cost"),
               required=("reason",)),
)


def _cost_positive(report, inputs, actor) -> CheckResult:
    from kesu.claims.choices import Bearer

    if report.bearer not in Bearer.values:
        return "bearer", _("Choose who bears the cost.")
    if report.cost_amount is None or report.cost_amount <= 0:
        return "cost_amount", _("The amount must be more than 0.")
    return None


DAMAGE_TABLE = register_table("property.damage", Table(
    rows=DAMAGE_ROWS, checks={"cost_positive": _cost_positive}, plain_inputs=frozenset({"note", "reason"})),
    "property.DamageReport", changes="property.DamageReportChange")

# -- controlled copies of drawings ---------------------------------------------------------------------------

COPY_ROWS: tuple[Transition, ...] = (
    Transition("recall", (C.ISSUED,), C.RECALLING, ENGINEERING, _("Recall the copy"), optional=("note",)),
    Transition("confirm_returned", (C.RECALLING,), C.RETURNED, STAFF, _("Confirm the copy was returned"),
               optional=("note",), checks=("holder",)),
    Transition("confirm_destroyed", (C.RECALLING,), C.DESTROYED, STAFF, _("Confirm the copy was destroyed"),
               optional=("note",), checks=("holder",)),
)


def _holder(copy, inputs, actor) -> CheckResult:
    # Each holder confirms its own copy (issue 19 §2): someone of the holding department.
    if actor is None or actor.is_superuser or actor.department_id == copy.department_id:
        return None
    return "", _("Only the holding department (%(department)s) confirms its copy.") % {
        "department": copy.department}


COPY_TABLE = register_table("property.copy", Table(
    rows=COPY_ROWS, checks={"holder": _holder}, plain_inputs=frozenset({"note"}), dry_checks=frozenset({"holder"})),
    "property.ControlledCopy", changes="property.ControlledCopyChange")

# -- inventory checks ----------------------------------------------------------------------------------------

# Issue 19 §5: started (by hand, or in December by the worker) with one line per item on site → each keeping
# department confirms its lines → sales or QA closes it, and every difference becomes a damage or loss report.
INVENTORY_CLOSERS = SALES | frozenset({Role.QA})
INVENTORY_ROWS: tuple[Transition, ...] = (
    Transition("close", (InventoryStatus.OPEN,), InventoryStatus.CLOSED, INVENTORY_CLOSERS,
               _("Close the inventory check"), optional=("note",), checks=("all_confirmed",)),
)


def _all_confirmed(check, inputs, actor) -> CheckResult:
    waiting = check.lines.filter(result="").count()
    if waiting:
        return "lines", _("%(count)s items are not confirmed yet.") % {"count": waiting}
    return None


INVENTORY_TABLE = register_table("property.inventory", Table(
    rows=INVENTORY_ROWS, checks={"all_confirmed": _all_confirmed}, plain_inputs=frozenset({"note"}),
    dry_checks=frozenset({"all_confirmed"})),
    "property.InventoryCheck", changes="property.InventoryCheckChange")

INPUT_LABELS: dict[str, Any] = {
    "note": _("note"), "reason": _("reason"), "disposal_note": _("return or disposal note"),
    "customer_consent": _("customer's consent"), "return_condition": _("condition on return"),
    "return_note": _("condition check"), "remedial_action": _("remedial action"),
    "communication": _("how the customer was told"), "notice_language": _("notice language"),
    "customer_answer": _("customer's answer"), "bearer": _("borne by"), "cost_amount": _("cost"),
}


def label_of(name: str) -> str:
    return str(INPUT_LABELS.get(name, name))
