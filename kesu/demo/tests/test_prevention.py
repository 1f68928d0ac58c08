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
    # package's rolled-back transaction, so the company's flags are made again and what is announced recorded).
    from kesu.prevention import demo as prevention_demo
    from kesu.prevention import repeats

    company = demo_data.companies[0]
    flags = RepeatFlag.objects.filter(company=company)
    before = set(flags.values_list("complaint_id", flat=True))
    flags.delete()
    announced = []
    monkeypatch.setattr(repeats, "_announce", lambda flag, complaint, earlier: announced.append(complaint))
    prevention_demo._repeats(demo_data, company)
    month_before = datetime.datetime.combine(TODAY - datetime.timedelta(days=30), datetime.time(0, 0),
                                             tzinfo=company.tz)
    # (the demo's later steps add a few complaints after its repeats are flagged: flagged now too)
    assert before <= set(flags.values_list("complaint_id", flat=True)) and len(before) > 300
    assert announced and all(c.received_at >= month_before for c in announced)
    assert {c.pk for c in announced} == set(flags.filter(complaint__received_at__gte=month_before)
                                            .values_list("complaint_id", flat=True))
