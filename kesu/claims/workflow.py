"""The claim and supplier-claim workflows as data (issue 5 §2–§3; seed 000 §4.2).

Sales collects → the vice GM analyses and proposes → the GM approves (§4.2.2) →
sales offers it to the customer; rejected → analysed again, until agreement.
Not ours: withdrawn on the customer's written agreement. Ours: the GM holds the
responsibility meeting that names the responsible party (§4.2.4), finance
settles from the items and pays or credits.

Approval by the vice GM is a delegation a company may give (issue 18 §1): off
by default; when on, up to the company's limit in the base currency (a "not
ours" proposal of 0 included; a limit of 0 delegates nothing), and each such
approval is recorded as taken by delegation. Nobody approves their own proposal.

Root cause after settlement (§4.2.6; issue 18 §2): settling raises a corrective
action through the CAPA service, linked to the claim and its complaint, unless
finance records why none is needed (``no_capa_reason``). Such a claim is settled
but not closed: QA accepts the reason (``accept_no_capa``, a step inside
"settled") and only then is it closed; QA that does not accept it raises the
corrective action from the claim instead, which closes it too.

``services.claim_transition`` and ``services.supplier_claim_transition`` are the
only code that applies these tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.workflow import CheckResult, Table, Transition, refuse_own_proposal, register_table

from .choices import (
    DOCUMENTS_FOR_ITEMS,
    OPEN_STATUSES,
    ClaimStatus,
    Outcome,
    ResponsibleParty,
    SupplierClaimStatus,
)

S = ClaimStatus
SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
ANALYSTS = frozenset({Role.VICE_GM, Role.GM})
APPROVERS = frozenset({Role.VICE_GM, Role.GM})  # the vice GM only under the company's delegation (within_limit)
GM = frozenset({Role.GM})
QA = frozenset({Role.QA})
FINANCE = frozenset({Role.FINANCE})
CANCELLERS = frozenset({Role.SALES_DIRECTOR, Role.GM})
PURCHASING = frozenset({Role.PURCHASING})

ROWS: tuple[Transition, ...] = (
    Transition("submit", (S.COLLECTING,), S.ANALYSING, SALES, _("Submit for analysis"), optional=("note",),
               checks=("has_items", "documents_complete")),
    Transition("propose", (S.ANALYSING,), S.AWAITING_APPROVAL, ANALYSTS, _("Propose a settlement"),
               required=("analysis", "proposed_outcome", "proposed_amount"), checks=("proposal_consistent",)),
    Transition("approve", (S.AWAITING_APPROVAL,), S.NEGOTIATING, APPROVERS, _("Approve the proposal"),
               optional=("note",), checks=("within_limit", "not_own_proposal")),
    Transition("return_proposal", (S.AWAITING_APPROVAL,), S.ANALYSING, APPROVERS, _("Send the proposal back"),
               required=("reason",)),
    Transition("customer_rejects", (S.NEGOTIATING,), S.ANALYSING, SALES, _("Customer rejected the offer"),
               required=("reason",)),
    Transition("customer_accepts", (S.NEGOTIATING,), S.RESPONSIBILITY, SALES, _("Customer accepted the offer"),
               optional=("note",), checks=("offer_ours",)),
    Transition("withdraw", (S.NEGOTIATING,), S.WITHDRAWN, SALES, _("Withdrawn: customer agreed in writing"),
               required=("agreement_note",), checks=("offer_not_ours",)),
    # Seed 000 §4.2.4: the general manager organises the meeting that fixes the responsibility.
    Transition("fix_responsibility", (S.RESPONSIBILITY,), S.SETTLING, GM, _("Record the responsibility meeting"),
               required=("responsible_party", "meeting_conclusion", "meeting_attendees"),
               optional=("responsible_department", "responsible_salesperson", "supplier", "supplier_share"),
               checks=("party_named",)),
    Transition("settle", (S.SETTLING,), S.SETTLED, FINANCE, _("Record payment or credit"),
               required=("settlement_method", "settled_on"), optional=("settlement_reference", "no_capa_reason"),
               checks=("items_settled", "capa_can_be_raised")),
    Transition("accept_no_capa", (S.SETTLED,), None, QA, _("Accept that no corrective action is needed"),
               optional=("note",), checks=("no_capa_pending",)),
    Transition("cancel", OPEN_STATUSES, S.CANCELLED, CANCELLERS, _("Cancel (the customer dropped the claim)"),
               required=("reason",)),
)

INPUT_LABELS: dict[str, Any] = {
    "note": _("note"), "reason": _("reason"), "analysis": _("initial analysis"),
    "proposed_outcome": _("proposed outcome"), "proposed_amount": _("proposed settlement"),
    "agreement_note": _("customer's written agreement"), "responsible_party": _("responsible party"),
    "meeting_conclusion": _("meeting conclusion"), "meeting_attendees": _("meeting attendees"),
    "responsible_department": _("responsible department"), "responsible_salesperson": _("responsible salesperson"),
    "supplier": _("responsible supplier"), "supplier_share": _("supplier's share (per cent)"),
    "settlement_method": _("paid as"), "settled_on": _("paid or credited on"),
    "settlement_reference": _("voucher or credit note number"), "agreed_amount": _("amount the supplier agreed"),
    "recovered_amount": _("amount recovered"), "recovered_on": _("recovered on"),
    "recovery_reference": _("debit note or receipt number"),
    "no_capa_reason": _("why no corrective action is needed"),
}


# -- named checks: None when passing, else (field, message) --------------------------------


def _has_items(claim, inputs, actor) -> CheckResult:
    if not claim.items.exists():
        return "items", _("List what the customer claims (at least one item) before submitting.")
    return None


def missing_documents(claim) -> list[str]:
    """The document kinds still missing: the company's list plus those the claimed items need."""
    from .selectors import claim_settings_for

    needed = list(claim_settings_for(claim.company).required_documents)
    for kind in claim.items.values_list("kind", flat=True).distinct():
        extra = DOCUMENTS_FOR_ITEMS.get(kind)
        if extra and extra.value not in needed:
            needed.append(extra.value)
    have = set(claim.documents.values_list("kind", flat=True))
    return [kind for kind in needed if kind not in have]


