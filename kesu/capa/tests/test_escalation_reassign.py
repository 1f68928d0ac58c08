"""Escalation of overdue CAPA steps that reassigns (issue 18 §12), on frozen clocks across working days.

Hand-worked times on the March 2026 calendar (no holidays): an 8D raised on Friday 6 March 09:00 has D0 and D1 due
one working day later, Monday 9 March 09:00 (Saturday and Sunday do not count, so nothing is overdue over the
weekend); D2 and D3 (two working days) fall due on Tuesday 10 March 09:00. Level 1 (the owner) is reached as soon as
a step is overdue, level 2 (the department head, or the second step of the company's chain) 24 hours after level 1
(the default interval): for D0 and D1 on Tuesday 10 March 09:30, when D2 and D3 reach level 1.
"""

from __future__ import annotations

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import SourceKind, Step
from kesu.capa.models import ActionEscalation, ActionStep
from kesu.capa.tests.factories import raise_action
from kesu.complaints.models import ComplaintSettings
from kesu.complaints.tests.factories import at, create_complaint
from kesu.core.models import AuditEntry
from kesu.customers.tests.factories import PartFactory

pytestmark = pytest.mark.django_db
FIRST_STEPS = {Step.D0, Step.D1}  # the two steps due Monday 9 March 09:00


def _raise_on_friday(people, **data):
    with time_machine.travel(at(2026, 3, 6, 9, 0), tick=False):
        return raise_action(people, **data)


def _escalate(*when: int) -> int:
    with time_machine.travel(at(*when), tick=False):
        return services.action_escalate_overdue()


def _owners(action) -> dict[str, str]:
    return dict(ActionStep.objects.filter(action=action).values_list("step", "owner__username"))


def _head_of_production(people):
    head = people.other(Role.PRODUCTION)
    department = people[Role.PRODUCTION].department
    department.head = head
    department.save()
    return head


def _system_owner_changes(step: ActionStep) -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(object_id=str(step.pk), content_type__model="actionstep",
                                                 action="update") if "owner" in e.changes]


def test_a_reassigning_level_makes_its_person_the_owner_of_the_overdue_steps(people, company_a):
    ComplaintSettings.objects.create(company=company_a, escalation_actions=["notify", "reassign"])
    owner = people[Role.PRODUCTION]
    head = _head_of_production(people)
    action = _raise_on_friday(people)
    assert {s.step: s.due_at for s in action.steps.filter(step__in=FIRST_STEPS)} == {
        Step.D0: at(2026, 3, 9, 9, 0), Step.D1: at(2026, 3, 9, 9, 0)}

    # Saturday and Monday 08:59: nothing is overdue yet.
    assert _escalate(2026, 3, 7, 12, 0) == 0
    assert _escalate(2026, 3, 9, 8, 59) == 0
    # Monday 09:30: level 1 (the owner) only notifies.
    assert _escalate(2026, 3, 9, 9, 30) == 2
    assert set(_owners(action).values()) == {owner.username}
    assert list(ActionEscalation.objects.filter(action=action, level=1).values_list(
        "reassigned_to", "reassigned_from")) == [(None, None), (None, None)]
    # Monday 20:00: level 2 waits its 24 hours.
    assert _escalate(2026, 3, 9, 20, 0) == 0

    # Tuesday 10 March 09:30: level 2, the department head, takes D0 and D1 over; D2 and D3 reach level 1.
    assert _escalate(2026, 3, 10, 9, 30) == 4
    owners = _owners(action)
    assert {step: owners[step] for step in FIRST_STEPS} == {Step.D0: head.username, Step.D1: head.username}
    assert {step for step, name in owners.items() if name == owner.username} == set(owners) - FIRST_STEPS
    moved = ActionEscalation.objects.filter(action=action, level=2).order_by("step__step")
    assert [(e.step.step, e.chain_step, e.reassigned_from, e.reassigned_to) for e in moved] == [
        (Step.D0, "department_head", owner, head), (Step.D1, "department_head", owner, head)]
    assert [list(e.recipients.all()) for e in moved] == [[head], [head]]

    # The audit trail has the owner change, by the system and nobody else.
    d0 = ActionStep.objects.get(action=action, step=Step.D0)
    [entry] = _system_owner_changes(d0)
    assert (entry.actor, entry.actor_name, entry.source) == (None, "", "system")
    assert entry.changes["owner"] == [f"{owner} (#{owner.pk})", f"{head} (#{head.pk})"]

    # Run again the same morning: already escalated, nothing more changes.
    assert _escalate(2026, 3, 10, 9, 30) == 0
    assert len(_system_owner_changes(d0)) == 1


