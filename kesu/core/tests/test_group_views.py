"""Group views name the company (issue 17 §5): a company column in lists and exports for a user who sees
several companies, and the analyses grouped by category and department code across companies."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from kesu.accounts.models import Position
from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import CompanyFactory, DepartmentFactory
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import category, create_complaint
from kesu.reports import analyses
from kesu.reports.exports import tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(make_user, company_a):
    """Company A with a subsidiary; two complaints in A and one in the subsidiary, all about appearance and
    handled by a department coded SALES in each company (the same words in both: "销售部")."""
    subsidiary = CompanyFactory(code="A1", name="苏州甲机械一分厂", short_name="甲一厂", parent=company_a)
    gm = make_user(Role.GM, username="groupgm")
    Position.objects.filter(pk=gm.position_id).update(scope=Position.Scope.GROUP)
    gm.refresh_from_db()
    local = make_user(Role.SALESPERSON, username="asales")
    sub_sales = make_user(Role.SALESPERSON, company=subsidiary, username="a1sales")
    made = [create_complaint(local), create_complaint(local), create_complaint(sub_sales)]
    for complaint in made:
        department = DepartmentFactory(company=complaint.company, code="SALES", name="销售部")
        Complaint.objects.filter(pk=complaint.pk).update(category=category(complaint.company, "appearance"),
                                                         department=department)
    return {"gm": gm, "local": local, "subsidiary": subsidiary, "complaints": made}


def _header_cells(body: str) -> int:
    return body.count('<th class="company-col">')


def test_a_group_user_sees_a_company_column_in_the_complaint_list(login, group, company_a):
    body = login(group["gm"]).get(reverse("complaints:list"), {"open": ""}).content.decode()
    assert _header_cells(body) == 1
    # Each row names its company: two rows of 甲机械 (A's short name), one of 甲一厂.
    assert body.count(">甲机械</td>") == 2
    assert body.count(">甲一厂</td>") == 1


def test_a_single_company_user_sees_no_company_column(login, group):
    body = login(group["local"]).get(reverse("complaints:list"), {"open": ""}).content.decode()
    assert _header_cells(body) == 0
    assert ">甲机械</td>" not in body


def test_the_other_lists_show_the_column_to_a_group_user_only(login, group, company_a):
    from kesu.capa.tests.factories import raise_action
    from kesu.claims.tests.factories import new_claim
    from kesu.complaints.tests.factories import People

    people = People(company_a)
    new_claim(people)
    raise_action(people)
    names = ["claims:list", "claims:supplier_list", "capa:list", "capa:ncr_list", "surveys:campaign_list"]
    gm_client = login(group["gm"])
    for name in names:
        response = gm_client.get(reverse(name))
        assert response.status_code == 200, name
        assert _header_cells(response.content.decode()) == 1, name
    body = gm_client.get(reverse("claims:list")).content.decode()
    assert body.count(">甲机械</td>") == 1
    one_company = login(people[Role.QA])  # A's QA engineer: company scope
    for name in ["claims:list", "capa:list"]:
        response = one_company.get(reverse(name))
        assert response.status_code == 200, name
        assert _header_cells(response.content.decode()) == 0, name


def _sheet(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_of_a_group_user_names_the_company_first(login, group):
    with translation.override("zh-hans"):
        company_word = gettext("Company")
    rows = _sheet(login(group["gm"]).get(reverse("complaints:list"), {"open": "", "format": "xlsx"}))
    assert rows[0][0] == company_word
    assert sorted(row[0] for row in rows[1:]) == ["甲一厂", "甲机械", "甲机械"]
    rows = _sheet(login(group["local"]).get(reverse("complaints:list"), {"open": "", "format": "xlsx"}))
    assert rows[0][0] != company_word
    assert len(rows) == 3  # the header and A's two complaints


def _scope(user):
    today = timezone.localdate()
    return analyses.scope_for(user, date_from=today - datetime.timedelta(days=30), date_to=today)


def test_the_pareto_has_one_bar_per_category_code_with_a_drill_down_per_company(group, company_a):
    scope = _scope(group["gm"])
    result = analyses.breakdown(scope, "category")
    assert [(row.key, row.count) for row in result.rows] == [("appearance", 3)]
    row = result.rows[0]
    subsidiary = group["subsidiary"]
    assert {pk: count for pk, (count, _query) in row.by_company.items()} == {company_a.pk: 2, subsidiary.pk: 1}
    assert row.by_company[subsidiary.pk][1]["company"] == subsidiary.pk
    assert row.by_company[subsidiary.pk][1]["category_code"] == "appearance"
    assert [label for _pk, label in result.companies] == ["甲机械", "甲一厂"]
    # The table adds one column per company; their figures link to that company's complaints.
    table = tables("category", result)[0]
    assert table.header[-2:] == ["甲机械", "甲一厂"]
    assert [cell.value for cell in table.rows[0][-2:]] == [2, 1]


def test_a_one_company_pareto_has_no_company_columns(group):
    result = analyses.breakdown(_scope(group["local"]), "category")
    assert [(row.key, row.count) for row in result.rows] == [("appearance", 2)]
    assert result.companies == [] and result.rows[0].by_company == {}


def test_the_backlog_groups_departments_by_code_across_companies(group, company_a):
    later = timezone.now() + datetime.timedelta(days=60)  # every open deadline is missed by then
    backlog = analyses.overdue_backlog(_scope(group["gm"]), now=later)
    assert backlog.total == 3
    assert [(row["label"], row["count"]) for row in backlog.by_department] == [("销售部", 3)]
    row = backlog.by_department[0]
    assert row["query"]["department_code"] == "SALES"
    assert {pk: count for pk, (count, _q) in row["by_company"].items()} == {company_a.pk: 2,
                                                                             group["subsidiary"].pk: 1}
    # The drill-down of the group row lists exactly the three complaints.
    client_query = {k: v for k, v in row["query"].items()}
    assert Complaint.objects.filter(department__code=client_query["department_code"]).count() == 3


def test_customer_codes_carry_the_company_code_in_a_group_view(group, company_a):
    result = analyses.breakdown(_scope(group["gm"]), "customer")
    assert sorted(row.label.split("·")[0] for row in result.rows) == ["A", "A", "A1"]
    local = analyses.breakdown(_scope(group["local"]), "customer")
    assert all("·" not in row.label for row in local.rows)


def test_numbers_carry_the_company_code_in_a_group_view(group):
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template("{% load group_tags %}{% group_number c %}")
    complaint = group["complaints"][2]  # the subsidiary's
    request = RequestFactory().get("/")
    request.user = group["gm"]
    shown = template.render(Context({"request": request, "c": complaint}))
    assert "A1·</span>" + complaint.number in shown
    request.user = group["local"]
    assert template.render(Context({"request": request, "c": complaint})) == complaint.number


def test_the_group_list_runs_the_same_queries_for_3_and_6_complaints(login, group):
    """The company column reads each row's company from the list query, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(group["gm"])
    url = reverse("complaints:list")
    counts = []
    for extra in (0, 3):
        for _ in range(extra):
            create_complaint(group["local"])
        client.get(url)  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        assert _header_cells(body) == 1 and body.count(">甲一厂</td>") == 1
        counts.append(len(ctx))
    assert counts[0] == counts[1]
