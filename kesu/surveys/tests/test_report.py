"""The yearly satisfaction analysis (issue 6 §6): a small fixed data set, every figure worked out by hand.

Seven customers of company A (form CS-002: items 1–3 scored 20/16/10/5, items 4–7 scored 10/8/5/2):

- C1, C2, C3 were shipped to in 2025 and 2026; C7 only in 2025 (lost in 2026); C4, C5 only in 2026; C6 never.
- 2025 campaign: asked C1, C2, C3, C7 (4); answers C1 100, C2 88 → response 50.00 %, score 94.00.
- 2026 campaign: asked C1–C5 (5); answers C1 100, C2 69, C3 50, C4 88 → response 80.00 %,
  score (100 + 69 + 50 + 88) ÷ 4 = 76.75 against a target of 85 → an action for the campaign; C2 and C3 are
  below 85 on form CS-002, so each called an improvement meeting (seed 002 §5.2.3.3.3), whose recorded decisions
  raised one action each: three actions. C4's 88 raises nothing.
- Competitors, rated per dimension (cost / quality / delivery / technology, seed 000 §4.3.1): 甲 by C1
  80/100/90/90 (mean 90) and by C2 80/80/80/80 (mean 80); 乙 by C2 in cost only, 70.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.customers.tests.factories import ContactFactory, CustomerFactory, ShipmentFactory
from kesu.surveys import report, report_views, services
from kesu.surveys.choices import AnswerChannel

from .factories import choices_for, seed_template


def _urlpatterns() -> list:
    """The site's URLs with the report's three under "surveys:" until kesu/surveys/urls.py carries them."""
    from kesu import urls as root

    try:
        from kesu.surveys import urls as survey_urls

        existing = list(survey_urls.urlpatterns)
    except ImportError:
        existing = []
    names = {getattr(p, "name", None) for p in existing}
    mine = [path("report/", report_views.report_page, name="report"),
            path("report/pdf/", report_views.report_pdf_view, name="report_pdf"),
            path("report/xlsx/", report_views.report_xlsx_view, name="report_xlsx")]
    extra = [p for p in mine if p.name not in names]
    kept = [p for p in root.urlpatterns if getattr(p, "namespace", None) != "surveys"]
    return [*kept, path("surveys/", include((existing + extra, "surveys")))]


urlpatterns = _urlpatterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

D = datetime.date
# Item option positions (0 = best) giving the scores of the data set.
ALL_BEST = [0] * 7  # 3 × 20 + 4 × 10 = 100
EIGHTY_EIGHT = [1, 1, 1, 0, 0, 0, 0]  # 3 × 16 + 4 × 10 = 88
SIXTY_NINE = [0, 1, 2, 1, 1, 2, 3]  # 20 + 16 + 10 + 8 + 8 + 5 + 2 = 69
FIFTY = [2] * 7  # 3 × 10 + 4 × 5 = 50


def _customer(people, *years: int):
    customer = CustomerFactory(company=people.company)
    ContactFactory(customer=customer, is_primary=True)
    for year in years:
        ShipmentFactory(customer=customer, quantity=100, ship_date=D(year, 6, 1))
    return customer


def _campaign(people, year: int):
    return services.campaign_create(actor=people[Role.GENERAL_OFFICE], company=people.company, data={
        "name": f"{year}年度顾客满意度调查", "template": seed_template(people, "CS-002"),
        "period_start": D(year, 1, 1), "period_end": D(year, 12, 31), "send_month": D(year, 12, 1),
        "target_score": Decimal("85")})


def _answer(people, campaign, customer, picks, **extra):
    recipient = campaign.recipients.get(customer=customer)
    return services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient, channel=AnswerChannel.PHONE,
                                  choices=choices_for(campaign.template, picks), **extra)


@pytest.fixture
def data(people):
    people[Role.QA]  # the company has QA to take the actions
    c1, c2, c3 = (_customer(people, 2025, 2026) for _ in range(3))
    c4, c5 = (_customer(people, 2026) for _ in range(2))
    _customer(people)  # C6: never shipped to, never asked
    c7 = _customer(people, 2025)
    go = people[Role.GENERAL_OFFICE]

    old = _campaign(people, 2025)
    services.campaign_open(actor=go, campaign=old)
    _answer(people, old, c1, ALL_BEST)
    _answer(people, old, c2, EIGHTY_EIGHT)
    old = services.campaign_close(actor=go, campaign=old)

    new = _campaign(people, 2026)
    services.campaign_open(actor=go, campaign=new)
    item_7 = new.template.sections.get(position=2).items.get(position=4)
    answers = {
        "c1": _answer(people, new, c1, ALL_BEST),
        "c2": _answer(people, new, c2, SIXTY_NINE, comments={item_7.pk: "送货人员态度差"}),
        "c3": _answer(people, new, c3, FIFTY, remarks="交货经常延误，包装破损"),
        "c4": _answer(people, new, c4, EIGHTY_EIGHT),
    }
    for customer, competitor, ratings in (
            (c1, "竞争者甲", {"cost": "80", "quality": "100", "delivery": "90", "technology": "90"}),
            (c2, "竞争者甲", {"cost": "80", "quality": "80", "delivery": "80", "technology": "80"}),
            (c2, "竞争者乙", {"cost": "70"})):
        services.competitor_rating_set(actor=people[Role.SALESPERSON], campaign=new, customer=customer,
                                       competitor=competitor, ratings={k: Decimal(v) for k, v in ratings.items()})
    for key in ("c2", "c3"):  # below 85 on CS-002: QA holds the meeting, its decisions raise the action
        services.meeting_record(actor=people[Role.QA], meeting=answers[key].meeting, data={
            "held_on": datetime.date(2026, 12, 20), "attendees": "品质部、技术部、生产部",
            "analysis": "交期延误", "decisions": "调整排产"})
    new = services.campaign_close(actor=go, campaign=new)
    return {"old": old, "new": new, "customers": [c1, c2, c3, c4, c5, None, c7], "answers": answers}


def test_the_year_in_figures(people, data):
    r = report.yearly_report(people[Role.GENERAL_OFFICE], 2026)
    o = r["overview"]
    assert [c["pk"] for c in r["campaigns"]] == [data["new"].pk]  # 2025's campaign is not in 2026
    assert (o["campaigns"], o["included"], o["answers"]) == (1, 5, 4)
    assert o["response_rate"] == Decimal("80.00")  # 4 ÷ 5
    assert o["score"] == o["answer_mean"] == Decimal("76.75")
    assert (o["target"], o["gap"], o["met"]) == (Decimal("85.00"), Decimal("-8.25"), False)
    assert (o["lowest"], o["highest"]) == (Decimal("50.00"), Decimal("100.00"))
    assert (o["at_target"], o["at_target_rate"]) == (2, Decimal("50.00"))  # 100 and 88 reach 85
    # Buckets 0–59, 60–69, 70–79, 80–89, 90–100: 50 | 69 | – | 88 | 100.
    assert [h["count"] for h in r["histogram"]] == [1, 1, 0, 1, 1]
    assert [h["percent"] for h in r["histogram"]][0] == Decimal("25.00")
    assert [g["count"] for g in r["grades"]] == [1, 1, 1, 1]  # best, good, pass, fail


def test_sections_items_and_the_main_areas_of_dissatisfaction(people, data):
    r = report.yearly_report(people[Role.GENERAL_OFFICE], 2026)
    # Section 1 (items of 20): 60 + 46 + 30 + 48 = 184 points over 4 answers of 60 → 46.00, 184 ÷ 240 = 76.67 %.
    # Section 2 (items of 10): 40 + 23 + 20 + 40 = 123 over 4 answers of 40 → 30.75, 123 ÷ 160 = 76.875 → 76.88 %.
    assert [(s["position"], s["answers"], s["mean"], s["max_points"], s["share"]) for s in r["sections"]] == [
        (1, 4, Decimal("46.00"), 60, Decimal("76.67")), (2, 4, Decimal("30.75"), 40, Decimal("76.88"))]
    # Item 1: 20, 20, 10, 16 → 16.50 of 20 = 82.50 %; item 7: 10, 2, 5, 10 → 6.75 of 10 = 67.50 %; and so on.
    assert [i["mean"] for i in r["items"]] == [Decimal(v) for v in (
        "16.50", "15.50", "14.00", "8.25", "8.25", "7.50", "6.75")]
    assert [i["share"] for i in r["items"]] == [Decimal(v) for v in (
        "82.50", "77.50", "70.00", "82.50", "82.50", "75.00", "67.50")]
    assert [i["number"] for i in r["lowest_items"]] == ["2.4", "1.3", "2.3", "1.2", "1.1"]
    assert [a["id"] for a in r["remarks"]] == [data["answers"]["c3"].pk]
    assert [(c["answer_id"], c["item"].split()[0], c["points"]) for c in r["comments"]] == [
        (data["answers"]["c2"].pk, "2.4", 2)]


def test_trend_competitors_actions_and_indicators(people, data):
    from kesu.capa.models import ActionLink

    r = report.yearly_report(people[Role.GENERAL_OFFICE], 2026)
    assert [(t["year"], t["campaigns"], t["score"]) for t in r["trend"]] == [
        (2022, 0, None), (2023, 0, None), (2024, 0, None), (2025, 1, Decimal("94.00")), (2026, 1, Decimal("76.75"))]
    assert r["trend"][-1]["change"] == Decimal("-17.25")
    # 甲: rated 90 by C1 (we scored 100) and 80 by C2 (we 69): their 85.00, ours 84.50, lead (10 − 11) ÷ 2.
    assert [(c["competitor"], c["ratings"], c["score"], c["ours"], c["lead"]) for c in r["competitors"]] == [
        ("竞争者甲", 2, Decimal("85.00"), Decimal("84.50"), Decimal("-0.50")),
        ("竞争者乙", 1, Decimal("70.00"), Decimal("69.00"), Decimal("-1.00"))]
    # Per dimension: 甲's cost (80 + 80) ÷ 2, quality (100 + 80) ÷ 2, delivery and technology (90 + 80) ÷ 2.
    assert [[c[d] for d in ("cost", "quality", "delivery", "technology")] for c in r["competitors"]] == [
        [Decimal("80.00"), Decimal("90.00"), Decimal("85.00"), Decimal("85.00")], [Decimal("70.00"), None, None, None]]
    answers = data["answers"]
    expected = set(ActionLink.objects.filter(kind="survey", object_id__in=[
        answers["c2"].pk, answers["c3"].pk]).values_list("action_id", flat=True))
    expected |= set(ActionLink.objects.filter(kind="survey", object_id=data["new"].pk,
                                              content_type__model="campaign").values_list("action_id", flat=True))
    assert len(expected) == 3
    assert {a["pk"] for a in r["actions"]} == expected
    assert sorted(a["raised_on"] for a in r["actions"]) == ["answer", "answer", "campaign"]

    ind = r["indicators"]
    c1, c2, c3, c4, c5, _c6, _c7 = data["customers"]
    assert [row["customer_id"] for row in ind["rows"]] == [c.pk for c in (c1, c2, c3, c4, c5)]
    assert [row["score"] for row in ind["rows"]] == [Decimal("100.00"), Decimal("69.00"), Decimal("50.00"),
                                                     Decimal("88.00"), None]
    assert ind["total"].shipped_quantity == 500  # C1–C5, 100 each in 2026
    assert (ind["customers_before"], ind["customers_lost"], ind["churn_percent"]) == (4, 1, Decimal("25.0"))


def test_the_earlier_year_is_its_own(people, data):
    r = report.yearly_report(people[Role.GENERAL_OFFICE], 2025)
    o = r["overview"]
    assert (o["included"], o["answers"], o["response_rate"], o["score"]) == (4, 2, Decimal("50.00"), Decimal("94.00"))
    assert [h["count"] for h in r["histogram"]] == [0, 0, 0, 1, 1]
    assert r["actions"] == [] and r["competitors"] == []


def test_the_report_costs_a_fixed_number_of_queries(people, data):
    user = people[Role.GENERAL_OFFICE]
    report.yearly_report(user, 2026)  # content types and the like are cached from here on

    def count(year: int) -> int:
        fresh = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            report.yearly_report(fresh, year)
        return len(queries)

    # 2 answers in 2025, 4 in 2026, 3 actions and competitor ratings only in 2026: the same queries.
    assert count(2025) == count(2026) <= 25


def _pdf_text(pdf: bytes) -> str:
    """All pages' text without the spaces and line breaks pypdf puts between CJK glyphs and wrapped cells."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace(
        "\n", "")


