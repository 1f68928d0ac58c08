"""The trend alert list (issue 7 §3): what the c-chart raised, with links to its action and its complaints.

Customer CU1 of company A complained three times in October 2026 about part PN-1 (category "appearance"),
with no complaint in the twelve months before: mean 0, upper limit 0, three complaints ≥ the minimum of 3, so
the nightly job raises one alert each for the customer, the part and the category, each with a request for
a rectification plan.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import at, category, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.reports.models import TrendAlert
from kesu.reports.services.alerts import trend_alerts_raise

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(people, company_a):
    people[Role.QA]  # the owner of the rectification plans
    sales = people[Role.SALESPERSON]
    cu1 = CustomerFactory(company=company_a, code="CU1")
    part = PartFactory(company=company_a, part_no="PN-1")
    appearance = category(company_a)
    for day in (5, 12, 19):
        create_complaint(sales, customer=cu1, part=part, category=appearance, received_at=at(2026, 10, day, 10))
    raised = trend_alerts_raise(now=at(2026, 11, 15, 12))
    assert len(raised) == 3
    return SimpleNamespace(company=company_a, cu1=cu1, part=part, category=appearance,
                           alerts={a.dimension: a for a in raised})


def _get(client, user, name="reports:alerts", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_the_list_shows_each_alert_with_its_action_and_its_complaints(client, qa_engineer, data):
    response = _get(client, qa_engineer)
    assert response.status_code == 200
    html = response.content.decode()
    customer = data.alerts["customer"]
    assert f'id="alert-{customer.pk}"' in html
    assert reverse("capa:detail", args=[customer.action_id]) in html and customer.action.number in html
    assert (f"/complaints/?company={data.company.pk}&amp;customer={data.cu1.pk}&amp;received_from=2026-10-01"
            f"&amp;received_to=2026-10-31&amp;counted=true") in html
    assert f"part={data.part.pk}&amp;" in html and f"category={data.category.pk}&amp;" in html
    assert 'id="trend-rule"' in html and "3·√c̄" in html


def test_the_list_filters_by_dimension_and_month(client, qa_engineer, data):
    html = _get(client, qa_engineer, dimension="part").content.decode()
    assert f'id="alert-{data.alerts["part"].pk}"' in html
    assert f'id="alert-{data.alerts["customer"].pk}"' not in html
    html = _get(client, qa_engineer, month="2026-09").content.decode()
    assert 'id="alert-' not in html
    assert 'data-field="month"' in _get(client, qa_engineer, month="soon").content.decode()


def test_another_companys_staff_see_no_alert_of_company_a(client, outsider, api, data):
    html = _get(client, outsider).content.decode()
    assert 'id="alert-' not in html
    assert _get(client, outsider, company=data.company.pk).status_code == 403
    assert api(outsider).get("/api/v1/reports/alerts").json()["count"] == 0
    assert api(outsider).get("/api/v1/reports/alerts", company=data.company.pk).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, data):
    assert client.get(reverse("reports:alerts")).status_code == 302
    assert client.get("/api/v1/reports/alerts").status_code == 401


def test_the_list_costs_a_bounded_number_of_queries(client, qa_engineer, data, django_assert_max_num_queries):
    client.force_login(qa_engineer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reports:alerts")).status_code == 200


def test_the_excel_export_holds_every_alert(client, qa_engineer, data):
    response = _get(client, qa_engineer, "reports:alerts_xlsx")
    assert response.status_code == 200
    rows = [list(r) for r in openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(values_only=True)]
    assert len(rows) == 4
    assert {r[0] for r in rows[1:]} == {"2026-10"} and {r[4] for r in rows[1:]} == {3}
    assert {r[9] for r in rows[1:]} == {a.action.number for a in data.alerts.values()}


def test_the_api_lists_the_alerts_with_their_numbers_and_queries(qa_engineer, api, data):
    body = api(qa_engineer).get("/api/v1/reports/alerts", dimension="customer").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["count"] == 3 and item["mean"] == "0.000" and item["upper_limit"] == "0.000"
    assert item["query"]["customer"] == data.cu1.pk and item["action_number"] == data.alerts["customer"].action.number
    assert api(qa_engineer).get("/api/v1/reports/alerts").json()["count"] == TrendAlert.objects.count() == 3
    response = api(qa_engineer).get("/api/v1/reports/alerts", month="later")
    assert response.status_code == 422
    assert api(qa_engineer).get("/api/v1/reports/alerts/rule").json()["rule"]
