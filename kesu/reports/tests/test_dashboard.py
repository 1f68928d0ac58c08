"""The KPI dashboard: figures checked by hand on a tiny data set, targets met or not, money hidden, access."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.choices import Responsibility
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import CustomerFactory, ShipmentFactory, at, create_complaint
from kesu.reports.models import KpiTarget

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 15, 10)


@pytest.fixture
def data(people, company_a):
    """Company A in 2026: 2,000 parts shipped in April on two lines due 10 April (one received on time, one
    two days late); two complaints in May — ours with 4 defective, the customer's with 10 — and in 2025
    500 parts shipped, no complaint.

    By hand: on-time 1 ÷ 2 = 50.0 percent; delivered PPM 4 ÷ 2,000 × 10⁶ = 2,000 (the customer's 10 do not
    count); complaints 2; complaints per million parts 2 ÷ 2,000 × 10⁶ = 1,000; last year: complaints 0,
    PPM 0 ÷ 500 = 0.
    """
    customer = CustomerFactory(company=company_a)
    ShipmentFactory(customer=customer, quantity=1000, ship_date=datetime.date(2026, 4, 1),
                    due_date=datetime.date(2026, 4, 10), receipt_date=datetime.date(2026, 4, 9))
    ShipmentFactory(customer=customer, quantity=1000, ship_date=datetime.date(2026, 4, 1),
                    due_date=datetime.date(2026, 4, 10), receipt_date=datetime.date(2026, 4, 12))
    ShipmentFactory(customer=customer, quantity=500, ship_date=datetime.date(2025, 4, 1))
    sales = people[Role.SALESPERSON]
    ours = create_complaint(sales, customer=customer, received_at=at(2026, 5, 10, 9))
    theirs = create_complaint(sales, customer=customer, received_at=at(2026, 5, 12, 9))
    Complaint.objects.filter(pk=ours.pk).update(responsibility=Responsibility.OURS, quantity_defective=4)
    Complaint.objects.filter(pk=theirs.pk).update(responsibility=Responsibility.CUSTOMER, quantity_defective=10)
    for kpi, target in (("on_time", "95"), ("ppm", "3000"), ("complaints", "1")):
        KpiTarget.objects.create(company=company_a, year=2026, kpi=kpi, target=Decimal(target))
    return customer


def _cards(response) -> dict:
    return {card["row"].kpi: card["row"] for card in response.context["cards"]}


def test_dashboard_figures_match_the_hand_count(login, people, company_a, data):
    client = login(people[Role.GM])
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("reports:dashboard"), {"company": company_a.pk, "year": 2026})
    assert response.status_code == 200
    rows = _cards(response)
    assert rows["on_time"].value == Decimal("50.0")
    assert rows["ppm"].value == Decimal("2000")
    assert rows["complaints"].value == Decimal("2")
    assert rows["complaints_per_million"].value == Decimal("1000")
    assert rows["complaints"].last_year == Decimal("0")
    assert rows["ppm"].last_year == Decimal("0")
    # May's point of the trend holds May's two complaints; months to come have none.
    trend = dict(rows["complaints"].trend)
    assert trend[datetime.date(2026, 5, 1)] == Decimal("2")
    assert trend[datetime.date(2026, 12, 1)] is None
    html = response.content.decode()
    assert 'id="kpi-ppm" data-met="yes"' in html
    assert 'id="kpi-on_time" data-met="no"' in html
    assert "<svg" in html


def test_targets_met_and_not_met_follow_the_direction_of_each_indicator(login, people, company_a, data):
    client = login(people[Role.GM])
    with time_machine.travel(NOW, tick=False):
        rows = _cards(client.get(reverse("reports:dashboard"), {"company": company_a.pk, "year": 2026}))
    assert rows["on_time"].met is False  # 50.0 below 95: higher is better
    assert rows["ppm"].met is True  # 2,000 at most 3,000: lower is better
    assert rows["complaints"].met is False  # 2 above 1
    assert rows["return_rate"].met is None  # no target


def test_money_is_hidden_from_engineering_and_shown_to_the_gm(login, people, company_a, data):
    with time_machine.travel(NOW, tick=False):
        gm_rows = _cards(login(people[Role.GM]).get(reverse("reports:dashboard"), {"year": 2026}))
        eng_rows = _cards(login(people[Role.ENGINEERING]).get(reverse("reports:dashboard"), {"year": 2026}))
    assert "claims_amount" in gm_rows and "quality_cost" in gm_rows
    assert "claims_amount" not in eng_rows and "quality_cost" not in eng_rows
    assert "ppm" in eng_rows


def test_another_companys_dashboard_is_not_found(login, people, company_b):
    client = login(people[Role.GM])
    assert client.get(reverse("reports:dashboard"), {"company": company_b.pk}).status_code == 404
    assert client.get(reverse("reports:dashboard_xlsx"), {"company": company_b.pk}).status_code == 404


def test_the_dashboard_excel_opens(login, people, company_a, data):
    from openpyxl import load_workbook

    with time_machine.travel(NOW, tick=False):
        response = login(people[Role.GM]).get(reverse("reports:dashboard_xlsx"), {"company": company_a.pk,
                                                                                  "year": 2026})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 14  # header and every indicator (the GM sees money)
    assert rows[0][5] == "2026-01"


def test_dashboard_api_returns_the_same_rows_and_hides_money(api, people, company_a, company_b, data):
    with time_machine.travel(NOW, tick=False):
        body = api(people[Role.ENGINEERING]).get("/api/v1/reports/dashboard", company=company_a.pk,
                                                 year=2026).json()
        other = api(people[Role.GM]).get("/api/v1/reports/dashboard", company=company_b.pk)
    rows = {row["kpi"]: row for row in body["rows"]}
    assert body["amounts_hidden"] is True and "claims_amount" not in rows
    assert rows["ppm"]["value"] == "2000.00" and rows["ppm"]["met"] is True
    assert len(rows["ppm"]["trend"]) == 12
    assert other.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "login" in response.url


def test_dashboard_page_queries_are_bounded(login, people, company_a, data, django_assert_max_num_queries):
    # Mid-June with no monthly snapshot taken: the year to date, last year and each month so far are
    # computed (about fifteen queries each, four of them asking which months the rollups hold; the totals are
    # summed in the database, whom lines went to asked apart for churn); snapshots of closed months make this
    # cheaper.
    client = login(people[Role.GM])
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(132):
        assert client.get(reverse("reports:dashboard"), {"year": 2026}).status_code == 200
