"""The monthly complaint rollup (issue 24 §5): the analyses and the KPI dashboard read from it give exactly what
counting the complaints gives, on random data; a change is counted live until the worker rebuilds its month;
the pages cost the same number of queries whatever the history.

The data: three companies (two in Shanghai, one in Berlin, whose months start at another instant and move with
daylight saving), customers, parts and categories (codes shared across the companies), complaints from
January 2025 to 20 November 2026 in every status, some at the very first and last second of a local month,
with responsibilities, defective quantities, reopenings, repeat flags and returns. The reference is
``live_only()``: the same functions counting every month from the complaints.
"""

from __future__ import annotations

import datetime
import random
import re
import zoneinfo
from dataclasses import asdict
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import CompanyFactory
from kesu.complaints.choices import DispositionKind, Responsibility, Status
from kesu.complaints.models import Complaint, ComplaintCategory, DispositionLine
from kesu.complaints.tests.factories import ShipmentFactory
from kesu.customers.models import Shipment
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.prevention.models import RepeatFlag
from kesu.reports import analyses
from kesu.reports.analyses import Scope
from kesu.reports.kpis import dashboard, kpi_values
from kesu.reports.models import ComplaintRollup, RollupChange, RollupMonth
from kesu.reports.rollups import live_only, ranked, shipment_groups, tally
from kesu.reports.services.rollups import rollups_rebuild_all, rollups_refresh
from kesu.reports.services.snapshots import snapshots_take_due
from kesu.surveys.indicators import customer_indicators

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
STATUSES = [Status.CLOSED] * 5 + [Status.QA_INVESTIGATION, Status.RECEIVED, Status.REMEDY_DONE, Status.CANCELLED,
                                  Status.REJECTED_AT_INTAKE]
RESPONSIBILITIES = [Responsibility.OURS, Responsibility.OURS, Responsibility.CUSTOMER, Responsibility.SUPPLIER, ""]
ANALYSES = [name for name in analyses.ANALYSES if name != "backlog"]  # the backlog is "now", not a period's


def _random_data(companies, seed: int, count: int) -> None:
    rng = random.Random(seed)
    masters = {}
    for company in companies:
        customers = [CustomerFactory(company=company, code=f"C{i}") for i in range(4)]
        parts = [PartFactory(company=company, part_no=f"P{i}", customer=customers[i % 4]) for i in range(4)]
        categories = [ComplaintCategory.objects.get_or_create(company=company, code=code, defaults={"name": code})[0]
                      for code in ("appearance", "performance", "packaging")]
        masters[company.pk] = (customers, parts, categories)
        for customer in customers:
            ShipmentFactory(customer=customer, quantity=rng.randint(100, 5000), ship_date=D(2026, rng.randint(1, 11), 3))
            ShipmentFactory(customer=customer, quantity=rng.randint(100, 5000), ship_date=D(2025, rng.randint(1, 12), 3))
        _random_shipments(rng, company, customers[:3], parts)
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    span = int((datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC) - start).total_seconds())
    rows = []
    for i in range(count):
        company = rng.choice(companies)
        customers, parts, categories = masters[company.pk]
        if i % 10 == 0:  # the first or last second of a local month
            month = D(rng.choice((2025, 2026)), rng.randint(1, 10), 1)
            first = datetime.datetime.combine(month, datetime.time.min, tzinfo=company.tz)
            received = first if i % 20 == 0 else first - datetime.timedelta(seconds=1)
        else:
            received = start + datetime.timedelta(seconds=rng.randrange(span))
        status = rng.choice(STATUSES)
        rows.append(Complaint(
            company=company, number=f"T-{i}", channel="phone", received_at=received, description="x",
            customer=rng.choice(customers), part=rng.choice([*parts, None]),
            category=rng.choice([*categories, None]), responsibility=rng.choice(RESPONSIBILITIES),
            quantity_defective=rng.choice([None, 0, 1, 5, 20, 300]), status=status,
            defect_nature=rng.choice(["划伤", "异响", " 划伤", ""]),
            closed_at=received + datetime.timedelta(hours=rng.randint(1, 900)) if status == Status.CLOSED else None,
            first_response_at=received + datetime.timedelta(hours=rng.randint(0, 80)) if rng.random() < .7 else None,
            reopen_count=rng.choice([0, 0, 0, 1, 2])))
    Complaint.objects.bulk_create(rows)
    lines, flags = [], []
    for complaint in Complaint.objects.filter(number__startswith="T-"):
        roll = rng.random()
        if roll < .25:
            lines.append(DispositionLine(company_id=complaint.company_id, complaint=complaint,
                                         kind=DispositionKind.RETURN, quantity=rng.randint(1, 50)))
        elif roll < .35:
            lines.append(DispositionLine(company_id=complaint.company_id, complaint=complaint,
                                         kind=rng.choice([k for k in DispositionKind if k != DispositionKind.RETURN]),
                                         quantity=rng.randint(1, 50)))
        if rng.random() < .2:
            flags.append(RepeatFlag(company_id=complaint.company_id, complaint=complaint, rule="same_customer",
                                    window_days=90, flagged_at=complaint.received_at))
    DispositionLine.objects.bulk_create(lines)
    RepeatFlag.objects.bulk_create(flags)


