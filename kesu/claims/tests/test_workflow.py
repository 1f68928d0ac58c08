"""The claim workflow: the transition table, refusals with clear messages, the negotiation loop."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import Answer, ClaimStatus, DocumentKind, ItemKind, Outcome, ResponsibleParty
from kesu.claims.models import ClaimChange, CostEntry
from kesu.claims.workflow import CLAIM_TABLE, ROWS
from kesu.core.services import TransitionRefused

from .factories import act, add_documents, bring_to, meeting_inputs, new_claim, propose

pytestmark = pytest.mark.django_db


def test_it_numbers_the_claim_and_sums_the_items_in_decimal(people):
    import time_machine

    from kesu.complaints.tests.factories import at

    with time_machine.travel(at(2026, 5, 11, 10), tick=False):
        claim = new_claim(people)
    assert claim.number == "CL-2026-0001"  # the company's first claim of 2026
    assert claim.claimed_amount == Decimal("4501.50")
    assert [i.claimed_amount for i in claim.items.order_by("id")] == [Decimal("3601.50"), Decimal("900.00")]
    assert claim.exchange_rate == Decimal("1")


def test_it_refuses_submitting_without_the_required_documents_naming_them(people):
    claim = new_claim(people, documents=False)
    add_documents(claim, people, kinds=[DocumentKind.CLAIM_LETTER])
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "submit", people, Role.SALESPERSON)
    assert refused.value.field == "documents"
    assert "Invoices and receipts" in refused.value.message and "Photos of the defect" in refused.value.message


def test_a_freight_item_needs_the_freight_documents_too(people):
    claim = new_claim(people, items=[{"kind": ItemKind.FREIGHT, "unit_price": Decimal("800")}])
    with pytest.raises(TransitionRefused, match="Freight documents"):
        act(claim, "submit", people, Role.SALESPERSON)
    add_documents(claim, people, kinds=[DocumentKind.SHIPPING])
    assert act(claim, "submit", people, Role.SALESPERSON).status == ClaimStatus.ANALYSING


def test_it_refuses_submitting_a_claim_without_items(people):
    claim = new_claim(people, items=[])
    with pytest.raises(TransitionRefused, match="at least one item"):
        act(claim, "submit", people, Role.SALESPERSON)


def test_the_vice_gm_may_approve_only_up_to_the_limit(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    propose(claim, people, amount="4000.00", role=Role.GM)  # the vice GM never approves their own proposal
    services.claim_settings_update(actor=people[Role.GM], company=people.company,
                                   data={"vice_gm_delegation": True, "vice_gm_limit": Decimal("3999.99")})
    with pytest.raises(TransitionRefused, match="approved by the general manager") as refused:
        act(claim, "approve", people, Role.VICE_GM)
    assert refused.value.code == TransitionRefused.PRECONDITION
    services.claim_settings_update(actor=people[Role.GM], company=people.company,
                                   data={"vice_gm_limit": Decimal("4000.00")})
    assert act(claim, "approve", people, Role.VICE_GM).status == ClaimStatus.NEGOTIATING


def test_whoever_proposed_the_settlement_never_approves_it(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    services.claim_settings_update(actor=people[Role.GM], company=people.company, data={"vice_gm_delegation": True})
    propose(claim, people, amount="1000.00")  # by the vice GM, within the vice GM's delegated limit
    with pytest.raises(TransitionRefused, match="segregation of duties") as refused:
        act(claim, "approve", people, Role.VICE_GM)
    assert refused.value.code == TransitionRefused.PRECONDITION and claim.status == ClaimStatus.AWAITING_APPROVAL
    assert act(claim, "approve", people, Role.GM).status == ClaimStatus.NEGOTIATING


def test_the_limit_compares_the_amount_in_the_base_currency(people):
    claim = new_claim(people, currency="USD", exchange_rate=Decimal("7.1"))
    bring_to(ClaimStatus.ANALYSING, people, claim)
    propose(claim, people, amount="3000.00")  # 21,300 CNY, above the default 20,000
    with pytest.raises(TransitionRefused, match="general manager"):
        act(claim, "approve", people, Role.VICE_GM)
    assert act(claim, "approve", people, Role.GM).status == ClaimStatus.NEGOTIATING


def test_a_rejected_offer_goes_back_to_analysis_and_each_round_is_kept(people):
    claim = bring_to(ClaimStatus.NEGOTIATING, people)
    act(claim, "customer_rejects", people, Role.SALESPERSON, reason="客户要求全额赔偿")
    assert claim.status == ClaimStatus.ANALYSING
    propose(claim, people, amount="4300.00")
    act(claim, "approve", people, Role.GM)
    act(claim, "customer_accepts", people, Role.SALESPERSON)
    rounds = list(claim.rounds.order_by("round_no"))
    assert [(r.round_no, r.offered_amount, r.answer) for r in rounds] == [
        (1, Decimal("4000.00"), Answer.REJECTED), (2, Decimal("4300.00"), Answer.ACCEPTED)]
    assert rounds[0].answer_note == "客户要求全额赔偿"
    claim.refresh_from_db()
    assert (claim.status, claim.outcome, claim.agreed_amount) == (ClaimStatus.RESPONSIBILITY, Outcome.OURS,
                                                                  Decimal("4300.00"))


def test_not_ours_is_withdrawn_only_with_the_customers_written_agreement(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    propose(claim, people, amount="0", outcome=Outcome.NOT_OURS)
    act(claim, "approve", people, Role.GM)
    with pytest.raises(TransitionRefused, match="withdraw the claim instead"):
        act(claim, "customer_accepts", people, Role.SALESPERSON)
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "withdraw", people, Role.SALESPERSON)
    assert refused.value.code == TransitionRefused.MISSING_FIELD and refused.value.field == "agreement_note"
    act(claim, "withdraw", people, Role.SALESPERSON, agreement_note="客户 5 月 20 日来函同意撤销索赔")
    assert claim.status == ClaimStatus.WITHDRAWN and claim.agreed_amount == 0 and claim.closed_at
    assert not CostEntry.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(("outcome", "amount", "field"), [
    (Outcome.NOT_OURS, "100.00", "proposed_amount"), (Outcome.OURS, "0", "proposed_amount"),
    (Outcome.OURS, "4501.51", "proposed_amount")])
def test_an_inconsistent_proposal_is_refused_naming_the_field(people, outcome, amount, field):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    with pytest.raises(TransitionRefused) as refused:
        propose(claim, people, amount=amount, outcome=outcome)
    assert refused.value.field == field


def test_settling_books_the_ledger_and_raises_the_supplier_charge_back(people):
    claim = bring_to(ClaimStatus.SETTLED, people, share="60")
    assert claim.compensation_amount == Decimal("4000.00")
    entries = list(CostEntry.objects.filter(claim=claim).order_by("id"))
    assert [(e.category, e.amount, e.bearer, e.supplier_id) for e in entries] == [
        ("replacement", Decimal("3000.00"), "supplier", claim.supplier_id),
        ("labour", Decimal("1000.00"), "supplier", claim.supplier_id)]
    sc = claim.supplier_claims.get()
    assert sc.amount == Decimal("2400.00") and sc.status == "draft" and sc.share_percent == Decimal("60")


def test_settling_refuses_items_that_do_not_add_up_to_the_agreement(people):
    from .factories import settle_items

    claim = bring_to(ClaimStatus.SETTLING, people)
    settle_items(claim, people, ["3000.00", "999.99"])
    with pytest.raises(TransitionRefused, match="add up to 3999.99 but 4000.00 was agreed"):
        act(claim, "settle", people, Role.FINANCE, settlement_method="payment", settled_on=datetime.date(2026, 6, 1))


def test_the_meeting_must_name_the_responsible_party(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people, party=ResponsibleParty.DEPARTMENT)
    inputs.pop("responsible_department")
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "fix_responsibility", people, Role.GM, **inputs)
    assert refused.value.field == "responsible_department"
    inputs = meeting_inputs(people)
    inputs["meeting_attendees"] = inputs["meeting_attendees"][:1]
    with pytest.raises(TransitionRefused, match="at least two attendees"):
        act(claim, "fix_responsibility", people, Role.GM, **inputs)


# -- the whole table: every row from every source, the wrong role, the wrong state ------------------

ALLOWED = {"submit": Role.SALESPERSON, "propose": Role.VICE_GM, "approve": Role.GM, "return_proposal": Role.GM,
           "customer_rejects": Role.SALESPERSON, "customer_accepts": Role.SALESPERSON,
           "withdraw": Role.SALESPERSON, "fix_responsibility": Role.GM, "settle": Role.FINANCE,
           "accept_no_capa": Role.QA, "cancel": Role.GM}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_every_row_refuses_a_role_outside_it(people, row):
    source = row.sources[0]
    claim = bring_to(source, people)
    outsider = next(r for r in (Role.QA, Role.PRODUCTION, Role.PURCHASING, Role.FINANCE, Role.SALESPERSON)
                    if r not in row.roles)
    with pytest.raises(TransitionRefused) as refused:
        services.claim_transition(actor=people[outsider], claim=claim, name=row.name)
    assert refused.value.code == TransitionRefused.WRONG_ROLE


# QA's acceptance of a waived corrective action is a step inside "settled" (test_settlement_capa covers it).
@pytest.mark.parametrize("name", sorted(CLAIM_TABLE.names - {"accept_no_capa"}))
def test_every_step_is_refused_from_a_state_it_does_not_leave(people, name):
    claim = bring_to(ClaimStatus.SETTLED, people)
    with pytest.raises(TransitionRefused) as refused:
        services.claim_transition(actor=people[ALLOWED[name]], claim=claim, name=name)
    assert refused.value.code == TransitionRefused.WRONG_STATE
    assert "Paid or credited" in refused.value.message


@pytest.mark.parametrize("row", [r for r in ROWS if r.required], ids=lambda r: r.name)
def test_every_required_input_is_refused_when_missing(people, row):
    claim = bring_to(row.sources[0], people)
    with pytest.raises(TransitionRefused) as refused:
        services.claim_transition(actor=people[ALLOWED[row.name]], claim=claim, name=row.name)
    assert refused.value.code == TransitionRefused.MISSING_FIELD
    assert refused.value.field == row.required[0]


def test_a_stale_version_loses(people):
    claim = bring_to(ClaimStatus.NEGOTIATING, people)
    version = claim.version
    act(claim, "customer_rejects", people, Role.SALESPERSON, reason="太低")
    with pytest.raises(TransitionRefused) as refused:
        services.claim_transition(actor=people[Role.SALESPERSON], claim=claim, name="customer_accepts",
                                  expected_version=version)
    assert refused.value.code == TransitionRefused.STALE


def test_every_change_is_recorded(people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    names = list(ClaimChange.objects.filter(claim=claim).values_list("name", flat=True))
    assert names == ["create", "submit", "propose", "approve", "customer_accepts", "fix_responsibility", "settle"]


def test_cancel_closes_an_open_claim_with_a_reason(people):
    claim = bring_to(ClaimStatus.NEGOTIATING, people)
    act(claim, "cancel", people, Role.SALES_DIRECTOR, reason="客户放弃索赔")
    assert claim.status == ClaimStatus.CANCELLED and claim.closed_at
