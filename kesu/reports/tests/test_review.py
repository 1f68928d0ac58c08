"""The management review pack: its figures on a tiny data set, money only for money roles, the PDF (Chinese,
with charts), the workbook, the page, the API and access to other companies."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import (
    CustomerFactory,
    PartFactory,
    People,
    at,
    category,
    create_complaint,
)
from kesu.reports import review
from kesu.reports.analyses import Scope
from kesu.reports.models import KpiTarget

pytestmark = pytest.mark.django_db

NOW = at(2026, 7, 10, 10)
PERIOD = {"date_from": "2026-04-01", "date_to": "2026-06-30"}


@pytest.fixture
def data(people, company_a):
    """Second quarter of 2026 in company A: four complaints of one customer about one part in the
    appearance category (10 April, 5 May, 15 and 20 June) and one of another customer in the performance
    category (3 May); a complaint of 28 March lies outside the period.

    By hand: 5 complaints; by category appearance 4 (80 percent: the vital few end there), performance 1;
    one recurring problem (4 complaints), 1 occasional; repeat complaints 3 (5 May, 15 and 20 June repeat an
    earlier one within 180 days); by month 1, 2, 2.
    """
    sales = people[Role.SALESPERSON]
    first, second = CustomerFactory(company=company_a, name="一号客户"), CustomerFactory(company=company_a)
    part = PartFactory(company=company_a)
    appearance, function = category(company_a, "appearance"), category(company_a, "performance")
    for customer, received, cat in ((first, at(2026, 4, 10, 9), appearance), (first, at(2026, 5, 5, 9), appearance),
                                    (first, at(2026, 6, 20, 9), appearance),
                                    (first, at(2026, 6, 15, 9), appearance), (second, at(2026, 5, 3, 9), function),
                                    (first, at(2026, 3, 28, 9), function)):
        complaint = create_complaint(sales, customer=customer, received_at=received)
        Complaint.objects.filter(pk=complaint.pk).update(part=part, category=cat)
    KpiTarget.objects.create(company=company_a, year=2026, kpi="complaints", target=12)
    return {"appearance": appearance, "function": function}


def _pack(user, company):
    scope = Scope(company_ids=(company.pk,), date_from=datetime.date(2026, 4, 1), date_to=datetime.date(2026, 6, 30))
    with time_machine.travel(NOW, tick=False):
        return review.review_pack(user, scope)


def test_the_pack_counts_match_the_hand_count(people, company_a, data):
    pack = _pack(people[Role.GM], company_a)
    c = pack["complaints"]
    assert c["total"] == 5
    assert [(r["label"], r["count"], r["vital_few"]) for r in c["pareto_category"]] == [
        (data["appearance"].name, 4, True), (data["function"].name, 1, False)]
    assert c["frequency"]["recurring_complaints"] == 4 and c["frequency"]["occasional_complaints"] == 1
    assert c["repeats"]["count"] == 3
    assert [t["count"] for t in c["trend"]] == [1, 2, 2]
    assert [r["label"] for r in pack["top_problems"]["category"]] == [data["appearance"].name]
    kpis = {r["kpi"]: r for r in pack["kpis"][0]["rows"]}
    # 5 complaints against 12 a year pro-rated to the quarter's 91 days: 12 × 91 ÷ 365 = 2.99 — not met.
    assert kpis["complaints"]["value"] == 5
    assert str(kpis["complaints"]["target"]) == "2.99" and kpis["complaints"]["met"] is False


def test_money_is_left_out_for_engineering(people, company_a, data):
    assert _pack(people[Role.GM], company_a)["claims"] is not None
    pack = _pack(people[Role.ENGINEERING], company_a)
    assert pack["claims"] is None
    assert "claims_amount" not in {r["kpi"] for r in pack["kpis"][0]["rows"]}


def test_default_period_is_the_last_full_quarter():
    assert review.default_period(datetime.date(2026, 11, 23)) == (datetime.date(2026, 7, 1),
                                                                 datetime.date(2026, 9, 30))
    assert review.default_period(datetime.date(2026, 2, 1)) == (datetime.date(2025, 10, 1),
                                                               datetime.date(2025, 12, 31))


def test_the_pdf_has_its_charts(people, company_a, data):
    from reportlab.graphics.shapes import Drawing, Rect

    pack = _pack(people[Role.GM], company_a)
    drawing = review.pareto_drawing(pack["complaints"]["pareto_category"], "Pareto")
    assert isinstance(drawing, Drawing)
    assert sum(isinstance(shape, Rect) for shape in drawing.contents) == 2
    pdf = review.review_pdf(pack)
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Complaints per month" in text  # the trend chart's title, drawn only in the chart
    assert "Complaints by category (Pareto)" in text


def test_the_pdf_is_in_chinese_for_a_chinese_reader(login, people, company_a, data):
    user = people[Role.GM]
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    with time_machine.travel(NOW, tick=False):
        response = login(user).get(reverse("reports:review_pdf"), {**PERIOD, "company": company_a.pk})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert review.TITLE_ZH in text
    assert "一号客户" in text


def test_the_workbook_opens_with_one_sheet_per_section(login, people, company_a, data):
    from openpyxl import load_workbook

    with time_machine.travel(NOW, tick=False):
        gm = login(people[Role.GM]).get(reverse("reports:review_xlsx"), {**PERIOD, "company": company_a.pk})
        eng = login(people[Role.ENGINEERING]).get(reverse("reports:review_xlsx"), PERIOD)
    gm_book = load_workbook(BytesIO(b"".join(gm.streaming_content)))
    eng_book = load_workbook(BytesIO(b"".join(eng.streaming_content)))
    assert len(gm_book.sheetnames) == len(eng_book.sheetnames) + 1  # the claims sheet
    rows = list(gm_book.worksheets[2].iter_rows(values_only=True))  # by category
    assert rows[1][:2] == (data["appearance"].name, 4)


def test_the_page_shows_the_contents_and_links(login, people, company_a, data, django_assert_max_num_queries):
    client = login(people[Role.GM])
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(85):
        response = client.get(reverse("reports:review"), {**PERIOD, "company": company_a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rv-complaints">5<' in html
    assert 'id="review-pdf"' in html and 'id="review-xlsx"' in html
    assert "<svg" in html


def test_the_page_defaults_to_the_last_full_quarter(login, people, company_a):
    with time_machine.travel(NOW, tick=False):
        response = login(people[Role.GM]).get(reverse("reports:review"))
    assert response.status_code == 200
    assert response.context["pack"]["date_from"] == datetime.date(2026, 4, 1)


def test_a_reversed_period_is_a_form_error(login, people, company_a):
    response = login(people[Role.GM]).get(reverse("reports:review"),
                                          {"date_from": "2026-06-30", "date_to": "2026-04-01"})
    assert response.status_code == 200 and response.context["pack"] is None
    assert response.context["form"].errors["date_to"]


def test_another_companys_pack_is_not_found(login, api, people, company_b):
    client = login(people[Role.GM])
    for name in ("reports:review", "reports:review_pdf", "reports:review_xlsx"):
        assert client.get(reverse(name), {**PERIOD, "company": company_b.pk}).status_code == 404
    assert api(people[Role.GM]).get("/api/v1/reports/review", company=company_b.pk, **PERIOD).status_code == 404


def test_api_returns_the_pack_without_money_for_engineering(api, people, company_a, data):
    with time_machine.travel(NOW, tick=False):
        body = api(people[Role.ENGINEERING]).get("/api/v1/reports/review", company=company_a.pk, **PERIOD).json()
    assert body["complaints"]["total"] == 5
    assert body["claims"] is None and body["money"] is False


def test_open_actions_and_overdue_steps_are_listed(people, company_a, company_b):
    from kesu.capa.tests.factories import raise_action

    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        action = raise_action(people)
        raise_action(People(company_b))  # another company: never in A's pack
    pack = _pack(people[Role.GM], company_a)
    assert pack["open_actions"]["count"] == 1
    row = pack["open_actions"]["rows"][0]
    assert (row["number"], row["overdue"]) == (action.number, True)
    assert pack["overdue"]["steps"] >= 1
    assert {r["number"] for r in pack["overdue"]["step_rows"]} == {action.number}


def test_an_empty_period_still_prints(people, company_a):
    pack = _pack(people[Role.ENGINEERING], company_a)
    assert pack["complaints"]["total"] == 0
    assert review.review_pdf(pack).startswith(b"%PDF")
    handle, name = review.review_xlsx(pack)
    assert name.endswith("-A.xlsx") and handle.read(2) == b"PK"


def test_the_pdf_marks_the_month_still_running_as_to_date(people, company_a, data):
    # A pack to 15 July read on 10 July: July is still running, June is over.
    from pypdf import PdfReader

    scope = Scope(company_ids=(company_a.pk,), date_from=datetime.date(2026, 6, 1),
                  date_to=datetime.date(2026, 7, 15))
    with time_machine.travel(NOW, tick=False):
        pack = review.review_pack(people[Role.GM], scope)
        pdf = review.review_pdf(pack)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "2026-07 (up to today)" in text and "2026-06 (up to today)" not in text