def _random_shipments(rng, company, customers, parts) -> None:
    """Lines shipped on the first and last day of months and in between, due in the same or the next month,
    received early, late or never, some with extra freight in two currencies (the shipment rollup's measures)."""
    rows = []
    for i in range(60):
        month = D(rng.choice((2025, 2026)), rng.randint(1, 11), 1)
        last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        shipped = min(rng.choice([month, last, month + datetime.timedelta(days=rng.randint(0, 27))]), TODAY)
        due = shipped + datetime.timedelta(days=rng.randint(-3, 20)) if rng.random() < .8 else None
        received = shipped + datetime.timedelta(days=rng.randint(0, 25)) if rng.random() < .6 else None
        freight = rng.choice([Decimal("0"), Decimal("0"), Decimal("12.34"), Decimal("100.05")])
        customer = rng.choice(customers)
        rows.append(Shipment(company=company, customer=customer, part=rng.choice(parts), delivery_no=f"R{i}",
                             line_no=1, quantity=rng.randint(1, 900), ship_date=shipped, due_date=due,
                             receipt_date=received, extra_freight_cost=freight,
                             currency=rng.choice(["CNY", "CNY", "USD"])))
    Shipment.objects.bulk_create(rows)


@pytest.fixture
def group(company_a, company_b):
    berlin = CompanyFactory(code="E", name="Berlin GmbH", time_zone="Europe/Berlin")
    companies = [company_a, company_b, berlin]
    _random_data(companies, seed=24, count=600)
    return companies


def _scopes(companies) -> list[Scope]:
    a = companies[0]
    customer = Complaint.objects.filter(company=a).values_list("customer_id", flat=True).first()
    part = Complaint.objects.filter(company=a, part__isnull=False).values_list("part_id", flat=True).first()
    cat = Complaint.objects.filter(company=a, category__isnull=False).values_list("category_id", flat=True).first()
    ids = tuple(c.pk for c in companies)
    return [
        Scope(ids, D(2025, 1, 1), TODAY),  # the group, whole months and the running one
        Scope(ids, D(2025, 3, 15), D(2026, 2, 10)),  # cut months at both ends, across the year's end
        Scope((companies[2].pk,), D(2025, 1, 1), D(2026, 10, 31)),  # Berlin: other month boundaries
        Scope((a.pk,), D(2025, 1, 1), TODAY, customer_id=customer),
        Scope((a.pk,), D(2025, 6, 1), D(2026, 6, 30), part_id=part, responsibility=Responsibility.OURS),
        Scope(ids, D(2025, 1, 1), TODAY, category_id=cat),
    ]


def _everything(companies) -> list:
    results = []
    for scope in _scopes(companies):
        for name in ANALYSES:
            options = {"limit": None} if name in ("customer", "part", "category", "defect", "frequency") else {}
            result = analyses.run(scope, name, **options)
            results.append((name, scope, result if isinstance(result, list) else asdict(result)))
        results.append(("responsibility", scope, asdict(analyses.breakdown(scope, "responsibility", limit=None))))
    ids = [c.pk for c in companies]
    for date_from, date_to in ((D(2025, 1, 1), TODAY), (D(2025, 2, 28), D(2026, 3, 1)), (D(2026, 1, 1), D(2026, 6, 30))):
        results.append(("shipments", date_from, shipment_groups(ids, date_from, date_to)))
        report = customer_indicators(ids, date_from, date_to)
        results.append(("indicators", date_from, asdict(report.total), report.customers_lost,
                        {pk: asdict(one) for pk, one in report.by_customer.items()}))
    some = list(Shipment.objects.filter(company=companies[0]).values_list("customer_id", flat=True)[:2])
    results.append(("indicators of customers", asdict(customer_indicators(ids, D(2025, 1, 1), TODAY, some).total)))
    for company in companies:
        results.append(("kpis", company.pk, kpi_values(company, D(2025, 1, 1), TODAY)))
        results.append(("kpis cut", company.pk, kpi_values(company, D(2025, 2, 10), D(2026, 1, 20))))
        for year in (2025, 2026):
            results.append(("dashboard", company.pk, dashboard(company, year, money=True, today=TODAY)))
    return results


