"""Customer service in a real browser, in Simplified Chinese (issue 21, "Done when").

Sales generates next year's service plan from the company's rules and submits it; the sales director approves it.
In January of that year a salesperson logs a phone return visit whose finding becomes a complaint; once that
complaint is closed, an on-site visit after the closure records the customer's confirmation; the plan then shows ☆
for both visits in January. Early in February the GM's monthly product quality report arrives; the GM records the
cause analysis and raises a corrective action from it.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, show_related
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, bring_to
from kesu.customers.tests.factories import ContactFactory, CustomerFactory
from kesu.service.models import QualityReport, ServicePlan, Visit
from kesu.service.services import quality_reports_generate

pytestmark = pytest.mark.browser


def save(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.click(button)
    expect(page.locator(".alert-danger")).to_have_count(0)


def test_plan_approved_then_a_return_visit_becomes_a_complaint_and_the_follow_up_confirms_it(
        page, live_server, company_a):
    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    sales, director = people[Role.SALESPERSON], people[Role.SALES_DIRECTOR]
    people[Role.QA]
    gm = people[Role.GM]
    customer = CustomerFactory(company=company_a, code="K-FW", name="常州回访客户有限公司", status="existing",
                               owner=sales)
    ContactFactory(customer=customer, name="周采购")
    year = timezone.localdate().year + 1

    # -- sales generates next year's plan and submits it; the sales director approves it --------------------------
    log_in(page, base, sales.username)
    page.goto(base + reverse("service:plan_list"))
    page.fill("#id_year", str(year))
    save(page, "#generate")
    plan = ServicePlan.objects.get(company=company_a, year=year)
    january = page.locator("#plan-grid tr[data-customer='K-FW'][data-kind='visit'] td[data-month='1']")
    expect(january).to_have_text("★")  # existing customers: visits in January and July
    save(page, "#step-submit")
    expect(page.locator("#plan-status")).to_have_attribute("data-status", "submitted")
    log_out(page, base)
    log_in(page, base, director.username)
    page.goto(base + reverse("service:plan_detail", args=[plan.pk]))
    save(page, "#step-approve")
    expect(page.locator("#plan-status")).to_have_attribute("data-status", "approved")
    log_out(page, base)

    with time_machine.travel(datetime.datetime(year, 1, 12, 10, 0, tzinfo=datetime.UTC), tick=True):
        # -- a phone return visit whose finding becomes a complaint ------------------------------------------------
        log_in(page, base, sales.username)
        page.goto(base + reverse("service:index"))
        with page.expect_navigation():
            page.click("#new-phone-visit")
        form = page.locator("#visit-form")
        expect(form.locator("select[name=kind]")).to_have_value("phone")
        form.locator("[name=customer]").fill("K-FW")
        form.locator("[name=visited_on]").fill(f"{year}-01-12")
        form.locator("[name=view_quality]").fill("最近一批外壳有划伤")
        form.locator("[name=findings]").fill("客户反映 1 月到货的泵体外壳 6 台有划伤")
        save(page, "#save-visit")
        save(page, "#raise-complaint")
        phone = Visit.objects.get(customer=customer, kind="phone")
        complaint = phone.finding_complaint
        expect(page.locator("#finding-complaint")).to_contain_text(complaint.number)
        page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
        show_related(page)
        expect(page.locator("#complaint-visits")).to_contain_text(f"{year}-01-12")

        # -- the complaint is handled and closed (its own module's steps), then the on-site visit after closure ----
        bring_to(Status.CLOSED, people, complaint=complaint)
        page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
        show_related(page)
        with page.expect_navigation():
            page.click("#visit-after-closure")
        form = page.locator("#visit-form")
        expect(form.locator("select[name=purpose]")).to_have_value("after_closure")
        form.locator("select[name=kind]").select_option("onsite")
        form.locator("[name=visited_on]").fill(f"{year}-01-26")
        form.locator("select[name=confirmation]").select_option("confirmed")
        form.locator("[name=confirmation_note]").fill("客户质量部确认整改后未再出现划伤")
        save(page, "#save-visit")
        expect(page.locator("#visit-confirmation")).to_have_attribute("data-value", "confirmed")
        expect(page.locator("#followed-complaint")).to_have_text(complaint.number)

        # -- the plan shows ☆ for the month of both visits ------------------------------------------------------------
        page.goto(base + reverse("service:plan_detail", args=[plan.pk]))
        expect(january).to_have_text("★☆")
        row = page.locator("#plan-grid tr[data-customer='K-FW'][data-kind='visit']")
        expect(row.locator("td").nth(-1)).to_have_text("1")  # two visits in January: one month done
        assert Visit.objects.filter(customer=customer, visited_on__month=1).count() == 2
        log_out(page, base)

    # -- early February the GM's monthly quality report arrives; the GM analyses it and raises a corrective action --
    with time_machine.travel(datetime.datetime(year, 2, 2, 1, 0, tzinfo=datetime.UTC), tick=True):
        assert quality_reports_generate() >= 1  # the worker's job
        report = QualityReport.objects.get(company=company_a, period="monthly", period_start=f"{year}-01-01")
        assert report.figures["complaints"] == 1 and report.gm == gm
        log_in(page, base, gm.username)
        page.goto(base + reverse("service:quality_detail", args=[report.pk]))
        page.fill("#id_cause_analysis", "1 月到货外壳划伤：包装隔板缺失，运输中相互碰撞")
        save(page, "#step-analyse")
        expect(page.locator("#report-status")).to_have_attribute("data-status", "analysed")
        save(page, "#raise-action")
        report.refresh_from_db()
        expect(page.locator("#report-action")).to_contain_text(report.action.number)