def _documents_complete(claim, inputs, actor) -> CheckResult:
    from .choices import DocumentKind

    missing = missing_documents(claim)
    if missing:
        return "documents", _("The claim is not complete; still missing: %(documents)s.") % {
            "documents": "、".join(str(DocumentKind(kind).label) for kind in missing)}
    return None


def _proposal_consistent(claim, inputs, actor) -> CheckResult:
    amount = inputs.get("proposed_amount")
    if not isinstance(amount, Decimal) or amount < 0:
        return "proposed_amount", _("Give the proposed settlement as an amount of 0 or more.")
    if inputs.get("proposed_outcome") not in Outcome.values:
        return "proposed_outcome", _("Choose whether the responsibility is ours or not.")
    if inputs["proposed_outcome"] == Outcome.NOT_OURS and amount != 0:
        return "proposed_amount", _("When the responsibility is not ours the settlement is 0.")
    if inputs["proposed_outcome"] == Outcome.OURS and amount == 0:
        return "proposed_amount", _("When the responsibility is ours, propose the amount to pay.")
    if amount > claim.claimed_amount:
        return "proposed_amount", _("The proposal cannot exceed the claimed amount (%(amount)s).") % {
            "amount": claim.claimed_amount}
    return None


def approves_by_delegation(actor) -> bool:
    """Whether ``actor``'s approval is one taken under the vice GM delegation (not the GM's own)."""
    return actor is not None and not actor.is_superuser and not actor.has_role(Role.GM)