def _assert_same(companies) -> None:
    with live_only():
        reference = _everything(companies)
    assert _everything(companies) == reference


def test_the_rollup_gives_exactly_what_counting_the_complaints_gives(group):
    with time_machine.travel(NOW, tick=False):
        with live_only():
            reference = _everything(group)
        total = analyses.breakdown(_scopes(group)[0], "customer").total
        assert total > 300  # not an empty comparison
        assert rollups_rebuild_all(today=TODAY) > 60
        assert ComplaintRollup.objects.exists()
        assert _everything(group) == reference


def test_a_change_is_counted_live_until_the_worker_rebuilds_its_month(group):
    with time_machine.travel(NOW, tick=False):
        rollups_rebuild_all(today=TODAY)
        complaint = Complaint.objects.filter(company=group[0], status=Status.CLOSED,
                                             received_at__lt=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
                                             ).first()
        old_month = complaint.received_at.astimezone(group[0].tz).date().replace(day=1)
        complaint.status = Status.CANCELLED
        complaint.received_at = datetime.datetime(2026, 3, 5, 9, tzinfo=group[0].tz)
        complaint.save()
        line = DispositionLine.objects.filter(kind=DispositionKind.RETURN, company=group[1]).first()
        line.quantity += 7
        line.save()
        waiting = set(RollupChange.objects.values_list("company_id", "month"))
        assert {(group[0].pk, old_month), (group[0].pk, D(2026, 3, 1))} <= waiting
        _assert_same(group)  # the changed months are counted live meanwhile
        assert rollups_refresh(today=TODAY) >= len(waiting)
        assert not RollupChange.objects.exists()
        _assert_same(group)


def test_rebuilding_twice_leaves_the_same_rows(group):
    def rows():
        return sorted(ComplaintRollup.objects.values_list(
            "company_id", "month", "customer_id", "part_id", "category_id", "responsibility", "complaints",
            "quantity_defective", "repeats", "closed", "reopened", "reopenings", "returned"),
            key=lambda r: tuple((x is None, x) for x in r))

    rollups_rebuild_all(today=TODAY)
    first = rows()
    assert rollups_rebuild_all(today=TODAY) and rows() == first
    # December 2024 (the last second of 2024 in Berlin) to November 2026
    assert RollupMonth.objects.filter(company=group[2]).count() == 24


def test_whole_past_months_are_read_from_the_rollup_alone(group):
    rollups_rebuild_all(today=TODAY)
    scope = Scope(tuple(c.pk for c in group), D(2025, 1, 1), D(2025, 12, 31))
    with CaptureQueriesContext(connection) as queries:
        counts = tally(scope, ("customer",), ("complaints", "defective", "returned"))
    assert counts and not any("complaints_complaint" in q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) == 3  # time zones, built months, the rollup
    with CaptureQueriesContext(connection) as queries:
        shipped = shipment_groups(list(scope.company_ids), scope.date_from, scope.date_to)
    assert sum(row["lines"] for row in shipped.values()) == Shipment.objects.filter(
        ship_date__year=2025).count() > 0
    assert not any("customers_shipment" in q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) == 2  # built months, the rollup


def test_a_shipment_change_marks_its_old_and_new_months_and_is_counted_live_until_rebuilt(group):
    with time_machine.travel(NOW, tick=False):
        rollups_rebuild_all(today=TODAY)
        assert not RollupChange.objects.exists()
        line = Shipment.objects.filter(company=group[0], ship_date__year=2025, due_date__isnull=False).first()
        old = {line.ship_date.replace(day=1), line.due_date.replace(day=1)}
        line = Shipment.objects.get(pk=line.pk)
        line.ship_date, line.due_date, line.quantity = D(2026, 2, 27), D(2026, 3, 2), line.quantity + 11
        line.save()
        marked = set(RollupChange.objects.filter(company_id=group[0].pk).values_list("month", flat=True))
        assert marked == old | {D(2026, 2, 1), D(2026, 3, 1)}
        _assert_same(group)  # the four months are counted live meanwhile
        other = Shipment.objects.filter(company=group[1], ship_date__year=2025).first()
        other.delete()
        assert RollupChange.objects.filter(company_id=group[1].pk, month=other.ship_date.replace(day=1)).exists()
        _assert_same(group)
        rollups_refresh(today=TODAY)
        assert not RollupChange.objects.exists()
        _assert_same(group)
        untouched = Shipment.objects.filter(company=group[0]).first()
        untouched.delivery_no += "-b"  # no counted column: no month to rebuild
        untouched.save()
        assert not RollupChange.objects.exists()


