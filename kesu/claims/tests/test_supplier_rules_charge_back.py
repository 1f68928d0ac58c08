"""The supplier charge-back (seed 000 §3.5, §4.2; design §4): raised, sent, agreed, recovered or written off.

Purchasing handles claims against suppliers. A settled claim whose responsible party is a supplier raises the
charge-back of the supplier's share, in the base currency (a claim in another currency is converted at the claim's
rate); purchasing or the (vice) GM may raise one by hand from a claim or a complaint. Sending records who handles
it, the agreement who negotiated it, the recovery books the money that came back in the quality-cost ledger at the
day's rate (refused when finance recorded none), the write-off its reason; both end the charge-back.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kesu.accounts.roles import Role
from kesu.claims import services, signals
from kesu.claims.choices import ClaimStatus, SupplierClaimStatus
from kesu.claims.models import CostEntry, SupplierClaim, SupplierClaimChange
from kesu.complaints.tests.factories import create_complaint
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import PartFactory, SupplierFactory

from .factories import bring_to, new_claim

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 7, 20)


def _step(people, sc, role, name, **inputs) -> SupplierClaim:
    return services.supplier_claim_transition(actor=people[role], supplier_claim=sc, name=name, **inputs)


def _by_hand(people, **data) -> SupplierClaim:
    part = PartFactory(company=people.company)
    complaint = create_complaint(people[Role.SALESPERSON], people.company, part=part)
    base = {"complaint": complaint, "supplier": SupplierFactory(company=people.company),
            "description": "来料外壳电镀不良，挑选工时", "share_percent": Decimal("100"),
            "amount": Decimal("500.00")}
    base.update(data)
    return services.supplier_claim_raise(actor=people[Role.PURCHASING], company=people.company, data=base)


# -- raised ------------------------------------------------------------------------------------------------------


def test_a_claim_in_dollars_charges_the_supplier_back_in_yuan_at_the_claims_rate(people):
    claim = new_claim(people, currency="USD", exchange_rate=Decimal("7.1"))
    claim = bring_to(ClaimStatus.SETTLED, people, claim, share="60")
    sc = claim.supplier_claims.get()
    # 60 % of the 4,000.00 USD paid is 2,400.00 USD, at 7.1 → 17,040.00 CNY.
    assert (sc.currency, sc.amount, sc.share_percent) == ("CNY", Decimal("17040.00"), Decimal("60"))
    assert sc.description.startswith("Share of 60")
    assert claim.number in sc.description and sc.supplier_id == claim.supplier_id
    assert (sc.status, sc.raised_by) == (SupplierClaimStatus.DRAFT, people[Role.FINANCE])


def test_a_charge_back_raised_by_hand_is_in_the_base_currency_unless_said_and_numbered(people):
    sc = _by_hand(people)
    assert (sc.currency, sc.status, sc.raised_by) == ("CNY", SupplierClaimStatus.DRAFT, people[Role.PURCHASING])
    assert sc.number
    change = SupplierClaimChange.objects.get(supplier_claim=sc)
    assert (change.name, change.old_status, change.new_status) == ("raise", "", SupplierClaimStatus.DRAFT)
    assert _by_hand(people, currency="USD").currency == "USD"


def test_a_charge_back_by_hand_needs_a_claim_or_a_complaint(people):
    with pytest.raises(ValidationError) as error:
        _by_hand(people, complaint=None)
    assert "claim" in error.value.message_dict
    assert not SupplierClaim.objects.exists()


def test_a_charge_back_by_hand_sets_only_what_raising_may_set(people):
    with pytest.raises(ValidationError) as error:
        _by_hand(people, status=SupplierClaimStatus.RECOVERED, agreed_amount=Decimal("500.00"))
    assert error.value.message_dict == {"agreed_amount": ["This field cannot be set here."]}  # the first by name
    sc = _by_hand(people, supplier=None, supplier_id=SupplierFactory(company=people.company).pk)
    assert sc.supplier_id is not None


# -- sent and agreed -------------------------------------------------------------------------------------------


def test_sending_records_purchasing_as_handler_unless_one_was_named(people):
    sc = _step(people, _by_hand(people), Role.PURCHASING, "send")
    assert (sc.status, sc.handler, sc.sent_at is not None) == (SupplierClaimStatus.SENT, people[Role.PURCHASING], True)
    named = people.other(Role.PURCHASING)
    sc = _step(people, _by_hand(people, handler=named), Role.PURCHASING, "send")
    assert sc.handler == named


def test_the_agreement_records_who_negotiated_it_and_the_note(people):
    sc = _step(people, _by_hand(people), Role.PURCHASING, "send")
    sc = _step(people, sc, Role.VICE_GM, "agree", agreed_amount=Decimal("450.00"), note="  供应商同意承担九成  ")
    assert (sc.status, sc.agreed_amount, sc.negotiator, sc.outcome_note) == (
        SupplierClaimStatus.AGREED, Decimal("450.00"), people[Role.VICE_GM], "供应商同意承担九成")
    assert sc.closed_at is None


def test_an_input_a_step_does_not_take_is_refused_by_its_name(people):
    sc = _step(people, _by_hand(people), Role.PURCHASING, "send")
    with pytest.raises(TransitionRefused) as refused:
        _step(people, sc, Role.GM, "agree", agreed_amount=Decimal("400.00"), amount=Decimal("400.00"))
    assert refused.value.code == TransitionRefused.UNEXPECTED_FIELD and refused.value.field == "amount"
    assert "amount charged back" in refused.value.message
    with pytest.raises(TransitionRefused) as refused:
        _step(people, sc, Role.GM, "agree")
    assert refused.value.message.startswith("Amount the supplier agreed is required")


def test_every_step_is_announced_once_committed(people, django_capture_on_commit_callbacks):
    told = []

    def listen(sender, **kwargs):
        told.append((kwargs["name"], kwargs["old_status"], kwargs["new_status"], kwargs["note"]))

    signals.supplier_claim_transitioned.connect(listen)
    try:
        sc = _by_hand(people)
        with django_capture_on_commit_callbacks(execute=True):
            _step(people, sc, Role.PURCHASING, "send", note="已寄出索赔函")
    finally:
        signals.supplier_claim_transitioned.disconnect(listen)
    assert told == [("send", SupplierClaimStatus.DRAFT, SupplierClaimStatus.SENT, "已寄出索赔函")]


# -- recovered or written off ----------------------------------------------------------------------------------


def _agreed(people, **data) -> SupplierClaim:
    sc = _step(people, _by_hand(people, **data), Role.PURCHASING, "send")
    return _step(people, sc, Role.GM, "agree", agreed_amount=Decimal("400.00"))


def test_the_recovery_closes_the_charge_back_and_books_it_against_the_complaints_customer_and_part(people):
    sc = _agreed(people)
    sc = _step(people, sc, Role.FINANCE, "recover", recovered_amount=Decimal("400.00"), recovered_on=DAY,
               recovery_reference="  DN-0042 ")
    assert (sc.status, sc.recovered_on, sc.recovery_reference) == (SupplierClaimStatus.RECOVERED, DAY, "DN-0042")
    assert sc.closed_at is not None
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    complaint = sc.complaint
    assert (entry.kind, entry.category, entry.bearer, entry.supplier_id) == (
        "recovery", "compensation", "supplier", sc.supplier_id)
    assert (entry.complaint_id, entry.claim_id, entry.customer_id, entry.part_id) == (
        complaint.pk, None, complaint.customer_id, complaint.part_id)
    assert (entry.booked_on, entry.amount, entry.exchange_rate, entry.amount_base_cents) == (
        DAY, Decimal("400.00"), Decimal("1"), 40000)
    assert entry.booked_by == people[Role.FINANCE]


def test_the_recovery_of_a_claims_charge_back_is_booked_against_the_claim_its_complaint_and_customer(people):
    part = PartFactory(company=people.company)
    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    claim = bring_to(ClaimStatus.SETTLED, people, new_claim(people, complaint=complaint, part=part))
    sc = _step(people, claim.supplier_claims.get(), Role.PURCHASING, "send")
    sc = _step(people, sc, Role.GM, "agree", agreed_amount=Decimal("2400.00"))
    sc = _step(people, sc, Role.PURCHASING, "recover", recovered_amount=Decimal("2400.00"), recovered_on=DAY)
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    assert (entry.claim_id, entry.complaint_id, entry.customer_id, entry.part_id) == (
        claim.pk, complaint.pk, claim.customer_id, part.pk)


def test_a_recovery_in_dollars_is_booked_at_the_rate_finance_recorded_for_that_day(people):
    sc = _agreed(people, currency="USD")
    with pytest.raises(ValidationError) as error:
        _step(people, sc, Role.FINANCE, "recover", recovered_amount=Decimal("400.00"), recovered_on=DAY)
    assert error.value.message_dict["recovered_amount"] == ["No exchange rate of USD is recorded for that day."]
    sc.refresh_from_db()
    assert sc.status == SupplierClaimStatus.AGREED and not CostEntry.objects.filter(supplier_claim=sc).exists()
    services.exchange_rate_set(actor=people[Role.GM], company=people.company, currency="USD",
                               valid_from=datetime.date(2026, 7, 1), rate=Decimal("7.1"))
    sc = _step(people, sc, Role.FINANCE, "recover", recovered_amount=Decimal("400.00"), recovered_on=DAY)
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    assert (entry.currency, entry.exchange_rate, entry.amount_base_cents) == ("USD", Decimal("7.1"), 284000)


def test_a_write_off_keeps_its_reason_and_closes_the_charge_back(people):
    sc = _step(people, _by_hand(people), Role.GM, "write_off", reason="  供应商已破产 ")
    assert (sc.status, sc.outcome_note) == (SupplierClaimStatus.WRITTEN_OFF, "供应商已破产")
    assert sc.closed_at is not None and not CostEntry.objects.filter(supplier_claim=sc).exists()


def test_a_company_keeping_its_books_in_hong_kong_dollars_charges_a_yuan_claim_back_in_hong_kong_dollars(people):
    services.claim_settings_update(actor=people[Role.GM], company=people.company, data={"base_currency": "HKD"})
    claim = new_claim(people, currency="CNY", exchange_rate=Decimal("1.1"))
    sc = bring_to(ClaimStatus.SETTLED, people, claim, share="60").supplier_claims.get()
    # 60 % of the 4,000.00 CNY paid is 2,400.00 CNY, at 1.1 → 2,640.00 HKD.
    assert (sc.currency, sc.amount) == ("HKD", Decimal("2640.00"))


def test_a_charge_back_raised_by_hand_from_a_claim_books_its_recovery_against_the_claims_complaint(people):
    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    claim = bring_to(ClaimStatus.SETTLED, people, new_claim(people, complaint=complaint), party="customer")
    sc = services.supplier_claim_raise(actor=people[Role.PURCHASING], company=people.company, data={
        "claim": claim, "supplier": SupplierFactory(company=people.company), "description": "额外运费",
        "share_percent": Decimal("100"), "amount": Decimal("300.00")})
    assert sc.complaint_id is None
    sc = _step(people, _step(people, sc, Role.PURCHASING, "send"), Role.GM, "agree", agreed_amount=Decimal("300.00"))
    sc = _step(people, sc, Role.FINANCE, "recover", recovered_amount=Decimal("300.00"), recovered_on=DAY)
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    assert (entry.claim_id, entry.complaint_id, entry.customer_id) == (claim.pk, complaint.pk, claim.customer_id)


def test_a_claim_already_in_the_base_currency_is_charged_back_unconverted_whatever_rate_was_typed(people):
    claim = new_claim(people, currency="CNY", exchange_rate=Decimal("7.1"))
    sc = bring_to(ClaimStatus.SETTLED, people, claim, share="60").supplier_claims.get()
    assert (sc.currency, sc.amount) == ("CNY", Decimal("2400.00"))


def test_a_yuan_recovery_of_a_company_keeping_its_books_in_hong_kong_dollars_is_booked_at_the_yuan_rate(people):
    services.claim_settings_update(actor=people[Role.GM], company=people.company, data={"base_currency": "HKD"})
    services.exchange_rate_set(actor=people[Role.GM], company=people.company, currency="CNY",
                               valid_from=datetime.date(2026, 7, 1), rate=Decimal("1.1"))
    sc = _step(people, _agreed(people, currency="CNY"), Role.FINANCE, "recover", recovered_amount=Decimal("400.00"),
               recovered_on=DAY)
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    # 400.00 CNY at 1.1 → 440.00 HKD.
    assert (entry.currency, entry.exchange_rate, entry.amount_base_cents) == ("CNY", Decimal("1.1"), 44000)


def test_the_recovery_of_a_claim_without_a_complaint_is_booked_against_the_claims_customer(people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    sc = _step(people, claim.supplier_claims.get(), Role.PURCHASING, "send")
    sc = _step(people, sc, Role.GM, "agree", agreed_amount=Decimal("2400.00"))
    sc = _step(people, sc, Role.PURCHASING, "recover", recovered_amount=Decimal("2400.00"), recovered_on=DAY)
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    assert (entry.claim_id, entry.complaint_id, entry.customer_id, entry.part_id) == (
        claim.pk, None, claim.customer_id, None)


def test_a_claim_naming_no_part_books_the_recovery_against_its_complaints_part(people):
    from kesu.complaints.models import Complaint

    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    claim = bring_to(ClaimStatus.SETTLED, people, new_claim(people, complaint=complaint))
    part = PartFactory(company=people.company)
    Complaint.objects.filter(pk=complaint.pk).update(part=part)  # the complaint names the part later
    assert claim.part_id is None
    sc = _step(people, claim.supplier_claims.get(), Role.PURCHASING, "send")
    sc = _step(people, sc, Role.GM, "agree", agreed_amount=Decimal("2400.00"))
    sc = _step(people, sc, Role.PURCHASING, "recover", recovered_amount=Decimal("2400.00"), recovered_on=DAY)
    (entry,) = CostEntry.objects.filter(supplier_claim=sc)
    assert (entry.complaint_id, entry.part_id) == (complaint.pk, part.pk)
