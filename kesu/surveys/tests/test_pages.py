"""Survey pages: the customer's link page (no login), staff entry, campaigns, templates; refusals and scope."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.notifications.models import OutboxMail
from kesu.surveys import services
from kesu.surveys.models import Answer, SurveyTemplate

from .factories import YEAR, campaign, customer_with_business, seed_template

pytestmark = pytest.mark.django_db


def _open(people, **kwargs):
    c = campaign(people, customers=1, **kwargs)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    token = OutboxMail.objects.get().body.split("/s/")[1].split("/")[0]
    return c, token


def _post_all(client, url, c, pick: int = 0, **extra):
    data = {**extra}
    for section in c.template.sections.all():
        for item in section.items.all():
            data[f"item_{item.pk}"] = str(pick)
    return client.post(url, data)


def test_the_customer_answers_through_the_link_without_logging_in_in_their_language(client, people):
    customer_with_business(people, language="zh-hant")
    c = campaign(people, customers=0)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    token = OutboxMail.objects.get().body.split("/s/")[1].split("/")[0]
    url = reverse("survey_link", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and 'lang="zh-hant"' in page.content.decode()
    assert "產品質量狀況" in page.content.decode() or "产品质量状况" in page.content.decode()
    incomplete = client.post(url, {"remarks": "x"})
    assert incomplete.status_code == 200 and 'id="answer-errors"' in incomplete.content.decode()
    assert not Answer.objects.exists()
    done = _post_all(client, url, c, pick=1, remarks="交期还可以更快")
    assert 'id="thanks"' in done.content.decode()
    answer = Answer.objects.get()
    assert answer.score == 80 and answer.channel == "link"  # 3 × 16 + 4 × 8 and answer.remarks == "交期还可以更快"
    again = client.get(url)
    assert again.status_code == 410 and 'id="link-refused"' in again.content.decode()
    repost = _post_all(client, url, c, pick=0)
    assert repost.status_code == 410 and Answer.objects.count() == 1


def test_an_altered_or_expired_link_gets_a_clear_page(client, people):
    c, token = _open(people)
    altered = client.get(reverse("survey_link", args=[token[:-3] + "xyz"]))
    assert altered.status_code == 404 and 'id="link-reason"' in altered.content.decode()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=40)):
        expired = client.get(reverse("survey_link", args=[token]))
    assert expired.status_code == 410
    assert not Answer.objects.exists()


def test_staff_enter_a_phone_answer_and_the_campaign_page_shows_score_and_grade(client, people):
    c, _token = _open(people)
    recipient = c.recipients.get(included=True)
    client.force_login(people[Role.SALESPERSON])
    url = reverse("surveys:staff_answer", args=[c.pk, recipient.pk])
    assert client.get(url).status_code == 200
    response = _post_all(client, url, c, pick=2, channel="phone", respondent="王经理")
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert (answer.channel, answer.entered_by, answer.respondent) == ("phone", people[Role.SALESPERSON], "王经理")
    page = client.get(reverse("surveys:campaign_detail", args=[c.pk])).content.decode()
    assert "50.00" in page and 'class="answer-score"' in page


def test_a_campaign_is_created_and_opened_through_the_pages(client, people):
    customer_with_business(people)
    template = seed_template(people, "CS-001")
    client.force_login(people[Role.GENERAL_OFFICE])
    response = client.post(reverse("surveys:campaign_create"), {
        "name": "2026 年度调查", "kind": "yearly", "template": template.pk, "period_start": YEAR[0],
        "period_end": YEAR[1], "send_month": "2026-12-01"})
    assert response.status_code == 302, response.content.decode()[:3000]
    c = people.company and template.campaigns.get()
    assert c.target_score == 85 and c.recipients.filter(included=True).count() == 1
    client.post(reverse("surveys:campaign_step", args=[c.pk, "open"]))
    c.refresh_from_db()
    assert c.status == "open" and OutboxMail.objects.count() == 1


def test_the_template_editor_creates_and_a_used_template_is_revised_as_a_new_version(client, people):
    client.force_login(people[Role.GENERAL_OFFICE])
    body = "# 质量 *\n- 外观 | 好=50 | 差=0\n# 交付\n- 准时 | 好=50 | 一般=20 | 差=0\n"
    response = client.post(reverse("surveys:template_create"), {"code": "T1", "name": "简表", "body": body})
    assert response.status_code == 302
    t1 = SurveyTemplate.objects.get(code="T1")
    assert t1.max_points == 100 and t1.sections.get(position=1).is_critical
    bad = client.post(reverse("surveys:template_create"), {"code": "T2", "name": "x", "body": "# A\n- q | 好=40 | 差=0"})
    assert bad.status_code == 200 and not SurveyTemplate.objects.filter(code="T2").exists()
    c = campaign(people, customers=1, template=t1)
    response = client.post(reverse("surveys:template_revise", args=[t1.pk]), {
        "name": "简表", "body": body.replace("外观", "外观与包装")})
    assert response.status_code == 302
    t1.refresh_from_db()
    v2 = SurveyTemplate.objects.get(code="T1", is_current=True)
    assert (t1.is_current, v2.version) == (False, 2)
    assert c.template_id == t1.pk  # the campaign keeps the version it was made with


def test_an_outsider_sees_nothing(client, people, outsider):
    c, _token = _open(people)
    client.force_login(outsider)
    assert client.get(reverse("surveys:campaign_detail", args=[c.pk])).status_code == 404
    assert c.name not in client.get(reverse("surveys:campaign_list")).content.decode()


def test_roles_outside_surveys_cannot_run_campaigns_or_enter_answers(client, people):
    c, _token = _open(people)
    recipient = c.recipients.get(included=True)
    client.force_login(people[Role.PRODUCTION])
    assert client.post(reverse("surveys:campaign_step", args=[c.pk, "close"])).status_code in (302, 403)
    c.refresh_from_db()
    assert c.status == "open"
    assert client.get(reverse("surveys:staff_answer", args=[c.pk, recipient.pk])).status_code == 403