def _queries(client, name, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), params).status_code == 200
    return len(queries.captured_queries)


def test_the_pages_cost_the_same_number_of_queries_whatever_the_history(client, people, company_a, company_b):
    """A year of history and two years, rolled up: the analyses page and the dashboard ask the same number of
    queries (the number grows with nothing but the running month's live part)."""
    _random_data([company_a], seed=1, count=40)
    rollups_rebuild_all(today=TODAY)
    with time_machine.travel(NOW, tick=False):
        snapshots_take_due(today=TODAY)  # the worker's: the dashboard's trend reads closed months from them
    client.force_login(people[Role.GM])
    period = {"date_from": "2025-01-01", "date_to": "2026-11-20"}
    with time_machine.travel(NOW, tick=False):
        before = (_queries(client, "reports:analyses", period), _queries(client, "reports:dashboard", {}))
        more = [Complaint(company=company_a, number=f"M-{i}", channel="phone", description="x",
                          received_at=datetime.datetime(2025 + i % 2, 1 + i % 12, 1 + i % 28, 9, tzinfo=company_a.tz),
                          customer=CustomerFactory(company=company_a), status=Status.CLOSED) for i in range(60)]
        Complaint.objects.bulk_create(more)
        rollups_rebuild_all(today=TODAY)
        after = (_queries(client, "reports:analyses", period), _queries(client, "reports:dashboard", {}))
    assert after == before
    # The dashboard: each period's shipments and complaints ask which months are built, then read those from the
    # rollups and the rest live (small queries, a fixed number of them).
    assert before[0] <= 70 and before[1] <= 66


def test_the_services_note_each_change_that_moves_a_counted_figure(people, company_a):
    """Intake, a transition and a cancellation through the services each leave a change row for the complaint's
    month (Shanghai time: 1 March 00:30 is March there, February in UTC); a save that moves no counted column
    leaves none, and the worker's run consumes them."""
    from kesu.complaints.tests.factories import act, at, create_complaint

    complaint = create_complaint(people[Role.SALESPERSON], received_at=at(2026, 3, 1, 0, 30))
    assert set(RollupChange.objects.values_list("company_id", "month")) == {(company_a.pk, D(2026, 3, 1))}
    rollups_refresh(today=D(2026, 3, 10))
    assert not RollupChange.objects.exists()
    assert tally(Scope((company_a.pk,), D(2026, 3, 1), D(2026, 3, 31)))[()]["complaints"] == 1
    complaint = Complaint.objects.get(pk=complaint.pk)
    complaint.lot_number = "L-1"
    complaint.save()
    assert not RollupChange.objects.exists()
    act(complaint, "cancel", people)
    assert RollupChange.objects.filter(company_id=company_a.pk, month=D(2026, 3, 1)).exists()
    march = Scope((company_a.pk,), D(2026, 3, 1), D(2026, 3, 31))
    assert tally(march)[()]["complaints"] == 0  # counted live meanwhile
    rollups_refresh(today=D(2026, 3, 10))
    assert not RollupChange.objects.exists()
    assert not ComplaintRollup.objects.filter(company=company_a, month=D(2026, 3, 1)).exists()


def test_the_problems_ranked_by_the_database_are_the_counted_groups_sorted(group):
    """``ranked`` (the recurring problems: summed, counted and ordered in one statement) against the groups
    ``tally`` adds up, sorted here: rolled-up months, live ones and both in one period."""
    import contextlib

    from kesu.reports.rollups import ranked

    rollups_rebuild_all(today=TODAY)
    by = ("customer", "part", "category")
    seen = set()
    for scope in _scopes(group):
        for reading in (contextlib.nullcontext, live_only):
            with reading():
                grouped = tally(scope, by)
                problems = sorted(((*key, row["complaints"]) for key, row in grouped.items()), key=lambda p: (
                    -p[3], p[0], p[1] is not None, p[1] or 0, p[2] is not None, p[2] or 0))
                recurring = [p for p in problems if p[3] >= 2]
                rows, totals = ranked(scope, by, at_least=2, limit=None)
                assert rows == recurring
                assert totals == {"groups": len(problems), "complaints": sum(p[3] for p in problems),
                                  "groups_at_least": len(recurring),
                                  "complaints_at_least": sum(p[3] for p in recurring)}
                assert ranked(scope, by, at_least=2, limit=3)[0] == recurring[:3]
                assert ranked(scope, by, at_least=3, limit=None)[0] == [p for p in problems if p[3] >= 3]
                seen |= {"head" for _p in recurring[3:4]} | {"no part" for p in recurring if p[1] is None}
                seen |= {"no category" for p in recurring if p[2] is None}
    assert seen == {"head", "no part", "no category"}  # the limit and both kinds of absent key were exercised
    empty = Scope((group[0].pk,), D(2020, 1, 1), D(2020, 12, 31))
    assert ranked(empty, by, at_least=2, limit=10) == ([], {"groups": 0, "complaints": 0, "groups_at_least": 0,
                                                             "complaints_at_least": 0})


