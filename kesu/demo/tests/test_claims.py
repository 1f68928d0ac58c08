"""Demo claims (issue 5): every state, a recovered charge-back, a ledger with gross, recovery and net, dollars."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from kesu.capa.models import CorrectiveAction
from kesu.claims.choices import Answer, Bearer, ClaimStatus, EntryKind, ResponsibleParty, SupplierClaimStatus
from kesu.claims.models import Claim, CostEntry, ExchangeRate, SupplierClaim
from kesu.claims.selectors import settlement_total
from kesu.claims.workflow import missing_documents

# Everything up to and including the claims (the steps after it, if any, are not needed here).

pytestmark = pytest.mark.django_db


def test_every_company_has_claims_in_every_state(demo_data):
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    for code in ("ZKJG", "ZKSZ", "ZKNB"):
        statuses = set(Claim.objects.filter(company__code=code).values_list("status", flat=True))
        assert statuses == set(ClaimStatus.values), code
    # Most claims come from the company's own complaints, with its customer and part.
    linked = Claim.objects.filter(complaint__isnull=False)
    assert linked.count() >= Claim.objects.count() * 0.8
    for claim in linked.select_related("complaint"):
        assert claim.customer_id == claim.complaint.customer_id
        assert claim.part_id == claim.complaint.part_id
        assert claim.complaint.company_id == claim.company_id


def test_claims_follow_the_rules_of_the_workflow(demo_data):
    collecting = Claim.objects.filter(status=ClaimStatus.COLLECTING)
    assert all(missing_documents(c) for c in collecting)
    for claim in Claim.objects.filter(status=ClaimStatus.SETTLED):
        assert settlement_total(claim) == claim.agreed_amount == claim.compensation_amount
    # A negotiation that went round twice: rejected, then accepted.
    rejected = Claim.objects.filter(status=ClaimStatus.SETTLED, rounds__answer=Answer.REJECTED).distinct()
    assert rejected.exists()
    assert all(c.rounds.order_by("-round_no").first().answer == Answer.ACCEPTED for c in rejected)
    assert Claim.objects.filter(status=ClaimStatus.SETTLED,
                                responsible_party=ResponsibleParty.DEPARTMENT).exists()
    assert Claim.objects.filter(status=ClaimStatus.WITHDRAWN, outcome="not_ours").exclude(agreement_note="").exists()
    # The settled claim with a department responsible has a corrective action raised from it.
    assert CorrectiveAction.objects.filter(links__kind="claim").exists()


def test_a_supplier_claim_is_recovered_and_the_ledger_shows_gross_recovery_and_net(demo_data):
    recovered = SupplierClaim.objects.filter(status=SupplierClaimStatus.RECOVERED)
    assert recovered.count() == 3
    for sc in recovered:
        assert 0 < sc.recovered_amount <= sc.agreed_amount <= sc.amount
        assert sc.cost_entries.filter(kind=EntryKind.RECOVERY).exists()
    entries = CostEntry.objects.all()
    assert entries.filter(kind=EntryKind.COST).exists() and entries.filter(kind=EntryKind.RECOVERY).exists()
    gross = entries.filter(kind=EntryKind.COST).aggregate(s=Sum("amount_base_cents"))["s"]
    recovery = entries.filter(kind=EntryKind.RECOVERY).aggregate(s=Sum("amount_base_cents"))["s"]
    assert gross > recovery > 0
    # Costs booked by hand on complaints, borne by a department, a salesperson and the customer.
    by_hand = entries.filter(kind=EntryKind.COST, claim__isnull=True)
    assert {Bearer.DEPARTMENT, Bearer.SALESPERSON, Bearer.CUSTOMER} <= set(by_hand.values_list("bearer", flat=True))
    # Outside complaints only the customer-property damage costs of the property step are booked.
    from kesu.property.models import DamageReport

    damage_costs = set(DamageReport.objects.exclude(cost_entry=None).values_list("cost_entry_id", flat=True))
    assert set(by_hand.filter(complaint__isnull=True).values_list("pk", flat=True)) == damage_costs
    assert len(set(entries.values_list("period", flat=True))) >= 4


def test_some_claims_are_in_us_dollars_at_the_recorded_rate(demo_data):
    usd = Claim.objects.filter(currency="USD")
    assert usd.exists()
    assert ExchangeRate.objects.filter(currency="USD").exists()
    for claim in usd:
        assert claim.exchange_rate > 1
    settled = usd.filter(status=ClaimStatus.SETTLED).first()
    entry = settled.cost_entries.first()
    assert entry.currency == "USD" and entry.exchange_rate == settled.exchange_rate