def test_the_pdf_reads_back_with_chinese_and_the_figures(people, data):
    pdf = report.report_pdf(report.yearly_report(people[Role.GENERAL_OFFICE], 2026))
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    for expected in ("2026年度顾客满意度分析报告", "产品质量状况", "品质、交期与问题处理", "交货经常延误，包装破损",
                     "送货人员态度差", "竞争者甲", "76.75", "80.00", "94.00", "67.50", "25.0"):
        assert expected in text, expected


def test_the_workbook_reads_back(people, data):
    handle, name = report.report_xlsx(report.yearly_report(people[Role.GENERAL_OFFICE], 2026))
    assert name == "survey-report-2026.xlsx"
    book = openpyxl.load_workbook(handle)
    summary, items, answers, trend, competitors, indicators, actions, customer_audits = book.worksheets
    rows = list(summary.values)
    assert [row[1] for row in rows[2:7]] == [1, 5, 4, 80, 76.75]  # campaigns, asked, answers, rate, score
    assert rows[16][0] == data["new"].name and rows[16][7] == 80 and rows[16][8] == 76.75
    item_rows = list(items.values)
    assert [(row[1], row[6]) for row in item_rows[1:3]] == [("1", 76.67), ("1.1", 82.5)]
    answer_rows = list(answers.values)
    assert sorted(row[0] for row in answer_rows[1:5]) == sorted(a.pk for a in data["answers"].values())
    assert [row[9] for row in answer_rows[1:5]] == [100, 69, 50, 88]
    assert [row[2] for row in list(trend.values)[1:]] == [None, None, None, 94, 76.75]
    assert list(competitors.values)[1][:10] == ("竞争者甲", 2, 85, 84.5, 2, -0.5, 80, 90, 85, 85)
    ind_rows = list(indicators.values)
    assert [row[2] for row in ind_rows[1:6]] == [100, 69, 50, 88, None]
    assert [row[1] for row in ind_rows if row and row[0] == ind_rows[-4][0]] == [25]  # churn 25.0 %
    assert len(list(actions.values)) == 1 + 3
    audit_rows = [row for row in customer_audits.values if any(cell is not None for cell in row)]
    # No yield nor audit recorded: the yields' header, their total, the audits' header (issue 21 §6).
    assert len(audit_rows) == 3 and audit_rows[1][3] == 0 and audit_rows[1][5] is None


