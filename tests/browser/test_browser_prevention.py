"""Complaint prevention in a real browser, in Simplified Chinese (issue 22, "Done when").

A call-centre representative records a B signal; the leadership group is told at once; the working group
identifies, diagnoses and acts on it; the signal becomes a complaint with one click, linked both ways; a second
complaint of the same category on the same part within 180 days is flagged as a repeat on its page; the month's
assessment of the salesperson shows both complaints with a drill-down to each.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from test_browser_complaint import log_out, reveal, show_related
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints import services as complaint_services
from kesu.complaints.tests.factories import ComplaintCategoryFactory, People
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.notifications.models import Notification
from kesu.prevention import services
from kesu.prevention.choices import GroupKind, MemberPosition, SignalClass
from kesu.prevention.models import WarningSignal

pytestmark = pytest.mark.browser
R = Role


def save(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.click(button)
    expect(page.locator(".alert-danger")).to_have_count(0)


def test_a_b_signal_becomes_a_complaint_a_repeat_follows_and_the_assessment_shows_both(page, live_server, company_a):
    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    call_centre, manager, gm, vice = (people[R.AFTER_SALES], people[R.REGIONAL_MANAGER], people[R.GM],
                                      people[R.VICE_GM])
    sales, director = people[R.SALESPERSON], people[R.SALES_DIRECTOR]
    services.groups_ensure(company_a)
    for kind, rows in {GroupKind.LEADERSHIP: [(gm, "leader"), (vice, "deputy")],
                       GroupKind.WORKING: [(manager, "leader"), (call_centre, MemberPosition.MEMBER)]}.items():
        for user, position in rows:
            services.group_member_set(actor=gm, group=services.group_get(company_a, kind), user=user,
                                      position=position)
    customer = CustomerFactory(company=company_a, code="K-YJ", name="徐州预警农机有限公司", owner=sales)
    other = CustomerFactory(company=company_a, code="K-YJ2", name="宿迁重复农机有限公司", owner=sales)
    part = PartFactory(company=company_a, part_no="P-HYD-01", name="液压泵")
    category = ComplaintCategoryFactory(company=company_a, code="performance", name="性能")

    # -- the call centre records a B signal; the leadership group is told at once ----------------------------
    log_in(page, base, call_centre.username)
    page.goto(base + reverse("prevention:create"))
    expect(page.locator("#class-guidance li")).to_have_count(3)
    page.select_option("#id_source", "call_centre")
    page.fill("[name=customer]", "K-YJ")
    page.fill("[name=part]", "P-HYD-01")
    page.check("input[name=warning_class][value=b]")
    page.fill("#id_observed", "用户来电：液压泵漏油三次未修好，准备向市农机局投诉。")
    save(page, "#save-signal")
    signal = WarningSignal.objects.get(company=company_a)
    expect(page.locator("#signal-class")).to_have_text(str(SignalClass.B.label))  # the page's language
    told = set(Notification.objects.filter(event="signal_raised").values_list("recipient__username", flat=True))
    assert {gm.username, vice.username} <= told
    log_out(page, base)

    # -- the working group identifies, diagnoses and acts --------------------------------------------------
    log_in(page, base, manager.username)
    page.goto(base + reverse("prevention:detail", args=[signal.pk]))
    reveal(page, "transition-identify")
    page.fill("[name=identify-identification]", "回访核实，问题属实。")
    save(page, "#transition-identify button[type=submit]")
    reveal(page, "transition-diagnose")
    page.fill("[name=diagnose-causes]", "密封件批次不良。")
    page.fill("[name=diagnose-development]", "若三日内不处理，用户将向市局投诉。")
    save(page, "#transition-diagnose button[type=submit]")
    expect(page.locator("#add-action")).to_be_visible()
    if not page.locator("#action-form [name=description]").is_visible():
        page.locator("#add-action > summary").click()
    page.fill("#action-form [name=description]", "上门更换密封件")
    page.select_option("#action-form [name=owner]", str(manager.pk))
    page.fill("#action-form [name=working_days]", "2")
    save(page, "#save-action")
    page.fill("#actions .row-form [name=result]", "已更换，但用户坚持正式投诉。")
    save(page, "#actions .row-form button[type=submit]")

    # -- one click: the signal becomes a complaint, linked both ways --------------------------------------
    reveal(page, "transition-to_complaint")
    save(page, "#transition-to_complaint button[type=submit]")
    signal.refresh_from_db()
    first = signal.complaint
    assert first is not None and first.customer == customer and first.part == part
    expect(page.locator("#signal-complaint")).to_have_text(first.number)
    page.click("#signal-complaint")
    show_related(page)
    expect(page.locator("#from-signal")).to_have_text(signal.number)
    log_out(page, base)

    # -- the first complaint is assessed (category); a second one on the same part is a repeat -----------------
    complaint_services.complaint_transition(actor=sales, complaint=first, action="acknowledge", channel="phone")
    complaint_services.complaint_transition(actor=sales, complaint=first, action="assess", category=category,
                                            severity="minor", warning_class="b")
    second = complaint_services.complaint_create(actor=sales, company=company_a, data={
        "channel": "phone", "customer": other, "part": part, "category": category,
        "description": "液压泵又漏油。", "defect_location": "泵体", "defect_nature": "漏油"})
    log_in(page, base, sales.username)
    page.goto(base + reverse("complaints:detail", args=[second.pk]))
    show_related(page)
    expect(page.locator("#repeat-flag")).to_be_visible()
    expect(page.locator("#prevention-panel .repeat-earlier")).to_have_text(first.number)
    log_out(page, base)

    # -- the month's assessment of the salesperson shows both, with a drill-down --------------------------
    today = timezone.localdate()
    log_in(page, base, director.username)
    page.goto(base + reverse("prevention:assessments"))
    page.select_option("#id_salesperson", str(sales.pk))
    page.fill("#id_period_start", today.replace(day=1).isoformat())
    page.fill("#id_period_end", today.isoformat())
    save(page, "#compute-assessment")
    figure = page.locator("#figure-complaints")
    expect(figure.locator(".figure-count")).to_have_text("2")
    expect(figure.locator("a.drill")).to_have_text([first.number, second.number])
    expect(page.locator("#figure-repeats a.drill")).to_have_text([second.number])
    with page.expect_navigation():
        page.locator("#figure-repeats a.drill").click()
    show_related(page)
    expect(page.locator("#repeat-flag")).to_be_visible()
