"""The corrective-action workflow (issue 4 §4): the whole table, its refusals and its rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionFormat, ActionStatus, Step
from kesu.capa.models import ActionStep
from kesu.capa.tests.factories import implement, move, plan, prevent, raise_action, walk_to
from kesu.capa.workflow import ROWS, TRANSITIONS
from kesu.core.services import TransitionRefused

pytestmark = pytest.mark.django_db

S = ActionStatus
# For every row of the table: (status it starts from, inputs that satisfy it, how to prepare).
HAPPY = {
    ("planning", "submit_plan"): {},
    ("plan_submitted", "approve_plan"): {},
    ("plan_submitted", "return_plan"): {"reason": "D4 原因不充分"},
    ("implementing", "report_implemented"): {},
    ("implemented", "verify"): {},
    ("implemented", "reject_implementation"): {"reason": "验证数据不足"},
    ("effectiveness", "close"): {"effectiveness_evidence": "客户审核报告", "effectiveness_reason": "无后续发货"},
    ("effectiveness", "not_effective"): {"reason": "问题再次发生"},
}


def _ready(status: str, people):
    action = walk_to(status, people)
    if status == S.PLANNING:
        plan(action, people)
    if status == S.IMPLEMENTING:
        implement(action, people)
    if status == S.EFFECTIVENESS:
        prevent(action, people)
    return action


def test_the_table_has_a_test_for_every_row():
    rows = {key for key in TRANSITIONS if key[1] != "cancel"}
    assert rows == set(HAPPY)
    assert {row.name for row in ROWS} == {name for _s, name in HAPPY} | {"cancel"}


@pytest.mark.parametrize(("source", "name"), sorted(HAPPY))
def test_each_step_moves_the_action_where_the_table_says(source, name, people):
    action = _ready(source, people)
    moved = move(action, name, people, **HAPPY[(source, name)])
    assert moved.status == TRANSITIONS[(source, name)].target
    assert moved.changes.last().name == name


@pytest.mark.parametrize(("source", "name"), sorted(HAPPY))
def test_each_step_is_refused_to_a_role_the_table_does_not_name(source, name, people):
    action = _ready(source, people)
    with pytest.raises(TransitionRefused) as refused:
        move(action, name, people, actor=people[Role.FINANCE], **HAPPY[(source, name)])
    assert refused.value.code == TransitionRefused.WRONG_ROLE


@pytest.mark.parametrize(("source", "name"), [k for k in sorted(HAPPY) if TRANSITIONS[k].required])
def test_a_required_input_missing_is_refused_naming_it(source, name, people):
    action = _ready(source, people)
    with pytest.raises(TransitionRefused) as refused:
        move(action, name, people)
    assert refused.value.code == TransitionRefused.MISSING_FIELD
    assert refused.value.field == TRANSITIONS[(source, name)].required[0]


def test_a_step_from_the_wrong_state_is_refused_with_the_status_named(people):
    action = raise_action(people)
    with pytest.raises(TransitionRefused) as refused:
        move(action, "approve_plan", people)
    assert refused.value.code == TransitionRefused.WRONG_STATE
    assert "Planning" in refused.value.message and refused.value.http_status == 409


@pytest.mark.parametrize("status", [S.PLANNING, S.PLAN_SUBMITTED, S.IMPLEMENTING, S.IMPLEMENTED, S.EFFECTIVENESS])
def test_qa_or_the_gm_may_cancel_any_open_action_with_a_reason(status, people):
    action = walk_to(status, people)
    assert move(action, "cancel", people, actor=people[Role.GM], reason="客户取消订单").status == S.CANCELLED


def test_an_incomplete_8d_plan_is_refused_discipline_by_discipline(people):
    action = raise_action(people)
    with pytest.raises(TransitionRefused) as refused:
        move(action, "submit_plan", people)
    assert refused.value.field == "team" and "D1" in refused.value.message
    plan(action, people)
    assert move(action, "submit_plan", people).status == S.PLAN_SUBMITTED
    # Submitting completes the planning disciplines.
    done = set(ActionStep.objects.filter(action=action, done_at__isnull=False).values_list("step", flat=True))
    assert done == {Step.D0, Step.D1, Step.D2, Step.D3, Step.D4, Step.D5}


def test_the_simple_form_needs_cause_and_action(people):
    action = raise_action(people, fmt=ActionFormat.SIMPLE)
    with pytest.raises(TransitionRefused) as refused:
        move(action, "submit_plan", people)
    assert refused.value.field == "cause"
    assert list(action.steps.values_list("step", flat=True).order_by("due_at", "id")) == [
        Step.PROBLEM, Step.CAUSE, Step.ACTION, Step.VERIFICATION]


def test_implementation_and_validation_are_needed_before_qa_verifies(people):
    action = walk_to(S.IMPLEMENTING, people)
    with pytest.raises(TransitionRefused) as refused:
        move(action, "report_implemented", people)
    assert "D6" in refused.value.message


def test_another_department_may_not_plan_or_edit(people, make_user):
    action = raise_action(people)
    engineer = people[Role.ENGINEERING]
    with pytest.raises(PermissionDenied):
        services.action_section_save(actor=engineer, action=action, section="d2", data={"what": "x"})
    plan(action, people)
    with pytest.raises(TransitionRefused) as refused:
        move(action, "submit_plan", people, actor=engineer)
    assert refused.value.field == "responsible_department"


def test_sections_open_and_close_with_the_status(people):
    action = walk_to(S.IMPLEMENTING, people)
    with pytest.raises(ValidationError) as error:
        services.action_section_save(actor=people[Role.PRODUCTION], action=action, section="d4",
                                     data={"occurrence_cause": "改"})
    assert "section" in error.value.message_dict
    # Containment may still be updated while implementing.
    services.action_section_save(actor=people[Role.PRODUCTION], action=action, section="d3", data={"containment": [
        {"location": "customer", "quantity_checked": 100, "quantity_bad": 0}]})


def test_bad_rows_are_refused_naming_row_and_field_and_nothing_is_half_saved(people):
    action = raise_action(people)
    who = people[Role.PRODUCTION]
    with pytest.raises(ValidationError) as error:
        services.action_section_save(actor=who, action=action, section="d3", data={"containment": [
            {"location": "in_house", "quantity_checked": 10, "quantity_bad": 2},
            {"location": "nowhere", "quantity_checked": 10, "quantity_bad": 2}]})
    assert "containment[1].location" in error.value.message_dict
    assert not action.containment.exists()
    with pytest.raises(ValidationError) as error:
        services.action_section_save(actor=who, action=action, section="d1", data={"team": [
            {"user": who, "is_leader": False}]})
    assert "team" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.action_section_save(actor=who, action=action, section="d2", data={"colour": "red"})
    assert "colour" in error.value.message_dict


def test_not_effective_starts_a_new_planning_round(people):
    action = walk_to(S.EFFECTIVENESS, people)
    again = move(action, "not_effective", people, reason="同一问题再次发生")
    assert again.status == S.PLANNING and again.cycle == 2 and again.verified_at is None
    open_steps = set(ActionStep.objects.filter(action=action, done_at__isnull=True).values_list("step", flat=True))
    assert {Step.D4, Step.D5, Step.D6, Step.D7, Step.D8} <= open_steps


def test_two_users_acting_at_once_cannot_both_win(people):
    action = walk_to(S.PLAN_SUBMITTED, people)
    stale = type(action).objects.get(pk=action.pk)
    move(action, "approve_plan", people)
    with pytest.raises(TransitionRefused) as refused:
        move(stale, "return_plan", people, reason="x")
    assert refused.value.code == TransitionRefused.STALE
