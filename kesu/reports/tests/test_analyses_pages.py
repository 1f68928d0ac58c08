"""The complaint analyses page, its Excel export and its API (issue 7 §2): access, drill-down links, errors.

The figures themselves are checked by hand in test_analyses.py; here a small data set of company A:
customer CU1 complained three times in March 2026 about part PN-1 (category "appearance"), customer CU2
once in April; company B has one complaint its staff may see and A's may not.
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
from kesu.reports import analyses

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


@pytest.fixture
def data(people, company_a, company_b):
    from kesu.complaints.tests.factories import People

    sales = people[Role.SALESPERSON]
    appearance = category(company_a)
    cu1 = CustomerFactory(company=company_a, code="CU1")
    cu2 = CustomerFactory(company=company_a, code="CU2")
    part = PartFactory(company=company_a, part_no="PN-1")
    march = [create_complaint(sales, customer=cu1, part=part, category=appearance, quantity_defective=2,
                              received_at=at(2026, 3, day, 10)) for day in (3, 10, 17)]
    april = create_complaint(sales, customer=cu2, received_at=at(2026, 4, 2, 9), defect_nature="裂纹")
    b_people = People(company_b)
    cu_b = CustomerFactory(company=company_b, code="CUB")
    other = create_complaint(b_people[Role.SALESPERSON], customer=cu_b, received_at=at(2026, 3, 5, 10))
    return SimpleNamespace(cu1=cu1, cu2=cu2, part=part, category=appearance, march=march, april=april, cu_b=cu_b,
                           other=other)


def _get(client, user, name="reports:analyses", **params):
    client.force_login(user)
    return client.get(reverse(name), {**PERIOD, **params})


def test_a_qa_engineer_sees_every_analysis_with_links_to_the_complaints_behind_it(client, qa_engineer, data):
    response = _get(client, qa_engineer)
    assert response.status_code == 200
    html = response.content.decode()
    for name in analyses.ANALYSES:
        assert f'id="analysis-{name}"' in html
    # The customer bar and row of CU1 link to the complaint list narrowed to CU1 in the period.
    assert f"/complaints/?counted=true&amp;received_from=2026-01-01&amp;received_to=2026-06-30&amp;company=" \
           f"{data.cu1.company_id}&amp;customer={data.cu1.pk}" in html
    assert f"part={data.part.pk}" in html and f"category={data.category.pk}" in html
    # The trend links each month; the SVG charts are links too.
    assert "received_from=2026-03-01&amp;received_to=2026-03-31" in html
    assert 'class="kesu-chart-link"' in html
    # Company B's customer is nowhere.
    assert f"customer={data.cu_b.pk}" not in html


def test_the_figures_of_a_breakdown_are_shown(client, qa_engineer, data):
    html = _get(client, qa_engineer, only="customer").content.decode()
    assert 'id="analysis-customer"' in html and 'id="analysis-trend"' not in html
    assert f'customer={data.cu1.pk}" class="drill">3</a>' in html
    assert f'customer={data.cu2.pk}" class="drill">1</a>' in html


def test_narrowing_by_customer_code_keeps_only_its_complaints(client, qa_engineer, data):
    html = _get(client, qa_engineer, only="customer", customer_code="cu1").content.decode()
    assert f"customer={data.cu1.pk}" in html and f"customer={data.cu2.pk}" not in html


def test_an_unknown_customer_code_is_a_form_error_naming_the_field(client, qa_engineer, data):
    html = _get(client, qa_engineer, customer_code="NOPE").content.decode()
    assert 'data-field="customer_code"' in html
    assert 'id="analysis-customer"' not in html
    # B's customer code is unknown in A.
    assert 'data-field="customer_code"' in _get(client, qa_engineer, customer_code="CUB").content.decode()


def test_a_period_ending_before_it_starts_is_refused_on_the_end_date(client, qa_engineer, data):
    response = _get(client, qa_engineer, date_from="2026-05-01", date_to="2026-04-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="date_to"' in html and 'id="analysis-customer"' not in html


def test_a_period_of_more_than_ten_years_is_refused(client, qa_engineer, data):
    html = _get(client, qa_engineer, date_from="2000-01-01", date_to="2026-04-01").content.decode()
    assert 'data-field="date_from"' in html


def test_the_default_period_is_this_year_to_today(client, qa_engineer, data):
    client.force_login(qa_engineer)
    html = client.get(reverse("reports:analyses"), {"only": "reopen"}).content.decode()
    from kesu.reports.forms import user_today

    today = user_today(qa_engineer)
    assert f'value="{today.year}-01-01"' in html and f'value="{today:%Y-%m-%d}"' in html


def test_another_companys_staff_cannot_ask_for_company_a_and_do_not_see_it_by_default(client, outsider, data):
    response = _get(client, outsider, company=data.cu1.company_id)
    assert response.status_code == 403
    response = _get(client, outsider, only="customer")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"customer={data.cu_b.pk}" in html and f"customer={data.cu1.pk}" not in html


def test_anonymous_visitors_are_sent_to_log_in(client, data):
    response = client.get(reverse("reports:analyses"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("reports:analyses_xlsx")).status_code == 302


def test_a_user_without_the_permission_gets_403(client, make_user, data):
    user = make_user(Role.QA, username="nobody")
    user.position = None
    user.save()
    client.force_login(user)
    assert client.get(reverse("reports:analyses")).status_code == 403
    assert client.get(reverse("reports:analyses_xlsx")).status_code == 403


def test_the_page_costs_a_bounded_number_of_queries(client, qa_engineer, data, django_assert_max_num_queries):
    client.force_login(qa_engineer)
    with django_assert_max_num_queries(70):
        assert client.get(reverse("reports:analyses"), PERIOD).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reports:analyses"), {**PERIOD, "only": "customer"}).status_code == 200


def test_the_excel_export_has_one_sheet_per_analysis_with_the_numbers(client, qa_engineer, data):
    response = _get(client, qa_engineer, "reports:analyses_xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == len(analyses.ANALYSES)
    by_customer = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    names = {row[0]: row[1] for row in by_customer if row and isinstance(row[1], int)}
    assert names[f"CU1 {data.cu1.name}"] == 3 and names[f"CU2 {data.cu2.name}"] == 1
    trend = [list(r) for r in workbook.worksheets[5].iter_rows(values_only=True)]
    months = {row[0]: row[1] for row in trend if row and row[0] and str(row[0]).startswith("2026-")}
    assert months["2026-03"] == 3 and months["2026-04"] == 1 and months["2026-01"] == 0


def test_the_api_returns_an_analysis_with_its_drill_down_queries(client, qa_engineer, api, data):
    response = api(qa_engineer).get("/api/v1/reports/analyses/customer", **PERIOD)
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["total"] == 4
    first = result["rows"][0]
    assert first["count"] == 3 and first["query"]["customer"] == data.cu1.pk and first["share"] == "75.0"
    trend = api(qa_engineer).get("/api/v1/reports/analyses/trend", **PERIOD).json()["result"]
    assert [row["count"] for row in trend] == [0, 0, 3, 1, 0, 0]
    frequency = api(qa_engineer).get("/api/v1/reports/analyses/frequency", **PERIOD).json()["result"]
    assert frequency["recurring_complaints"] == 3 and frequency["rule"]


def test_the_api_refuses_what_the_page_refuses(client, qa_engineer, outsider, api, data):
    assert client.get("/api/v1/reports/analyses/customer").status_code == 401
    assert api(qa_engineer).get("/api/v1/reports/analyses/nothing").status_code == 404
    assert api(outsider).get("/api/v1/reports/analyses/customer",
                             company=data.cu1.company_id).status_code in (403, 404)
    response = api(qa_engineer).get("/api/v1/reports/analyses/customer", date_from="2026-05-01",
                                    date_to="2026-04-01")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "date_to"]
    response = api(qa_engineer).get("/api/v1/reports/analyses/customer", date_from="someday")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "date_from"]


def test_names_in_charts_and_tables_are_escaped(client, qa_engineer, people, data):
    data.cu2.name = '<script>alert("x")</script>'
    data.cu2.save()
    html = _get(client, qa_engineer, only="customer").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_the_chart_helpers_draw_links_and_escape_text():
    from kesu.reports.charts import bar_chart_svg, line_chart_svg

    svg = bar_chart_svg([("A & <B>", 3, "/complaints/?a=1&b=2"), ("C", None, None)], title="T <1>")
    assert '<a href="/complaints/?a=1&amp;b=2"' in svg and "A &amp; &lt;B&gt;" in svg and "<B>" not in svg
    assert svg.count("<a ") == 1
    svg = line_chart_svg(["2026-01", "2026-02"], [("n", [1, 2]), ("m", [None, 1])], title="L",
                         hrefs=["/x?m=1", None])
    assert svg.count("<a ") == 1 and svg.count("<circle") == 3


def test_the_analyses_are_tabs_one_shown_at_a_time_and_one_alone_has_no_tabs(client, qa_engineer, data):
    import re

    from kesu.reports import analyses

    html = _get(client, qa_engineer).content.decode()
    tabs = re.findall(r'data-bs-toggle="tab" data-bs-target="#analysis-(\w+)"', html)
    assert tabs == list(analyses.ANALYSES)  # one tab per analysis, in the page's order
    assert html.count("tab-pane fade show active") == 1
    assert f'tab-pane fade show active" id="analysis-{tabs[0]}"' in html  # the first is the one shown
    alone = _get(client, qa_engineer, only="trend").content.decode()
    assert 'data-bs-toggle="tab"' not in alone and "tab-pane" not in alone and 'id="analysis-trend"' in alone
