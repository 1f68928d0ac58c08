"""One complaint from a phone call to closure in a real browser, in Simplified Chinese (issue 3, "done when").

A salesperson takes the call, acknowledges, assesses it as severe (early
warning B) and escalates to QA; QA records its opinion (cause hard to find),
holds the ad-hoc meeting and submits an initial analysis report, which the
GM approves; QA proposes a remedy, the customer rejects it, a second one is
accepted and carried out; after two later shipments to the customer QA
verifies and closes.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from test_browser_smoke import log_in  # tests/browser is on sys.path (pytest rootdir mode)

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import category
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.browser


def log_out(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(base + reverse("accounts:login"))


def show_related(page: Page) -> None:
    """Scroll to the foot of a complaint's page, where its panels and change history are fetched once in view."""
    page.locator("#detail-related").scroll_into_view_if_needed()
    expect(page.locator("#detail-related:not(.kesu-later)")).to_have_count(1)  # the placeholder is replaced


def reveal(page: Page, form_id: str) -> None:
    """Show a step's form: the next-step panel has the expected one or two open, the others under "more"."""
    form = page.locator(f"#{form_id}")
    if form.is_visible():
        return
    toggle = page.locator("#next-step-more-toggle")
    if toggle.count() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        expect(page.locator("#next-step-more")).to_have_class(re.compile(r"\bshow\b"))
    summary = page.locator(f"details:has(#{form_id}) > summary")
    if summary.count() and not form.is_visible():
        summary.click()
    expect(form).to_be_visible()


def take_action(page: Page, action: str, fields: dict | None = None, *, selects: dict | None = None,
                checks: tuple[str, ...] = ()) -> None:
    """Open the action's card, fill its fields and submit; the page must report success."""
    reveal(page, f"action-{action}")
    form = page.locator(f"#action-{action}")
    for name, value in (fields or {}).items():
        form.locator(f"[name='{action}-{name}']").fill(value)
    for name, value in (selects or {}).items():
        form.locator(f"select[name='{action}-{name}']").select_option(value)
    for name in checks:
        form.locator(f"[name='{action}-{name}']").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator(".alert-success")).to_be_visible()


def status_is(page: Page, status: str) -> None:
    expect(page.locator("#complaint-status")).to_have_text(str(Complaint(status=status).get_status_display()))


