import datetime

import pytest
from django.test import override_settings

from kesu import demo

pytestmark = pytest.mark.django_db

def test_probe(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        demo.generate(scale=1, seed=5, today=datetime.date(2026, 6, 30), log=print)
    from kesu.claims.models import Claim, ClaimChange, CostEntry
    for c in Claim.objects.order_by("company_id", "received_on"):
        print(c.company.code, c.number, c.status, c.currency, c.received_on, c.complaint.number if c.complaint else None,
              c.complaint.status if c.complaint else None, c.complaint.received_at.date() if c.complaint else None, c.title, c.claimed_amount, c.agreed_amount)
    for ch in ClaimChange.objects.filter(claim__company__code="ZKJG").order_by("claim_id", "at")[:30]:
        print(ch.claim.number, ch.name, ch.at.astimezone(ch.claim.company.tz))
    for e in CostEntry.objects.filter(company__code="ZKJG").order_by("booked_on"):
        print(e.booked_on, e.kind, e.category, e.currency, e.amount, e.amount_base, e.bearer, e.description)
