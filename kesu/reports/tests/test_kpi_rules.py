"""The dashboard's indicators, each rule of :mod:`kesu.reports.kpis` stated with hand-worked figures.

- open corrective actions = raised before the end of the period and not closed by then, cancelled ones left
  out; overdue = those of them with a step past due and not done by then;
- claims = net ledger cost of the entries that belong to a customer claim; quality cost = every entry;
- satisfaction = mean score of the answers received in the period (from its first day, 00:00 company time);
- the period ends at midnight after its last day, or now when that is still to come;
- a year's allowance is cut to the period's share of the year's days, 366 in a leap year;
- every figure is rounded half up to the cent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.capa.choices import ActionStatus
from kesu.capa.models import ActionStep, CorrectiveAction
from kesu.complaints.tests.factories import at, create_complaint
from kesu.reports.kpis import _decimal, actions_at, dashboard, end_instant, kpi_values, target_for_period
from kesu.reports.models import KpiTarget

pytestmark = pytest.mark.django_db

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def _action(people, *, raised, status=ActionStatus.PLANNING, closed=None, due=None, done=None):
    """An action raised at ``raised``; its steps all due at ``due`` and done at ``done`` (read-side fixture)."""
    from kesu.capa.tests.factories import raise_action

    with time_machine.travel(raised, tick=False):
        action = raise_action(people)
    CorrectiveAction.objects.filter(pk=action.pk).update(status=status, closed_at=closed, raised_at=raised)
    ActionStep.objects.filter(action=action).update(due_at=due or at(2026, 12, 31, 17), done_at=done)
    return action


@pytest.fixture
def actions(people):
    """At 10 March 2026 10:00 (Shanghai), by hand:

    a  raised 2 Mar, a step due 5 Mar not done           → open, overdue
    b  raised 2 Mar, steps due 31 Dec                    → open
    c  raised 2 Mar, a step due 5 Mar done 12 Mar        → open, overdue (done only after the instant)
    d  raised 2 Mar, a step due 5 Mar done 6 Mar         → open, not overdue
    e  raised 2 Mar, closed 6 Mar                        → not open
    f  raised 2 Mar, closed 20 Mar                       → open (closed only later)
    g  raised 2 Mar, cancelled (no closing instant)      → left out
    h  raised 2 Mar, cancelled 20 Mar, a step due 5 Mar  → left out, though it was running on 10 March
    i  raised 11 Mar                                     → not yet raised
    open = a, b, c, d, f = 5; overdue = a, c = 2.
    """
    r, due5 = at(2026, 3, 2, 9), at(2026, 3, 5, 17, 30)
    _action(people, raised=r, due=due5)
    _action(people, raised=r)
    _action(people, raised=r, due=due5, done=at(2026, 3, 12, 9))
    _action(people, raised=r, due=due5, done=at(2026, 3, 6, 9))
    _action(people, raised=r, status=ActionStatus.CLOSED, closed=at(2026, 3, 6, 9))
    _action(people, raised=r, status=ActionStatus.CLOSED, closed=at(2026, 3, 20, 9))
    _action(people, raised=r, status=ActionStatus.CANCELLED)
    _action(people, raised=r, status=ActionStatus.CANCELLED, closed=at(2026, 3, 20, 9), due=due5)
    _action(people, raised=at(2026, 3, 11, 9))


def test_open_and_overdue_actions_at_an_instant(people, company_a, actions):
    assert actions_at(company_a, at(2026, 3, 10, 10)) == (5, 2)


def test_before_any_step_is_due_nothing_is_overdue(people, company_a, actions):
    # 5 March 17:29: the steps due at 17:30 are not late yet; e is still open (closed on the 6th).
    assert actions_at(company_a, at(2026, 3, 5, 17, 29)) == (6, 0)
    # 17:31: a, c, d are late (d is done only on the 6th).
    assert actions_at(company_a, at(2026, 3, 5, 17, 31)) == (6, 3)


def test_the_running_month_counts_actions_up_to_now_not_to_its_end(people, company_a, actions):
    # On 10 March the month's end (1 April 00:00) is still to come: the figures are those of now.
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        values = kpi_values(company_a, *MARCH)
    assert (values["open_actions"], values["overdue_actions"]) == (Decimal("5.00"), Decimal("2.00"))


def test_a_past_month_counts_actions_at_its_end(people, company_a, actions):
    # At 1 April 00:00: a, b, c, d open (e, f closed, g, h cancelled, i raised 11 March and open) = 5;
    # overdue: a (due 5 March, never done) and i's steps are due 31 December → 1.
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        values = kpi_values(company_a, *MARCH)
    assert (values["open_actions"], values["overdue_actions"]) == (Decimal("5.00"), Decimal("1.00"))


def test_the_period_ends_at_midnight_after_its_last_day_or_now(company_a):
    with time_machine.travel(at(2026, 6, 15, 10), tick=False):
        assert end_instant(company_a, datetime.date(2026, 6, 10)) == at(2026, 6, 11, 0)
        assert end_instant(company_a, datetime.date(2026, 6, 14)) == at(2026, 6, 15, 0)
        assert end_instant(company_a, datetime.date(2026, 6, 15)) == at(2026, 6, 15, 10)
        assert end_instant(company_a, datetime.date(2026, 6, 30)) == at(2026, 6, 15, 10)


# -- money: claims against all quality cost ---------------------------------------------------------


def test_claims_count_only_the_entries_of_a_claim_and_quality_cost_counts_all(people, company_a):
    from kesu.claims.choices import ClaimStatus
    from kesu.claims.services import cost_book
    from kesu.claims.tests.factories import bring_to

    bring_to(ClaimStatus.SETTLED, people, party="department")  # 3,000.00 + 1,000.00 booked in June
    complaint = create_complaint(people[Role.SALESPERSON])
    cost_book(actor=people[Role.FINANCE], company=company_a, data={
        "complaint": complaint, "booked_on": datetime.date(2026, 6, 12), "category": "return",
        "bearer": "department", "department": people[Role.PRODUCTION].department, "currency": "CNY",
        "amount": Decimal("250.50")})
    cost_book(actor=people[Role.FINANCE], company=company_a, data={  # May: outside the period
        "complaint": complaint, "booked_on": datetime.date(2026, 5, 31), "category": "return",
        "bearer": "department", "department": people[Role.PRODUCTION].department, "currency": "CNY",
        "amount": Decimal("99.00")})
    with time_machine.travel(at(2026, 7, 2, 10), tick=False):
        values = kpi_values(company_a, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    assert values["claims_amount"] == Decimal("4000.00")
    assert values["quality_cost"] == Decimal("4250.50")  # 4,000.00 + 250.50


# -- satisfaction: the answers of the period ----------------------------------------------------------


def _answers(people, scores_and_instants):
    from kesu.surveys import services
    from kesu.surveys.choices import AnswerChannel
    from kesu.surveys.models import Answer
    from kesu.surveys.tests.factories import campaign, choices_for

    c = campaign(people, "CS-002", customers=len(scores_and_instants))
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    for recipient, (score, instant) in zip(c.recipients.filter(included=True).order_by("id"), scores_and_instants,
                                           strict=True):
        answer = services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient,
                                        channel=AnswerChannel.PHONE, choices=choices_for(c.template, [0] * 7))
        Answer.objects.filter(pk=answer.pk).update(score=Decimal(score), answered_at=instant)


def test_satisfaction_is_the_mean_of_the_periods_answers_only(people, company_a):
    _answers(people, [
        ("40.00", at(2026, 5, 31, 23, 59)),  # the evening before the period: left out
        ("90.00", at(2026, 6, 1, 0, 0)),  # the period's first instant
        ("70.00", at(2026, 6, 30, 23, 59)),
        ("10.00", at(2026, 7, 1, 0, 0)),  # the instant after the period: left out
    ])
    with time_machine.travel(at(2026, 8, 1, 10), tick=False):
        values = kpi_values(company_a, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    assert values["satisfaction"] == Decimal("80.00")  # (90 + 70) ÷ 2


def test_satisfaction_rounds_half_up_to_the_cent(people, company_a):
    _answers(people, [("80.01", at(2026, 6, 10, 9)), ("80.00", at(2026, 6, 20, 9))])
    with time_machine.travel(at(2026, 8, 1, 10), tick=False):
        values = kpi_values(company_a, datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    assert values["satisfaction"] == Decimal("80.01")  # 80.005 half up; half to even would say 80.00


@pytest.mark.parametrize(("value", "expected"), [
    ("0.125", "0.13"), ("0.135", "0.14"), ("2.5", "2.50"), ("80.005", "80.01"), ("-0.125", "-0.13"), (7, "7.00")])
def test_every_figure_is_rounded_half_up_to_the_cent(value, expected):
    assert str(_decimal(Decimal(value) if isinstance(value, str) else value)) == expected
    assert _decimal(None) is None


# -- a year's allowance cut to the period, leap years included ---------------------------------------


@pytest.mark.parametrize(("date_from", "date_to", "expected"), [
    # 2028 is a leap year: 1 January – 29 February is 60 of 366 days → 366 × 60 ÷ 366 = 60.00 (not 60.16).
    (datetime.date(2028, 1, 1), datetime.date(2028, 2, 29), "60.00"),
    (datetime.date(2028, 1, 1), datetime.date(2028, 12, 30), "365.00"),  # 365 of 366 days
    (datetime.date(2028, 1, 1), datetime.date(2028, 12, 31), "366"),  # the whole year: the target itself
    # 2026 has 365 days: 1 January – 28 February is 59 days → 366 × 59 ÷ 365 = 59.16.
    (datetime.date(2026, 1, 1), datetime.date(2026, 2, 28), "59.16"),
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), "366"),
])
def test_an_allowance_is_cut_to_the_periods_share_of_the_years_days(date_from, date_to, expected):
    assert target_for_period("complaints", Decimal("366"), date_from, date_to) == Decimal(expected)


def test_the_cut_allowance_rounds_half_up():
    # 1.825 × 1 ÷ 365 = 0.005 → 0.01 (half to even: 0.00).
    assert target_for_period("complaints", Decimal("1.825"), datetime.date(2026, 3, 1),
                             datetime.date(2026, 3, 1)) == Decimal("0.01")


def test_rates_keep_the_years_target():
    assert target_for_period("on_time", Decimal("95"), datetime.date(2028, 1, 1),
                             datetime.date(2028, 2, 29)) == Decimal("95")


def test_the_dashboard_on_a_leap_day_compares_with_60_of_366_days(people, company_a):
    KpiTarget.objects.create(company=company_a, year=2028, kpi="complaints", target=Decimal("366"))
    sales = people[Role.SALESPERSON]
    with time_machine.travel(at(2028, 2, 29, 12), tick=False):
        create_complaint(sales, received_at=at(2027, 2, 28, 9))  # last year's same period ends 28 February
        create_complaint(sales, received_at=at(2027, 3, 1, 9))  # … so 1 March 2027 is not in it
        create_complaint(sales, received_at=at(2028, 2, 29, 9))
        rows = {row.kpi: row for row in dashboard(company_a, 2028, money=True,
                                                  today=datetime.date(2028, 2, 29))}
    row = rows["complaints"]
    assert (row.target, row.target_to_date, row.value, row.last_year, row.met) == (
        Decimal("366"), Decimal("60.00"), Decimal("1.00"), Decimal("1.00"), True)


def test_the_complaint_figures_count_the_periods_complaints_and_nothing_where_none_came(people, company_a):
    from kesu.reports.services.rollups import rollups_rebuild_all

    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        for _i in range(2):
            create_complaint(people[Role.SALESPERSON])
        rollups_rebuild_all(today=datetime.date(2026, 3, 10))
        values = kpi_values(company_a, datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))
        empty = kpi_values(company_a, datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))  # built, nothing in it
    assert values["complaints"] == 2
    assert (empty["complaints"], empty["ppm"], empty["return_rate"]) == (0, None, None)
