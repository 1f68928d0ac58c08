"""The dashboard's yearly view (kesu.reports.kpis.dashboard), each rule with hand-counted complaints:

- the year's value runs from 1 January to today (the company's today unless one is given), the whole year for a
  past year, nothing yet for a year to come;
- last year's value covers the same span one year earlier (a leap day's is 28 February, see test_kpi_rules);
- the trend has the year's twelve months, each month up to today, none after it;
- an allowance is cut to the days compared; a past or future year compares with the whole target;
- people who may not see amounts get every indicator but claims and quality cost; whether they may is always
  given by name.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import at, create_complaint
from kesu.reports.choices import Kpi
from kesu.reports.kpis import dashboard
from kesu.reports.models import KpiTarget

pytestmark = pytest.mark.django_db

D = datetime.date


def _complaints(people, *instants):
    with time_machine.travel(at(2027, 1, 5, 9), tick=False):
        for instant in instants:
            create_complaint(people[Role.SALESPERSON], received_at=instant)


@pytest.fixture
def received(people, company_a):
    """Complaints of company A, by hand (Shanghai time); the year's complaint allowance is 365 in 2025, 2026 and
    2027 (one a day):

    2024-12-31 23:59   the evening before 2025
    2025-01-01 00:00   2025's first instant
    2025-06-15 09:00   last year's 15 June
    2025-06-16 09:00   last year's 16 June: after the same span
    2025-12-31 23:59   2025's last minute
    2026-01-01 00:00   2026's first instant
    2026-06-15 09:00   "today" (15 June 2026)
    2026-06-16 09:00   the day after today
    2026-12-31 23:59   2026's last minute
    """
    _complaints(people, at(2024, 12, 31, 23, 59), at(2025, 1, 1, 0, 0), at(2025, 6, 15, 9), at(2025, 6, 16, 9),
                at(2025, 12, 31, 23, 59), at(2026, 1, 1, 0, 0), at(2026, 6, 15, 9), at(2026, 6, 16, 9),
                at(2026, 12, 31, 23, 59))
    for year in (2025, 2026, 2027):
        KpiTarget.objects.create(company=company_a, year=year, kpi=Kpi.COMPLAINTS, target=Decimal("365"))


def _row(company, year, today, kpi=Kpi.COMPLAINTS, **kwargs):
    # The clock stands later than "today" (5 January 2027): the dashboard is the one of the day it is given.
    with time_machine.travel(at(2027, 1, 5, 9), tick=False):
        rows = dashboard(company, year, money=kwargs.pop("money", True), today=today)
    return {row.kpi: row for row in rows}[kpi]


def test_this_year_runs_to_today_and_last_year_over_the_same_span(company_a, received):
    row = _row(company_a, 2026, D(2026, 6, 15))
    # 2026: 1 January 00:00 and 15 June (not 16 June, not 31 December) = 2;
    # 2025 to 15 June: 1 January 00:00 and 15 June (not 31 December 2024, not 16 June) = 2.
    assert (row.value, row.last_year) == (Decimal("2.00"), Decimal("2.00"))
    # 1 January – 15 June is 31 + 28 + 31 + 30 + 31 + 15 = 166 days of 365: 365 × 166 ÷ 365 = 166.00.
    assert (row.target, row.target_to_date, row.met) == (Decimal("365.00"), Decimal("166.00"), True)


def test_the_trend_has_twelve_months_each_up_to_today(company_a, received):
    trend = _row(company_a, 2026, D(2026, 6, 15)).trend
    assert [month for month, _ in trend] == [D(2026, m, 1) for m in range(1, 13)]
    values = dict(trend)
    assert values[D(2026, 1, 1)] == Decimal("1.00")  # 1 January 00:00
    assert values[D(2026, 2, 1)] == Decimal("0.00")  # a month without complaints counts 0
    assert values[D(2026, 6, 1)] == Decimal("1.00")  # June up to today: the 15th, not the 16th
    assert values[D(2026, 7, 1)] is None  # after today: no figure
    assert values[D(2026, 12, 1)] is None


def test_a_past_year_is_the_whole_year_and_the_whole_year_before(company_a, received):
    row = _row(company_a, 2025, D(2026, 6, 15))
    # 2025: 1 January 00:00, 15 June, 16 June, 31 December 23:59 = 4; 2024: 31 December 23:59 = 1.
    assert (row.value, row.last_year) == (Decimal("4.00"), Decimal("1.00"))
    assert (row.target_to_date, row.met) == (Decimal("365.00"), True)
    trend = dict(row.trend)
    assert len(trend) == 12 and trend[D(2025, 12, 1)] == Decimal("1.00")


def test_a_year_to_come_has_no_value_yet_and_last_year_is_the_whole_year(company_a, received):
    row = _row(company_a, 2027, D(2026, 6, 15))
    assert (row.value, row.met) == (None, None)
    # The whole of 2026: 1 January, 15 June, 16 June, 31 December 23:59 = 4.
    assert row.last_year == Decimal("4.00")
    assert (row.target, row.target_to_date) == (Decimal("365.00"), Decimal("365.00"))
    assert [value for _, value in row.trend] == [None] * 12


def test_on_the_first_of_january_the_year_is_that_day(company_a, received):
    row = _row(company_a, 2026, D(2026, 1, 1))
    # 2026: 1 January 00:00 = 1; 2025's 1 January: 00:00 = 1 (not 31 December 2024 23:59).
    assert (row.value, row.last_year) == (Decimal("1.00"), Decimal("1.00"))
    # 1 day of 365: 365 × 1 ÷ 365 = 1.00; one complaint is at most the allowance.
    assert (row.target_to_date, row.met) == (Decimal("1.00"), True)
    trend = dict(row.trend)
    assert trend[D(2026, 1, 1)] == Decimal("1.00") and trend[D(2026, 2, 1)] is None


def test_without_a_given_day_today_is_the_companys_local_date(people, company_a):
    # 1 January 2026 00:30 in Shanghai is still 31 December 2025 in UTC: the dashboard already shows 2026.
    new_year = at(2026, 1, 1, 0, 30)
    with time_machine.travel(new_year, tick=False):
        create_complaint(people[Role.SALESPERSON], received_at=at(2026, 1, 1, 0, 10))
        rows = {row.kpi: row for row in dashboard(company_a, 2026, money=True)}
    assert rows[Kpi.COMPLAINTS].value == Decimal("1.00")
    assert dict(rows[Kpi.COMPLAINTS].trend)[D(2026, 1, 1)] == Decimal("1.00")


def test_people_who_may_not_see_amounts_get_every_indicator_but_the_money(company_a):
    with time_machine.travel(at(2026, 6, 15, 9), tick=False):
        shown = [row.kpi for row in dashboard(company_a, 2026, money=False, today=D(2026, 6, 15))]
        everything = [row.kpi for row in dashboard(company_a, 2026, money=True, today=D(2026, 6, 15))]
    assert everything == [kpi.value for kpi in Kpi]
    assert shown == [kpi.value for kpi in Kpi if kpi not in (Kpi.CLAIMS_AMOUNT, Kpi.QUALITY_COST)]
    assert len(shown) == 12


def test_whether_amounts_are_shown_is_always_said_by_name(company_a):
    # A bare True or False in third place could be taken for the day; the company and the year may be named too.
    with pytest.raises(TypeError):
        dashboard(company_a, 2026, True)
    with time_machine.travel(at(2026, 6, 15, 9), tick=False):
        rows = dashboard(company=company_a, year=2026, money=False, today=D(2026, 6, 15))
    assert Kpi.CLAIMS_AMOUNT not in {row.kpi for row in rows}
