"""Deadlines (seed 004 §6, 000 §4.1.2, 002; design §11) with frozen clocks, their state, and escalation."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import DeadlineKind, DeadlineState, Severity, Status
from kesu.complaints.models import (
    ComplaintSettings,
    CustomerDeadlineOverride,
    Deadline,
    Escalation,
    TimelineEntry,
)
from kesu.complaints.selectors import complaint_deadline_state, deadline_state
from kesu.complaints.tests.factories import People, act, at, bring_to, create_complaint
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


def due(complaint, kind):
    return Deadline.objects.get(complaint=complaint, kind=kind, met_at__isnull=True, cancelled_at__isnull=True)


def received(people, when, **data):
    with time_machine.travel(when, tick=False):
        return create_complaint(people[Role.SALESPERSON], **data)


def test_passing_on_is_due_the_next_working_day_even_when_that_is_a_make_up_saturday(people):
    complaint = received(people, at(2026, 2, 13, 16, 0))
    assert due(complaint, DeadlineKind.PASS_ON).due_at == at(2026, 2, 14, 16, 0)


def test_a_complaint_received_after_hours_before_spring_festival_is_due_after_the_holiday(people):
    complaint = received(people, at(2026, 2, 14, 18, 0))  # after the make-up Saturday's working hours
    assert due(complaint, DeadlineKind.PASS_ON).due_at == at(2026, 2, 25, 8, 30)


def test_the_reply_is_due_in_24_calendar_hours_even_over_a_holiday(people):
    complaint = received(people, at(2026, 9, 30, 10, 0))
    assert due(complaint, DeadlineKind.REPLY).due_at == at(2026, 10, 1, 10, 0)


def test_a_company_with_working_hours_counts_the_reply_in_working_hours(people, company_a):
    ComplaintSettings.objects.create(company=company_a, hours_are_working_hours=True)
    complaint = received(people, at(2026, 9, 30, 10, 0))
    # 7.5 h left on 30 Sep, then 9 h on 8 Oct, 7.5 h on 9 Oct → 9 Oct 16:00.
    assert due(complaint, DeadlineKind.REPLY).due_at == at(2026, 10, 9, 16, 0)


def test_a_customer_may_have_its_own_durations(people, company_a):
    customer = CustomerFactory(company=company_a)
    CustomerDeadlineOverride.objects.create(company=company_a, customer=customer, pass_on_working_days=2,
                                            reply_hours=8)
    complaint = received(people, at(2026, 9, 30, 10, 0), customer=customer)
    assert due(complaint, DeadlineKind.PASS_ON).due_at == at(2026, 10, 9, 10, 0)
    assert due(complaint, DeadlineKind.REPLY).due_at == at(2026, 9, 30, 18, 0)


def test_the_sales_remedy_is_due_48_hours_after_receipt_when_not_escalated(people):
    complaint = received(people, at(2026, 9, 29, 9, 0))
    with time_machine.travel(at(2026, 9, 29, 11, 0), tick=False):
        complaint = bring_to(Status.SALES_HANDLING, people, complaint=complaint)
    assert due(complaint, DeadlineKind.SALES_REMEDY).due_at == at(2026, 10, 1, 9, 0)
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        act(complaint, "escalate_to_qa", people)
    # Escalated: QA owns it now, the sales clock stops.
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.SALES_REMEDY).cancelled_at is not None


@pytest.mark.parametrize(
    ("severity", "expected"),
    [(Severity.MINOR, at(2026, 10, 8, 10, 0)), (Severity.SEVERE, at(2026, 10, 9, 10, 0))],
)
def test_qa_gives_its_opinion_within_one_or_two_working_days_after_national_day(people, severity, expected):
    complaint = received(people, at(2026, 9, 30, 8, 45))
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        complaint = bring_to(Status.QA_INVESTIGATION, people, complaint=complaint, escalated=True,
                             assess={"severity": severity})
    assert due(complaint, DeadlineKind.QA_OPINION).due_at == expected


def test_the_department_answers_within_two_working_days_counting_the_make_up_saturday(people):
    complaint = received(people, at(2026, 10, 9, 9, 0))
    with time_machine.travel(at(2026, 10, 9, 15, 0), tick=False):
        complaint = bring_to(Status.QA_INVESTIGATION, people, complaint=complaint, escalated=True)
        act(complaint, "instruct_department", people)
    assert due(complaint, DeadlineKind.DEPARTMENT_ANSWER).due_at == at(2026, 10, 12, 15, 0)
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.QA_OPINION).met_at == at(2026, 10, 9, 15, 0)
    with time_machine.travel(at(2026, 10, 10, 11, 0), tick=False):
        act(complaint, "record_department_answer", people, actor=people[Role.PRODUCTION])
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.DEPARTMENT_ANSWER).met_at is not None


def test_a_deadline_in_a_year_without_a_published_calendar_is_provisional(people):
    from kesu.core.tests.calendar_state import forget_calendar_year

    forget_calendar_year(2027)  # the test's own state, whatever years the calendar package covers
    complaint = received(people, at(2026, 12, 31, 16, 0))
    pass_on = due(complaint, DeadlineKind.PASS_ON)
    assert pass_on.provisional is True


def test_a_person_acknowledging_meets_the_reply_deadline_and_assessment_meets_passing_on(people):
    complaint = received(people, at(2026, 3, 2, 9, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        act(complaint, "acknowledge", people)
        act(complaint, "assess", people)
    assert complaint.first_response_at == at(2026, 3, 2, 10, 0)
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.REPLY).met_at == at(2026, 3, 2, 10, 0)
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.PASS_ON).met_at == at(2026, 3, 2, 10, 0)


def test_an_outgoing_call_is_the_first_response(people):
    complaint = received(people, at(2026, 3, 2, 9, 0))
    with time_machine.travel(at(2026, 3, 2, 9, 30), tick=False):
        services.communication_log(actor=people[Role.SALESPERSON], complaint=complaint, direction="out",
                                   channel="phone", summary="已电话联系客户，确认不良数量")
    complaint.refresh_from_db()
    assert complaint.first_response_at == at(2026, 3, 2, 9, 30)
    assert Deadline.objects.get(complaint=complaint, kind=DeadlineKind.REPLY).met_at is not None


def test_closing_cancels_what_is_still_open(people):
    complaint = bring_to(Status.CLOSED, people)
    assert not Deadline.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True).exists()


def test_a_deadline_is_due_then_at_risk_then_overdue(people):
    complaint = received(people, at(2026, 3, 2, 9, 0))
    reply = due(complaint, DeadlineKind.REPLY)  # due 3 Mar 09:00, a 24-hour span
    assert deadline_state(reply, at(2026, 3, 2, 12, 0)) == DeadlineState.DUE
    assert deadline_state(reply, at(2026, 3, 3, 3, 0)) == DeadlineState.AT_RISK  # 6 h left = 25 %
    assert deadline_state(reply, at(2026, 3, 3, 9, 1)) == DeadlineState.OVERDUE
    assert complaint_deadline_state(complaint, at(2026, 3, 3, 9, 1)) == DeadlineState.OVERDUE


# -- escalation ----------------------------------------------------------------------------


def test_overdue_deadlines_escalate_up_the_chain_once_per_step(people, company_a):
    head = people[Role.SALES_DIRECTOR]
    sales = people[Role.SALESPERSON]
    sales.department.head = head
    sales.department.save()
    complaint = received(people, at(2026, 3, 2, 9, 0))  # pass on due 3 Mar 09:00, reply 3 Mar 09:00

    assert services.escalate_overdue(at(2026, 3, 3, 8, 0)) == 0
    assert services.escalate_overdue(at(2026, 3, 3, 9, 30)) == 2   # both overdue: step 1, the owner
    assert services.escalate_overdue(at(2026, 3, 3, 9, 31)) == 0   # idempotent
    assert services.escalate_overdue(at(2026, 3, 3, 12, 0)) == 0   # the next step waits its interval
    assert services.escalate_overdue(at(2026, 3, 4, 9, 30)) == 2   # step 2: the department head
    assert services.escalate_overdue(at(2026, 3, 5, 9, 30)) == 2   # step 3: the sales director
    assert services.escalate_overdue(at(2026, 3, 9, 9, 30)) == 0   # end of the chain

    pass_on = Deadline.objects.get(complaint=complaint, kind=DeadlineKind.PASS_ON)
    steps = list(Escalation.objects.filter(deadline=pass_on).order_by("level").values_list("level", "step"))
    assert steps == [(1, "owner"), (2, "department_head"), (3, "director")]
    first = Escalation.objects.get(deadline=pass_on, level=1)
    assert list(first.recipients.all()) == [sales]
    assert list(Escalation.objects.get(deadline=pass_on, level=3).recipients.all()) == [head]
    assert TimelineEntry.objects.filter(complaint=complaint, kind="escalation").count() == 6


def test_a_met_deadline_does_not_escalate(people):
    complaint = received(people, at(2026, 3, 2, 9, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        act(complaint, "acknowledge", people)
        act(complaint, "assess", people)
    assert services.escalate_overdue(at(2026, 3, 10, 9, 0)) == 0


def test_an_escalated_complaint_goes_to_the_gm_at_the_last_step(people, company_a):
    ComplaintSettings.objects.create(company=company_a, escalation_chain=["director"])
    gm = people[Role.GM]
    people[Role.SALES_DIRECTOR]
    complaint = received(people, at(2026, 3, 2, 9, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = bring_to(Status.QA_INVESTIGATION, people, complaint=complaint, escalated=True)
    services.escalate_overdue(at(2026, 3, 20, 9, 0))
    qa_opinion = Deadline.objects.get(complaint=complaint, kind=DeadlineKind.QA_OPINION)
    assert list(Escalation.objects.get(deadline=qa_opinion).recipients.all()) == [gm]


def test_the_escalation_job_is_registered_for_the_worker():
    from kesu.core.jobs import REGISTRY, autodiscover

    autodiscover()
    assert "complaints.escalate_overdue" in REGISTRY
    assert REGISTRY["complaints.escalate_overdue"].every == datetime.timedelta(minutes=5)
