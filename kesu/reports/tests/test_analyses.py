"""Each analysis against numbers worked out by hand from a small fixed data set (issue 7 "Done when").

The data set (company A, Shanghai time; the analysed period is the first quarter of 2026):

====  ================  ========  ====  ==========  ====  ========  ======  ===========  ===============  =======
 #    received          customer  part  category    def.  resp.     qty     response     closed           reopen
====  ================  ========  ====  ==========  ====  ========  ======  ===========  ===============  =======
 1    2026-01-05 10:00  C1        P1    appearance  划伤   ours      10      +2 h         2026-01-07 10:00  0
 2    2026-01-20 09:00  C1        P1    appearance  划伤   ours      5       +30 h        2026-01-30 09:00  1
 3    2026-02-10 09:00  C1        P1    performance 异响   customer  3       —            open (QA)        0
 4    2026-02-12 09:00  C2        P2    appearance  划伤   ours      2       +5 h         2026-02-25 17:00  0
 5    2026-03-03 09:00  C2        P2    performance 异响   ours      7       +24 h        2026-03-04 09:00  0
 6    2026-03-15 10:00  C1        —     —           —     —         —       —            rejected at intake
 7    2025-01-10 09:00  C1        P1    appearance  划伤   ours      1       history (a year before)
 8    2025-03-05 09:00  C2        P2    performance 异响   ours      1       history
====  ================  ========  ====  ==========  ====  ========  ======  ===========  ===============  =======

Complaint 4 spans Spring Festival 2026: after Thu 12 Feb the working days are Fri 13, Sat 14 (make-up day),
then 15–23 Feb are holidays, Tue 24 and Wed 25: 4 working days for 13 calendar days.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.choices import Responsibility, Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import at, category, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.reports import analyses
from kesu.reports.analyses import Scope, quantile
from kesu.reports.models import ReportSettings

D = datetime.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))


def _complaint(actor, received, customer, part, cat, defect, *, status=Status.CLOSED, responsibility="ours",
               defective=None, response_hours=None, closed=None, reopen=0) -> Complaint:
    complaint = create_complaint(actor, received_at=received, customer=customer, part=part, defect_nature=defect)
    Complaint.objects.filter(pk=complaint.pk).update(
        status=status, category=cat, responsibility=responsibility, quantity_defective=defective,
        first_response_at=None if response_hours is None else received + datetime.timedelta(hours=response_hours),
        closed_at=closed, reopen_count=reopen)
    return complaint


@pytest.fixture
def data(people, company_a):
    sales = people[Role.SALESPERSON]
    c1 = CustomerFactory(company=company_a, code="C1", name="一号客户")
    c2 = CustomerFactory(company=company_a, code="C2", name="二号客户")
    p1 = PartFactory(company=company_a, part_no="P1", customer=c1)
    p2 = PartFactory(company=company_a, part_no="P2", customer=c2)
    appearance, performance = category(company_a, "appearance"), category(company_a, "performance")
    rows = [
        _complaint(sales, at(2026, 1, 5, 10), c1, p1, appearance, "划伤", defective=10, response_hours=2,
                   closed=at(2026, 1, 7, 10)),
        _complaint(sales, at(2026, 1, 20, 9), c1, p1, appearance, "划伤", defective=5, response_hours=30,
                   closed=at(2026, 1, 30, 9), reopen=1),
        _complaint(sales, at(2026, 2, 10, 9), c1, p1, performance, "异响", status=Status.QA_INVESTIGATION,
                   responsibility=Responsibility.CUSTOMER, defective=3),
        _complaint(sales, at(2026, 2, 12, 9), c2, p2, appearance, "划伤", defective=2, response_hours=5,
                   closed=at(2026, 2, 25, 17)),
        _complaint(sales, at(2026, 3, 3, 9), c2, p2, performance, "异响", defective=7, response_hours=24,
                   closed=at(2026, 3, 4, 9)),
        _complaint(sales, at(2026, 3, 15, 10), c1, None, None, "", status=Status.REJECTED_AT_INTAKE,
                   responsibility=""),
        _complaint(sales, at(2025, 1, 10, 9), c1, p1, appearance, "划伤", defective=1, closed=at(2025, 1, 11, 9)),
        _complaint(sales, at(2025, 3, 5, 9), c2, p2, performance, "异响", defective=1, closed=at(2025, 3, 6, 9)),
    ]
    return {"c1": c1, "c2": c2, "p1": p1, "p2": p2, "appearance": appearance, "performance": performance,
            "rows": rows}


def scope(company, period=Q1, **narrowing) -> Scope:
    return Scope(company_ids=(company.pk,), date_from=period[0], date_to=period[1], **narrowing)


def test_the_scope_counts_the_period_less_rejected_and_cancelled(data, company_a):
    assert analyses.complaints_in(scope(company_a)).count() == 5


def test_by_customer_counts_complaints_and_our_defective_quantity(data, company_a):
    result = analyses.breakdown(scope(company_a), "customer")

    assert [(r.label, r.count, r.defective, r.share) for r in result.rows] == [
        ("C1 一号客户", 3, 15, Decimal("60.0")),  # complaint 3's quantity is the customer's, not ours
        ("C2 二号客户", 2, 9, Decimal("40.0")),
    ]
    assert (result.total, result.defective, result.others) == (5, 24, None)
    assert result.rows[0].query["customer"] == data["c1"].pk


def test_by_part_and_the_others_row_when_limited(data, company_a):
    result = analyses.breakdown(scope(company_a), "part", limit=1)

    assert [(r.label.split()[0], r.count) for r in result.rows] == [("P1", 3)]
    assert (result.others.count, result.others.share) == (2, Decimal("40.0"))


def test_pareto_by_category_has_cumulative_shares_and_the_vital_few(data, company_a):
    rows = analyses.breakdown(scope(company_a), "category").rows

    assert [(r.key, r.count, r.share, r.cumulative, r.vital_few) for r in rows] == [
        (data["appearance"].code, 3, Decimal("60.0"), Decimal("60.0"), True),
        # starts below 80 percent, so it is among the vital few that reach it
        (data["performance"].code, 2, Decimal("40.0"), Decimal("100.0"), True),
    ]


def test_pareto_by_defect_groups_the_free_text(data, company_a):
    rows = analyses.breakdown(scope(company_a), "defect").rows

    assert [(r.label, r.count, r.cumulative) for r in rows] == [("划伤", 3, Decimal("60.0")),
                                                               ("异响", 2, Decimal("100.0"))]
    assert rows[0].query["defect"] == "划伤"


def test_frequency_splits_recurring_from_occasional_problems(data, company_a):
    result = analyses.frequency(scope(company_a))

    # (C1, P1, appearance) twice; (C1, P1, performance), (C2, P2, appearance), (C2, P2, performance) once.
    assert (result.problems, result.recurring_problems) == (4, 1)
    assert (result.recurring_complaints, result.occasional_complaints) == (2, 3)
    assert result.recurring_percent == Decimal("40.0")
    assert [(r["customer"], r["count"]) for r in result.rows] == [("C1 一号客户", 2)]
    assert result.rows[0]["query"]["category"] == data["appearance"].pk
    assert "2" in result.rule


def test_trend_compares_month_over_month_and_year_over_year(data, company_a):
    rows = analyses.trend(scope(company_a))

    assert [(r.month, r.count, r.previous_month, r.year_before) for r in rows] == [
        (D(2026, 1, 1), 2, 0, 1), (D(2026, 2, 1), 2, 2, 0), (D(2026, 3, 1), 1, 2, 1)]
    assert [r.month_over_month for r in rows] == [None, Decimal("0.0"), Decimal("-50.0")]
    assert [r.year_over_year for r in rows] == [Decimal("100.0"), None, Decimal("0.0")]
    assert rows[1].query["received_from"] == "2026-02-01"


def test_a_month_is_counted_in_the_company_time_zone(data, company_a, people):
    # 17:30 UTC on 31 January is 01:30 on 1 February in Shanghai.
    _complaint(people[Role.SALESPERSON], datetime.datetime(2026, 1, 31, 17, 30, tzinfo=datetime.UTC),
               data["c1"], data["p1"], data["appearance"], "划伤", defective=1)

    assert [r.count for r in analyses.trend(scope(company_a))] == [2, 3, 1]


def test_seasonality_by_calendar_month_over_three_years(data, company_a):
    result = analyses.seasonality(scope(company_a), years=3)

    assert result.years == [2024, 2025, 2026]
    assert result.counts[2024] == [0] * 12
    assert result.counts[2025][:3] == [1, 0, 1]
    assert result.counts[2026][:3] == [2, 2, 1]
    # January: 3 complaints over 3 years against 7 in 36 months → 3 × 12 ÷ 7 × 100 = 514.3
    assert result.seasonal_index[0] == Decimal("514.3")
    assert result.queries[2025][2]["received_to"] == "2025-03-31"


def test_closure_time_in_calendar_and_working_days(data, company_a):
    result = analyses.closure_times(scope(company_a))

    calendar, working = result.calendar_days, result.working_days
    # Calendar days 2, 10, 13, 1 → sorted 1, 2, 10, 13: median (2nd of 4) 2, P90 (4th of 4) 13.
    assert (calendar.counted, calendar.median, calendar.p90, calendar.waiting) == (4, 2, 13, 1)
    # Working days 2, 8, 4 (Spring Festival), 1 → sorted 1, 2, 4, 8.
    assert (working.counted, working.median, working.p90) == (4, 2, 8)
    assert working.within_target_percent == Decimal("100.0")  # the default target is 10 working days
    assert [(b.label, b.count) for b in calendar.buckets][:4] == [
        ("0–1 days", 1), ("2–3 days", 1), ("4–7 days", 0), ("8–14 days", 2)]
    assert (calendar.buckets[3].query["closure_days_min"], calendar.buckets[3].query["closure_days_max"]) == (8, 14)


def test_closure_target_comes_from_the_company_settings(data, company_a):
    ReportSettings.objects.create(company=company_a, closure_target_working_days=3)

    assert analyses.closure_times(scope(company_a)).working_days.within_target_percent == Decimal("50.0")


def test_first_response_time(data, company_a):
    result = analyses.first_response_times(scope(company_a))

    # 2, 30, 5 and 24 hours; complaint 3 has no response yet.
    assert (result.counted, result.median, result.p90, result.waiting) == (4, 5, 30, 1)
    assert result.within_target_percent == Decimal("50.0")  # under 24 hours: 2 h and 5 h


def test_reopen_rate(data, company_a):
    result = analyses.reopenings(scope(company_a))

    assert (result.closed, result.reopened, result.reopenings, result.rate) == (4, 1, 1, Decimal("25.0"))
    assert result.query["reopened"] == "true"


def test_overdue_backlog_counts_open_complaints_with_a_missed_deadline(data, company_a):
    backlog = analyses.overdue_backlog(scope(company_a), now=at(2026, 11, 1, 9))

    assert backlog.total == 1  # complaint 3, open since February; closed and rejected ones are not backlog
    assert [(r["key"], r["count"]) for r in backlog.by_status] == [(Status.QA_INVESTIGATION, 1)]
    assert sum(r["count"] for r in backlog.by_age) == 1
    assert backlog.by_age[-1]["count"] == 1  # missed more than 30 days ago


@pytest.mark.parametrize(("overdue", "band"), [
    (datetime.timedelta(hours=1), 0), (datetime.timedelta(days=1, hours=23, minutes=59), 0),  # 0–1 days
    (datetime.timedelta(days=2), 1), (datetime.timedelta(days=7, hours=23), 1),  # 2–7
    (datetime.timedelta(days=8), 2), (datetime.timedelta(days=30, hours=23, minutes=59), 2),  # 8–30
    (datetime.timedelta(days=31), 3),  # 31 or more
])
def test_the_backlogs_age_bands_count_whole_days_since_the_earliest_missed_deadline(data, company_a, overdue, band):
    from kesu.complaints.models import Deadline

    first = Deadline.objects.filter(complaint__status=Status.QA_INVESTIGATION, met_at__isnull=True,
                                    cancelled_at__isnull=True).order_by("due_at").first().due_at
    backlog = analyses.overdue_backlog(scope(company_a), now=first + overdue)

    assert [r["count"] for r in backlog.by_age] == [1 if index == band else 0 for index in range(4)]


def test_narrowing_to_one_customer(data, company_a):
    only_c2 = scope(company_a, customer_id=data["c2"].pk)

    assert analyses.breakdown(only_c2, "category").total == 2
    assert analyses.reopenings(only_c2).closed == 2
    assert analyses.breakdown(only_c2, "customer").rows[0].query["customer"] == data["c2"].pk


def test_another_company_sees_nothing_of_company_a(data, company_b):
    assert analyses.breakdown(scope(company_b), "customer").total == 0
    assert analyses.closure_times(scope(company_b)).calendar_days.counted == 0


def test_every_analysis_runs_by_name(data, company_a):
    s = scope(company_a)
    by_name = {"frequency": analyses.frequency, "trend": analyses.trend, "seasonality": analyses.seasonality,
               "closure": analyses.closure_times, "response": analyses.first_response_times,
               "reopen": analyses.reopenings, "backlog": analyses.overdue_backlog,
               **{d: (lambda s, d=d: analyses.breakdown(s, d)) for d in ("customer", "part", "category", "defect")}}
    assert sorted(by_name) == sorted(analyses.ANALYSES)
    for name, direct in by_name.items():
        assert analyses.run(s, name) == direct(s), name  # the name leads to its own analysis, same figures
    assert analyses.run(s, "customer").total == 5  # not an empty result: the five complaints of the data set


def test_drill_down_links_list_exactly_the_complaints_behind_the_figure(data, company_a, client, people):
    from django.utils.http import urlencode

    qa = people[Role.QA]
    client.force_login(qa)
    result = analyses.closure_times(scope(company_a))
    bucket = result.calendar_days.buckets[3]  # 8–14 days: complaints 2 and 4
    response = client.get("/complaints/?" + urlencode(bucket.query))
    shown = {c.pk for c, _state in response.context["rows"]}
    assert shown == {data["rows"][1].pk, data["rows"][3].pk}

    defect = analyses.breakdown(scope(company_a), "defect").rows[1]  # 异响: complaints 3 and 5
    response = client.get("/complaints/?" + urlencode(defect.query))
    assert {c.pk for c, _state in response.context["rows"]} == {data["rows"][2].pk, data["rows"][4].pk}


def test_quantile_is_the_nearest_rank():
    assert quantile({}, Decimal("0.5")) is None
    assert quantile({1: 1, 2: 1, 3: 1, 4: 1}, Decimal("0.5")) == 2
    assert quantile({5: 9, 100: 1}, Decimal("0.9")) == 5
    assert quantile({5: 9, 100: 1}, Decimal("0.91")) == 100
