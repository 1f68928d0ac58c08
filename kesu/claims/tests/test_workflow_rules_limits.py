"""The claim workflow's rules at their limits (seed 000 §4.2; design §4; issue 18 §1–2).

The proposal is an amount of 0 or more, never above what the customer claims: 0 exactly when the responsibility
is not ours, more than 0 when it is. The vice GM approves only under the company's delegation, up to its limit in
the base currency (the limit itself allowed, one cent over refused; a limit of 0 delegates nothing, one cent
delegates a proposal of 0 or of one cent). The responsibility meeting names the party and, for a supplier, a share
more than 0 and at most 100 per cent, with at least two attendees. The corrective action of a settled claim is
carried out by the responsible department (else the responsible salesperson's, the complaint's, the analysing
vice GM's), owned by its head, else the responsible salesperson, else the vice GM who analysed the claim.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import ClaimStatus, ItemKind, Outcome, ResponsibleParty, SettlementMethod
from kesu.claims.models import Claim
from kesu.claims.workflow import capa_assignment
from kesu.core.services import TransitionRefused

from .factories import act, bring_to, meeting_inputs, new_claim, propose, settle_items

pytestmark = pytest.mark.django_db

CLAIMED = Decimal("4501.50")  # the factory's items: 3 × 1,200.50 + 6 × 150


def _refused(callable_, *args, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        callable_(*args, **kwargs)
    assert refused.value.code == TransitionRefused.PRECONDITION
    return refused.value


def _delegate(people, limit: str) -> None:
    services.claim_settings_update(actor=people[Role.GM], company=people.company,
                                   data={"vice_gm_delegation": True, "vice_gm_limit": Decimal(limit)})


def _proposed_by_gm(people, amount: str, outcome: str = Outcome.OURS):
    """A claim whose proposal the GM made, so the vice GM is never refused as its proposer."""
    claim = bring_to(ClaimStatus.ANALYSING, people)
    return propose(claim, people, amount=amount, outcome=outcome, role=Role.GM)


# -- the proposal ------------------------------------------------------------------------------------------------


def test_a_proposal_of_exactly_the_claimed_amount_is_allowed(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    assert claim.claimed_amount == CLAIMED
    claim = propose(claim, people, amount="4501.50")
    assert (claim.status, claim.proposed_amount) == (ClaimStatus.AWAITING_APPROVAL, CLAIMED)


def test_a_negative_proposal_is_refused_as_not_an_amount_of_0_or_more(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    refused = _refused(propose, claim, people, amount="-0.01")
    assert (refused.field, refused.message) == ("proposed_amount",
                                                "Give the proposed settlement as an amount of 0 or more.")


def test_a_proposal_that_is_not_an_amount_is_refused(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    refused = _refused(act, claim, "propose", people, Role.VICE_GM, analysis="包装不当",
                       proposed_outcome=Outcome.OURS, proposed_amount="100.00")
    assert (refused.field, refused.message) == ("proposed_amount",
                                                "Give the proposed settlement as an amount of 0 or more.")


def test_a_proposal_must_say_whether_the_responsibility_is_ours(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    refused = _refused(propose, claim, people, amount="100.00", outcome="maybe")
    assert (refused.field, refused.message) == ("proposed_outcome",
                                                "Choose whether the responsibility is ours or not.")


def test_not_ours_proposes_exactly_0_and_ours_at_least_one_cent(people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    refused = _refused(propose, claim, people, amount="0.01", outcome=Outcome.NOT_OURS)
    assert refused.message == "When the responsibility is not ours the settlement is 0."
    refused = _refused(propose, claim, people, amount="0", outcome=Outcome.OURS)
    assert refused.message == "When the responsibility is ours, propose the amount to pay."
    claim = propose(claim, people, amount="0.01", outcome=Outcome.OURS)
    assert claim.proposed_amount == Decimal("0.01")


def test_a_proposal_given_as_plain_text_values_is_held_to_the_same_rules(people):
    # The page and the API hand the outcome over as its plain value, not as the choice object.
    claim = bring_to(ClaimStatus.ANALYSING, people)
    refused = _refused(propose, claim, people, amount="0.01", outcome="not_ours")
    assert refused.message == "When the responsibility is not ours the settlement is 0."
    refused = _refused(propose, claim, people, amount="0", outcome="ours")
    assert refused.message == "When the responsibility is ours, propose the amount to pay."


def test_an_offer_accepting_responsibility_is_not_withdrawn(people):
    claim = bring_to(ClaimStatus.NEGOTIATING, people)  # "ours", 4,000.00 offered
    refused = _refused(act, claim, "withdraw", people, Role.SALESPERSON, agreement_note="客户同意撤销")
    assert (refused.field, refused.message) == (
        "proposed_outcome", "The offer accepts responsibility: record the customer's acceptance instead.")


# -- approval by the vice GM under the delegation -------------------------------------------------------------


def test_without_a_delegation_the_vice_gm_approves_not_even_a_small_proposal(people):
    claim = _proposed_by_gm(people, "1000.00")  # well within the default limit of 20,000.00, which is off
    refused = _refused(act, claim, "approve", people, Role.VICE_GM)
    assert refused.message.startswith("Claim settlements are approved by the general manager; the company has not")


def test_a_delegation_of_one_cent_lets_the_vice_gm_approve_a_not_ours_proposal_of_0(people):
    _delegate(people, "0.01")
    claim = _proposed_by_gm(people, "0", outcome=Outcome.NOT_OURS)
    claim = act(claim, "approve", people, Role.VICE_GM)
    assert (claim.status, claim.approved_by_delegation) == (ClaimStatus.NEGOTIATING, True)


def test_a_delegation_of_one_yuan_covers_exactly_one_yuan(people):
    _delegate(people, "1.00")
    claim = _proposed_by_gm(people, "1.00")
    claim = act(claim, "approve", people, Role.VICE_GM)
    assert (claim.status, claim.approved_by, claim.approved_by_delegation) == (
        ClaimStatus.NEGOTIATING, people[Role.VICE_GM], True)


def test_a_delegation_of_0_delegates_nothing(people):
    _delegate(people, "0")
    claim = _proposed_by_gm(people, "0", outcome=Outcome.NOT_OURS)
    refused = _refused(act, claim, "approve", people, Role.VICE_GM)
    assert refused.field == "proposed_amount" and "has not delegated" in refused.message


def test_one_cent_over_the_delegated_limit_is_the_gms(people):
    _delegate(people, "4000.00")
    claim = _proposed_by_gm(people, "4000.01")
    refused = _refused(act, claim, "approve", people, Role.VICE_GM)
    assert refused.message == "Settlements above 4000.00 CNY are approved by the general manager."
    claim = services.claim_transition(actor=people.other(Role.GM), claim=claim, name="approve")
    assert (claim.status, claim.approved_by_delegation) == (ClaimStatus.NEGOTIATING, False)


def test_a_foreign_currency_proposal_is_held_against_the_limit_after_conversion(people):
    # 1,000.00 USD at 7.1 is 7,100.00 CNY: within a limit of 7,100.00, not of 7,099.99.
    claim = new_claim(people, currency="USD", exchange_rate=Decimal("7.1"))
    claim = propose(bring_to(ClaimStatus.ANALYSING, people, claim), people, amount="1000.00", role=Role.GM)
    _delegate(people, "7099.99")
    refused = _refused(act, claim, "approve", people, Role.VICE_GM)
    assert refused.message == "Settlements above 7099.99 CNY are approved by the general manager."
    _delegate(people, "7100.00")
    assert act(claim, "approve", people, Role.VICE_GM).status == ClaimStatus.NEGOTIATING


def test_an_administrator_approves_as_the_gm_not_by_delegation(people, make_user):
    admin = make_user(role=Role.GM, company=people.company, is_superuser=True, username="A-admin")
    claim = _proposed_by_gm(people, "4000.00")  # no delegation at all
    claim = services.claim_transition(actor=admin, claim=claim, name="approve")
    assert (claim.status, claim.approved_by_delegation) == (ClaimStatus.NEGOTIATING, False)


def test_an_approval_by_the_system_is_no_delegation(people):
    from kesu.claims.workflow import approves_by_delegation

    assert approves_by_delegation(None) is False
    assert approves_by_delegation(people[Role.VICE_GM]) is True
    assert approves_by_delegation(people[Role.GM]) is False


# -- the responsibility meeting ------------------------------------------------------------------------------


def test_a_share_above_100_per_cent_given_as_plain_text_party_is_refused(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people, share="100.01")
    inputs["responsible_party"] = "supplier"
    refused = _refused(act, claim, "fix_responsibility", people, Role.GM, **inputs)
    assert refused.field == "supplier_share"


def test_a_supplier_may_bear_as_little_as_one_hundredth_of_a_per_cent(people):
    claim = bring_to(ClaimStatus.SETTLING, people, share="0.01")
    assert (claim.responsible_party, claim.supplier_share) == (ResponsibleParty.SUPPLIER, Decimal("0.01"))


def test_a_share_that_is_not_a_number_is_refused(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people)
    inputs["supplier_share"] = "60"
    refused = _refused(act, claim, "fix_responsibility", people, Role.GM, **inputs)
    assert refused.field == "supplier_share"


def test_exactly_two_attendees_make_a_meeting(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people, party=ResponsibleParty.CUSTOMER)
    inputs["meeting_attendees"] = inputs["meeting_attendees"][:2]
    claim = act(claim, "fix_responsibility", people, Role.GM, **inputs)
    assert claim.status == ClaimStatus.SETTLING and claim.responsible_party == ResponsibleParty.CUSTOMER


def test_one_attendee_is_not_a_meeting(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people, party=ResponsibleParty.CUSTOMER)
    inputs["meeting_attendees"] = inputs["meeting_attendees"][:1]
    refused = _refused(act, claim, "fix_responsibility", people, Role.GM, **inputs)
    assert refused.field == "meeting_attendees"


@pytest.mark.parametrize(("party", "field"), [(ResponsibleParty.SALESPERSON, "responsible_salesperson"),
                                              (ResponsibleParty.SUPPLIER, "supplier")])
def test_the_meeting_names_the_salesperson_or_the_supplier_it_holds_responsible(people, party, field):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people, party=party)
    inputs.pop(field)
    refused = _refused(act, claim, "fix_responsibility", people, Role.GM, **inputs)
    assert refused.field == field


def test_an_unknown_party_is_refused(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    inputs = meeting_inputs(people, party=ResponsibleParty.CUSTOMER)
    inputs["responsible_party"] = "weather"
    refused = _refused(act, claim, "fix_responsibility", people, Role.GM, **inputs)
    assert (refused.field, refused.message) == ("responsible_party", "Choose the responsible party.")


# -- settlement ----------------------------------------------------------------------------------------------


def _settle(claim, people, **inputs):
    return act(claim, "settle", people, Role.FINANCE, settlement_method=SettlementMethod.PAYMENT,
               settled_on=datetime.date(2026, 6, 30), **inputs)


def test_an_item_without_its_settled_amount_blocks_settling(people):
    claim = bring_to(ClaimStatus.SETTLING, people)  # the items' settled amounts are not computed yet
    refused = _refused(_settle, claim, people)
    assert (refused.field, refused.message) == ("items", "Compute the settled amount of every item first.")


def test_items_adding_up_to_one_cent_more_than_agreed_block_settling(people):
    claim = settle_items(bring_to(ClaimStatus.SETTLING, people), people, ["3000.00", "1000.01"])
    refused = _refused(_settle, claim, people)
    assert refused.message == "The items add up to 4000.01 but 4000.00 was agreed with the customer."


def test_qa_accepts_the_reason_for_no_corrective_action_once(people):
    claim = settle_items(bring_to(ClaimStatus.SETTLING, people), people, ["3000.00", "1000.00"])
    claim = _settle(claim, people, no_capa_reason="已有纠正措施覆盖同一原因")
    claim = act(claim, "accept_no_capa", people, Role.QA)
    assert claim.status == ClaimStatus.SETTLED and claim.closed_at is not None
    refused = _refused(act, claim, "accept_no_capa", people, Role.QA)
    assert refused.field == "no_capa_reason"


def test_a_blank_reason_is_no_reason_to_raise_no_corrective_action(people):
    people[Role.VICE_GM].__class__.objects.filter(pk=people[Role.VICE_GM].pk).update(department=None)
    claim = bring_to(ClaimStatus.SETTLING, people, party=ResponsibleParty.CUSTOMER)
    claim = settle_items(claim, people, ["3000.00", "1000.00"])
    refused = _refused(_settle, claim, people, no_capa_reason="   ")
    assert refused.field == "no_capa_reason"
    claim = _settle(claim, people, no_capa_reason="客户使用不当")
    assert claim.status == ClaimStatus.SETTLED and claim.closed_at is None and claim.capa_id is None


def test_qa_has_nothing_to_accept_when_the_corrective_action_was_raised(people):
    production = people[Role.PRODUCTION]
    production.department.head = production
    production.department.save()
    claim = bring_to(ClaimStatus.SETTLED, people, party=ResponsibleParty.DEPARTMENT)
    assert claim.capa_id is not None and claim.closed_at is not None
    refused = _refused(act, claim, "accept_no_capa", people, Role.QA)
    assert (refused.field, refused.message) == ("no_capa_reason",
                                                "This claim waits for no decision on a corrective action.")


# -- who carries out the corrective action --------------------------------------------------------------------


def _claim(people, **fields) -> Claim:
    return Claim(company=people.company, **fields)


def _head(user):
    user.department.head = user
    user.department.save()
    return user


def test_the_responsible_department_carries_the_action_and_its_head_owns_it(people):
    from kesu.complaints.models import Complaint
    from kesu.complaints.tests.factories import create_complaint

    head = _head(people[Role.PRODUCTION])
    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    Complaint.objects.filter(pk=complaint.pk).update(responsible_department=people[Role.ENGINEERING].department)
    complaint.refresh_from_db()
    claim = _claim(people, responsible_department=head.department, responsible_salesperson=people[Role.SALESPERSON],
                   complaint=complaint, analysed_by=people[Role.VICE_GM])
    assert capa_assignment(claim) == (head.department, head)


def test_without_a_responsible_department_the_salespersons_department_carries_it(people):
    salesperson = people[Role.SALESPERSON]
    claim = _claim(people, responsible_salesperson=salesperson, analysed_by=people[Role.VICE_GM])
    # The sales department has no head: the responsible salesperson owns the action.
    assert capa_assignment(claim) == (salesperson.department, salesperson)


def test_else_the_complaints_responsible_department_carries_it(people):
    from kesu.complaints.models import Complaint
    from kesu.complaints.tests.factories import create_complaint

    head = _head(people[Role.ENGINEERING])
    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    Complaint.objects.filter(pk=complaint.pk).update(responsible_department=head.department)
    complaint.refresh_from_db()
    claim = _claim(people, complaint=complaint, analysed_by=people[Role.VICE_GM])
    assert capa_assignment(claim) == (head.department, head)


def test_a_complaint_without_a_responsible_department_leaves_it_to_the_analysing_vice_gm(people):
    from kesu.complaints.tests.factories import create_complaint

    vice_gm = people[Role.VICE_GM]
    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    assert complaint.responsible_department_id is None
    claim = _claim(people, complaint=complaint, analysed_by=vice_gm)
    assert capa_assignment(claim) == (vice_gm.department, vice_gm)


def test_an_inactive_salesperson_owns_nothing_and_the_analysing_vice_gm_takes_it(people):
    salesperson, vice_gm = people[Role.SALESPERSON], people[Role.VICE_GM]
    salesperson.is_active = False
    salesperson.save()
    claim = _claim(people, responsible_salesperson=salesperson, analysed_by=vice_gm)
    assert capa_assignment(claim) == (salesperson.department, vice_gm)


def test_nobody_named_nobody_carries_it(people):
    assert capa_assignment(_claim(people)) == (None, None)
    vice_gm = people[Role.VICE_GM]
    vice_gm.is_active = False
    vice_gm.save()
    assert capa_assignment(_claim(people, analysed_by=vice_gm)) == (vice_gm.department, None)


def test_a_freight_item_asks_the_freight_documents_once_even_when_the_company_asks_them_anyway(people):
    from kesu.claims.choices import DocumentKind
    from kesu.claims.workflow import missing_documents

    services.claim_settings_update(actor=people[Role.GM], company=people.company, data={
        "required_documents": [DocumentKind.CLAIM_LETTER, DocumentKind.SHIPPING]})
    claim = new_claim(people, items=[{"kind": ItemKind.FREIGHT, "unit_price": Decimal("800")}], documents=False)
    assert missing_documents(claim) == [DocumentKind.CLAIM_LETTER, DocumentKind.SHIPPING]


# -- the supplier's agreement and recovery, at one cent ------------------------------------------------------


def test_a_supplier_may_agree_to_two_cents_and_pay_back_one_cent_of_them(people):
    from kesu.claims.choices import SupplierClaimStatus

    sc = bring_to(ClaimStatus.SETTLED, people).supplier_claims.get()
    sc = services.supplier_claim_transition(actor=people[Role.PURCHASING], supplier_claim=sc, name="send")
    sc = services.supplier_claim_transition(actor=people[Role.GM], supplier_claim=sc, name="agree",
                                            agreed_amount=Decimal("0.02"))
    sc = services.supplier_claim_transition(actor=people[Role.FINANCE], supplier_claim=sc, name="recover",
                                            recovered_amount=Decimal("0.01"), recovered_on=datetime.date(2026, 7, 20))
    assert (sc.status, sc.agreed_amount, sc.recovered_amount) == (
        SupplierClaimStatus.RECOVERED, Decimal("0.02"), Decimal("0.01"))  # less than agreed may come back
