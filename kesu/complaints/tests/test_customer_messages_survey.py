"""The post-closure survey (issue 23 §4; ISO 10002 §8.5, seed 000 §4.3.3.2): sent once on closure by link,
a low score raises one corrective action, the answers feed the complaint handling satisfaction indicator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kesu.accounts.roles import Role
from kesu.capa.models import CorrectiveAction
from kesu.complaints.choices import Status, TimelineKind
from kesu.complaints.tests.factories import People, act, bring_to, create_complaint
from kesu.customers.models import Contact
from kesu.customers.tests.factories import CustomerFactory
from kesu.notifications.models import OutboxMail
from kesu.reports.choices import Kpi
from kesu.reports.kpis import kpi_values
from kesu.surveys import complaint_survey
from kesu.surveys.choices import CampaignKind, CampaignStatus
from kesu.surveys.models import Answer, Campaign, SurveyTemplate
from kesu.surveys.tests.factories import ask_after_closure

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    people = People(company_a)
    people[Role.QA]  # who takes survey actions (the survey settings' fallback)
    return people


@pytest.fixture
def template(people, company_a) -> SurveyTemplate:
    return ask_after_closure(company_a)


def _closed(people, company, capture, email="chen@customer.example", language="zh-hans"):
    customer = CustomerFactory(company=company)
    contact = Contact.objects.create(company=company, customer=customer, name="陈经理", email=email,
                                     language=language)
    with capture(execute=True):
        complaint = create_complaint(people[Role.SALESPERSON], customer=customer, contact=contact)
        return bring_to(Status.CLOSED, people, complaint=complaint)


def _token() -> str:
    mail = OutboxMail.objects.get(body__contains="/s/")
    return mail.body.split("/s/")[1].split("/")[0]


def _answer(client, template, capture, lowest: bool):
    data = {}
    for section in template.sections.all():
        for item in section.items.all():
            data[f"item_{item.pk}"] = str(len(item.options) - 1 if lowest else 0)
    with capture(execute=True):
        response = client.post(reverse("survey_link", args=[_token()]), data)
    assert 'id="thanks"' in response.content.decode()
    return Answer.objects.get()


def test_closing_a_complaint_sends_its_contact_the_survey_once(
        people, company_a, template, django_capture_on_commit_callbacks):
    complaint = _closed(people, company_a, django_capture_on_commit_callbacks)
    survey = Campaign.objects.get(complaint=complaint)
    assert (survey.kind, survey.status, survey.template) == (CampaignKind.COMPLAINT, CampaignStatus.OPEN, template)
    invitation = survey.recipients.get().invitations.get()
    assert invitation.email == "chen@customer.example" and invitation.sent_at is not None
    assert OutboxMail.objects.filter(to="chen@customer.example", body__contains="/s/").count() == 1
    with translation.override("zh-hans"):
        note = complaint_survey._("Satisfaction survey sent to %(to)s.") % {"to": "chen@customer.example"}
    assert complaint.timeline.filter(kind=TimelineKind.NOTE, summary=note).count() == 1
    # The signal again, or the complaint reopened and closed again: still one survey.
    complaint_survey.on_complaint_transitioned(None, complaint=complaint, old_status=Status.REMEDY_DONE,
                                               new_status=Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = act(complaint, "reopen", people)
        complaint = bring_to(Status.CLOSED, people, complaint=complaint)
    assert Campaign.objects.filter(complaint=complaint).count() == 1
    assert OutboxMail.objects.filter(body__contains="/s/").count() == 1


def test_a_traditional_chinese_contact_reads_the_whole_survey_mail_subject_in_traditional_chinese(
        people, company_a, template, django_capture_on_commit_callbacks):
    complaint = _closed(people, company_a, django_capture_on_commit_callbacks, language="zh-hant")
    mail = OutboxMail.objects.get(body__contains="/s/")
    with translation.override("zh-hant"):
        title = translation.gettext("Complaint %(number)s: handling satisfaction") % {"number": complaint.number}
        expected = translation.gettext("Customer satisfaction survey: %(name)s") % {"name": title}
    assert mail.subject == expected
    # The campaign keeps its name in the installation's language for staff.
    with translation.override("zh-hans"):
        assert Campaign.objects.get(complaint=complaint).name == translation.gettext(
            "Complaint %(number)s: handling satisfaction") % {"number": complaint.number}


def test_no_survey_is_sent_when_the_company_chose_no_template(people, company_a, django_capture_on_commit_callbacks):
    complaint = _closed(people, company_a, django_capture_on_commit_callbacks)
    assert not Campaign.objects.filter(complaint=complaint).exists()


def test_a_low_score_raises_one_corrective_action_and_feeds_the_indicator(
        client, people, company_a, template, django_capture_on_commit_callbacks):
    complaint = _closed(people, company_a, django_capture_on_commit_callbacks)
    answer = _answer(client, template, django_capture_on_commit_callbacks, lowest=True)
    assert answer.score < Decimal("80")
    assert CorrectiveAction.objects.filter(company=company_a).count() == 1
    complaint_survey.complaint_survey_answered(answer)  # the signal again
    assert CorrectiveAction.objects.filter(company=company_a).count() == 1
    assert complaint.timeline.filter(kind=TimelineKind.NOTE, summary__contains=str(answer.score)).exists()
    today = timezone.localtime(timezone.now(), company_a.tz).date()
    values = kpi_values(company_a, today.replace(day=1), today)
    assert values[Kpi.COMPLAINT_SATISFACTION] == answer.score.quantize(Decimal("0.01"))
    # The yearly surveys' score is a different indicator: the post-closure answers stay out of it.
    assert values[Kpi.SATISFACTION] is None


def test_a_good_score_raises_nothing(client, people, company_a, template, django_capture_on_commit_callbacks):
    _closed(people, company_a, django_capture_on_commit_callbacks)
    answer = _answer(client, template, django_capture_on_commit_callbacks, lowest=False)
    assert answer.score >= Decimal("80")
    assert not CorrectiveAction.objects.filter(company=company_a).exists()
