"""Issue 21 §6 and the leftovers of §2–§4: the customer's processing yield and audits (rules, customer page, yearly
satisfaction report), competitor ratings from market entries in the report's comparison, the after-sales feedback
report, the visits linked back from signals and contract reviews, and refused steps coming back on their page."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.core.tests.panels import said
from kesu.customers.tests.factories import CustomerFactory
from kesu.service import selectors, services
from kesu.service.choices import VisitKind

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def a_yield(people, customer, processed=2000, passed=1990, start=datetime.date(2026, 2, 1), **data):
    values = {"customer": customer, "period_start": start, "period_end": start + datetime.timedelta(days=27),
              "processed": processed, "passed": passed}
    values.update(data)
    return services.customer_yield_record(actor=people[Role.QA], company=people.company, data=values)


def an_audit(people, customer, **data):
    values = {"customer": customer, "audited_on": DAY, "scope": "过程审核", "findings": "包装防护不足",
              "score": Decimal("86.5"), "passed": True, "actions": "改用带隔板纸箱"}
    values.update(data)
    return services.customer_audit_record(actor=people[Role.SALESPERSON], company=people.company, data=values)


def test_the_yield_is_passed_over_processed_and_a_summary_weighs_by_quantity(people):
    customer = CustomerFactory(company=people.company)
    first = a_yield(people, customer)  # 1990 / 2000
    second = a_yield(people, customer, processed=500, passed=450, start=datetime.date(2026, 3, 1))  # 450 / 500
    assert first.yield_percent == Decimal("99.50") and second.yield_percent == Decimal("90.00")
    # (1990 + 450) / (2000 + 500) = 97.60, not the mean of 99.50 and 90.00 (94.75).
    assert selectors.yield_summary([first, second]) == {"processed": 2500, "passed": 2440,
                                                        "percent": Decimal("97.60")}


def test_more_passed_than_processed_a_period_upside_down_and_other_roles_are_refused(people, people_b):
    customer = CustomerFactory(company=people.company)
    with pytest.raises(ValidationError) as refused:
        a_yield(people, customer, processed=10, passed=11)
    assert "passed" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        a_yield(people, customer, period_end=datetime.date(2026, 1, 1))
    assert "period_end" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.customer_audit_record(actor=people[Role.PRODUCTION], company=people.company, data={
            "customer": customer, "audited_on": DAY, "scope": "x"})
    with pytest.raises(ValidationError) as refused:
        services.customer_audit_record(actor=people[Role.SALESPERSON], company=people.company, data={
            "customer": CustomerFactory(company=people_b.company), "audited_on": DAY, "scope": "x"})
    assert "customer" in refused.value.message_dict


def test_the_customer_page_shows_yield_and_audits_and_records_them(people, people_b, client):
    customer = CustomerFactory(company=people.company)
    client.force_login(people[Role.QA])
    page = client.get(reverse("customers:customer_detail", args=[customer.pk])).content.decode()
    assert 'id="customer-yields"' in page and 'id="record-audit"' in page
    saved = client.post(reverse("service:yield_create") + f"?customer={customer.pk}", {
        "customer": customer.code, "period_start": "2026-02-01", "period_end": "2026-02-28", "processed": "400",
        "passed": "398"})
    assert saved.status_code == 302
    refused = client.post(reverse("service:audit_create"), {"customer": customer.code, "audited_on": "2026-03-10",
                                                            "scope": "", "score": "101"})
    assert refused.status_code == 422 and not customer.service_audits.exists()
    client.post(reverse("service:audit_create"), {"customer": customer.code, "audited_on": "2026-03-10",
                                                  "scope": "过程审核", "score": "88"})
    page = client.get(reverse("customers:customer_detail", args=[customer.pk])).content.decode()
    assert "99.50" in page and "过程审核" in page
    # Another company's people never see the customer, nor record against it.
    client.force_login(people_b[Role.QA])
    assert client.get(reverse("service:yield_create") + f"?customer={customer.pk}").status_code == 404


def test_api_records_and_lists_only_the_company_s_rows(people, people_b, api):
    customer = CustomerFactory(company=people.company)
    qa = api(people[Role.QA])
    created = qa.post("/api/v1/service/customer-yields", {
        "customer_id": customer.pk, "period_start": "2026-02-01", "period_end": "2026-02-28", "processed": 200,
        "passed": 199})
    assert created.status_code == 201 and created.json()["yield_percent"] == "99.50"
    assert qa.post("/api/v1/service/customer-yields", {
        "customer_id": customer.pk, "period_start": "2026-02-01", "period_end": "2026-02-28", "processed": 2,
        "passed": 3}).status_code == 422
    assert qa.post("/api/v1/service/customer-audits", {"customer_id": customer.pk, "audited_on": "2026-03-01",
                                                       "scope": "体系审核", "score": 90}).status_code == 201
    outsider = api(people_b[Role.QA])
    assert outsider.get("/api/v1/service/customer-yields").json() == []
    assert outsider.get("/api/v1/service/customer-audits").json() == []
    # A foreign id is refused like a missing one (kesu.core.selectors.visible_record), nothing recorded.
    assert outsider.post("/api/v1/service/customer-audits", {"customer_id": customer.pk, "audited_on": "2026-03-01",
                                                             "scope": "x"}).status_code == 422
    assert customer.service_audits.count() == 1


def test_the_yearly_satisfaction_report_has_yield_audits_and_market_competitor_ratings(people, client):
    from kesu.surveys import report

    customer = CustomerFactory(company=people.company)
    a_yield(people, customer)
    a_yield(people, customer, start=datetime.date(2025, 6, 1))  # another year: not in 2026's report
    an_audit(people, customer)
    services.market_entry_create(actor=people[Role.SALESPERSON], company=people.company, data={
        "kind": "competitor", "title": "恒力报价", "text": "恒力降价 5%", "competitor": "恒力精密", "customer": customer,
        "reported_on": DAY, "rating_cost": Decimal("90"), "rating_quality": Decimal("70")})
    services.market_entry_create(actor=people[Role.SALESPERSON], company=people.company, data={
        "kind": "need", "title": "无评分", "text": "x", "reported_on": DAY})
    data = report.yearly_report(people[Role.GENERAL_OFFICE], 2026)
    cq = data["customer_quality"]
    assert [(r["code"], r["periods"], r["percent"]) for r in cq["yields"]] == [(customer.code, 1, Decimal("99.50"))]
    assert [(a["scope"], a["score"]) for a in cq["audits"]] == [("过程审核", Decimal("86.5"))]
    assert [(c["competitor"], c["ratings"], c["cost"], c["quality"], c["score"]) for c in data["competitors"]] == [
        ("恒力精密", 1, Decimal("90.00"), Decimal("70.00"), Decimal("80.00"))]
    with translation.override("zh-hans"):
        expected = gettext("Market information %(date)s") % {"date": DAY}
    assert data["competitor_ratings"][0]["campaign"] != "" and expected.endswith("2026-03-10")
    assert not report.yearly_report(people[Role.GENERAL_OFFICE], 2025)["competitors"]
    pdf = report.report_pdf(data)
    assert pdf.startswith(b"%PDF-")
    handle, _name = report.report_xlsx(data)
    import openpyxl

    sheet = openpyxl.load_workbook(handle).worksheets[-1]
    assert [row[0] for row in sheet.values][1] == customer.code
    client.force_login(people[Role.GENERAL_OFFICE])
    page = client.get(reverse("surveys:report"), {"year": 2026}).content.decode()
    assert 'id="report-yields"' in page and "过程审核" in page and "恒力精密" in page


def test_a_rating_without_the_competitor_s_name_is_refused(people):
    with pytest.raises(ValidationError) as refused:
        services.market_entry_create(actor=people[Role.SALESPERSON], company=people.company, data={
            "kind": "feedback", "title": "x", "text": "x", "reported_on": DAY, "rating_cost": Decimal("50")})
    assert "competitor" in refused.value.message_dict


def test_the_after_sales_report_sums_up_what_visits_heard_page_pdf_and_excel(people, people_b, client):
    customer = CustomerFactory(company=people.company)
    sales = people[Role.SALESPERSON]
    services.visit_create(actor=sales, company=people.company, data={
        "kind": VisitKind.PHONE, "customer": customer, "visited_on": DAY, "view_quality": "外壳划伤",
        "view_needs": "希望提供月度质量数据", "findings": "最近一批外壳划伤 5 台", "negative": True})
    services.visit_create(actor=sales, company=people.company, data={
        "kind": VisitKind.ONSITE, "customer": customer, "visited_on": DAY, "view_delivery": "交期满意"})
    services.visit_create(actor=sales, company=people.company, data={
        "kind": VisitKind.ONSITE, "customer": customer, "visited_on": datetime.date(2025, 3, 1),
        "view_quality": "去年的话"})
    from kesu.service.aftersales import aftersales_summary

    summary = aftersales_summary(sales, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert (summary["visits"], summary["onsite"], summary["phone"], summary["negative"]) == (2, 1, 1, 1)
    by_topic = {t["name"]: [r["text"] for r in t["rows"]] for t in summary["topics"]}
    assert by_topic["view_quality"] == ["外壳划伤"] and by_topic["view_needs"] == ["希望提供月度质量数据"]
    assert [f["text"] for f in summary["findings"]] == ["最近一批外壳划伤 5 台"]
    client.force_login(sales)
    url = reverse("service:aftersales_report") + "?from=2026-01-01&to=2026-12-31"
    page = client.get(url).content.decode()
    assert "外壳划伤" in page and "去年的话" not in page and 'id="aftersales-negative">1<' in page
    pdf = client.get(url + "&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(url + "&format=xlsx")
    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert len(rows) == 1 + 4 and "最近一批外壳划伤 5 台" in [row[4] for row in rows]
    assert client.get(reverse("service:aftersales_report") + "?from=2099-99-99&to=x").status_code == 200
    client.force_login(people_b[Role.SALESPERSON])
    assert "外壳划伤" not in client.get(url).content.decode()


def test_signal_and_contract_review_pages_link_back_to_their_visit(people, client):
    customer = CustomerFactory(company=people.company)
    sales = people[Role.SALESPERSON]
    visit = services.visit_create(actor=sales, company=people.company, data={
        "kind": VisitKind.ONSITE, "customer": customer, "visited_on": DAY, "findings": "客户抱怨交期",
        "view_needs": "希望开发 DN80 泵体"})
    signal = services.visit_raise_signal(actor=sales, visit=visit)
    review = services.visit_raise_enquiry(actor=sales, visit=visit)
    link = reverse("service:visit_detail", args=[visit.pk])
    client.force_login(people[Role.REGIONAL_MANAGER])
    signal_page = client.get(reverse("prevention:detail", args=[signal.pk])).content.decode()
    assert 'id="source-visits"' in signal_page and link in signal_page
    client.force_login(sales)
    review_page = client.get(reverse("contracts:detail", args=[review.pk])).content.decode()
    assert 'id="source-visits"' in review_page and link in review_page


def test_a_refused_plan_or_report_step_comes_back_on_its_page_as_filled(people, client):
    sales, head = people[Role.SALESPERSON], people[Role.SALES_DIRECTOR]
    CustomerFactory(company=people.company, status="existing", owner=sales)
    plan = services.plan_generate(actor=sales, company=people.company, year=2027)
    plan = services.plan_transition(actor=sales, plan=plan, name="submit")
    client.force_login(head)
    refused = client.post(reverse("service:plan_step", args=[plan.pk, "return"]), {"version": plan.version,
                                                                                    "reason": "  "})
    assert refused.status_code == 422 and 'id="transition-return"' in refused.content.decode()
    assert len(said(refused)) == 1
    plan.refresh_from_db()
    assert plan.status == "submitted"
    done = client.post(reverse("service:plan_step", args=[plan.pk, "return"]), {"version": plan.version,
                                                                                 "reason": "漏了两家潜在客户"})
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "draft"
    report = services.quality_report_generate(company=people.company, period="monthly",
                                              today=datetime.date(2026, 4, 2))
    client.force_login(people[Role.GM])
    refused = client.post(reverse("service:quality_step", args=[report.pk, "analyse"]), {"cause_analysis": ""})
    assert refused.status_code == 422 and said(refused)
    assert 'name="cause_analysis"' in refused.content.decode()


def test_a_refused_plan_line_comes_back_on_the_plan_as_filled(people, client):
    sales = people[Role.SALESPERSON]
    CustomerFactory(company=people.company, status="existing", owner=sales)
    plan = services.plan_generate(actor=sales, company=people.company, year=2027)
    client.force_login(sales)
    refused = client.post(reverse("service:plan_line", args=[plan.pk]), {"customer": "NO-SUCH-CODE", "visits": ["3"]})
    assert refused.status_code == 422 and len(said(refused)) == 1
    page = refused.content.decode()
    assert 'id="line-errors"' in page and 'value="NO-SUCH-CODE"' in page
    assert plan.lines.count() == 1
