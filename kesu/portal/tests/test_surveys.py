"""Surveys answered inside the portal (issue 23 §1): the contact's open and answered surveys, answered through
the link's form and service (one write path), refusals next to the fields with the input kept; only their own."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, bring_to
from kesu.surveys import services as survey_services
from kesu.surveys.choices import AnswerChannel, CampaignStatus
from kesu.surveys.complaint_survey import complaint_survey_send
from kesu.surveys.models import Answer, Invitation, SurveyTemplate
from kesu.surveys.tests.factories import ask_after_closure

pytestmark = pytest.mark.django_db


def _title(recipient, language: str = "zh-hant") -> str:
    """The survey's title as a contact reads it: in their language (the stored name is in the installation's)."""
    with translation.override(language):
        return recipient.campaign.title


@pytest.fixture
def people(company_a, salesperson):
    people = People(company_a)
    people._users[Role.SALESPERSON] = salesperson
    people[Role.QA]
    return people


@pytest.fixture
def template(company_a, people) -> SurveyTemplate:
    return ask_after_closure(company_a)


def _survey(people, customer, contact):
    complaint = bring_to(Status.CLOSED, people, customer=customer, contact=contact)
    return complaint_survey_send(complaint=complaint).recipients.get()


@pytest.fixture
def mine(people, template, customer_a, contact_a):
    return _survey(people, customer_a, contact_a)


@pytest.fixture
def theirs(people, template, customer_other, contact_other):
    return _survey(people, customer_other, contact_other)


def _items(template):
    return [item for section in template.sections.all() for item in section.items.all()]


def _data(template, *, skip: int | None = None) -> dict[str, str]:
    data = {f"item_{item.pk}": "0" for item in _items(template)}
    if skip is not None:
        del data[f"item_{skip}"]
    return data


def test_the_contact_sees_their_open_survey_and_answers_it_in_the_portal(
        client, portal_login, account_a, mine, theirs, template):
    portal_login(account_a)
    page = client.get("/portal/surveys/").content.decode()
    assert _title(mine) in page and f"/portal/surveys/{mine.pk}/" in page
    assert theirs.campaign.complaint.number not in page
    form = client.get(f"/portal/surveys/{mine.pk}/")
    assert form.status_code == 200 and _items(template)[0].text in form.content.decode()
    data = {**_data(template), "remarks": "交货很及时"}
    response = client.post(f"/portal/surveys/{mine.pk}/", data)
    assert response.status_code == 302 and response["Location"] == "/portal/surveys/"
    answer = Answer.objects.get(recipient=mine)
    # The link's service: the answer spends the contact's personal link, so the link takes no second one.
    invitation = Invitation.objects.get(recipient=mine)
    assert (answer.channel, answer.invitation, answer.remarks) == (AnswerChannel.PORTAL, invitation, "交货很及时")
    assert invitation.used_at is not None and answer.respondent == account_a.contact.name
    page = client.get("/portal/surveys/").content.decode()
    assert f"/portal/surveys/{mine.pk}/" not in page and _title(mine) in page  # now under "answered"
    assert client.get(f"/portal/surveys/{mine.pk}/").status_code == 404
    assert client.post(f"/portal/surveys/{mine.pk}/", data).status_code == 404
    assert Answer.objects.filter(recipient=mine).count() == 1


def test_an_unanswered_question_is_refused_next_to_it_with_the_other_answers_kept(
        client, portal_login, account_a, mine, template):
    portal_login(account_a)
    items = _items(template)
    data = {**_data(template, skip=items[1].pk), f"item_{items[0].pk}": "1", "remarks": "包装需改进"}
    response = client.post(f"/portal/surveys/{mine.pk}/", data)
    assert response.status_code == 422
    html = response.content.decode()
    question = html.split(f'id="question-{items[1].pk}"')[1].split('class="mb-2 question"')[0]
    with translation.override("zh-hant"):
        assert translation.gettext("Answer this question.") in question
    checked = [tag for tag in re.findall(r"<input[^>]*>", html) if f'name="item_{items[0].pk}"' in tag
               and "checked" in tag]
    assert len(checked) == 1 and 'value="1"' in checked[0]  # the answer as typed
    assert "包装需改进" in html
    assert not Answer.objects.exists()


def test_a_closed_campaigns_survey_is_no_longer_open(client, portal_login, account_a, mine, template,
                                                      sales_director):
    survey_services.campaign_close(actor=sales_director, campaign=mine.campaign)
    portal_login(account_a)
    assert client.get(f"/portal/surveys/{mine.pk}/").status_code == 404
    assert client.get(f"/api/v1/portal/surveys/{mine.pk}").status_code == 404
    assert client.post(f"/portal/surveys/{mine.pk}/", _data(template)).status_code == 404
    assert mine.campaign.complaint.number not in client.get("/portal/surveys/").content.decode()


def test_another_contacts_survey_is_404_on_the_page_and_the_api(client, portal_login, account_a, theirs, template):
    portal_login(account_a)
    assert client.get(f"/portal/surveys/{theirs.pk}/").status_code == 404
    assert client.post(f"/portal/surveys/{theirs.pk}/", _data(template)).status_code == 404
    assert client.get(f"/api/v1/portal/surveys/{theirs.pk}").status_code == 404
    response = client.post(f"/api/v1/portal/surveys/{theirs.pk}/answer",
                           {"choices": {str(i.pk): 0 for i in _items(template)}}, content_type="application/json")
    assert response.status_code == 404
    assert theirs.campaign.complaint.number not in client.get("/api/v1/portal/surveys").content.decode()
    assert not Answer.objects.exists()


def test_a_colleagues_survey_of_the_same_customer_is_not_theirs(client, portal_login, account_a, people, template,
                                                                 customer_a):
    from kesu.customers.tests.factories import ContactFactory

    colleague = ContactFactory(customer=customer_a, name="王同事", email="wang@jia.example")
    survey = _survey(people, customer_a, colleague)
    portal_login(account_a)
    assert client.get(f"/portal/surveys/{survey.pk}/").status_code == 404
    assert survey.campaign.complaint.number not in client.get("/portal/surveys/").content.decode()


def test_the_api_lists_shows_and_answers_the_contacts_survey(client, account_a, mine, template):
    from kesu.portal import services as portal_services

    _token, raw = portal_services.portal_token_create(account=account_a, name="ERP")
    headers = {"Authorization": f"Bearer {raw}"}
    listing = client.get("/api/v1/portal/surveys", headers=headers).json()
    assert [row["id"] for row in listing["open"]] == [mine.pk] and listing["answered"] == []
    survey = client.get(f"/api/v1/portal/surveys/{mine.pk}", headers=headers).json()
    items = _items(template)
    assert [i["id"] for i in survey["items"]] == [i.pk for i in items]
    assert survey["items"][0]["options"][0] == {"index": 0, "label": str(items[0].options[0]["label"])}
    missing = client.post(f"/api/v1/portal/surveys/{mine.pk}/answer", {"choices": {str(items[0].pk): 0}},
                          content_type="application/json", headers=headers)
    assert missing.status_code == 422
    assert any(e["loc"][-1] == f"item_{items[1].pk}" for e in missing.json()["detail"])
    response = client.post(f"/api/v1/portal/surveys/{mine.pk}/answer",
                           {"choices": {str(i.pk): 0 for i in items}, "remarks": "满意"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    answer = Answer.objects.get(recipient=mine)
    assert answer.remarks == "满意" and answer.invitation.used_at is not None
    listing = client.get("/api/v1/portal/surveys", headers=headers).json()
    assert listing["open"] == [] and [row["id"] for row in listing["answered"]] == [mine.pk]
    again = client.post(f"/api/v1/portal/surveys/{mine.pk}/answer", {"choices": {str(i.pk): 0 for i in items}},
                        content_type="application/json", headers=headers)
    assert again.status_code == 404


def test_an_expired_link_is_not_open_in_the_portal_either(client, portal_login, account_a, mine):
    Invitation.objects.filter(recipient=mine).update(expires_at=timezone.now())
    portal_login(account_a)
    assert client.get(f"/portal/surveys/{mine.pk}/").status_code == 404
    assert mine.campaign.complaint.number not in client.get("/portal/surveys/").content.decode()
    assert mine.campaign.status == CampaignStatus.OPEN
