"""Effectiveness on later shipments, the complaint closing rule, deadlines on the calendar, escalation, NCRs."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionFormat, ActionStatus, NcrStatus, SourceKind, Step
from kesu.capa.models import ActionEscalation, ActionStep, CustomerCapaRule
from kesu.capa.tests.factories import move, prevent, raise_action, walk_to
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import act, at, bring_to, category, create_complaint
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.django_db
S = ActionStatus


def _effectiveness_action(people):
    customer = CustomerFactory(company=people.company)
    part = PartFactory(company=people.company)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        action = walk_to(S.EFFECTIVENESS, people, customer=customer, category=category(people.company),
                         parts=[part])
    prevent(action, people)
    return action, customer, part


def test_an_action_closes_only_after_the_later_shipments_passed(people):
    action, customer, part = _effectiveness_action(people)
    assert action.effectiveness_shipments == 2
    ShipmentFactory(customer=customer, part=part, ship_date=datetime.date(2026, 3, 1))  # before verification
    ShipmentFactory(customer=customer, part=part, ship_date=datetime.date(2026, 3, 10))
    with pytest.raises(TransitionRefused) as refused:
        move(action, "close", people)
    assert refused.value.field == "effectiveness" and "2" in refused.value.message and "1" in refused.value.message
    ShipmentFactory(customer=customer, part=part, ship_date=datetime.date(2026, 3, 17))
    assert move(action, "close", people).status == S.CLOSED


def test_a_new_complaint_of_the_same_part_and_category_blocks_closing(people):
    action, customer, part = _effectiveness_action(people)
    for day in (10, 17):
        ShipmentFactory(customer=customer, part=part, ship_date=datetime.date(2026, 3, day))
    with time_machine.travel(at(2026, 3, 12, 9, 0), tick=False):
        again = create_complaint(people[Role.SALESPERSON], customer=customer, part=part,
                                 category=category(people.company))
    with pytest.raises(TransitionRefused) as refused:
        move(action, "close", people)
    assert again.number in refused.value.message
    # QA may still close on other evidence, with a reason; half of it is refused.
    with pytest.raises(TransitionRefused) as refused:
        move(action, "close", people, effectiveness_evidence="客户审核通过")
    assert refused.value.field == "effectiveness_reason"
    closed = move(action, "close", people, effectiveness_evidence="客户审核通过", effectiveness_reason="新投诉为包装问题")
    assert closed.status == S.CLOSED and closed.effectiveness_reason


def test_a_customer_rule_sets_format_deadlines_and_shipments(people):
    customer = CustomerFactory(company=people.company)
    CustomerCapaRule.objects.create(company=people.company, customer=customer, format=ActionFormat.SIMPLE,
                                    step_days={"cause": 2}, effectiveness_shipments=3)
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        action = raise_action(people, customer=customer, format="")
    assert action.format == ActionFormat.SIMPLE and action.effectiveness_shipments == 3
    cause = ActionStep.objects.get(action=action, step=Step.CAUSE)
    assert cause.due_at == at(2026, 10, 8, 10, 0)  # 2 working days: Sep 30, then Oct 8 after National Day


def test_8d_steps_fall_due_in_working_days_across_spring_festival(people):
    with time_machine.travel(at(2026, 2, 13, 16, 0), tick=False):
        action = raise_action(people)
    due = {s.step: s.due_at for s in action.steps.all()}
    assert due[Step.D0] == at(2026, 2, 14, 16, 0)  # the make-up Saturday works
    assert due[Step.D2] == at(2026, 2, 24, 16, 0)  # then nine days of holiday
    assert due[Step.D4] == at(2026, 3, 2, 16, 0)  # counting the make-up Saturday 28 Feb


def test_overdue_steps_escalate_once_per_level_and_idempotently(people):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        action = raise_action(people)
    assert services.action_escalate_overdue(now=at(2026, 3, 3, 10, 0)) == 2  # D0 and D1 are due 3 Mar 9:00
    assert services.action_escalate_overdue(now=at(2026, 3, 3, 10, 0)) == 0
    assert services.action_escalate_overdue(now=at(2026, 3, 3, 11, 0)) == 0  # the next level waits its interval
    first = ActionEscalation.objects.get(action=action, step__step=Step.D0)
    assert first.level == 1 and first.chain_step == "owner"
    assert list(first.recipients.all()) == [people[Role.PRODUCTION]]


def test_the_steps_due_dates_and_owners_can_be_changed_by_qa_only(people):
    action = raise_action(people)
    new_due = at(2026, 12, 1, 17, 0)
    step = services.action_step_update(actor=people[Role.QA], action=action, step=Step.D4,
                                       owner=people[Role.ENGINEERING], due_at=new_due)
    assert step.due_at == new_due and step.owner == people[Role.ENGINEERING]
    with pytest.raises(PermissionDenied):
        services.action_step_update(actor=people[Role.PRODUCTION], action=action, step=Step.D4,
                                    owner=people[Role.PRODUCTION], due_at=new_due)


def test_a_complaint_needing_corrective_action_closes_only_after_its_action_is_approved(people):
    complaint = bring_to(Status.REMEDY_DONE, people)
    close = {"needs_corrective_action": True}
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "close", people, **close)
    assert refused.value.field == "needs_corrective_action"
    production = people[Role.PRODUCTION]
    complaint.responsible_department = production.department
    action = services.action_raise_from_complaint(actor=people[Role.QA], complaint=complaint,
                                                  data={"owner": production})
    assert action.origin == SourceKind.COMPLAINT and action.links.get().label == complaint.number
    with pytest.raises(TransitionRefused):
        act(complaint, "close", people, **close)
    from kesu.capa.tests.factories import plan

    action = move(plan(action, people), "submit_plan", people)
    move(action, "approve_plan", people)
    assert act(complaint, "close", people, **close).status == Status.CLOSED


def test_several_complaints_share_one_action_and_each_link_is_kept_once(people):
    first = create_complaint(people[Role.SALESPERSON])
    second = create_complaint(people[Role.SALESPERSON])
    action = raise_action(people, sources=[(SourceKind.COMPLAINT, first)])
    services.action_link(actor=people[Role.QA], action=action, kind=SourceKind.COMPLAINT, obj=second)
    assert sorted(action.links.values_list("label", flat=True)) == sorted([first.number, second.number])
    with pytest.raises(ValidationError):
        services.action_link(actor=people[Role.QA], action=action, kind=SourceKind.COMPLAINT, obj=second)


def test_numbers_follow_the_company_pattern(people):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        first, second = raise_action(people), raise_action(people)
    assert (first.number, second.number) == ("CA-2026-0001", "CA-2026-0002")


def test_a_nonconforming_report_is_issued_answered_and_verified(people):
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        ncr = services.ncr_issue(actor=qa, company=people.company, data={
            "quantity": 12, "description": "外壳划伤", "disposition": "rework",
            "responsible_department": production.department})
    assert ncr.number == "NCR-2026-0001" and ncr.answer_due_at == at(2026, 10, 9, 10, 0)  # after National Day
    with pytest.raises(PermissionDenied):
        services.ncr_answer(actor=people[Role.ENGINEERING], ncr=ncr, cause="x", measures="y")
    with pytest.raises(ValidationError) as error:
        services.ncr_answer(actor=production, ncr=ncr, cause="", measures="加隔板")
    assert "cause" in error.value.message_dict
    ncr = services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures="加隔板")
    with pytest.raises(ValidationError) as error:
        services.ncr_verify(actor=qa, ncr=ncr, result="not_effective")
    assert "verification_note" in error.value.message_dict
    back = services.ncr_verify(actor=qa, ncr=ncr, result="not_effective", note="仍有划伤")
    assert back.status == NcrStatus.ISSUED
    services.ncr_answer(actor=production, ncr=back, cause="周转碰撞", measures="加隔板并培训")
    assert services.ncr_verify(actor=qa, ncr=back, result="effective").status == NcrStatus.VERIFIED
    with pytest.raises(PermissionDenied):
        services.ncr_issue(actor=production, company=people.company, data={})


def test_the_department_is_told_of_a_new_action_and_qa_of_a_submitted_plan(people,
                                                                           django_capture_on_commit_callbacks):
    from kesu.capa.tests.factories import plan
    from kesu.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        action = raise_action(people)
    assert Notification.objects.filter(recipient=people[Role.PRODUCTION], event="action_raised").exists()
    plan(action, people)
    with django_capture_on_commit_callbacks(execute=True):
        move(action, "submit_plan", people)
    told = Notification.objects.get(recipient=people[Role.QA], event="action_transitioned")
    assert action.number in told.title