def test_a_first_response_or_a_new_closure_day_marks_the_month_for_the_time_rollups(group):
    rollups_rebuild_all(today=TODAY)
    complaint = Complaint.objects.filter(company=group[0], first_response_at__isnull=True).first()
    complaint = Complaint.objects.get(pk=complaint.pk)
    complaint.first_response_at = complaint.received_at + datetime.timedelta(hours=5)
    complaint.save()
    month = complaint.received_at.astimezone(group[0].tz).date().replace(day=1)
    assert set(RollupChange.objects.values_list("company_id", "month")) == {(group[0].pk, month)}
    closed = Complaint.objects.get(pk=Complaint.objects.filter(company=group[1], status=Status.CLOSED).first().pk)
    closed.closed_at += datetime.timedelta(days=3)
    closed.save()
    assert RollupChange.objects.filter(company_id=group[1].pk).exists()
    with time_machine.travel(NOW, tick=False):
        _assert_same(group)


def _tables_read(queries) -> set[str]:
    return {table for q in queries.captured_queries for table in re.findall(r'FROM "(reports_\w+rollup)"', q["sql"])}


def test_each_question_reads_the_smallest_rollup_that_holds_its_dimensions(group):
    rollups_rebuild_all(today=TODAY)
    ids = tuple(c.pk for c in group)
    year = Scope(ids, D(2025, 1, 1), D(2025, 12, 31))
    customer = Complaint.objects.filter(company=group[0]).values_list("customer_id", flat=True).first()
    asked = {
        "trend": lambda scope: tally(scope, (), ("complaints", "repeats"), monthly=True),
        "categories": lambda scope: tally(scope, ("category", "company"), ("complaints", "defective")),
        "customers": lambda scope: tally(scope, ("customer",), ("complaints", "defective")),
        "parts": lambda scope: tally(scope, ("part",), ("complaints",)),
        "one customer's parts": lambda scope: tally(Scope(ids, scope.date_from, scope.date_to, customer_id=customer),
                                                     ("part",), ("complaints",)),
        "problems": lambda scope: ranked(scope, ("customer", "part", "category"), at_least=2, limit=None),
        "defects": lambda scope: tally(scope, ("defect",), ("complaints", "defective")),
        "one customer's defects": lambda scope: tally(
            Scope(ids, scope.date_from, scope.date_to, customer_id=customer), ("defect",), ("complaints",)),
    }
    expected = {"trend": "reports_categoryrollup", "categories": "reports_categoryrollup",
                "customers": "reports_customerrollup", "parts": "reports_partrollup",
                "one customer's parts": "reports_complaintrollup", "problems": "reports_complaintrollup",
                "defects": "reports_defectrollup"}
    for name, ask in asked.items():
        with CaptureQueriesContext(connection) as queries:
            ask(year)
        # No rollup keeps a customer's defects: counted from the complaints.
        assert _tables_read(queries) == ({expected[name]} if name in expected else set()), name


def test_the_dashboards_totals_are_the_sum_of_the_customers(group):
    # totals_only sums the shipments per currency in the database and asks apart whom lines went to: the same
    # total and churn as adding every customer up, read from the rollup or live.
    ids = [c.pk for c in group]
    periods = ((D(2025, 1, 1), TODAY), (D(2025, 2, 28), D(2026, 3, 1)), (D(2026, 1, 1), D(2026, 6, 30)))

    def both():
        found = []
        for date_from, date_to in periods:
            whole = customer_indicators(ids, date_from, date_to)
            totals = customer_indicators(ids, date_from, date_to, totals_only=True)
            assert totals.by_customer == {}
            found.append((asdict(whole.total), whole.customers_before, whole.customers_lost))
            assert (asdict(totals.total), totals.customers_before, totals.customers_lost) == found[-1]
        return found

    with live_only():
        reference = both()
    assert reference[0][0]["shipment_lines"] > 0 and reference[2][1:] == (12, 3)  # shipped to before, and lost
    rollups_rebuild_all(today=TODAY)
    assert both() == reference
