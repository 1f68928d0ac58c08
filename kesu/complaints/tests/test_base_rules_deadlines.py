"""When each complaint deadline starts and falls due (seed 004 §6, 000 §4.1.2, 002; design §11 "Within N working
days" / "Within N hours"), the first response that stops the reply clock, and what a closed complaint refuses.

Hand-worked on March 2026 (no holidays): a complaint received Mon 2 Mar 09:00; QA's and the departments' clocks
start when their step is taken, Thu 5 Mar 14:00.
- counted from receipt: passing on 1 working day → Tue 3 Mar 09:00; the reply 24 calendar hours → Tue 3 Mar
  09:00; the sales remedy 48 hours → Wed 4 Mar 09:00; closure 10 working days → Mon 16 Mar 09:00;
- counted from the step: QA's opinion 1 working day (minor, general) → Fri 6 Mar 14:00, 2 (major, severe) → Mon
  9 Mar 14:00; the department's answer 2 → Mon 9 Mar 14:00; the GM's approval of the initial report 1 → Fri 6 Mar.
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import DeadlineKind, Severity, Status
from kesu.complaints.models import Deadline, TimelineEntry
from kesu.complaints.tests.factories import People, act, at, bring_to, create_complaint

pytestmark = pytest.mark.django_db

RECEIVED = at(2026, 3, 2, 9, 0)
STEP = at(2026, 3, 5, 14, 0)


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def complaint(people):
    with time_machine.travel(RECEIVED, tick=False):
        return create_complaint(people[Role.SALESPERSON])


@pytest.mark.parametrize(("kind", "start", "due"), [
    ("pass_on", RECEIVED, at(2026, 3, 3, 9, 0)),
    ("reply", RECEIVED, at(2026, 3, 3, 9, 0)),
    ("sales_remedy", RECEIVED, at(2026, 3, 4, 9, 0)),
    ("closure", RECEIVED, at(2026, 3, 16, 9, 0)),
    ("department_answer", STEP, at(2026, 3, 9, 14, 0)),
    ("initial_report_approval", STEP, at(2026, 3, 6, 14, 0)),
])
def test_each_deadline_kind_starts_and_falls_due_as_the_procedure_says(complaint, kind, start, due):
    # The kind as it is stored (a plain string), with the company's own settings and calendar.
    begins, deadline = services.deadline_due(kind, complaint, STEP)
    assert (begins, deadline.at) == (start, due)


@pytest.mark.parametrize(("severity", "due"), [
    (Severity.MINOR, at(2026, 3, 6, 14, 0)), (Severity.GENERAL, at(2026, 3, 6, 14, 0)),
    (Severity.MAJOR, at(2026, 3, 9, 14, 0)), (Severity.SEVERE, at(2026, 3, 9, 14, 0))])
def test_qa_gives_its_opinion_in_one_working_day_or_two_when_major_or_severe(complaint, severity, due):
    complaint.severity = severity
    begins, deadline = services.deadline_due("qa_opinion", complaint, STEP)
    assert (begins, deadline.at) == (STEP, due)


def test_the_deadlines_registered_with_the_complaint_are_the_ones_computed_again_from_their_stored_kind(complaint):
    stored = list(Deadline.objects.filter(complaint=complaint))
    assert {d.kind for d in stored} == {"pass_on", "reply", "closure"}
    for deadline in stored:
        _start, due = services.deadline_due(deadline.kind, complaint, STEP)
        assert (deadline.started_at, deadline.due_at) == (RECEIVED, due.at), deadline.kind


@pytest.mark.parametrize("kind", ["acknowledgement", "warranty_claim"])
def test_a_deadline_kind_the_procedure_does_not_know_is_refused(complaint, kind):
    with pytest.raises(ValueError, match=kind):
        services.deadline_due(kind, complaint, STEP)


def test_hours_in_calendar_time_are_never_provisional_while_working_days_in_an_unpublished_year_are(people):
    from kesu.core.tests.calendar_state import forget_calendar_year

    forget_calendar_year(2027)
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        complaint = create_complaint(people[Role.SALESPERSON])
    reply = Deadline.objects.get(complaint=complaint, kind=DeadlineKind.REPLY)
    pass_on = Deadline.objects.get(complaint=complaint, kind=DeadlineKind.PASS_ON)
    assert (reply.due_at, reply.provisional) == (at(2027, 3, 2, 9, 0), False)
    assert pass_on.provisional is True


# -- the first response (design §11) ---------------------------------------------------------------------------


def test_the_first_outgoing_contact_by_a_person_stops_the_reply_clock_and_later_ones_do_not_move_it(people,
                                                                                                 complaint):
    sales = people[Role.SALESPERSON]
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        services.communication_log(actor=None, complaint=complaint, direction="out", channel="email",
                                   summary="自动回执：已收到您的投诉")
    complaint.refresh_from_db()
    assert complaint.first_response_at is None  # an automatic message is not a response by a person
    with time_machine.travel(at(2026, 3, 2, 14, 0), tick=False):
        services.communication_log(actor=sales, complaint=complaint, direction="out", channel="phone",
                                   summary="已电话联系客户")
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        services.communication_log(actor=sales, complaint=complaint, direction="out", channel="phone",
                                   summary="再次电话确认数量")
    complaint.refresh_from_db()
    assert complaint.first_response_at == at(2026, 3, 2, 14, 0)
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.REPLY).met_at == at(2026, 3, 2, 14, 0)


# -- the timeline and closed complaints --------------------------------------------------------------------------


def test_a_timeline_entry_keeps_at_most_twenty_thousand_characters(people, complaint):
    whole = services.note_add(actor=people[Role.SALESPERSON], complaint=complaint, text="划" * 20000)
    cut = services.note_add(actor=people[Role.SALESPERSON], complaint=complaint, text="伤" * 20001)
    assert len(TimelineEntry.objects.get(pk=whole.pk).summary) == 20000
    assert TimelineEntry.objects.get(pk=cut.pk).summary == "伤" * 20000


def test_a_cancelled_complaint_can_no_longer_be_changed_and_says_so(people, english):
    complaint = bring_to(Status.CANCELLED, people)
    with pytest.raises(ValidationError) as error:
        services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="exchange", quantity=1)
    assert error.value.message_dict["status"] == ["The complaint is Cancelled; it can no longer be changed."]


def test_a_status_change_on_the_timeline_is_internal_unless_said_otherwise(people, complaint):
    act(complaint, "acknowledge", people)
    step = TimelineEntry.objects.get(complaint=complaint, kind="transition")
    told = TimelineEntry.objects.filter(complaint=complaint, kind="communication", direction="out").get()
    # The step itself is for the staff; what the customer was told is the outgoing communication beside it.
    assert (step.internal, told.internal) == (True, False)
