"""The work registry (issue 16 §1): who a complaint waits for, derived from its state and deadlines."""

from __future__ import annotations

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People, act, at, bring_to, create_complaint
from kesu.core import work

pytestmark = pytest.mark.django_db


def _keys(user, scope="mine"):
    return [(item.number, item.action) for item in work.queue(user, scope).items]


def test_a_new_complaint_waits_for_its_owner_to_acknowledge_it(company_a):
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    complaint = create_complaint(sales)
    assert _keys(sales) == [(complaint.number, "acknowledge")]
    assert _keys(people[Role.QA]) == []


def test_an_escalated_complaint_leaves_sales_and_reaches_qa_of_its_company(company_a, company_b):
    people = People(company_a)
    complaint = bring_to("qa_investigation", people, escalated=True)
    assert _keys(people[Role.QA]) == [(complaint.number, "investigate")]
    assert _keys(people[Role.SALESPERSON]) == []
    assert _keys(People(company_b)[Role.QA]) == []


def test_the_initial_report_waits_for_the_gm_and_the_instruction_for_the_department(company_a):
    people = People(company_a)
    complaint = bring_to("qa_investigation", people, escalated=True,
                         assess={"severity": "severe", "warning_class": "c"})
    act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    complaint.refresh_from_db()
    act(complaint, "submit_initial_report", people)
    complaint.refresh_from_db()
    assert _keys(people[Role.GM]) == [(complaint.number, "approve_initial_report")]
    act(complaint, "approve_initial_report", people)
    complaint.refresh_from_db()
    act(complaint, "instruct_department", people)
    assert _keys(people[Role.PRODUCTION]) == [(complaint.number, "record_department_answer")]
    assert _keys(people[Role.GM]) == []
    assert _keys(people[Role.QA]) == []  # QA waits for the answer
    assert _keys(people[Role.QA], "department") == []


def test_waiting_for_names_the_people_who_take_the_step(company_a):
    people = People(company_a)
    qa = people[Role.QA]
    complaint = bring_to("qa_investigation", people, escalated=True)
    [item] = work.waiting_for(complaint)
    assert item.action == "investigate" and item.assignee is None
    assert work.resolve_users(item) == [qa]
    fresh = create_complaint(people[Role.SALESPERSON])
    [item] = work.waiting_for(fresh)
    assert work.resolve_users(item) == [people[Role.SALESPERSON]]


def test_the_queue_puts_overdue_first_and_says_the_time_left_in_working_time(company_a):
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        older = create_complaint(sales)
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        newer = create_complaint(sales)
    with time_machine.travel(at(2026, 3, 5, 10), tick=False):
        found = work.queue(sales)
    assert [item.number for item in found.items] == [older.number, newer.number]
    assert [item.state for item in found.items] == ["overdue", "later"]
    assert found.items[0].css == "danger"
    assert found.counts.total == 2 and found.counts.overdue == 1


def test_time_left_counts_working_hours_only(company_a, english):
    from kesu.core.calendar import WorkingCalendar

    calendar = WorkingCalendar(company_a)
    # Friday 16:00 to Monday 10:00 is a weekend of calendar time but a few working hours.
    assert work._time_left(calendar, at(2026, 3, 6, 16), at(2026, 3, 9, 10)) == ("3 hours left", True)
    assert work._time_left(calendar, at(2026, 3, 6, 10), at(2026, 3, 4, 10)) == ("Overdue by 2 working days", True)
    assert work._time_left(calendar, at(2026, 3, 2, 10), at(2026, 3, 5, 10)) == ("3 working days left", False)


def test_a_head_sees_the_work_of_the_departments_they_head_as_their_team(company_a):
    from kesu.capa import services

    people = People(company_a)
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    department = production.department
    department.head = people[Role.ENGINEERING]
    department.save()
    head = people[Role.ENGINEERING]
    ncr = services.ncr_issue(actor=qa, company=company_a, data={
        "quantity": 3, "description": "毛刺", "disposition": "rework", "responsible_department": department})
    assert _keys(head, "department") == []
    assert _keys(head, "team") == [(ncr.number, "answer")]
    assert _keys(people[Role.SALESPERSON], "team") == []