def _within_limit(claim, inputs, actor) -> CheckResult:
    # Seed 000 §4.2.2: the general manager approves. The vice GM approves only under the company's delegation,
    # up to its limit in the base currency — a "not ours" proposal of 0 too, so a limit of 0 delegates nothing.
    if not approves_by_delegation(actor):
        return None
    from .money import to_base
    from .selectors import claim_settings_for

    settings = claim_settings_for(claim.company)
    if not settings.vice_gm_delegation or settings.vice_gm_limit <= 0:
        return "proposed_amount", _("Claim settlements are approved by the general manager; the company has not "
                                    "delegated approvals to the vice GM.")
    if to_base(claim.proposed_amount or 0, claim.exchange_rate) > settings.vice_gm_limit:
        return "proposed_amount", _(
            "Settlements above %(limit)s %(currency)s are approved by the general manager.") % {
            "limit": settings.vice_gm_limit, "currency": settings.base_currency}
    return None


def _not_own_proposal(claim, inputs, actor) -> CheckResult:
    # Design §11: the GM or vice GM who proposed the settlement never approves it.
    return refuse_own_proposal(actor, claim.analysed_by_id)


def _offer_ours(claim, inputs, actor) -> CheckResult:
    if claim.proposed_outcome != Outcome.OURS:
        return "proposed_outcome", _("The offer says the responsibility is not ours: record the customer's "
                                     "written agreement to withdraw the claim instead.")
    return None


def _offer_not_ours(claim, inputs, actor) -> CheckResult:
    if claim.proposed_outcome != Outcome.NOT_OURS:
        return "proposed_outcome", _("The offer accepts responsibility: record the customer's acceptance instead.")
    return None


def _party_named(claim, inputs, actor) -> CheckResult:
    party = inputs.get("responsible_party")
    needs = {ResponsibleParty.DEPARTMENT: "responsible_department",
             ResponsibleParty.SALESPERSON: "responsible_salesperson",
             ResponsibleParty.SUPPLIER: "supplier"}.get(party)
    if party not in ResponsibleParty.values:
        return "responsible_party", _("Choose the responsible party.")
    if needs and inputs.get(needs) is None:
        return needs, _("Name the %(who)s.") % {"who": INPUT_LABELS[needs]}
    if party == ResponsibleParty.SUPPLIER:
        share = inputs.get("supplier_share")
        if not isinstance(share, Decimal) or not Decimal(0) < share <= Decimal(100):
            return "supplier_share", _("Give the supplier's share of the cost, more than 0 and at most 100 per cent.")
    if len(inputs.get("meeting_attendees") or ()) < 2:
        return "meeting_attendees", _("The responsibility meeting needs at least two attendees from the departments "
                                      "concerned.")
    return None


def capa_assignment(claim):
    """Who carries out the corrective action of a settled claim (seed 000 §4.2.6: the vice GM organises the
    root-cause analysis, the responsible department carries it out): (department, owner), either None when
    nobody can be named. The department is the responsible one, else the responsible salesperson's, else the
    complaint's, else the analysing vice GM's; its head owns the action, else the responsible salesperson, else
    the vice GM who analysed the claim."""
    department = claim.responsible_department
    if department is None and claim.responsible_salesperson_id:
        department = claim.responsible_salesperson.department
    if department is None and claim.complaint_id:
        department = claim.complaint.responsible_department
    if department is None and claim.analysed_by_id:
        department = claim.analysed_by.department
    owner = department.head if department is not None and department.head_id else None
    for person in (claim.responsible_salesperson, claim.analysed_by):
        if owner is None and person is not None and person.is_active:
            owner = person
    return department, owner


def _capa_can_be_raised(claim, inputs, actor) -> CheckResult:
    if (inputs.get("no_capa_reason") or "").strip():
        return None
    department, owner = capa_assignment(claim)
    if department is None or owner is None:
        return "no_capa_reason", _("Nobody can be named to carry out the corrective action (no responsible "
                                   "department with a head): record why no corrective action is needed, or "
                                   "name the department's head first.")
    return None