def test_the_page_pdf_and_excel_for_the_general_office(login, people, data):
    client = login(people[Role.GENERAL_OFFICE])
    response = client.get(reverse("surveys:report"), {"year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="campaign-{data["new"].pk}"' in page and f'id="campaign-{data["old"].pk}"' not in page
    assert '<td class="text-end fw-bold" id="ov-score">76.75</td>' in page
    assert "80.00 %" in page and "<svg" in page and 'data-count="1"' in page
    for answer in (data["answers"]["c2"], data["answers"]["c3"]):
        assert f'data-answer="{answer.pk}"' in page
    pdf = client.get(reverse("surveys:report_pdf"), {"year": 2026})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    xlsx = client.get(reverse("surveys:report_xlsx"), {"year": 2026})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert len(book.worksheets) == 8  # the last: customer processing yield and audits (issue 21 §6)


def test_an_outsider_sees_nothing_of_company_a(login, people, data, outsider, company_a):
    client = login(outsider)
    response = client.get(reverse("surveys:report"), {"year": 2026})
    assert response.status_code == 200
    assert response.context["data"]["campaigns"] == [] and response.context["data"]["overview"]["answers"] == 0
    page = response.content.decode()
    assert f'campaign-{data["new"].pk}"' not in page and "76.75" not in page
    for name in ("surveys:report", "surveys:report_pdf", "surveys:report_xlsx"):
        assert client.get(reverse(name), {"year": 2026, "company": company_a.pk}).status_code == 403
    book = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("surveys:report_xlsx"), {"year": 2026}).streaming_content)))
    assert [row[1] for row in list(book.worksheets[0].values)[2:5]] == [0, 0, 0]
    pdf = client.get(reverse("surveys:report_pdf"), {"year": 2026})
    assert pdf.status_code == 200 and data["new"].name not in _pdf_text(pdf.content)


def test_chart_text_is_escaped():
    fake = {"sections": [{"label": "<script>alert(1)</script>&", "share": Decimal("50.00")}],
            "overview": {"target": Decimal("85.00")}}
    svg = str(report.sections_svg(fake))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_rates_round_half_up_and_have_no_false_zero():
    assert report.rate(1, 800) == Decimal("0.13")  # 0.125: half up, not to even
    assert report.rate(2, 3) == Decimal("66.67")
    assert report.rate(0, 0) is None
