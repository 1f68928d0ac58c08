"""Demo data of prevention (issue 22 §"Done when"): signals in every state and class, repeats, a year of assessments."""

from __future__ import annotations

import pytest

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
    assert RepeatFlag.objects.exists()
    months = set(Assessment.objects.values_list("period_start", flat=True))
    assert len(months) == 13
    assert Assessment.objects.filter(status="confirmed").exists() and Assessment.objects.filter(status="draft").exists()
    assert any("泵" in s.observed for s in signals)
