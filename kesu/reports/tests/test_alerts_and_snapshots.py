"""Trend alerts (c-chart, raised once through the CAPA service) and the monthly snapshot (issue 7 §3, §7)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from kesu.accounts.models import Department, DepartmentKind
from kesu.accounts.roles import Role
from kesu.capa.choices import SourceKind
from kesu.capa.models import ActionLink
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import at, category, create_complaint
from kesu.core.jobs import REGISTRY, autodiscover
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory
from kesu.reports.choices import Dimension, Kpi
from kesu.reports.models import MonthlySnapshot, TrendAlert
from kesu.reports.services.alerts import abnormal, trend_alerts_raise, upper_limit
from kesu.reports.services.snapshots import snapshot_take, snapshots_take_due

D = datetime.date


def test_the_upper_control_limit_is_the_mean_plus_three_square_roots():
    assert upper_limit(Decimal(4)) == Decimal("10.000")  # 4 + 3 × 2
    assert abnormal([1] * 12, 5, 3) == (True, Decimal("1.000"), Decimal("4.000"))  # 5 > 1 + 3 × 1
    assert not abnormal([1] * 12, 4, 3)[0]  # on the limit is within it
    assert not abnormal([0] * 12, 2, 3)[0]  # a new problem needs at least the minimum count
    assert abnormal([0] * 12, 3, 3)[0]


@pytest.fixture
def quality_department(company_a, people):
    qa = people[Role.QA]
    Department.objects.filter(pk=qa.department_id).update(kind=DepartmentKind.QA, head=qa)
    return Department.objects.get(pk=qa.department_id)


def _complaints(actor, customer, part, cat, instants):
    for instant in instants:
        complaint = create_complaint(actor, received_at=instant, customer=customer, part=part, defect_nature="划伤")
        Complaint.objects.filter(pk=complaint.pk).update(category=cat)


@pytest.fixture
def rise(people, company_a, quality_department):
    """One complaint a month about part P1 of customer C1 for a year, then five in October 2026."""
    sales = people[Role.SALESPERSON]
    customer = CustomerFactory(company=company_a, code="C1")
    part = PartFactory(company=company_a, part_no="P1", customer=customer)
    cat = category(company_a, "appearance")
    history = [at(2025, month, 10, 9) for month in range(10, 13)] + [at(2026, month, 10, 9) for month in range(1, 10)]
    _complaints(sales, customer, part, cat, history + [at(2026, 10, day, 9) for day in (5, 6, 7, 8, 9)])
    return {"customer": customer, "part": part, "category": cat}


def test_an_abnormal_rise_raises_one_rectification_request_per_record(rise, company_a, quality_department):
    alerts = trend_alerts_raise(now=at(2026, 10, 20, 3))

    # 5 in October against 1 a month before it: above 1 + 3 × 1 for the customer, the part and the category.
    assert sorted(a.dimension for a in alerts) == [Dimension.CATEGORY, Dimension.CUSTOMER, Dimension.PART]
    part_alert = next(a for a in alerts if a.dimension == Dimension.PART)
    assert (part_alert.month, part_alert.count, part_alert.mean, part_alert.upper_limit) == (
        D(2026, 10, 1), 5, Decimal("1.000"), Decimal("4.000"))
    action = part_alert.action
    assert action is not None and action.origin == SourceKind.TREND
    assert action.responsible_department == quality_department
    assert action.owner == quality_department.head
    assert list(action.parts.all()) == [rise["part"]]
    assert ActionLink.objects.filter(action=action, object_id=part_alert.pk).exists()


def test_the_rectification_request_is_written_in_the_owners_language_else_the_sites(rise, company_a,
                                                                                     quality_department):
    head = quality_department.head
    head.language = ""  # never chose one: the site's language (zh-Hans), not untranslated English
    head.save(update_fields=["language"])
    alerts = trend_alerts_raise(now=at(2026, 10, 20, 3))
    action = next(a for a in alerts if a.dimension == Dimension.PART).action
    name = f"P1 {rise['part'].name}"
    assert action.title == f"趋势预警 2026-10：{name}"
    assert action.problem.startswith(f"2026-10 关于零件“{name}”的投诉有 5 起，超过控制上限 4.000"
                                     "（c控制图：前 12 个月的月均值 1.000，")

    TrendAlert.objects.all().delete()
    head.language = "en"
    head.save(update_fields=["language"])
    action = next(a for a in trend_alerts_raise(now=at(2026, 10, 20, 3)) if a.dimension == Dimension.PART).action
    assert action.title == f"Trend alert 2026-10: {name}"


def test_the_nightly_run_raises_nothing_twice(rise, company_a):
    first = trend_alerts_raise(now=at(2026, 10, 20, 3))
    again = trend_alerts_raise(now=at(2026, 10, 21, 3))
    a_month_later = trend_alerts_raise(now=at(2026, 11, 2, 3))  # October is still evaluated, nothing new

    assert len(first) == 3 and again == [] and a_month_later == []
    assert TrendAlert.objects.filter(company=company_a).count() == 3


def test_an_ordinary_month_raises_nothing(rise, company_a):
    assert trend_alerts_raise(now=at(2026, 9, 28, 3)) == []


def test_an_alert_without_a_quality_department_is_kept_without_an_action(people, company_a):
    sales = people[Role.SALESPERSON]
    customer = CustomerFactory(company=company_a)
    _complaints(sales, customer, None, None, [at(2026, 10, day, 9) for day in (5, 6, 7)])

    alerts = trend_alerts_raise(now=at(2026, 10, 20, 3))

    assert [(a.dimension, a.action) for a in alerts] == [(Dimension.CUSTOMER, None)]


def test_the_snapshot_keeps_a_closed_month_once(people, company_a):
    customer = CustomerFactory(company=company_a)
    part = PartFactory(company=company_a, customer=customer)
    ShipmentFactory(company=company_a, customer=customer, part=part, quantity=10_000, ship_date=D(2026, 9, 10),
                    due_date=D(2026, 9, 12), receipt_date=D(2026, 9, 12))
    complaint = create_complaint(people[Role.SALESPERSON], received_at=at(2026, 9, 20, 9), customer=customer,
                                 part=part)
    Complaint.objects.filter(pk=complaint.pk).update(responsibility="ours", quantity_defective=25)

    snapshot = snapshot_take(company_a, D(2026, 9, 15))

    assert snapshot.month == D(2026, 9, 1)
    assert snapshot.values[Kpi.PPM] == "2500.00"  # 25 ÷ 10,000 × 10⁶
    assert snapshot.values[Kpi.ON_TIME] == "100.00"
    assert snapshot.values[Kpi.COMPLAINTS] == "1.00"
    assert snapshot.counts["complaints"] == 1
    Complaint.objects.filter(pk=complaint.pk).update(quantity_defective=50)
    assert snapshot_take(company_a, D(2026, 9, 1)).values[Kpi.PPM] == "2500.00"  # kept, not recomputed


def test_the_snapshot_job_fills_the_last_two_years_and_then_does_nothing(company_a):
    with time_machine.travel(at(2026, 11, 3, 2), tick=False):
        assert snapshots_take_due() == 24
        assert snapshots_take_due() == 0
    assert MonthlySnapshot.objects.filter(company=company_a).count() == 24
    assert not MonthlySnapshot.objects.filter(month=D(2026, 11, 1)).exists()  # the running month is not kept


def test_the_worker_knows_the_jobs():
    autodiscover()
    assert {"reports.monthly_snapshot", "reports.trend_alerts"} <= set(REGISTRY)
