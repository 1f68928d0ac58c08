"""The monthly complaint summary (《顾客投诉/抱怨汇总处理表》, issue 7 §1): page, Excel, PDF and API.

Company A received in March 2026: one complaint walked to closure with a remedy and a corrective action,
two still open, one cancelled (listed, marked as not counted); one more came in April (not listed). Company B
received one in March that A's staff never see.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from kesu.accounts.models import Position
from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, at, bring_to, category, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.django_db

MARCH = {"month": "2026-03"}


@pytest.fixture
def data(people, company_a, company_b):
    from kesu.capa.services import action_raise_from_complaint

    sales = people[Role.SALESPERSON]
    cu1 = CustomerFactory(company=company_a, code="CU1")
    part = PartFactory(company=company_a, part_no="PN-1")
    first = create_complaint(sales, customer=cu1, part=part, category=category(company_a), quantity_defective=5,
                             received_at=at(2026, 3, 2, 9))
    with time_machine.travel(at(2026, 3, 9, 10), tick=False):  # closed on Monday 9 March
        closed = bring_to(Status.CLOSED, people, complaint=first)
    action = action_raise_from_complaint(actor=people[Role.QA], complaint=closed,
                                         data={"owner": people[Role.PRODUCTION]})
    open_ones = [create_complaint(sales, customer=cu1, received_at=at(2026, 3, day, 10)) for day in (10, 31)]
    cancelled = bring_to(Status.CANCELLED, people, customer=cu1, received_at=at(2026, 3, 20, 10))
    april = create_complaint(sales, customer=cu1, received_at=at(2026, 4, 1, 0, 30))
    b_sales = People(company_b)[Role.SALESPERSON]
    other = create_complaint(b_sales, customer=CustomerFactory(company=company_b), received_at=at(2026, 3, 5, 10))
    return SimpleNamespace(company=company_a, cu1=cu1, closed=closed, action=action, open_ones=open_ones,
                           cancelled=cancelled, april=april, other=other)


def _get(client, user, name="reports:summary", **params):
    client.force_login(user)
    return client.get(reverse(name), {**MARCH, **params})


def test_the_page_lists_every_complaint_of_the_month_oldest_first_with_totals(client, qa_engineer, data):
    response = _get(client, qa_engineer)
    assert response.status_code == 200
    html = response.content.decode()
    listed = [data.closed, data.open_ones[0], data.cancelled, data.open_ones[1]]
    positions = [html.index(f'id="summary-{c.pk}"') for c in listed]
    assert positions == sorted(positions)
    assert f'id="summary-{data.april.pk}"' not in html and f'id="summary-{data.other.pk}"' not in html
    assert 'id="total-count">4<' in html and 'id="total-closed">1<' in html and 'id="total-open">2<' in html
    assert 'id="total-not-counted">1<' in html
    assert f'id="summary-{data.cancelled.pk}" class="text-secondary"' in html
    # The corrective action raised from the closed complaint, linked.
    assert reverse("capa:detail", args=[data.action.pk]) in html and data.action.number in html
    # The remedy the customer accepted is the handling result.
    data.closed.refresh_from_db()
    accepted = data.closed.remedies.get(customer_decision="accepted")
    assert accepted.text in html


def test_the_page_costs_the_same_queries_whatever_the_month_holds(client, qa_engineer, data,
                                                                   django_assert_max_num_queries):
    client.force_login(qa_engineer)
    # (PostgreSQL adds one: the paginator asks the planner for its estimate before counting.)
    with django_assert_max_num_queries(23):
        assert client.get(reverse("reports:summary"), MARCH).status_code == 200


def test_the_company_defaults_to_the_users_own_when_several_are_visible(client, make_user, data, company_b):
    company_b.parent = data.company
    company_b.save()
    user = make_user(Role.QA, username="group-qa")
    Position.objects.filter(pk=user.position_id).update(scope=Position.Scope.GROUP)
    user.refresh_from_db()
    html = _get(client, user).content.decode()
    assert f'id="summary-{data.closed.pk}"' in html and f'id="summary-{data.other.pk}"' not in html
    html = _get(client, user, company=company_b.pk).content.decode()
    assert f'id="summary-{data.other.pk}"' in html and f'id="summary-{data.closed.pk}"' not in html


def test_another_companys_staff_cannot_read_company_a(client, outsider, data):
    assert _get(client, outsider, company=data.company.pk).status_code == 403
    assert _get(client, outsider, "reports:summary_xlsx", company=data.company.pk).status_code == 403
    assert _get(client, outsider, "reports:summary_pdf", company=data.company.pk).status_code == 403
    html = _get(client, outsider).content.decode()
    assert f'id="summary-{data.other.pk}"' in html and f'id="summary-{data.closed.pk}"' not in html


def test_a_bad_month_is_a_form_error(client, qa_engineer, data):
    html = _get(client, qa_engineer, month="2026-13").content.decode()
    assert 'data-field="month"' in html


def test_anonymous_visitors_are_sent_to_log_in(client, data):
    assert client.get(reverse("reports:summary")).status_code == 302


def test_the_excel_holds_every_row_and_the_totals(client, qa_engineer, data):
    response = _get(client, qa_engineer, "reports:summary_xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "《顾客投诉/抱怨汇总处理表》"
    numbers = [r[0] for r in rows[2:6]]
    assert numbers == [data.closed.number, data.open_ones[0].number, data.cancelled.number, data.open_ones[1].number]
    closed = rows[2]
    assert closed[7] == 5  # quantity defective
    assert data.action.number in closed
    assert closed[-1] == 5  # closure in working days: 3, 4, 5, 6 and 9 March (received Monday 2 March)
    totals = {r[0]: r[1] for r in rows[7:] if r}
    assert list(totals.values()) == [4, 1, 2, 1]


def test_the_pdf_is_a_landscape_table_with_the_chinese_title(client, qa_engineer, data):
    response = _get(client, qa_engineer, "reports:summary_pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    content = "".join(p.extract_text() for p in reader.pages)
    assert data.closed.number in content and data.april.number not in content


def test_the_api_pages_the_rows_and_gives_the_totals(client, qa_engineer, outsider, api, data):
    response = api(qa_engineer).get("/api/v1/reports/summary", month="2026-03", limit=2, offset=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 4 and body["totals"]["closed"] == 1
    assert [i["number"] for i in body["items"]] == [data.open_ones[0].number, data.cancelled.number]
    assert body["items"][1]["counted"] is False
    first = api(qa_engineer).get("/api/v1/reports/summary", month="2026-03", limit=1).json()["items"][0]
    assert first["actions"] == [{"id": data.action.pk, "number": data.action.number}]
    assert first["quantity_defective"] == 5
    assert client.get("/api/v1/reports/summary").status_code == 401
    assert api(outsider).get("/api/v1/reports/summary", company=data.company.pk).status_code == 403
    response = api(qa_engineer).get("/api/v1/reports/summary", month="March")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "month"]
