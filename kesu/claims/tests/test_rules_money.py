"""The supplier's part of a claim, at its limits (seed 000 §3.5, §4.2; design §4).

The responsibility meeting names the supplier and its share of the compensation, more than 0 and at most
100 per cent; the vice GM agrees an amount with the supplier, never more than was charged back; purchasing or
finance records what came back, never more than was agreed. Each limit is tried at the limit itself (allowed)
and one cent or one hundredth of a per cent beyond it (refused), by the service, the page and the API.

The general manager takes the steps the vice GM may also take (the GM is in both role sets whatever the
delegation setting says).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import ClaimStatus, SupplierClaimStatus
from kesu.claims.models import SupplierClaim
from kesu.core.services import TransitionRefused

from .factories import act, bring_to, meeting_inputs

pytestmark = pytest.mark.django_db


def _sc(people, status: str = SupplierClaimStatus.SENT, share: str = "60") -> SupplierClaim:
    """The charge-back of a settled claim (4,000.00 agreed with the customer): 60 % → 2,400.00."""
    claim = bring_to(ClaimStatus.SETTLED, people, share=share)
    sc = claim.supplier_claims.get()
    if status in (SupplierClaimStatus.SENT, SupplierClaimStatus.AGREED):
        services.supplier_claim_transition(actor=people[Role.PURCHASING], supplier_claim=sc, name="send")
    if status == SupplierClaimStatus.AGREED:
        services.supplier_claim_transition(actor=people[Role.GM], supplier_claim=sc, name="agree",
                                           agreed_amount=Decimal("2000.00"))
    return sc


def _refused(people, sc, role, name, **inputs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        services.supplier_claim_transition(actor=people[role], supplier_claim=sc, name=name, **inputs)
    assert refused.value.code == TransitionRefused.PRECONDITION
    return refused.value


# -- the supplier's share (the responsibility meeting) ---------------------------------------------


def test_a_supplier_may_bear_exactly_the_whole_cost(people):
    claim = bring_to(ClaimStatus.SETTLED, people, share="100")
    sc = claim.supplier_claims.get()
    # 100 % of the 4,000.00 paid to the customer is charged back.
    assert (sc.share_percent, sc.amount) == (Decimal("100"), Decimal("4000.00"))


@pytest.mark.parametrize("share", ["100.01", "0", "-5"])
def test_a_share_above_100_or_not_above_0_per_cent_is_refused(people, share):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "fix_responsibility", people, Role.GM, **meeting_inputs(people, share=share))
    assert refused.value.field == "supplier_share"
    assert "more than 0 and at most 100 per cent" in refused.value.message
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESPONSIBILITY and claim.supplier_id is None


def test_the_api_refuses_a_share_above_100_per_cent_naming_the_field(api, people):
    from kesu.customers.tests.factories import SupplierFactory

    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    attendees = [people[r].pk for r in (Role.PRODUCTION, Role.QA)]
    inputs = {"responsible_party": "supplier", "supplier": SupplierFactory(company=people.company).code,
              "meeting_conclusion": "供应商来料不良", "meeting_attendees": attendees}
    gm = api(people[Role.GM])  # the GM holds the responsibility meeting (seed 000 §4.2.4)
    url = f"/api/v1/claims/{claim.pk}/transitions"
    response = gm.post(url, {"action": "fix_responsibility", "inputs": {**inputs, "supplier_share": "100.01"}})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "supplier_share"]
    response = gm.post(url, {"action": "fix_responsibility", "inputs": {**inputs, "supplier_share": "100"}})
    assert response.status_code == 200 and response.json()["status"] == "settling"


# -- the amount agreed with the supplier -------------------------------------------------------------


def test_the_supplier_may_agree_to_exactly_the_amount_charged_back(people):
    sc = _sc(people)
    assert sc.amount == Decimal("2400.00")  # 60 % of 4,000.00
    services.supplier_claim_transition(actor=people[Role.GM], supplier_claim=sc, name="agree",
                                       agreed_amount=Decimal("2400.00"))
    sc.refresh_from_db()
    assert (sc.status, sc.agreed_amount) == (SupplierClaimStatus.AGREED, Decimal("2400.00"))


def test_one_cent_above_the_charge_back_is_refused(people):
    sc = _sc(people)
    refused = _refused(people, sc, Role.GM, "agree", agreed_amount=Decimal("2400.01"))
    assert refused.field == "agreed_amount"
    assert refused.message == "The supplier cannot agree to more than was charged back (2400.00)."
    sc.refresh_from_db()
    assert (sc.status, sc.agreed_amount) == (SupplierClaimStatus.SENT, None)


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_an_agreement_of_nothing_is_refused(people, amount):
    sc = _sc(people)
    refused = _refused(people, sc, Role.GM, "agree", agreed_amount=Decimal(amount))
    assert refused.field == "agreed_amount" and "more than 0" in refused.message


def test_the_page_and_the_api_refuse_an_agreement_above_the_charge_back(client, api, people):
    sc = _sc(people)
    gm = people[Role.GM]
    gm.language = "en"
    gm.save()
    client.force_login(gm)
    response = client.post(reverse("claims:supplier_transition", args=[sc.pk, "agree"]),
                           {"agree-agreed_amount": "2400.01"}, follow=True)
    assert "The supplier cannot agree to more than was charged back (2400.00)." in response.content.decode()
    answer = api(gm).post(f"/api/v1/supplier-claims/{sc.pk}/transitions",
                          {"action": "agree", "inputs": {"agreed_amount": "2400.01"}})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "agreed_amount"]
    sc.refresh_from_db()
    assert sc.status == SupplierClaimStatus.SENT
    answer = api(gm).post(f"/api/v1/supplier-claims/{sc.pk}/transitions",
                          {"action": "agree", "inputs": {"agreed_amount": "2400.00"}})
    assert answer.status_code == 200 and answer.json()["agreed_amount"] == "2400.00"


# -- the amount recovered --------------------------------------------------------------------------


def test_exactly_the_agreed_amount_may_be_recovered(people):
    sc = _sc(people, SupplierClaimStatus.AGREED)
    services.supplier_claim_transition(actor=people[Role.FINANCE], supplier_claim=sc, name="recover",
                                       recovered_amount=Decimal("2000.00"), recovered_on=datetime.date(2026, 7, 20))
    sc.refresh_from_db()
    assert (sc.status, sc.recovered_amount) == (SupplierClaimStatus.RECOVERED, Decimal("2000.00"))


@pytest.mark.parametrize(("amount", "message"), [
    ("2000.01", "More than the agreed 2000.00 cannot be recovered."),
    ("2400.00", "More than the agreed 2000.00 cannot be recovered."),  # the charge-back, not the agreement
    ("0", "Give the amount recovered, more than 0."),
    ("-0.01", "Give the amount recovered, more than 0."),
])
def test_a_recovery_beyond_the_agreement_or_of_nothing_is_refused(people, amount, message):
    sc = _sc(people, SupplierClaimStatus.AGREED)
    refused = _refused(people, sc, Role.PURCHASING, "recover", recovered_amount=Decimal(amount),
                       recovered_on=datetime.date(2026, 7, 20))
    assert (refused.field, refused.message) == ("recovered_amount", message)
    sc.refresh_from_db()
    assert (sc.status, sc.recovered_amount) == (SupplierClaimStatus.AGREED, None)


def test_the_page_and_the_api_refuse_recovering_more_than_was_agreed(client, api, people):
    sc = _sc(people, SupplierClaimStatus.AGREED)
    purchasing = people[Role.PURCHASING]
    purchasing.language = "en"
    purchasing.save()
    client.force_login(purchasing)
    response = client.post(reverse("claims:supplier_transition", args=[sc.pk, "recover"]),
                           {"recover-recovered_amount": "2000.01", "recover-recovered_on": "2026-07-20"}, follow=True)
    assert "More than the agreed 2000.00 cannot be recovered." in response.content.decode()
    answer = api(purchasing).post(f"/api/v1/supplier-claims/{sc.pk}/transitions", {
        "action": "recover", "inputs": {"recovered_amount": "2000.01", "recovered_on": "2026-07-20"}})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "recovered_amount"]
    sc.refresh_from_db()
    assert (sc.status, sc.recovered_amount) == (SupplierClaimStatus.AGREED, None)