def _no_capa_pending(claim, inputs, actor) -> CheckResult:
    if claim.closed_at is not None or not claim.no_capa_reason:
        return "no_capa_reason", _("This claim waits for no decision on a corrective action.")
    return None


def _items_settled(claim, inputs, actor) -> CheckResult:
    from .selectors import settlement_total

    if claim.items.filter(settled_amount__isnull=True).exists():
        return "items", _("Compute the settled amount of every item first.")
    total = settlement_total(claim)
    if total != claim.agreed_amount:
        return "items", _("The items add up to %(total)s but %(agreed)s was agreed with the customer.") % {
            "total": total, "agreed": claim.agreed_amount}
    return None


# Checks of the claim as it stands and the actor (no inputs), judged by the page's dry run too (issue 16 §5).
CLAIM_DRY_CHECKS = frozenset({"has_items", "documents_complete", "within_limit", "offer_ours", "offer_not_ours",
                              "not_own_proposal", "no_capa_pending"})
CLAIM_TABLE = register_table("claims.claim", Table(ROWS, {
    "has_items": _has_items, "documents_complete": _documents_complete, "proposal_consistent": _proposal_consistent,
    "within_limit": _within_limit, "offer_ours": _offer_ours, "offer_not_ours": _offer_not_ours,
    "party_named": _party_named, "items_settled": _items_settled, "not_own_proposal": _not_own_proposal,
    "capa_can_be_raised": _capa_can_be_raised, "no_capa_pending": _no_capa_pending,
}, dry_checks=CLAIM_DRY_CHECKS), "claims.Claim", changes="claims.ClaimChange")


# -- supplier claims ------------------------------------------------------------------

C = SupplierClaimStatus


def _agreed_not_above(sc, inputs, actor) -> CheckResult:
    amount = inputs.get("agreed_amount")
    if not isinstance(amount, Decimal) or amount <= 0:
        return "agreed_amount", _("Give the amount the supplier agreed to pay, more than 0.")
    if amount > sc.amount:
        return "agreed_amount", _("The supplier cannot agree to more than was charged back (%(amount)s).") % {
            "amount": sc.amount}
    return None


def _recovered_valid(sc, inputs, actor) -> CheckResult:
    amount = inputs.get("recovered_amount")
    if not isinstance(amount, Decimal) or amount <= 0:
        return "recovered_amount", _("Give the amount recovered, more than 0.")
    if amount > (sc.agreed_amount or 0):
        return "recovered_amount", _("More than the agreed %(amount)s cannot be recovered.") % {
            "amount": sc.agreed_amount}
    return None


SUPPLIER_ROWS: tuple[Transition, ...] = (
    Transition("send", (C.DRAFT,), C.SENT, PURCHASING, _("Send the claim letter to the supplier"),
               optional=("note",)),
    Transition("agree", (C.SENT,), C.AGREED, APPROVERS, _("Record the agreement with the supplier"),
               required=("agreed_amount",), optional=("note",), checks=("agreed_not_above",)),
    Transition("recover", (C.AGREED,), C.RECOVERED, PURCHASING | FINANCE, _("Record the recovered amount"),
               required=("recovered_amount", "recovered_on"), optional=("recovery_reference",),
               checks=("recovered_valid",)),
    Transition("write_off", (C.DRAFT, C.SENT, C.AGREED), C.WRITTEN_OFF, APPROVERS, _("Write off"),
               required=("reason",)),
)
SUPPLIER_TABLE = register_table(
    "claims.supplier_claim",
    Table(SUPPLIER_ROWS, {"agreed_not_above": _agreed_not_above, "recovered_valid": _recovered_valid}),
    "claims.SupplierClaim", changes="claims.SupplierClaimChange")
