"""A refused form comes back as it was filled (issue 17 §2): every typed value kept, every refused field named at
the top of the form and next to the field, its panel open, nothing saved — for records and workflow steps alike."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.models import AdHocMeeting
from kesu.complaints.tests.factories import People, bring_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


def _summary(html: str) -> str:
    found = re.search(r'<div class="alert alert-danger[^"]*form-refused".*?</div>\s*</div>|'
                      r'<div class="alert alert-danger[^"]*form-refused".*?</ul>', html, re.S)
    assert found, "no summary of the refused fields"
    return found.group(0)


def test_a_meeting_without_conclusions_keeps_the_attendees_and_times_typed_and_names_the_missing_field(people, login):
    complaint = bring_to(Status.QA_INVESTIGATION, people)
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    response = login(qa).post(reverse("complaints:record", args=[complaint.pk, "meeting"]), {
        "meeting-held_at": "2026-03-04T09:30", "meeting-attendees": [qa.pk, production.pk],
        "meeting-departments": [production.department_id], "meeting-conclusions": "",
        "meeting-actions": "生产部复查装配夹具"})
    assert response.status_code == 422
    html = response.content.decode()
    assert AdHocMeeting.objects.count() == 0
    # The panel is open and holds what was typed.
    assert re.search(r'<details class="card mb-2" id="record-meeting" open>', html)
    assert 'value="2026-03-04T09:30"' in html
    assert "生产部复查装配夹具" in html
    for user in (qa, production):
        assert re.search(rf'<option value="{user.pk}" selected>', html), user
    # The missing field is named at the top of the form and marked where it is.
    with translation.override("zh-hans"):
        label, required = gettext("conclusions"), gettext("This field is required.")
    summary = _summary(html)
    assert label in summary and required in summary
    assert re.search(r'<textarea[^>]*name="meeting-conclusions"[^>]*class="[^"]*is-invalid', html) or \
        re.search(r'<textarea[^>]*class="[^"]*is-invalid[^"]*"[^>]*name="meeting-conclusions"', html)


def test_a_refused_step_names_every_missing_field_keeps_the_rest_and_shows_the_step_first(people, login):
    complaint = bring_to(Status.ACKNOWLEDGED, people)
    response = login(people[Role.SALESPERSON]).post(
        reverse("complaints:transition", args=[complaint.pk, "assess"]),
        {"assess-severity": "major", "version": complaint.version})
    assert response.status_code == 422
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
    html = response.content.decode()
    panel = response.context["next_step"]
    assert [action.name for action in panel.first][:1] == ["assess"]
    assert panel.first[0].form.is_bound
    missing = {name for name, errors in panel.first[0].form.errors.items()}
    assert "category" in missing and "severity" not in missing
    assert re.search(r'<option value="major" selected>', html)
    summary = _summary(html)
    for name in missing:
        assert str(panel.first[0].form.fields[name].label) in summary

