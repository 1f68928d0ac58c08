"""Work reaches the right person, in a real browser in Simplified Chinese (issue 16, "Done when").

Sales records a complaint and passes it to QA; the QA engineer finds it on the home page, in the queue and in the
inbox with its deadline; QA records its opinion (the cause is hard to find, the complaint severe), instructs the
production department and submits the initial analysis report; the GM finds the approval on the home page, reads
the report and approves; the head of production finds the department's answer waiting. Every actor is told once
of the work handed to them, the salesperson's superior (here the sales director) is told once that the complaint
was passed on (seed 004 §6.1), and no one else is told anything.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, status_is, take_action
from test_browser_smoke import log_in  # tests/browser is on sys.path (pytest rootdir mode)

from kesu.accounts.roles import Role
from kesu.complaints.choices import DeadlineKind
from kesu.complaints.models import Complaint, Deadline
from kesu.complaints.tests.factories import category
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.notifications.models import Notification, OutboxMail

pytestmark = pytest.mark.browser

REPORT = "原因尚难确定：疑为密封圈压装问题，先隔离库存并全检，待生产部书面答复。"


def _told() -> dict[str, int]:
    told: dict[str, int] = {}
    for username in Notification.objects.values_list("recipient__username", flat=True):
        told[username] = told.get(username, 0) + 1
    return told


def _row(page: Page, complaint: Complaint, action: str):
    return page.locator(f"tr.work-item[data-key='complaints:{complaint.pk}:{action}']").first


def test_a_complaint_reaches_qa_the_gm_and_the_department_and_each_hears_once(page, live_server, make_user,
                                                                             company_a, company_b):
    from django.utils import translation

    translation.activate("zh-hans")
    base = live_server.url
    make_user(Role.SALESPERSON, username="work-sales", display_name="王销售")
    make_user(Role.QA, username="work-qa", display_name="李品保")
    make_user(Role.GM, username="work-gm", display_name="陈总")
    head = make_user(Role.PRODUCTION, username="work-head", display_name="张部长")
    head.department.head = head
    head.department.save()
    # Bystanders: people of other roles, and QA of another company of the group.
    for role in (Role.FINANCE, Role.SALES_DIRECTOR, Role.ENGINEERING, Role.VICE_GM):
        make_user(role, username=f"work-{role}")
    make_user(Role.QA, company=company_b, username="work-qa-b")
    CustomerFactory(company=company_a, code="K-WORK", name="苏州工作流机械有限公司")
    PartFactory(company=company_a, part_no="GP-200", name="齿轮泵")
    appearance = category(company_a)

    # -- sales records the complaint and passes it to QA --------------------------------------------------------
    log_in(page, base, "work-sales")
    page.goto(base + reverse("complaints:create"))
    page.select_option("#complaint-form select[name=channel]", "phone")
    page.fill("#complaint-form [name=customer]", "K-WORK")
    page.fill("#complaint-form [name=part]", "GP-200")
    page.fill("#complaint-form [name=quantity_shipped]", "40")
    page.fill("#complaint-form [name=quantity_defective]", "5")
    page.fill("#complaint-form [name=defect_location]", "泵体")
    page.fill("#complaint-form [name=defect_nature]", "渗漏")
    page.fill("#complaint-form [name=description]", "客户来电：齿轮泵泵体渗漏，共 5 台。")
    with page.expect_navigation():
        page.click("#save")
    complaint = Complaint.objects.get(number=page.locator("#complaint-number").inner_text())
    take_action(page, "acknowledge", selects={"channel": "phone"})
    take_action(page, "assess", selects={"category": str(appearance.pk), "severity": "severe",
                                         "warning_class": "c"})
    take_action(page, "escalate_to_qa", fields={"note": "严重问题，转品保部"})
    status_is(page, "qa_investigation")
    log_out(page, base)
    assert _told() == {"work-qa": 1, "work-sales_director": 1}

    # -- QA: home page, queue and inbox show it with its deadline -----------------------------------------------
    due = Deadline.objects.get(complaint=complaint, kind=DeadlineKind.QA_OPINION).due_at
    due_text = f"{timezone.localtime(due):%Y-%m-%d %H:%M}"
    log_in(page, base, "work-qa")
    expect(_row(page, complaint, "investigate")).to_contain_text(complaint.number)
    expect(_row(page, complaint, "investigate").locator(".badge")).not_to_be_empty()
    page.goto(base + reverse("work:queue"))
    expect(_row(page, complaint, "investigate")).to_contain_text(due_text)
    page.goto(base + reverse("notifications:inbox"))
    expect(page.locator("main")).to_contain_text(complaint.number)
    expect(page.locator("main")).to_contain_text(due_text)

    # -- QA: opinion (cause hard to find), instruction to production, initial analysis report ------------------
    page.goto(base + reverse("complaints:detail", args=[complaint.pk]))
    take_action(page, "record_qa_opinion", fields={"note": "初步判断为密封圈装配问题"}, checks=("cause_hard_to_find",))
    take_action(page, "instruct_department", selects={"responsible_department": str(head.department_id)},
                fields={"note": "请生产部书面答复原因和措施"})
    take_action(page, "submit_initial_report", fields={"initial_report": REPORT})
    log_out(page, base)
    assert _told() == {"work-qa": 1, "work-sales_director": 1, "work-head": 1, "work-gm": 1}

    # -- the GM: the approval on the home page, the report beside it, approved -----------------------------------
    log_in(page, base, "work-gm")
    expect(page.locator("#home-approvals")).to_contain_text(complaint.number)
    with page.expect_navigation():
        _row(page, complaint, "approve_initial_report").locator("a").first.click()
    expect(page.locator("main")).to_contain_text(REPORT)
    take_action(page, "approve_initial_report", fields={"note": "同意"})
    log_out(page, base)

    # -- the head of production sees the department's answer waiting ---------------------------------------------
    log_in(page, base, "work-head")
    expect(_row(page, complaint, "record_department_answer")).to_contain_text(complaint.number)
    page.goto(base + reverse("work:queue"))
    expect(_row(page, complaint, "record_department_answer")).to_be_visible()

    # Each actor heard once of the work handed to them (the salesperson handed work on and received none), in the
    # inbox and by e-mail; no one else heard anything.
    assert _told() == {"work-qa": 1, "work-sales_director": 1, "work-head": 1, "work-gm": 1}
    mailed: dict[str, int] = {}
    for username in OutboxMail.objects.filter(recipient__isnull=False).values_list("recipient__username",
                                                                                 flat=True):
        mailed[username] = mailed.get(username, 0) + 1
    assert mailed == {"work-qa": 1, "work-sales_director": 1, "work-head": 1, "work-gm": 1}
