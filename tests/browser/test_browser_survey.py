"""A customer answers a satisfaction survey through the personal link in a real browser (issue 6, "done when").

The general office opens a campaign; the customer's contact, whose language
is Traditional Chinese, opens the link from the e-mail without logging in,
answers every question with low marks, adds a remark and sends it. The link
then refuses a second answer, and an altered link is refused too. The
office sees the answer's score and grade on the campaign page, and the
corrective action the low score raised.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.capa.models import ActionLink
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import ContactFactory, CustomerFactory, ShipmentFactory
from kesu.notifications.models import OutboxMail
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, Grade
from kesu.surveys.models import Answer, ImprovementMeeting, SurveyTemplate

pytestmark = pytest.mark.browser

REMARK = "近兩批貨交期延誤，紙箱受潮破損，請儘快改善並書面回覆。"


def test_a_customer_answers_through_the_link_in_traditional_chinese_and_a_low_score_raises_an_action(
        page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    base = live_server.url
    people = People(company_a)
    office, qa = people[Role.GENERAL_OFFICE], people[Role.QA]  # QA takes the action the low score raises
    customer = CustomerFactory(company=company_a, code="K-SAT", name="臺北精密機械股份有限公司")
    contact = ContactFactory(customer=customer, is_primary=True, language="zh-hant", name="林志明",
                             email="lin@taipei-precision.example")
    today = timezone.localdate()
    ShipmentFactory(customer=customer, quantity=300, ship_date=today - datetime.timedelta(days=20))

    # -- the office opens a campaign (form CS-002: seven items) -----------------------------------
    services.templates_ensure_seeded(company_a)
    template = SurveyTemplate.objects.get(company=company_a, code="CS-002", is_current=True)
    campaign = services.campaign_create(actor=office, company=company_a, data={
        "name": "客户满意度调查（浏览器）", "kind": "half_yearly", "template": template,
        "period_start": today - datetime.timedelta(days=180), "period_end": today,
        "send_month": today.replace(day=1)})
    campaign = services.campaign_open(actor=office, campaign=campaign)
    mail = OutboxMail.objects.get(to=contact.email)
    token = re.search(r"/s/([^/\s]+)/", mail.body).group(1)
    link = base + reverse("survey_link", args=[token])

    # -- the contact answers in the browser, without logging in ----------------------------------
    with translation.override("zh-hant"):
        send_label = translation.gettext("Send my answer")
    response = page.goto(link)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator("#submit-answer")).to_have_text(send_label)
    expect(page.locator("#nav-user")).to_have_count(0)
    items = [item for section in template.sections.order_by("position") for item in section.items.order_by("position")]
    assert len(items) == 7
    form = page.locator("#answer-form")
    for item in items:
        worst = len(item.options) - 1  # the lowest mark: 5 of 20 for items 1–3, 2 of 10 for items 4–7
        radios = form.locator(f"input[name='item_{item.pk}']")
        expect(radios).to_have_count(len(item.options))
        radios.and_(page.locator(f"[value='{worst}']")).check()
    form.locator("textarea[name=remarks]").fill(REMARK)
    with page.expect_navigation():
        page.click("#submit-answer")
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")

    answer = Answer.objects.get(campaign=campaign)
    assert (answer.points, answer.score, answer.grade) == (23, Decimal("23.00"), Grade.FAIL)  # 3 × 5 + 4 × 2
    assert answer.channel == AnswerChannel.LINK and answer.remarks == REMARK and answer.respondent == "林志明"
    assert answer.entered_by is None and answer.invitation.used_at is not None

    # -- the same link again, and an altered one: refused ------------------------------------------
    again = page.goto(link)
    assert again.status == 410
    expect(page.locator("#link-refused")).to_be_visible()
    expect(page.locator("#answer-form")).to_have_count(0)
    altered = page.goto(base + reverse("survey_link", args=[token[:-3] + "xyz"]))
    assert altered.status == 404
    expect(page.locator("#link-refused")).to_be_visible()
    assert Answer.objects.filter(campaign=campaign).count() == 1

    # -- the general office sees the score, the grade and the action on the campaign page ---------
    # Form 002 below 85 calls an improvement meeting first (seed 002 §5.2.3.3.3); QA records it, and its decisions
    # raise the corrective action.
    meeting = ImprovementMeeting.objects.get(answer=answer)
    assert not ActionLink.objects.filter(kind="survey", object_id=answer.pk).exists()
    services.meeting_record(actor=qa, meeting=meeting, data={
        "held_on": today, "attendees": "品质部、技术部、生产部、销售部",
        "analysis": "交期延误为产能紧张；纸箱受潮为运输未防潮。", "decisions": "调整排产；修订包装规范。"})
    action = ActionLink.objects.get(kind="survey", object_id=answer.pk).action
    assert action.customer == customer and action.owner == qa
    log_in(page, base, office.username)
    page.goto(base + reverse("surveys:campaign_detail", args=[campaign.pk]))
    row = page.locator("#recipient-K-SAT")
    expect(row.locator(".answer-score")).to_have_text("23.00")
    expect(row).to_contain_text(str(Grade.FAIL.label))
    expect(page.locator("#answer-count")).to_have_text("1")
    expect(page.locator("#campaign-score")).to_have_text("—")  # still open: scored when closed
    actions = page.locator("#survey-actions li")
    expect(actions).to_have_count(1)
    expect(actions.first).to_contain_text(action.number)
    expect(actions.first).to_contain_text(customer.name)

    # The score links to the answer, with the customer's remark.
    with page.expect_navigation():
        row.locator(".answer-score").click()
    expect(page.locator("body")).to_contain_text(REMARK)
