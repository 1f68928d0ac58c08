"""The rules each corrective-action and nonconformance step checks (seed 000 §3.2–3.3, 003 §5.4.1; design §3, §11).

The responsible department plans and implements: a member of it, the action's owner, a member of its team or QA —
nobody else. An 8D plan is submitted only with D1 a team and its leader, D2 the problem, D3 a containment or an
emergency response, D4 both the cause of occurrence and of escape, D5 a permanent action; the simple form with a
cause and a corrective measure. QA never approves a plan it submitted. QA verifies only validated actions (the simple
form: how it was verified) and closes an 8D action only when something prevents recurrence (procedures, FMEA,
control plan, lessons learned or a prevention item) and effectiveness is shown — by later shipments, or by other
evidence together with the reason for using it. The nonconforming product report is answered by its responsible
department (or QA for it) with a cause and measures; returned or cancelled only with a reason.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionFormat, ActionStatus, ItemKind
from kesu.capa.models import ActionItem
from kesu.capa.tests.factories import implement, move, plan, raise_action, walk_to
from kesu.capa.workflow import CHECKS, CheckContext
from kesu.core.services import TransitionRefused

pytestmark = pytest.mark.django_db

S = ActionStatus


def _refused(action, name, people, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        move(action, name, people, **kwargs)
    assert refused.value.code == TransitionRefused.PRECONDITION
    return refused.value


# -- who plans and implements ---------------------------------------------------------------------------------


def test_any_member_of_the_responsible_department_may_submit_the_plan(people):
    colleague = people.other(Role.PRODUCTION)  # neither the owner nor on the team
    assert colleague.department == people[Role.PRODUCTION].department
    action = plan(raise_action(people), people)
    assert move(action, "submit_plan", people, actor=colleague).status == S.PLAN_SUBMITTED


def test_the_actions_owner_from_another_department_may_submit_the_plan(people):
    engineer = people[Role.ENGINEERING]
    action = plan(raise_action(people, owner=engineer), people)  # production is responsible, engineering owns it
    assert move(action, "submit_plan", people, actor=engineer).status == S.PLAN_SUBMITTED


def test_a_team_member_from_another_department_may_submit_the_plan(people):
    action = plan(raise_action(people), people)
    purchaser, production = people[Role.PURCHASING], people[Role.PRODUCTION]
    services.action_section_save(actor=production, action=action, section="d1", data={"team": [
        {"user": production, "department": production.department, "is_leader": True, "responsibility": "组长"},
        {"user": purchaser, "department": purchaser.department, "responsibility": "供应商来料"}]})
    assert move(action, "submit_plan", people, actor=purchaser).status == S.PLAN_SUBMITTED


def test_an_outsider_may_not_report_the_implementation_whoever_they_are(people, make_user):
    from kesu.accounts.tests.factories import DepartmentFactory

    # One outsider made before the action's owner and its department, one after (record ids sort both ways).
    engineer = people[Role.ENGINEERING]
    owner = people.other(Role.PRODUCTION)
    action = implement(walk_to(S.IMPLEMENTING, people, owner=owner), people)
    tooling = DepartmentFactory(company=people.company, code="TOOLING", name="工装车间")
    assert engineer.pk < owner.pk and engineer.department_id < owner.department_id < tooling.pk
    for outsider in (engineer, make_user(Role.ENGINEERING, department=tooling, username="A-tool")):
        refused = _refused(action, "report_implemented", people, actor=outsider)
        assert (refused.field, refused.message) == (
            "responsible_department", "Only the responsible department, the action's team or QA may do this.")


def test_qa_may_plan_for_the_department_but_then_another_qa_approves(people):
    action = plan(raise_action(people, fmt=ActionFormat.SIMPLE), people)  # the simple form: no team, QA not on it
    qa = people[Role.QA]
    action = move(action, "submit_plan", people, actor=qa)
    refused = _refused(action, "approve_plan", people, actor=qa)
    assert "segregation of duties" in refused.message
    assert move(action, "approve_plan", people, actor=people.other(Role.QA)).status == S.IMPLEMENTING


# -- the plan is complete --------------------------------------------------------------------------------------


def test_an_8d_plan_is_refused_until_each_discipline_is_filled(people):
    action = raise_action(people)
    who = people[Role.PRODUCTION]

    def save(section, **data):
        services.action_section_save(actor=who, action=action, section=section, data=data)

    save("d1", team=[{"user": who, "department": who.department, "is_leader": True, "responsibility": "组长"}])
    assert _refused(action, "submit_plan", people).field == "what"
    save("d2", what="   ")
    assert _refused(action, "submit_plan", people).field == "what"
    save("d2", what="外壳划伤")
    assert _refused(action, "submit_plan", people).field == "containment"
    save("d0", emergency_response="  ")
    assert _refused(action, "submit_plan", people).field == "containment"
    save("d0", emergency_response="库存全检并隔离")  # the emergency response stands for the containment
    assert _refused(action, "submit_plan", people).field == "occurrence_cause"
    save("d4", occurrence_cause="周转时工件相互碰撞")
    assert _refused(action, "submit_plan", people).field == "occurrence_cause"
    save("d4", occurrence_cause="", escape_cause="终检未检查外观")
    assert _refused(action, "submit_plan", people).field == "occurrence_cause"
    save("d4", occurrence_cause="周转时工件相互碰撞", escape_cause="终检未检查外观")
    refused = _refused(action, "submit_plan", people)
    assert (refused.field, refused.message) == (
        "items", "D5: choose at least one permanent corrective action before submitting the plan.")
    save("d5", items=[{"text": "周转箱加装隔板", "owner": who, "due_on": datetime.date(2026, 3, 20)}])
    assert move(action, "submit_plan", people).status == S.PLAN_SUBMITTED


def test_the_simple_form_needs_a_cause_and_a_corrective_measure_not_blanks(people):
    action = raise_action(people, fmt=ActionFormat.SIMPLE)
    who = people[Role.PRODUCTION]
    services.action_section_save(actor=who, action=action, section="plan", data={
        "cause": "  ", "corrective_measures": "周转箱加装隔板"})
    refused = _refused(action, "submit_plan", people)
    assert refused.field == "cause" and refused.message.startswith("Fill in ")
    services.action_section_save(actor=who, action=action, section="plan", data={
        "cause": "周转箱无隔板", "corrective_measures": "  "})
    assert _refused(action, "submit_plan", people).field == "corrective_measures"
    services.action_section_save(actor=who, action=action, section="plan", data={
        "cause": "周转箱无隔板", "corrective_measures": "周转箱加装隔板"})
    assert move(action, "submit_plan", people).status == S.PLAN_SUBMITTED


# -- implemented and validated ---------------------------------------------------------------------------------


def test_a_permanent_action_implemented_but_not_validated_cannot_be_verified(people):
    action = walk_to(S.IMPLEMENTING, people)
    rows = [{"id": item.pk, "implemented_on": timezone.localdate(), "validation": ""} for item in action.items.all()]
    services.action_section_save(actor=people[Role.PRODUCTION], action=action, section="d6", data={"items": rows})
    action = move(action, "report_implemented", people)
    refused = _refused(action, "verify", people)
    assert (refused.field, refused.message) == ("items", "D6: record the validation of every permanent action first.")


def test_the_simple_form_is_verified_only_once_written_how(people):
    action = walk_to(S.IMPLEMENTING, people, fmt=ActionFormat.SIMPLE)
    action = move(action, "report_implemented", people)  # the simple form has no dated items
    refused = _refused(action, "verify", people)
    assert (refused.field, refused.message) == ("verification", "Write down how the action was verified first.")
    implement(action, people)
    assert move(action, "verify", people).status == S.EFFECTIVENESS


# -- closing: recurrence prevented, effectiveness shown ---------------------------------------------------------


def test_an_8d_action_closes_only_with_something_that_prevents_recurrence(people):
    action = walk_to(S.EFFECTIVENESS, people)
    check = CHECKS["prevention_recorded"]
    ctx = CheckContext(actor=people[Role.QA], inputs={})
    assert check(action, ctx)[0] == "lessons_learned"
    action.lessons_learned = "   "
    assert check(action, ctx)[0] == "lessons_learned"
    for flag in ("procedures_updated", "fmea_updated", "control_plan_updated"):
        setattr(action, flag, True)
        assert check(action, ctx) is None, flag
        setattr(action, flag, False)
    action.lessons_learned = "同类壳体零件推广隔板周转箱"
    assert check(action, ctx) is None
    action.lessons_learned = ""
    ActionItem.objects.create(company=people.company, action=action, kind=ItemKind.PREVENTION, text="推广到同类零件",
                              owner=people[Role.PRODUCTION], due_on=datetime.date(2026, 4, 1))
    assert check(action, ctx) is None


def test_the_simple_form_closes_without_a_d7(people):
    action = walk_to(S.EFFECTIVENESS, people, fmt=ActionFormat.SIMPLE)
    closed = move(action, "close", people, effectiveness_evidence="客户确认", effectiveness_reason="无后续发货")
    assert closed.status == S.CLOSED


def test_without_shipments_to_count_on_closing_needs_other_evidence_and_its_reason(people):
    from kesu.capa.tests.factories import prevent

    action = walk_to(S.EFFECTIVENESS, people)  # no customer, no affected part
    prevent(action, people)
    refused = _refused(action, "close", people)
    assert refused.field == "effectiveness_evidence" and "no shipments to count on" in refused.message
    refused = _refused(action, "close", people, effectiveness_reason="该客户暂无后续发货")
    assert refused.field == "effectiveness_evidence" and "needs both" in refused.message
    refused = _refused(action, "close", people, effectiveness_evidence="  ", effectiveness_reason="暂无发货")
    assert refused.field == "effectiveness_evidence"
    refused = _refused(action, "close", people, effectiveness_evidence="客户审核报告", effectiveness_reason=" ")
    assert refused.field == "effectiveness_reason"
    closed = move(action, "close", people, effectiveness_evidence="客户审核报告", effectiveness_reason="暂无发货")
    assert closed.status == S.CLOSED


def test_shipments_enough_and_no_recurrence_prove_effectiveness(people):
    from kesu.capa.selectors import Effectiveness

    action = walk_to(S.EFFECTIVENESS, people)
    check = CHECKS["effective"]
    ctx = CheckContext(actor=people[Role.QA], inputs={}, effectiveness=Effectiveness(needed=2, shipments=2))
    assert check(action, ctx) is None
    ctx.effectiveness = Effectiveness(needed=2, shipments=1)
    field, message = check(action, ctx)
    assert field == "effectiveness" and str(message).startswith("Effectiveness is proven by 2 later shipments")
    assert "there are 1 so far" in str(message)
    ctx.effectiveness = Effectiveness(needed=2, shipments=3, recurrences=["C-2026-0007", "C-2026-0009"])
    field, message = check(action, ctx)
    assert field == "effectiveness" and "C-2026-0007、C-2026-0009 received after verification" in str(message)


# -- the nonconforming product report --------------------------------------------------------------------------


@pytest.fixture
def ncr(people):
    people[Role.ENGINEERING]  # a department made before the responsible one
    return services.ncr_issue(actor=people[Role.QA], company=people.company, data={
        "quantity": 30, "description": "外壳划伤 30 件", "disposition": "rework",
        "responsible_department": people[Role.PRODUCTION].department})


def test_the_report_is_answered_with_a_cause_and_measures_not_blanks(people, ncr):
    production = people[Role.PRODUCTION]
    with pytest.raises(ValidationError) as error:
        services.ncr_answer(actor=production, ncr=ncr, cause="  ", measures="加隔板")
    assert error.value.message_dict == {"cause": ["Give the cause."]}
    with pytest.raises(ValidationError) as error:
        services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures=" ")
    assert error.value.message_dict == {"measures": ["Give the corrective and preventive measures."]}
    assert services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures="加隔板").status == "answered"


def test_qa_may_answer_for_the_department_and_another_qa_verifies(people, ncr):
    ncr = services.ncr_answer(actor=people[Role.QA], ncr=ncr, cause="周转碰撞", measures="加隔板")
    assert (ncr.status, ncr.answered_by) == ("answered", people[Role.QA])
    assert services.ncr_verify(actor=people.other(Role.QA), ncr=ncr, result="effective").status == "verified"


def test_a_report_is_returned_or_cancelled_only_with_a_reason(people, ncr):
    ncr = services.ncr_answer(actor=people[Role.PRODUCTION], ncr=ncr, cause="周转碰撞", measures="加隔板")
    qa = people[Role.QA]
    with pytest.raises(ValidationError) as error:
        services.ncr_verify(actor=qa, ncr=ncr, result="not_effective", note="  ")
    assert error.value.message_dict == {"verification_note": ["Say why the measures are not effective."]}
    with pytest.raises(ValidationError) as error:
        services.ncr_cancel(actor=qa, ncr=ncr, note="  ")
    assert error.value.message_dict == {"verification_note": ["Say why the report is cancelled."]}
    assert services.ncr_cancel(actor=qa, ncr=ncr, note="客户撤回").status == "cancelled"


def test_only_the_responsible_department_answers_whichever_department_asks(people, ncr, make_user):
    from django.core.exceptions import PermissionDenied

    from kesu.accounts.tests.factories import DepartmentFactory

    tooling = DepartmentFactory(company=people.company, code="TOOLING", name="工装车间")
    engineer = people[Role.ENGINEERING]
    assert engineer.department_id < ncr.responsible_department_id < tooling.pk
    for outsider in (engineer, make_user(Role.ENGINEERING, department=tooling, username="A-tool")):
        with pytest.raises(PermissionDenied):
            services.ncr_answer(actor=outsider, ncr=ncr, cause="周转碰撞", measures="加隔板")
    assert services.ncr_answer(actor=people.other(Role.PRODUCTION), ncr=ncr, cause="周转碰撞",
                               measures="加隔板").status == "answered"


def test_the_system_acting_without_a_user_is_not_held_to_a_department(people, ncr):
    # The core runner lets the system act (actor None); the department rule is about people only.
    from kesu.capa.workflow import NCR_TABLE

    action = raise_action(people)
    assert CHECKS["in_department"](action, CheckContext(actor=None, inputs={})) is None
    assert NCR_TABLE.checks["in_responsible_department"](ncr, {}, None) is None


def test_membership_of_the_responsible_department_does_not_depend_on_how_large_its_record_id_is(people, make_user):
    from kesu.accounts.tests.factories import DepartmentFactory

    workshop = DepartmentFactory(pk=5000, company=people.company, code="WS5", name="五车间")
    owner = make_user(Role.PRODUCTION, department=workshop, username="A-ws-owner")
    colleague = make_user(Role.PRODUCTION, department=workshop, username="A-ws-member")
    action = raise_action(people, fmt=ActionFormat.SIMPLE, responsible_department=workshop, owner=owner)
    services.action_section_save(actor=colleague, action=action, section="plan", data={
        "cause": "周转箱无隔板", "corrective_measures": "周转箱加装隔板"})
    assert move(action, "submit_plan", people, actor=colleague).status == S.PLAN_SUBMITTED
    ncr = services.ncr_issue(actor=people[Role.QA], company=people.company, data={
        "quantity": 5, "description": "毛刺", "disposition": "rework", "responsible_department": workshop})
    assert services.ncr_answer(actor=colleague, ncr=ncr, cause="去毛刺工序漏做",
                               measures="增加去毛刺检验").status == "answered"


def test_the_owner_is_recognised_whatever_their_record_id(people, make_user):
    engineer = make_user(Role.ENGINEERING, pk=5001, username="A-eng-owner")
    action = plan(raise_action(people, owner=engineer), people)
    assert move(action, "submit_plan", people, actor=engineer).status == S.PLAN_SUBMITTED
