"""Demo data of prevention (issue 22 §"Done when"): signals in every state and class, repeats, a year of assessments."""

from __future__ import annotations

import datetime

import pytest

from kesu.demo.tests.conftest import TODAY
from kesu.prevention.models import Assessment, GroupMember, RepeatFlag, SpecialMeeting, WarningSignal

pytestmark = pytest.mark.django_db


def test_signals_in_every_state_and_class_groups_meetings_repeats_and_a_year_of_assessments(demo_data):
    signals = WarningSignal.objects.all()
    assert {s.warning_class for s in signals} == {"a", "b", "c"}
    assert {s.status for s in signals} == {"identifying", "diagnosing", "preventing", "closed"}
    assert {s.outcome for s in signals if s.status == "closed"} == {"resolved", "complaint", "no_risk"}
    assert all(s.complaint_id for s in signals if s.outcome == "complaint")
    assert GroupMember.objects.filter(group__kind="leadership").exists()
    assert SpecialMeeting.objects.exists()
    assert RepeatFlag.objects.count() > 100
    months = set(Assessment.objects.values_list("period_start", flat=True))
    assert len(months) == 13
    assert Assessment.objects.filter(status="confirmed").exists() and Assessment.objects.filter(status="draft").exists()
    assert any("泵" in s.observed for s in signals)


def test_only_the_last_months_repeats_are_announced(demo_data, monkeypatch):
    # 2,000 notices of year-old repeats would bury the demo's inboxes (the demo's own hooks never run in this
    # package's rolled-back transaction, so what the demo asks for is recorded instead).
    from kesu.prevention import demo as prevention_demo

    asked = []
    monkeypatch.setattr(prevention_demo, "flag_repeat", lambda complaint, announce: asked.append(
        (complaint.received_at, announce)))
    company = demo_data.companies[0]
    prevention_demo._repeats(demo_data, company)
    month_before = datetime.datetime.combine(TODAY - datetime.timedelta(days=30), datetime.time(0, 0),
                                             tzinfo=company.tz)
    assert len(asked) > 300
    assert {announce for _at, announce in asked} == {True, False}
    assert all(announce == (at >= month_before) for at, announce in asked)
