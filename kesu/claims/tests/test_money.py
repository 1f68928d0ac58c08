"""Money: Decimal end to end, rounding half up to the cent, currencies summed at the recorded rate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import ClaimStatus, LedgerGroup
from kesu.claims.models import CostEntry
from kesu.claims.money import line_total, money, share, to_base
from kesu.claims.selectors import claims_review, ledger_breakdown, ledger_totals, ledger_visible_to

from .factories import bring_to, new_claim


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)


@pytest.mark.parametrize(("amount", "rate", "expected"), [
    ("1000.00", "7.1234", "7123.40"), ("0.005", "1", "0.01"), ("0.004", "1", "0.00"), ("33.33", "0.333333", "11.11"),
    ("1.15", "1", "1.15"), ("2.675", "1", "2.68"),  # binary floats would give 2.67
])
def test_conversion_rounds_half_up_to_the_cent(amount, rate, expected):
    assert to_base(Decimal(amount), Decimal(rate)) == Decimal(expected)


def test_line_totals_and_shares_round_once():
    assert line_total(Decimal("3"), Decimal("0.335")) == Decimal("1.01")  # 1.005 → 1.01, not 3 × 0.34
    assert share(Decimal("4000.00"), Decimal("33.33")) == Decimal("1333.20")


@pytest.mark.django_db
def test_a_usd_claim_and_a_cny_claim_sum_at_the_recorded_rate(people):
    services.exchange_rate_set(actor=people[Role.FINANCE], company=people.company, currency="USD",
                               valid_from=datetime.date(2026, 1, 1), rate=Decimal("7.1234"))
    usd = new_claim(people, currency="USD", received_on=datetime.date(2026, 5, 11))
    assert usd.exchange_rate == Decimal("7.1234")  # taken from finance's table for the day received
    bring_to(ClaimStatus.SETTLED, people, usd, party="department")
    cny = bring_to(ClaimStatus.SETTLED, people, party="department")
    # USD 4,000.00 × 7.1234 = 28,493.60 CNY; plus CNY 4,000.00.
    totals = ledger_totals(ledger_visible_to(people[Role.FINANCE]))
    assert totals["gross"] == Decimal("32493.60") and totals["net"] == Decimal("32493.60")
    assert {e.currency for e in CostEntry.objects.all()} == {"USD", "CNY"}
    review = claims_review(people[Role.FINANCE], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    # Claimed: USD 4,501.50 × 7.1234 = 32,065.99 (32,065.9851 rounded) + CNY 4,501.50.
    assert review["summary"]["claimed_base"] == Decimal("36567.49")
    assert review["summary"]["compensation_base"] == Decimal("32493.60")
    by_category = {row["key"]: row["gross"] for row in ledger_breakdown(CostEntry.objects.all(), LedgerGroup.CATEGORY)}
    assert by_category == {"replacement": Decimal("24370.20"), "labour": Decimal("8123.40")}
    assert cny.compensation_amount == Decimal("4000.00")
    other = claims_review(people[Role.FINANCE], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31),
                          company_ids=[people.company.pk + 1000])
    assert (other["summary"]["count"], other["ledger"]["gross"], list(other["claims"])) == (0, 0, [])


@pytest.mark.django_db
def test_a_rate_change_does_not_change_what_was_booked(people):
    finance = people[Role.FINANCE]
    services.exchange_rate_set(actor=finance, company=people.company, currency="USD",
                               valid_from=datetime.date(2026, 1, 1), rate=Decimal("7.0"))
    claim = bring_to(ClaimStatus.SETTLED, people, new_claim(people, currency="USD"), party="department")
    before = ledger_totals(CostEntry.objects.filter(claim=claim))["gross"]
    services.exchange_rate_set(actor=finance, company=people.company, currency="USD",
                               valid_from=datetime.date(2026, 1, 1), rate=Decimal("7.5"))
    assert ledger_totals(CostEntry.objects.filter(claim=claim))["gross"] == before == Decimal("28000.00")


@pytest.mark.django_db
def test_a_claim_in_a_currency_without_a_rate_asks_for_one(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        new_claim(people, currency="EUR")
    assert "exchange_rate" in error.value.message_dict


@pytest.mark.django_db
def test_totals_by_salesperson_department_customer_and_period(people):
    bring_to(ClaimStatus.SETTLED, people, party="salesperson")
    bring_to(ClaimStatus.SETTLED, people, party="department")
    qs = CostEntry.objects.all()
    by_sales = ledger_breakdown(qs, LedgerGroup.SALESPERSON)
    assert {(r["key"], r["gross"]) for r in by_sales} == {(people[Role.SALESPERSON].username, Decimal("4000.00")),
                                                         (None, Decimal("4000.00"))}
    by_period = ledger_breakdown(qs, LedgerGroup.PERIOD)
    assert [(r["label"], r["net"]) for r in by_period] == [("2026-06", Decimal("8000.00"))]
    assert len(ledger_breakdown(qs, LedgerGroup.CUSTOMER)) == 2


@pytest.mark.django_db
def test_ledger_periods_read_in_time_order_not_by_amount(people):
    # Two claims settled in June (4,000.00 each: 8,000.00) and one moved back to March (4,000.00): by net cost
    # June would come first; by time March does.
    march_claim = bring_to(ClaimStatus.SETTLED, people, party="department")
    bring_to(ClaimStatus.SETTLED, people, party="department")
    bring_to(ClaimStatus.SETTLED, people, party="department")
    CostEntry.objects.filter(claim=march_claim).update(period=datetime.date(2026, 3, 1))
    by_period = ledger_breakdown(CostEntry.objects.all(), LedgerGroup.PERIOD)
    assert [(r["label"], r["net"]) for r in by_period] == [("2026-03", Decimal("4000.00")),
                                                           ("2026-06", Decimal("8000.00"))]
