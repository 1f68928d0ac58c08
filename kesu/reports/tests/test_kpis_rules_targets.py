"""Indicators against targets, and the figures behind them (kesu.reports.kpis), with hand-worked values:

- on-time delivery and both satisfaction scores meet their target at or above it, every other indicator at or
  below it; exactly the target meets it either way; a missing value or target says nothing (None);
- a rate without its base (nothing shipped, no answer) is "n/a" (None), never 0, while counts and sums are 0;
- extra freight cost is summed in the base currency at the rate recorded for the period's last day; a currency
  without a rate then makes the sum "n/a";
- return rate = quantity returned ÷ quantity shipped × 100 (design §11);
- a closed month's trend point is its monthly snapshot, "n/a" included, not a new count;
- an allowance is cut to the period's days, never stretched beyond the year's target; a missing target stays
  missing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.complaints.choices import DispositionKind, Responsibility
from kesu.complaints.models import Complaint, DispositionLine
from kesu.complaints.tests.factories import at, create_complaint
from kesu.customers.tests.factories import CustomerFactory, ShipmentFactory
from kesu.reports.choices import HIGHER_IS_BETTER, Kpi
from kesu.reports.kpis import dashboard, kpi_values, meets, target_for_period

D = datetime.date
APRIL = (D(2026, 4, 1), D(2026, 4, 30))


# -- met or not: the direction of each indicator, exactly the target included ------------------------------


@pytest.mark.parametrize("kpi", [Kpi.ON_TIME, Kpi.SATISFACTION, Kpi.COMPLAINT_SATISFACTION])
def test_higher_is_better_meets_at_or_above_the_target(kpi):
    target = Decimal("95.00")
    assert meets(kpi, Decimal("95.00"), target) is True  # exactly the target
    assert meets(kpi, Decimal("95.01"), target) is True
    assert meets(kpi, Decimal("94.99"), target) is False  # one hundredth short


@pytest.mark.parametrize("kpi", [kpi for kpi in Kpi if kpi not in HIGHER_IS_BETTER])
def test_lower_is_better_meets_at_or_below_the_target(kpi):
    target = Decimal("3000.00")
    assert meets(kpi, Decimal("3000.00"), target) is True  # exactly the target
    assert meets(kpi, Decimal("2999.99"), target) is True
    assert meets(kpi, Decimal("3000.01"), target) is False  # one hundredth over


def test_only_on_time_and_the_satisfaction_scores_are_higher_is_better():
    assert HIGHER_IS_BETTER == {Kpi.ON_TIME, Kpi.SATISFACTION, Kpi.COMPLAINT_SATISFACTION}


@pytest.mark.parametrize("kpi", [Kpi.ON_TIME, Kpi.PPM])
def test_without_a_value_or_a_target_nothing_is_said(kpi):
    assert meets(kpi, None, Decimal("95.00")) is None
    assert meets(kpi, Decimal("95.00"), None) is None
    assert meets(kpi, None, None) is None


# -- a year's allowance, beyond the cases of test_kpi_rules -------------------------------------------------


def test_a_period_longer_than_a_year_keeps_the_years_allowance():
    # 2025 and 2026 together are 730 days: the allowance is not doubled.
    assert target_for_period(Kpi.COMPLAINTS, Decimal("12.00"), D(2025, 1, 1), D(2026, 12, 31)) == Decimal("12.00")


@pytest.mark.parametrize("kpi", sorted(Kpi))
def test_a_missing_target_stays_missing(kpi):
    assert target_for_period(kpi, None, D(2026, 1, 1), D(2026, 3, 31)) is None


@pytest.mark.parametrize(("kpi", "expected"), [
    # 1 January – 31 March 2026 is 90 days of 365: 730 × 90 ÷ 365 = 180.00.
    (Kpi.COMPLAINTS, "180.00"), (Kpi.EXTRA_FREIGHT_LINES, "180.00"), (Kpi.EXTRA_FREIGHT_COST, "180.00"),
    (Kpi.CLAIMS_AMOUNT, "180.00"), (Kpi.QUALITY_COST, "180.00"),
    # rates, scores and the actions standing at an instant keep the year's target
    (Kpi.PPM, "730.00"), (Kpi.ON_TIME, "730.00"), (Kpi.RETURN_RATE, "730.00"), (Kpi.CHURN, "730.00"),
    (Kpi.COMPLAINTS_PER_MILLION, "730.00"), (Kpi.SATISFACTION, "730.00"), (Kpi.COMPLAINT_SATISFACTION, "730.00"),
    (Kpi.OPEN_ACTIONS, "730.00"), (Kpi.OVERDUE_ACTIONS, "730.00"),
])
def test_only_allowances_are_cut_to_the_period(kpi, expected):
    assert target_for_period(kpi, Decimal("730.00"), D(2026, 1, 1), D(2026, 3, 31)) == Decimal(expected)


# -- rates without a base ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_shipments_or_answers_rates_are_not_available_and_counts_are_zero(people, company_a):
    from kesu.reports.models import KpiTarget

    with time_machine.travel(at(2026, 4, 20, 9), tick=False):
        create_complaint(people[Role.SALESPERSON], received_at=at(2026, 4, 8, 9))
    for kpi in (Kpi.PPM, Kpi.ON_TIME, Kpi.RETURN_RATE, Kpi.COMPLAINTS_PER_MILLION, Kpi.SATISFACTION):
        KpiTarget.objects.create(company=company_a, year=2026, kpi=kpi, target=Decimal("50"))
    with time_machine.travel(at(2026, 5, 2, 9), tick=False):
        values = kpi_values(company_a, *APRIL)
        rows = {row.kpi: row for row in dashboard(company_a, 2026, money=True, today=D(2026, 4, 30))}
    for kpi in (Kpi.PPM, Kpi.ON_TIME, Kpi.RETURN_RATE, Kpi.COMPLAINTS_PER_MILLION, Kpi.SATISFACTION,
                Kpi.COMPLAINT_SATISFACTION):
        assert values[kpi] is None, kpi
        assert (rows[kpi].value, rows[kpi].met) == (None, None), kpi
    assert values[Kpi.COMPLAINTS] == Decimal("1.00")
    # No extra freight is 0.00, in no currency at all.
    assert (values[Kpi.EXTRA_FREIGHT_LINES], values[Kpi.EXTRA_FREIGHT_COST]) == (Decimal("0.00"), Decimal("0.00"))
    assert (values[Kpi.CLAIMS_AMOUNT], values[Kpi.QUALITY_COST]) == (Decimal("0.00"), Decimal("0.00"))
    assert (values[Kpi.OPEN_ACTIONS], values[Kpi.OVERDUE_ACTIONS]) == (Decimal("0.00"), Decimal("0.00"))


# -- shipments: delivered PPM, return rate, extra freight in the base currency -----------------------------


@pytest.fixture
def april(people, company_a):
    """April 2026, company A: 2,000 parts shipped on two lines, one with CNY 200.00 extra freight, and a line of
    500 parts with USD 35.00 extra freight (2,500 parts in all); one complaint (ours, 4 defective) with 30 parts
    returned, one (the customer's, 10 defective) with 20 returned."""
    customer = CustomerFactory(company=company_a)
    ShipmentFactory(customer=customer, quantity=1000, ship_date=D(2026, 4, 1), extra_freight_cost=Decimal("200.00"))
    ShipmentFactory(customer=customer, quantity=1000, ship_date=D(2026, 4, 2))
    ShipmentFactory(customer=customer, quantity=500, ship_date=D(2026, 4, 3), currency="USD",
                    extra_freight_cost=Decimal("35.00"))
    with time_machine.travel(at(2026, 4, 20, 9), tick=False):
        ours = create_complaint(people[Role.SALESPERSON], customer=customer, received_at=at(2026, 4, 8, 9))
        theirs = create_complaint(people[Role.SALESPERSON], customer=customer, received_at=at(2026, 4, 9, 9))
    Complaint.objects.filter(pk=ours.pk).update(responsibility=Responsibility.OURS, quantity_defective=4)
    Complaint.objects.filter(pk=theirs.pk).update(responsibility=Responsibility.CUSTOMER, quantity_defective=10)
    for complaint, quantity in ((ours, 30), (theirs, 20)):
        DispositionLine.objects.create(company=company_a, complaint=complaint, kind=DispositionKind.RETURN,
                                       quantity=quantity)
    return customer


def _rate(people, valid_from, rate):
    from kesu.claims.services import exchange_rate_set

    exchange_rate_set(actor=people[Role.FINANCE], company=people.company, currency="USD", valid_from=valid_from,
                      rate=Decimal(rate))


def _april(company):
    with time_machine.travel(at(2026, 5, 2, 9), tick=False):
        return kpi_values(company, *APRIL)


@pytest.mark.django_db
def test_delivered_ppm_return_rate_and_complaints_per_million(people, company_a, april):
    values = _april(company_a)
    # PPM: ours only, 4 ÷ 2,500 × 10⁶ = 1,600 (the customer's 10 do not count); return rate: every return,
    # 50 ÷ 2,500 × 100 = 2.0; complaints per million parts: 2 ÷ 2,500 × 10⁶ = 800.
    assert values[Kpi.PPM] == Decimal("1600.00")
    assert values[Kpi.RETURN_RATE] == Decimal("2.00")
    assert (values[Kpi.COMPLAINTS], values[Kpi.COMPLAINTS_PER_MILLION]) == (Decimal("2.00"), Decimal("800.00"))


@pytest.mark.django_db
def test_extra_freight_is_summed_at_the_rate_of_the_periods_last_day(people, company_a, april):
    _rate(people, D(2026, 1, 1), "7.1")
    _rate(people, D(2026, 5, 1), "8.0")  # from May on: not April's
    values = _april(company_a)
    # CNY 200.00 + USD 35.00 × 7.1 = 200.00 + 248.50 = 448.50, on two lines.
    assert (values[Kpi.EXTRA_FREIGHT_LINES], values[Kpi.EXTRA_FREIGHT_COST]) == (Decimal("2.00"), Decimal("448.50"))


@pytest.mark.django_db
def test_extra_freight_in_a_currency_without_a_rate_is_not_available(people, company_a, april):
    _rate(people, D(2026, 5, 1), "8.0")  # recorded only after the period
    values = _april(company_a)
    assert values[Kpi.EXTRA_FREIGHT_COST] is None
    assert values[Kpi.EXTRA_FREIGHT_LINES] == Decimal("2.00")  # the lines still count


# -- a closed month's snapshot -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_months_trend_point_is_its_snapshot_when_taken(people, company_a, april):
    from django.utils import timezone

    from kesu.reports.models import MonthlySnapshot

    # April's snapshot was taken before the complaints were registered: it says 0 and "n/a" for PPM.
    MonthlySnapshot.objects.create(company=company_a, month=D(2026, 4, 1), taken_at=timezone.now(),
                                   values={Kpi.COMPLAINTS: "0.00", Kpi.PPM: None, Kpi.ON_TIME: "97.50"})
    with time_machine.travel(at(2026, 5, 2, 9), tick=False):
        rows = {row.kpi: row for row in dashboard(company_a, 2026, money=True, today=D(2026, 5, 2))}
    april_point = {kpi: dict(row.trend)[D(2026, 4, 1)] for kpi, row in rows.items()}
    assert april_point[Kpi.COMPLAINTS] == Decimal("0.00")
    assert april_point[Kpi.PPM] is None
    assert april_point[Kpi.ON_TIME] == Decimal("97.50")
    assert april_point[Kpi.RETURN_RATE] is None  # not in the snapshot
    # The year to date is counted afresh: April's two complaints are there.
    assert rows[Kpi.COMPLAINTS].value == Decimal("2.00")
    # March has no snapshot: it is counted (no complaints).
    assert dict(rows[Kpi.COMPLAINTS].trend)[D(2026, 3, 1)] == Decimal("0.00")