def test_a_notify_only_level_reassigns_nothing(people, company_a):
    # The default: no actions configured, every level only notifies.
    owner = people[Role.PRODUCTION]
    head = _head_of_production(people)
    action = _raise_on_friday(people)
    assert _escalate(2026, 3, 9, 9, 30) == 2
    assert _escalate(2026, 3, 10, 9, 30) == 4  # D0, D1 at level 2; D2, D3 at level 1
    assert set(_owners(action).values()) == {owner.username}
    level_two = ActionEscalation.objects.filter(action=action, level=2)
    assert [list(e.recipients.all()) for e in level_two] == [[head], [head]]
    assert not ActionEscalation.objects.filter(action=action, reassigned_to__isnull=False).exists()
    d0 = ActionStep.objects.get(action=action, step=Step.D0)
    assert _system_owner_changes(d0) == []


def test_a_level_set_explicitly_to_notify_reassigns_nothing_even_after_a_reassigning_one(people, company_a):
    # Level 2 reassigns, level 3 (the director's step: the GM here) only notifies: the head keeps the steps.
    ComplaintSettings.objects.create(company=company_a, escalation_actions=["notify", "reassign", "notify"])
    head = _head_of_production(people)
    gm = people[Role.GM]
    action = _raise_on_friday(people)
    assert _escalate(2026, 3, 9, 9, 30) == 2
    assert _escalate(2026, 3, 10, 9, 30) == 4
    assert _escalate(2026, 3, 11, 9, 30) == 4  # Wednesday: D0, D1 at level 3; D2, D3 at level 2
    level_three = ActionEscalation.objects.filter(action=action, level=3)
    assert [(e.chain_step, list(e.recipients.all()), e.reassigned_to) for e in level_three] == [
        ("director", [gm], None), ("director", [gm], None)]
    owners = _owners(action)
    assert {owners[step] for step in (Step.D0, Step.D1, Step.D2, Step.D3)} == {head.username}


def test_the_responsible_engineer_of_the_actions_part_is_skipped_for_the_next_person(people, company_a):
    # Chain owner → GM; two general managers, ordered by user name: the first is the part's responsible engineer.
    ComplaintSettings.objects.create(company=company_a, escalation_chain=["owner", "gm"],
                                     escalation_actions=["notify", "reassign"])
    engineer, other_gm = people[Role.GM], people.other(Role.GM)
    assert engineer.username < other_gm.username
    part = PartFactory(company=company_a, responsible_engineer=engineer)
    action = _raise_on_friday(people, parts=[part])
    _escalate(2026, 3, 9, 9, 30)
    assert _escalate(2026, 3, 10, 9, 30) == 4
    owners = _owners(action)
    assert {owners[step] for step in FIRST_STEPS} == {other_gm.username}
    moved = ActionEscalation.objects.filter(action=action, level=2)
    assert {e.reassigned_to for e in moved} == {other_gm}
    # Both are still told: the conflict only keeps the work from the engineer.
    assert [sorted(u.username for u in e.recipients.all()) for e in moved] == [
        sorted([engineer.username, other_gm.username])] * 2


def test_the_person_who_caused_the_complaints_nonconformity_does_not_take_over_its_action(people, company_a):
    # The department head made the nonconformity of the complaint that raised the action: alone at level 2,
    # the level only notifies them.
    ComplaintSettings.objects.create(company=company_a, escalation_actions=["notify", "reassign"])
    owner = people[Role.PRODUCTION]
    head = _head_of_production(people)
    complaint = create_complaint(people[Role.SALESPERSON], responsible_person=head)
    action = _raise_on_friday(people, sources=[(SourceKind.COMPLAINT, complaint)])
    _escalate(2026, 3, 9, 9, 30)
    assert _escalate(2026, 3, 10, 9, 30) == 4  # D0, D1 at level 2; D2, D3 at level 1
    assert set(_owners(action).values()) == {owner.username}
    level_two = ActionEscalation.objects.filter(action=action, level=2)
    assert [(list(e.recipients.all()), e.reassigned_to) for e in level_two] == [([head], None), ([head], None)]
    assert _system_owner_changes(ActionStep.objects.get(action=action, step=Step.D0)) == []
