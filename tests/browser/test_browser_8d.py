"""An 8D report from a complaint to closure in a real browser, in Simplified Chinese (issue 4, "done when").

QA raises the action from the complaint page; the production head (the
responsible department) fills D0–D5 with the team, containment, 5-Why and
the permanent action, and submits; QA approves; production records the
implementation and validation (D6) and reports it; QA verifies, records D7
and D8, and — after two later shipments of the part to the customer —
closes it as effective. The complaint page then shows the closed action.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, reveal, show_related
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.capa.models import CorrectiveAction
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, bring_to, category
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.browser


def step(page: Page, name: str, fields: dict | None = None) -> None:
    reveal(page, f"transition-{name}")
    form = page.locator(f"#transition-{name}")
    for field, value in (fields or {}).items():
        form.locator(f"[name='{name}-{field}']").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator("[role=alert].alert-success")).to_be_visible()


def save(page: Page, section: str) -> None:
    page.locator(f"#section-{section} [name=complete]").check()
    with page.expect_navigation():
        page.click(f"#save-{section}")
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator("[role=alert].alert-success")).to_contain_text("已保存")


def test_an_8d_walks_from_the_complaint_to_closure(page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    production.department.head = production
    production.department.save()
    customer = CustomerFactory(company=company_a, code="K-8D", name="苏州八迪机械有限公司")
    part = PartFactory(company=company_a, part_no="KT-8D", name="壳体")
    complaint = bring_to(Status.ASSESSED, people, customer=customer, part=part, category=category(company_a),
                         defect_nature="划伤")

    # -- QA raises the 8D from the complaint page ----------------------------------------------
    log_in(page, base, qa.username)
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    show_related(page)
    page.click("#raise-action")
    expect(page.locator("#action-form [name=complaint]")).to_have_value(complaint.number)
    page.select_option("#action-form select[name=format]", "8d")
    page.select_option("#action-form select[name=responsible_department]", str(production.department_id))
    page.select_option("#action-form select[name=owner]", str(production.pk))
    with page.expect_navigation():
        page.click("#save")
    expect(page.locator("#action-status")).to_have_text("计划中")
    action = CorrectiveAction.objects.get()
    detail = base + reverse("capa:detail", args=[action.pk])
    expect(page.locator("#step-table")).to_contain_text("D4 根本原因分析")
    log_out(page, base)

    # -- the responsible department plans D0–D5 --------------------------------------------------
    log_in(page, base, production.username)
    page.goto(detail)
    page.fill("#section-d0 [name='d0-emergency_response']", "冻结库存，通知客户隔离在线产品。")
    save(page, "d0")
    page.select_option("#section-d1 select[name='d1-team-0-user']", str(production.pk))
    page.select_option("#section-d1 select[name='d1-team-0-department']", str(production.department_id))
    page.check("#section-d1 [name='d1-team-0-is_leader']")
    page.select_option("#section-d1 select[name='d1-team-1-user']", str(qa.pk))
    save(page, "d1")
    page.fill("#section-d2 [name='d2-what']", "壳体外表面划伤")
    page.fill("#section-d2 [name='d2-how_many']", "抽检 200 件，不良 12 件")
    save(page, "d2")
    page.select_option("#section-d3 select[name='d3-containment-0-location']", "in_house")
    page.fill("#section-d3 [name='d3-containment-0-quantity_checked']", "1500")
    page.fill("#section-d3 [name='d3-containment-0-quantity_bad']", "5")
    save(page, "d3")
    page.fill("#section-d4 [name='d4-occurrence_cause']", "周转时工件相互碰撞")
    page.fill("#section-d4 [name='d4-escape_cause']", "终检未检查外观")
    page.select_option("#section-d4 select[name='d4-whys-0-chain']", "occurrence")
    page.fill("#section-d4 [name='d4-whys-0-answer']", "周转箱没有隔板")
    save(page, "d4")
    page.fill("#section-d5 [name='d5-items-0-text']", "周转箱全部加装隔板")
    page.select_option("#section-d5 select[name='d5-items-0-owner']", str(production.pk))
    save(page, "d5")
    step(page, "submit_plan", {"note": "请品保审批"})
    expect(page.locator("#action-status")).to_have_text("计划已提交")
    log_out(page, base)

    # -- QA approves ---------------------------------------------------------------------------------
    log_in(page, base, qa.username)
    page.goto(detail)
    step(page, "approve_plan")
    expect(page.locator("#action-status")).to_have_text("已批准，实施中")
    log_out(page, base)

    # -- the department implements and validates (D6) -----------------------------------------------
    log_in(page, base, production.username)
    page.goto(detail)
    page.fill("#section-d6 [name='d6-items-0-implemented_on']", timezone.localdate().isoformat())
    page.fill("#section-d6 [name='d6-items-0-validation']", "连续三批抽检无划伤")
    save(page, "d6")
    step(page, "report_implemented")
    log_out(page, base)

    # -- QA verifies, records D7 and D8; two later shipments pass; QA closes ----------------------------
    log_in(page, base, qa.username)
    page.goto(detail)
    step(page, "verify")
    expect(page.locator("#action-status")).to_have_text("效果验证")
    page.check("#section-d7 [name='d7-fmea_updated']")
    page.fill("#section-d7 [name='d7-lessons_learned']", "同类壳体推广隔板周转箱")
    save(page, "d7")
    page.fill("#section-d8 [name='d8-recognition']", "感谢小组成员")
    save(page, "d8")
    # Too early: no later shipment yet, refused with the reason in Chinese.
    form = page.locator("#transition-close")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_contain_text("后续 2 批发货")
    for days in (1, 8):
        ShipmentFactory(customer=customer, part=part, ship_date=timezone.localdate() + datetime.timedelta(days=days))
    page.goto(detail)
    expect(page.locator("#effectiveness")).to_contain_text("2 / 2")
    step(page, "close", {"note": "后续两批无投诉，确认有效"})
    expect(page.locator("#action-status")).to_have_text("已结案")
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    show_related(page)
    expect(page.locator("#corrective-actions")).to_contain_text(action.number)
    expect(page.locator("#corrective-actions")).to_contain_text("已结案")
