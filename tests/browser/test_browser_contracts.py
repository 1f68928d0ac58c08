"""Contract review in a real browser, in Simplified Chinese (issue 20, "Done when").

Sales records a tender of 2,800,000 → department-level review (seed 002 §6.3.2); engineering says it cannot meet
a tolerance, sales agrees a change with the customer, engineering then can meet; sales concludes and the branch
factory head approves; a foreign-trade contract goes to the GM (§6.5), who signs it; a change notice of the
tender is re-reviewed and reaches three departments, who each confirm receipt.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, reveal
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.contracts import services
from kesu.contracts.choices import Answer, ChangeStatus, ReviewMode, ReviewStatus, ReviewType
from kesu.contracts.models import ChangeNotice, ContractReview
from kesu.contracts.rules import rules_for
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.browser


def step(page: Page, name: str, fields: dict | None = None, *, radio: str | None = None,
         form_prefix: str = "transition") -> None:
    reveal(page, f"{form_prefix}-{name}")
    form = page.locator(f"#{form_prefix}-{name}")
    if radio:
        form.locator(f"input[name='{name}-answer'][value='{radio}']").check()
    for field, value in (fields or {}).items():
        form.locator(f"[name='{name}-{field}']").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator("[role=alert].alert-success")).to_be_visible()


def as_user(page: Page, base: str, user, url: str) -> None:
    log_out(page, base)
    log_in(page, base, user.username)
    page.goto(base + url)


def test_tender_review_change_foreign_trade_and_change_notice(page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    sales, engineer, gm = people[Role.SALESPERSON], people[Role.ENGINEERING], people[Role.GM]
    head = people.other(Role.PRODUCTION)
    rules = rules_for(company_a)
    rules.branch_head = head
    rules.save()
    CustomerFactory(company=company_a, code="K-TND", name="苏州市政水务有限公司", owner=sales)

    # -- sales records the tender: 2,800,000 is below 3,000,000, a department-level review -------------------
    log_in(page, base, sales.username)
    page.goto(base + reverse("contracts:index"))
    with page.expect_navigation():
        page.click("#new-review")
    form = page.locator("#review-form")
    form.locator("select[name=review_type]").select_option(ReviewType.TENDER)
    form.locator("[name=customer]").fill("K-TND")
    form.locator("[name=title]").fill("市政泵站设备招标（标段二）")
    form.locator("[name=received_on]").fill(timezone.localdate().isoformat())
    form.locator("select[name=currency]").select_option("CNY")
    form.locator("[name=amount]").fill("2800000.00")
    form.locator("[name=product_name]").fill("齿轮泵")
    form.locator("[name=specification]").fill("CB-B25 轴孔公差 ±0.005")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#review-mode")).to_have_text(str(ReviewMode.BRANCH.label))
    tender = ContractReview.objects.get(company=company_a, title="市政泵站设备招标（标段二）")
    step(page, "submit")
    expect(page.locator("#review-status")).to_have_text(str(ReviewStatus.REVIEWING.label))

    # -- engineering cannot meet the tolerance; the other departments can ------------------------------------
    detail = reverse("contracts:detail", args=[tender.pk])
    as_user(page, base, engineer, detail)
    step(page, "sign_off", {"comment": "轴孔公差 ±0.005 现有设备无法达到"}, radio=Answer.CANNOT)
    expect(page.locator("#signoff-engineering")).to_have_attribute("data-answer", Answer.CANNOT)
    tender.refresh_from_db()
    for role in (Role.PURCHASING, Role.PRODUCTION, Role.QA, Role.FINANCE, Role.SALESPERSON):
        tender = services.review_transition(actor=people[role], review=tender, name="sign_off", answer=Answer.CAN)

    # -- sales agrees a change with the customer; engineering then can meet ----------------------------------
    as_user(page, base, sales, detail)
    step(page, "agree_change", {"change_note": "客户同意公差放宽至 ±0.01（书面确认）"})
    as_user(page, base, engineer, detail)
    step(page, "sign_off", {"comment": "±0.01 可满足"}, radio=Answer.CAN)
    expect(page.locator("#signoff-engineering")).to_have_attribute("data-answer", Answer.CAN)

    # -- sales concludes, the branch factory head approves ---------------------------------------------------
    as_user(page, base, sales, detail)
    step(page, "accept_with_changes", {"change_note": "公差 ±0.01，其余按招标文件"})
    expect(page.locator("#review-status")).to_have_text(str(ReviewStatus.APPROVAL.label))
    as_user(page, base, head, detail)
    step(page, "approve")
    expect(page.locator("#review-status")).to_have_text(str(ReviewStatus.ACCEPTED.label))
    expect(page.locator("#approval")).to_contain_text(str(head))

    # -- a foreign-trade contract goes to the GM, who signs it -----------------------------------------------
    export = services.review_create(actor=sales, company=company_a, data={
        "review_type": ReviewType.FOREIGN_TRADE, "customer": tender.customer, "title": "出口越南齿轮泵合同",
        "received_on": timezone.localdate(), "amount": "120000.00", "currency": "CNY", "product_name": "齿轮泵"})
    export = services.review_transition(actor=sales, review=export, name="submit")
    for role in (Role.ENGINEERING, Role.PURCHASING, Role.PRODUCTION, Role.QA, Role.FINANCE, Role.SALESPERSON):
        export = services.review_transition(actor=people[role], review=export, name="sign_off", answer=Answer.CAN)
    export = services.review_transition(actor=sales, review=export, name="accept")
    as_user(page, base, gm, reverse("contracts:detail", args=[export.pk]))
    expect(page.locator("#review-mode")).to_have_text(str(ReviewMode.CENTRAL.label))
    step(page, "approve")
    expect(page.locator("#review-status")).to_have_text(str(ReviewStatus.ACCEPTED.label))

    # -- a change notice of the tender: re-reviewed, then confirmed by three departments ----------------------
    as_user(page, base, sales, detail)
    with page.expect_navigation():
        page.click("#new-change")
    form = page.locator("#notice-form")
    form.locator("[name=description]").fill("交货数量增至 150 台")
    form.locator("[name=quantity]").fill("150")
    form.locator("input[name=affected][value=production]").check()
    for dept in ("production", "qa", "purchasing"):
        form.locator(f"input[name=concerned][value={dept}]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    notice = ChangeNotice.objects.get(review=tender)
    step(page, "submit")
    notice_url = reverse("contracts:notice", args=[notice.pk])
    as_user(page, base, people[Role.PRODUCTION], notice_url)
    step(page, "sign_off", {"comment": "可按期增产"}, radio=Answer.CAN)
    as_user(page, base, sales, notice_url)
    step(page, "issue")
    expect(page.locator("#notice-status")).to_have_text(str(ChangeStatus.NOTIFIED.label))
    for role in (Role.PRODUCTION, Role.QA, Role.PURCHASING):
        as_user(page, base, people[role], notice_url)
        step(page, "confirm")
    expect(page.locator("#notice-status")).to_have_text(str(ChangeStatus.CLOSED.label))
    for dept in ("production", "qa", "purchasing"):
        expect(page.locator(f"#receipt-{dept}")).to_have_attribute("data-confirmed", "yes")
    tender.refresh_from_db()
    assert tender.revision == 2 and tender.quantity == 150