def submit_refused_meeting(page: Page, attendees, department_id: int, actions: str):
    """Fill the meeting record with blank conclusions and submit it: the refusal is named in view and the form
    comes back as it was typed. Returns the form."""
    page.click("#record-meeting > summary")
    meeting = page.locator("#form-record-meeting")
    meeting.locator("[name='meeting-held_at']").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    meeting.locator("select[name='meeting-attendees']").select_option([str(p.pk) for p in attendees])
    meeting.locator("select[name='meeting-departments']").select_option([str(department_id)])
    meeting.locator("[name='meeting-actions']").fill(actions)
    meeting.locator("[name='meeting-conclusions']").fill("   ")
    with page.expect_navigation():
        meeting.locator("button[type=submit]").click()
    refused = page.locator("#form-record-meeting .form-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("结论")
    expect(refused).to_be_in_viewport()
    meeting = page.locator("#form-record-meeting")
    expect(meeting.locator("[name='meeting-actions']")).to_have_value(actions)
    expect(meeting.locator("select[name='meeting-attendees'] option:checked")).to_have_count(len(attendees))
    return meeting


def test_a_complaint_walks_from_phone_intake_to_closure(page, live_server, make_user, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    base = live_server.url
    sales = make_user(Role.SALESPERSON, username="walk-sales", display_name="王销售")
    qa = make_user(Role.QA, username="walk-qa", display_name="李品保")
    make_user(Role.QA, username="walk-qa2", display_name="赵品保")  # approves what walk-qa proposes (design §11)
    make_user(Role.GM, username="walk-gm", display_name="陈总")
    production = make_user(Role.PRODUCTION, username="walk-prod", display_name="张生产")
    customer = CustomerFactory(company=company_a, code="K-WALK", name="苏州走查机械有限公司", owner=sales)
    part = PartFactory(company=company_a, part_no="GP-100", name="齿轮泵")
    appearance = category(company_a)

    # -- the salesperson takes the phone call -------------------------------------------------
    log_in(page, base, "walk-sales")
    page.goto(base + reverse("complaints:list"))
    page.click("#new-complaint")
    page.select_option("#complaint-form select[name=channel]", "phone")
    page.fill("#complaint-form [name=customer]", "K-WALK")
    page.fill("#complaint-form [name=part]", "GP-100")
    page.fill("#complaint-form [name=quantity_shipped]", "50")
    page.fill("#complaint-form [name=quantity_defective]", "6")
    page.fill("#complaint-form [name=defect_location]", "泵体")
    page.fill("#complaint-form [name=defect_nature]", "渗漏")
    page.fill("#complaint-form [name=description]", "客户来电：齿轮泵泵体渗漏，装机后压力不足，共 6 台。")
    with page.expect_navigation():
        page.click("#save")
    number = page.locator("#complaint-number").inner_text()
    complaint = Complaint.objects.get(number=number)
    assert complaint.customer == customer and complaint.part == part
    status_is(page, "received")
    expect(page.locator("#deadlines")).to_contain_text("答复顾客")  # the reply clock runs

    take_action(page, "acknowledge", selects={"channel": "phone"}, fields={"note": "已电话告知客户投诉编号"})
    take_action(page, "assess", selects={"category": str(appearance.pk), "severity": "severe",
                                         "warning_class": "b"})
    take_action(page, "escalate_to_qa", fields={"note": "严重问题，转品保部"})
    status_is(page, "qa_investigation")
    log_out(page, base)

    # -- QA investigates; the cause is hard to find, so the GM approves an initial report ----
    log_in(page, base, "walk-qa")
    page.goto(base + reverse("complaints:my_work") + "?scope=department")
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    take_action(page, "record_qa_opinion", fields={"note": "初步判断为密封圈装配问题"},
                checks=("cause_hard_to_find",))
    # Issue 17 §2: conclusions of blanks only are refused; the form comes back open, as it was filled, the
    # missing field named at the top of the window and marked.
    meeting = submit_refused_meeting(page, [qa, production], production.department_id, "生产部全检库存密封圈")
    expect(meeting.locator("[name='meeting-conclusions']")).to_have_class(re.compile(r"\bis-invalid\b"))
    meeting.locator("[name='meeting-conclusions']").fill("召开临时质量会议：隔离库存，全检密封圈")
    with page.expect_navigation():
        meeting.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    take_action(page, "submit_initial_report", fields={"initial_report": "原因尚难确定，先行更换泵体并分析"})
    log_out(page, base)

    log_in(page, base, "walk-gm")
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    take_action(page, "approve_initial_report", fields={"note": "同意"})
    log_out(page, base)

    # -- remedy loop: rejected once, accepted the second time ----------------------------------
    log_in(page, base, "walk-qa")
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    take_action(page, "propose_remedy", fields={"remedy_text": "免费维修 6 台"})
    log_out(page, base)
    log_in(page, base, "walk-qa2")
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    expect(page.locator("#next-step-approval")).to_contain_text("免费维修 6 台")
    take_action(page, "approve_remedy")
    take_action(page, "customer_rejects", fields={"reason": "客户要求整机更换"})
    status_is(page, "customer_rejected")
    take_action(page, "propose_remedy", fields={"remedy_text": "整机更换 6 台，并承担运费"})
    log_out(page, base)
    log_in(page, base, "walk-qa")
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    take_action(page, "approve_remedy")
    take_action(page, "customer_accepts", fields={"note": "客户邮件确认"})
    take_action(page, "complete_remedy", fields={"note": "已发货更换"})
    take_action(page, "start_verification")
    status_is(page, "verification")

    # Severe: closing waits for two later deliveries to this customer.
    reveal(page, "action-close")
    with page.expect_navigation():
        page.locator("#action-close button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    # QA records the check of two later shipments of the part to this customer (004 §5.2(3)). Set-up: the
    # remedy was carried out two days ago and two shipments left since, so both can be checked today.
    from django.db.models import F

    Complaint.objects.filter(pk=complaint.pk).update(remedy_done_at=F("remedy_done_at") - datetime.timedelta(days=2))
    today = timezone.localdate()
    shipments = [ShipmentFactory(company=company_a, customer=customer, part=part, delivery_no=delivery,
                                 ship_date=today - datetime.timedelta(days=1 - offset))
                 for offset, delivery in enumerate(("DN-W1", "DN-W2"))]
    for shipment in shipments:
        page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
        reveal(page, "form-record-delivery_verification")
        form = page.locator("#form-record-delivery_verification")
        form.locator("[name='delivery_verification-shipment']").select_option(str(shipment.pk))
        form.locator("[name='delivery_verification-checked_on']").fill(today.isoformat())
        form.locator("[name='delivery_verification-result']").select_option("ok")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(page.locator(".alert-danger")).to_have_count(0)
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    take_action(page, "close", selects={"responsibility": "ours",
                                        "responsible_department": str(production.department_id)},
                fields={"root_cause": "密封圈压装工装磨损"})
    status_is(page, "closed")

    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.escalated_to_qa
    assert [r.customer_decision for r in complaint.remedies.order_by("round")] == ["rejected", "accepted"]
    assert complaint.initial_report_approved_by.username == "walk-gm"
    actors = set(complaint.status_changes.values_list("actor__username", flat=True))
    assert {"walk-sales", "walk-qa"} <= actors
    # The whole story is on the page, in Chinese.
    timeline = page.locator("#timeline").inner_text()
    assert "客户要求整机更换" in timeline and "召开临时质量会议" in timeline
