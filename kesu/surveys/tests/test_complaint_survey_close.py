"""Post-closure surveys close by themselves (issue 23 §4): when their one answer arrives, or left unanswered
after the company's days (30 by default) by a periodic job; running the job twice changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import bring_to
from kesu.core import jobs
from kesu.customers.tests.factories import ContactFactory, CustomerFactory
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, CampaignStatus
from kesu.surveys.complaint_survey import complaint_survey_send, complaint_surveys_close_unanswered
from kesu.surveys.models import Campaign, CampaignChange
from kesu.surveys.selectors import survey_settings_for

from .factories import campaign as yearly_campaign
from .factories import choices_for, seed_template

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 10, 9, 10, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def template(people):
    people[Role.QA]
    template = seed_template(people, "CS-002")
    cfg = survey_settings_for(people.company)
    cfg.complaint_template, cfg.complaint_threshold = template, Decimal("80")
    cfg.save()
    return template


def _survey(people) -> Campaign:
    customer = CustomerFactory(company=people.company)
    contact = ContactFactory(customer=customer, email="chen@customer.example")
    with time_machine.travel(START - DAY, tick=False):
        complaint = bring_to(Status.CLOSED, people, customer=customer, contact=contact)
    with time_machine.travel(START, tick=False):
        return complaint_survey_send(complaint=complaint)


def _status(campaign: Campaign) -> str:
    campaign.refresh_from_db()
    return campaign.status


def test_the_survey_closes_when_its_one_answer_arrives(people, template, django_capture_on_commit_callbacks):
    survey = _survey(people)
    recipient = survey.recipients.get()
    invitation = recipient.invitations.get()
    picks = [0] * sum(s.items.count() for s in template.sections.all())
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.answer_submit(actor=None, recipient=recipient, invitation=invitation,
                                        choices=choices_for(template, picks), channel=AnswerChannel.LINK)
    assert _status(survey) == CampaignStatus.CLOSED
    assert survey.score == answer.score and survey.closed_at is not None
    change = CampaignChange.objects.get(campaign=survey, new_status=CampaignStatus.CLOSED)
    assert change.actor is None  # by the rule, not by a person


def test_an_unanswered_survey_closes_after_thirty_days_once(people, template):
    survey = _survey(people)
    assert survey_settings_for(people.company).complaint_close_days == 30
    with time_machine.travel(START + 30 * DAY - datetime.timedelta(minutes=1), tick=False):
        assert complaint_surveys_close_unanswered() == 0
    assert _status(survey) == CampaignStatus.OPEN
    with time_machine.travel(START + 30 * DAY, tick=False):
        assert complaint_surveys_close_unanswered() == 1
        assert complaint_surveys_close_unanswered() == 0  # idempotent
    assert _status(survey) == CampaignStatus.CLOSED
    assert survey.closed_at == START + 30 * DAY and survey.score is None
    assert CampaignChange.objects.filter(campaign=survey, new_status=CampaignStatus.CLOSED).count() == 1
    # The link stops taking answers with the campaign closed.
    with pytest.raises(services.LinkRefused):
        services.invitation_from_token(services.invitation_token(survey.recipients.get().invitations.get()))


def test_the_days_are_the_companys(people, template):
    cfg = survey_settings_for(people.company)
    cfg.complaint_close_days = 10
    cfg.save()
    survey = _survey(people)
    with time_machine.travel(START + 10 * DAY, tick=False):
        assert complaint_surveys_close_unanswered() == 1
    assert _status(survey) == CampaignStatus.CLOSED


def test_other_campaigns_are_left_alone(people, template):
    yearly = yearly_campaign(people, template=template)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=yearly)
    with time_machine.travel(timezone.now() + 400 * DAY, tick=False):
        assert complaint_surveys_close_unanswered() == 0
    assert _status(yearly) == CampaignStatus.OPEN


def test_the_job_is_registered_with_the_worker():
    jobs.autodiscover()
    job = jobs.REGISTRY["surveys.close_complaint_surveys"]
    assert job.every <= datetime.timedelta(hours=1)
