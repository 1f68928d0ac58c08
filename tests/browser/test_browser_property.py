"""Customer property in a real browser, in Simplified Chinese (issue 19, "Done when").

Sales registers a customer's mould and a drawing on arrival; engineering registers drawing revision B and issues
copies to production and QA; production borrows the mould, returns it late with damage; the damage is reported, the
customer is notified with the PDF, the cost is booked; revision C supersedes B and both holders confirm the recall.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, reveal
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.property.choices import CopyStatus, DamageStatus, ItemStatus, LoanStatus
from kesu.property.models import ControlledCopy, DamageReport, ExternalDocument, Loan, PropertyItem

pytestmark = pytest.mark.browser


def step(page: Page, name: str, fields: dict | None = None, *, selects: dict | None = None) -> None:
    reveal(page, f"transition-{name}")
    form = page.locator(f"#transition-{name}")
    for field, value in (fields or {}).items():
        form.locator(f"[name='{name}-{field}']").fill(value)
    for field, value in (selects or {}).items():
        form.locator(f"select[name='{name}-{field}']").select_option(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator("[role=alert].alert-success")).to_be_visible()


def register(page: Page, base: str, customer: str, item_type: str, description: str) -> PropertyItem:
    page.goto(base + reverse("property:item_create"))
    form = page.locator("#item-form")
    form.locator("[name=customer]").fill(customer)
    form.locator("select[name=item_type]").select_option(item_type)
    form.locator("[name=description]").fill(description)
    form.locator("select[name=terms]").select_option("keep")
    form.locator("[name=condition_on_receipt]").fill("外观完好")
    with page.expect_navigation():
        page.click("#save-item")
    expect(page.locator(".alert-danger")).to_have_count(0)
    return PropertyItem.objects.get(description=description)


def test_a_mould_and_a_drawing_from_arrival_to_damage_cost_and_recall(page, live_server, company_a):
    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    sales, engineering, production = people[Role.SALESPERSON], people[Role.ENGINEERING], people[Role.PRODUCTION]
    qa, finance = people[Role.QA], people[Role.FINANCE]
    CustomerFactory(company=company_a, code="K-MJ", name="无锡模具客户有限公司", owner=sales)
    PartFactory(company=company_a, part_no="QG-12", name="前盖")
    today = timezone.localdate()

    # -- sales registers the mould and the drawing on arrival (seed 000 §4.4.1) ------------------------------------
    log_in(page, base, sales.username)
    mould = register(page, base, "K-MJ", "tooling", "前盖注塑模具 M-12")
    expect(page.locator("#keeper")).to_contain_text(str(production.department))
    drawing = register(page, base, "K-MJ", "drawing", "前盖图纸")
    expect(page.locator("#keeper")).to_contain_text(str(engineering.department))
    log_out(page, base)

    # -- engineering registers revision B and issues copies to production and QA -----------------------------------
    log_in(page, base, engineering.username)
    page.goto(base + reverse("property:item_detail", args=[drawing.pk]))
    with page.expect_navigation():
        page.click("#register-drawing")
    form = page.locator("#document-form")
    form.locator("[name=customer]").fill("K-MJ")
    form.locator("[name=number]").fill("DWG-QG-12")
    form.locator("[name=title]").fill("前盖")
    form.locator("[name=revision]").fill("B")
    form.locator("[name=parts]").fill("QG-12")
    with page.expect_navigation():
        page.click("#save-document")
    expect(page.locator("#current-revision")).to_contain_text("B")
    document = ExternalDocument.objects.get(number="DWG-QG-12")
    assert document.item_id == drawing.pk
    page.locator("#issue-form").get_by_label(str(production.department)).check()
    page.locator("#issue-form").get_by_label(str(qa.department)).check()
    with page.expect_navigation():
        page.click("#issue-copies")
    expect(page.locator("#revision-B .copy")).to_have_count(2)
    log_out(page, base)

    # -- production borrows the mould (expected back yesterday: it comes back late) ---------------------------------
    log_in(page, base, production.username)
    page.goto(base + reverse("property:item_detail", args=[mould.pk]))
    page.fill("[name=loan-purpose]", "试生产验证")
    page.fill("[name=loan-borrow_from]", (today - datetime.timedelta(days=3)).isoformat())
    page.fill("[name=loan-expected_return_on]", (today - datetime.timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.click("#request-loan")
    loan = Loan.objects.get(item=mould)
    expect(page.locator("#loan-number")).to_have_text(loan.number)
    log_out(page, base)

    log_in(page, base, sales.username)
    page.goto(base + reverse("property:loan_detail", args=[loan.pk]))
    step(page, "approve")
    log_out(page, base)

    log_in(page, base, production.username)
    page.goto(base + reverse("property:loan_detail", args=[loan.pk]))
    step(page, "issue")
    expect(page.locator("#loan-status")).to_have_text(str(LoanStatus.ISSUED.label))
    expect(page.locator("#loan-overdue")).to_be_visible()
    step(page, "return", {"return_note": "分型面崩角约 2 mm"}, selects={"return_condition": "damaged"})
    expect(page.locator("#returned-late")).to_be_visible()
    mould.refresh_from_db()
    assert mould.status == ItemStatus.DAMAGED

    # -- the damage is reported and remedied, the customer notified with the PDF, the cost booked -------------------
    with page.expect_navigation():
        page.click("#loan-damage-report")
    report = DamageReport.objects.get(loan=loan)
    expect(page.locator("#report-number")).to_have_text(report.number)
    step(page, "record_remedy", {"remedial_action": "补焊修模，试模 50 模次合格"})
    log_out(page, base)

    log_in(page, base, sales.username)
    page.goto(base + reverse("property:damage_detail", args=[report.pk]))
    notice = page.request.get(base + reverse("property:damage_notice", args=[report.pk]))
    assert notice.ok and notice.headers["content-type"] == "application/pdf" and notice.body().startswith(b"%PDF")
    step(page, "notify_customer", {"communication": "书面通知（PDF）已邮件发给客户质量部，并电话说明"})
    step(page, "record_answer", {"customer_answer": "客户同意修复，费用由我司生产部承担"})
    log_out(page, base)

    log_in(page, base, finance.username)
    page.goto(base + reverse("property:damage_detail", args=[report.pk]))
    step(page, "book_cost", {"cost_amount": "1800"}, selects={"bearer": "department"})
    expect(page.locator("#cost-booked")).to_contain_text("1800")
    expect(page.locator("#report-status")).to_have_text(str(DamageStatus.CLOSED.label))
    log_out(page, base)

    # -- revision C supersedes B; both holders confirm the recall ----------------------------------------------------
    log_in(page, base, engineering.username)
    page.goto(base + reverse("property:document_detail", args=[document.pk]))
    page.locator("#revision-form [name='rev-revision']").fill("C")
    with page.expect_navigation():
        page.click("#add-revision")
    expect(page.locator("#current-revision")).to_contain_text("C")
    expect(page.locator("#revision-B .copy-status").first).to_have_text(str(CopyStatus.RECALLING.label))
    log_out(page, base)

    for holder, action in ((production, "confirm_returned"), (qa, "confirm_destroyed")):
        copy = ControlledCopy.objects.get(revision__document=document, revision__revision="B",
                                          department=holder.department)
        log_in(page, base, holder.username)
        page.goto(base + reverse("property:document_detail", args=[document.pk]))
        with page.expect_navigation():
            page.click(f"#{action}-{copy.pk}")
        expect(page.locator(".alert-danger")).to_have_count(0)
        log_out(page, base)
    assert sorted(ControlledCopy.objects.filter(revision__revision="B").values_list("status", flat=True)) == [
        CopyStatus.DESTROYED, CopyStatus.RETURNED]
