"""The claim and supplier charge-back tables say what the procedure says (issue 25 §2).

The procedure is written out here again from seed 003 (claims) and design §4 and issue 18 §1–2, independently of
``claims/workflow.py``: where each step leads, from which states, what it asks for, who takes it and which rule
it checks. A wrong target, a lost required field, a role added to a step or a dropped money check (the agreed
amount not above the claim, the recovered amount valid, the party named) fails here even when the runner
follows the table faithfully."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.claims.choices import ClaimStatus as S
from kesu.claims.choices import SupplierClaimStatus as C
from kesu.claims.workflow import CLAIM_TABLE, SUPPLIER_TABLE

SALES = {Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR}
MANAGEMENT = {Role.GM, Role.VICE_GM}  # the vice GM only by the company's delegation (checked by within_limit)
STAYS = None

# name: (target, sources, required fields, roles, rule checks)
CLAIM = {
    # Sales collects the claim letter and evidence, then hands the claim over for analysis.
    "submit": (S.ANALYSING, {S.COLLECTING}, set(), SALES, {"has_items", "documents_complete"}),
    # The (vice) GM analyses and proposes; the GM approves — never the proposer himself.
    "propose": (S.AWAITING_APPROVAL, {S.ANALYSING}, {"analysis", "proposed_amount", "proposed_outcome"},
                MANAGEMENT, {"proposal_consistent"}),
    "approve": (S.NEGOTIATING, {S.AWAITING_APPROVAL}, set(), MANAGEMENT, {"within_limit", "not_own_proposal"}),
    "return_proposal": (S.ANALYSING, {S.AWAITING_APPROVAL}, {"reason"}, MANAGEMENT, set()),
    # Sales negotiates with the customer: rejected → analysed again; accepted → responsibility; not ours → withdrawn.
    "customer_rejects": (S.ANALYSING, {S.NEGOTIATING}, {"reason"}, SALES, set()),
    "customer_accepts": (S.RESPONSIBILITY, {S.NEGOTIATING}, set(), SALES, {"offer_ours"}),
    "withdraw": (S.WITHDRAWN, {S.NEGOTIATING}, {"agreement_note"}, SALES, {"offer_not_ours"}),
    # The GM holds the responsibility meeting and names the party; finance settles, the root-cause action raised.
    "fix_responsibility": (S.SETTLING, {S.RESPONSIBILITY}, {"meeting_attendees", "meeting_conclusion",
                                                          "responsible_party"}, {Role.GM}, {"party_named"}),
    "settle": (S.SETTLED, {S.SETTLING}, {"settled_on", "settlement_method"}, {Role.FINANCE},
               {"items_settled", "capa_can_be_raised"}),
    # Issue 18 §2: finance's reason for raising no action is accepted by QA; the claim stays settled.
    "accept_no_capa": (STAYS, {S.SETTLED}, set(), {Role.QA}, {"no_capa_pending"}),
    "cancel": (S.CANCELLED, {S.COLLECTING, S.ANALYSING, S.AWAITING_APPROVAL, S.NEGOTIATING, S.RESPONSIBILITY,
                             S.SETTLING}, {"reason"}, {Role.SALES_DIRECTOR, Role.GM}, set()),
}

SUPPLIER = {
    # Purchasing sends the charge-back; management agrees an amount no higher than charged; finance or
    # purchasing records what came back; management writes off what will not.
    "send": (C.SENT, {C.DRAFT}, set(), {Role.PURCHASING}, set()),
    "agree": (C.AGREED, {C.SENT}, {"agreed_amount"}, MANAGEMENT, {"agreed_not_above"}),
    "recover": (C.RECOVERED, {C.AGREED}, {"recovered_amount", "recovered_on"}, {Role.FINANCE, Role.PURCHASING},
                {"recovered_valid"}),
    "write_off": (C.WRITTEN_OFF, {C.DRAFT, C.SENT, C.AGREED}, {"reason"}, MANAGEMENT, set()),
}


def _rows(table):
    return {row.name: row for row in table.rows}


@pytest.mark.parametrize(("table", "procedure"), [(CLAIM_TABLE, CLAIM), (SUPPLIER_TABLE, SUPPLIER)],
                         ids=["claim", "supplier"])
def test_the_table_has_exactly_the_steps_of_the_procedure(table, procedure):
    assert set(_rows(table)) == set(procedure)


CASES = [("claim", name) for name in CLAIM] + [("supplier", name) for name in SUPPLIER]


@pytest.mark.parametrize(("which", "name"), CASES, ids=[f"{w}-{n}" for w, n in CASES])
def test_each_step_is_as_the_procedure_says(which, name):
    table, procedure = {"claim": (CLAIM_TABLE, CLAIM), "supplier": (SUPPLIER_TABLE, SUPPLIER)}[which]
    row = _rows(table)[name]
    target, sources, fields, roles, checks = procedure[name]
    assert (str(row.target) if row.target else None) == (str(target) if target else None)
    assert {str(s) for s in row.sources} == {str(s) for s in sources}
    assert set(row.required) == fields
    assert {str(r) for r in row.roles} == {str(r) for r in roles}
    assert set(row.checks) == checks
