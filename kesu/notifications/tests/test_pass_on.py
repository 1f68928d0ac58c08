"""Passing a complaint on within one working day (issue 18 §6, seed 004 §6.1): the salesperson's superior and the
sales assistant are told, not only the owner, and the step that tells them meets the pass-on deadline."""

from __future__ import annotations

import pytest
import time_machine

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.complaints.choices import DeadlineKind, TimelineKind
from kesu.complaints.services import TransitionRefused
from kesu.complaints.tests.factories import People, act, at, bring_to, create_complaint
from kesu.notifications.models import Notification, NotificationRule
from kesu.notifications.services import notification_rules_ensure_defaults

pytestmark = pytest.mark.django_db


def _told(complaint) -> set[str]:
    return set(Notification.objects.filter(title__contains=complaint.number, event="complaint_transitioned")
               .values_list("recipient__username", flat=True))


def test_the_initial_assessment_tells_the_superior_and_the_sales_assistant_and_meets_the_one_day_deadline(
        company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    sales, assistant = people[Role.SALESPERSON], people[Role.SALES_ASSISTANT]
    people[Role.REGIONAL_MANAGER]  # a regional manager too: the department's head is the superior first
    head = UserFactory(role=Role.SALES_DIRECTOR, company=company_a, username="A-head")
    Department.objects.filter(pk=sales.department_id).update(head=head)
    bystanders = {people[Role.QA].username, people[Role.FINANCE].username}
    # Received Monday 9 March 2026 10:00: passed on within one working day, i.e. by Tuesday 10 March 10:00.
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        complaint = bring_to("acknowledged", people)
    deadline = complaint.deadlines.get(kind=DeadlineKind.PASS_ON)
    assert deadline.due_at == at(2026, 3, 10, 10, 0)
    Notification.objects.all().delete()
    with time_machine.travel(at(2026, 3, 10, 9, 30), tick=False), django_capture_on_commit_callbacks(execute=True):
        act(complaint, "assess", people, actor=sales)
    told = _told(complaint)
    assert {head.username, assistant.username} <= told
    assert people[Role.REGIONAL_MANAGER].username not in told and not told & bystanders
    deadline.refresh_from_db()
    assert deadline.met_at == at(2026, 3, 10, 9, 30)
    note = complaint.timeline.filter(kind=TimelineKind.NOTE, summary__contains=head.display_name).get()
    assert assistant.display_name in note.summary


def test_without_a_department_head_the_regional_manager_is_the_superior(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    manager, assistant = people[Role.REGIONAL_MANAGER], people[Role.SALES_ASSISTANT]
    complaint = bring_to("acknowledged", people)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "assess", people, actor=people[Role.SALESPERSON])
    assert {manager.username, assistant.username} <= _told(complaint)


def test_other_steps_and_a_refused_assessment_tell_neither(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    manager, assistant = people[Role.REGIONAL_MANAGER], people[Role.SALES_ASSISTANT]
    complaint = create_complaint(people[Role.SALESPERSON])
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "acknowledge", people)
        # An assessment without its category is refused: nothing is passed on, the deadline stays open.
        with pytest.raises(TransitionRefused):
            act(complaint, "assess", people, category=None)
    assert not _told(complaint) & {manager.username, assistant.username}
    assert complaint.deadlines.get(kind=DeadlineKind.PASS_ON).met_at is None


def test_a_company_may_take_the_superior_and_assistant_off_the_rule(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    manager, assistant = people[Role.REGIONAL_MANAGER], people[Role.SALES_ASSISTANT]
    notification_rules_ensure_defaults(company_a)
    rule = NotificationRule.objects.get(company=company_a, event="complaint_transitioned")
    assert "pass_on" in rule.audience
    NotificationRule.objects.filter(pk=rule.pk).update(audience=["next_actor", "owner", "creator"])
    complaint = bring_to("acknowledged", people)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "assess", people, actor=people[Role.SALESPERSON])
    assert not _told(complaint) & {manager.username, assistant.username}
