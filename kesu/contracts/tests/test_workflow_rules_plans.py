"""The delivery plan's rules (顾客需求管理程序 §5): engineering, the warehouse (purchasing) and production check the
order, a shortfall goes to an approved outsourcer on the list with its confirmed date (§5.4.2), the vice GM approves
someone else's plan, and every receiving department signs for it before it closes."""

from __future__ import annotations

import datetime

import pytest

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.contracts import services
from kesu.contracts.choices import Answer, Dept, PlanStatus
from kesu.contracts.workflow import on_outsourcer_list
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory, SupplierFactory

pytestmark = pytest.mark.django_db

CHECKERS = (Role.ENGINEERING, Role.PURCHASING, Role.PRODUCTION)


def go(plan, name, user, **inputs):
    return services.plan_transition(actor=user, plan=plan, name=name, **inputs)


def _checking(people):
    plan = services.plan_create(actor=people[Role.SALES_ASSISTANT], company=people.company, data={
        "customer": CustomerFactory(company=people.company), "order_reference": "PO-0601",
        "order_text": "齿轮泵 CB-B25 共 200 台", "quantity": "200", "due_on": datetime.date(2026, 6, 30)})
    return go(plan, "issue_notice", people[Role.SALES_ASSISTANT])


def _short(people):
    """Checked: engineering and purchasing can, production cannot meet the date in house."""
    plan = _checking(people)
    plan = go(plan, "check", people[Role.ENGINEERING], answer=Answer.CAN)
    plan = go(plan, "check", people[Role.PURCHASING], answer=Answer.CAN)
    return go(plan, "check", people[Role.PRODUCTION], answer=Answer.CANNOT, comment="6 月产能只够 120 台")


def _listed(people, approved_on=datetime.date(2026, 1, 1), **kwargs):
    outsourcer = SupplierFactory(company=people.company, is_active=True)
    services.outsourcer_approve(actor=people[Role.PURCHASING], company=people.company, supplier=outsourcer,
                                approved_on=approved_on, scope="齿轮泵装配", **kwargs)
    return outsourcer


def test_a_check_answers_can_or_cannot_and_cannot_says_what(people):
    plan = _checking(people)
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "check", people[Role.ENGINEERING], answer=Answer.PENDING)
    assert (refused.value.field, str(refused.value)) == ("answer", "Choose “can meet” or “cannot meet”.")
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "check", people[Role.PRODUCTION], answer=Answer.CANNOT, comment="  ")
    assert (refused.value.field, str(refused.value)) == ("comment", "Say what cannot be met.")
    with pytest.raises(TransitionRefused) as refused:  # as a page or the API gives it
        go(plan, "check", people[Role.PRODUCTION], answer="cannot", comment="")
    assert refused.value.field == "comment"
    plan = go(plan, "check", people[Role.PRODUCTION], answer=Answer.CAN, comment="")
    assert sorted(plan.waiting_depts()) == [Dept.ENGINEERING, Dept.PURCHASING]


def test_each_checking_department_checks_once_and_only_the_three_check(people):
    root = UserFactory(role=Role.ADMIN, company=people.company, username="A-root", is_superuser=True)
    plan = go(_checking(people), "check", people[Role.ENGINEERING], answer=Answer.CAN)
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "check", people[Role.ENGINEERING], answer=Answer.CAN)
    assert str(refused.value) == "Your department has nothing waiting on this delivery plan."
    for dept in ("", Dept.QA):  # quality does not check the order (§3)
        with pytest.raises(TransitionRefused):
            go(plan, "check", root, answer=Answer.CAN, dept=dept)
    plan = go(plan, "check", root, answer=Answer.CAN, dept=Dept.PURCHASING)
    assert plan.waiting_depts() == [Dept.PRODUCTION]


def test_the_plan_is_proposed_only_after_all_three_checks(people):
    plan = go(_checking(people), "check", people[Role.ENGINEERING], answer=Answer.CAN)
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "propose", people[Role.SALES_ASSISTANT], plan_text="6/28 一次交货")
    assert str(refused.value) == "Engineering, the warehouse and production have not all checked the order yet."


def test_a_shortfall_needs_the_outsourcers_confirmed_date_too(people):
    outsourcer = _listed(people)
    with pytest.raises(TransitionRefused) as refused:
        go(_short(people), "propose", people[Role.SALES_ASSISTANT], plan_text="外包 80 台", outsourcer=outsourcer)
    assert refused.value.field == "outsourcer"
    assert str(refused.value).startswith("A check found the order cannot be met in house")


def test_an_outsourcer_named_without_a_shortfall_must_still_be_active_and_listed(people):
    plan = _checking(people)
    for role in CHECKERS:
        plan = go(plan, "check", people[role], answer=Answer.CAN)
    inactive = SupplierFactory(company=people.company, is_active=False)
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "propose", people[Role.SALES_ASSISTANT], plan_text="x", outsourcer=inactive)
    assert str(refused.value) == "Only an approved (active) outsourcer may take the work."
    unlisted = SupplierFactory(company=people.company, is_active=True)
    with pytest.raises(TransitionRefused):
        go(plan, "propose", people[Role.SALES_ASSISTANT], plan_text="x", outsourcer=unlisted)
    plan = go(plan, "propose", people[Role.SALES_ASSISTANT], plan_text="x", outsourcer=_listed(people))
    assert plan.status == PlanStatus.APPROVAL


def test_a_plan_sent_back_keeps_its_outsourcer_and_date_when_proposed_again(people):
    planner, vice_gm = people[Role.SALES_ASSISTANT], people[Role.VICE_GM]
    plan = go(_short(people), "propose", planner, plan_text="外包 80 台", outsourcer=_listed(people),
              outsource_date=datetime.date(2026, 6, 25))
    plan = go(plan, "return", vice_gm, reason="交货计划写明批次")
    assert plan.status == PlanStatus.CHECKING  # checked again
    plan = go(plan, "check", people[Role.ENGINEERING], answer=Answer.CAN)
    plan = go(plan, "check", people[Role.PURCHASING], answer=Answer.CAN)
    plan = go(plan, "check", people[Role.PRODUCTION], answer=Answer.CANNOT, comment="仍只够 120 台")
    plan = go(plan, "propose", planner, plan_text="6/20 自制 120 台；6/28 外包 80 台")
    assert plan.status == PlanStatus.APPROVAL and plan.outsource_date == datetime.date(2026, 6, 25)


def test_an_outsourcer_is_on_the_list_from_its_approval_day_until_its_validity_ends(people):
    import time_machine

    from kesu.complaints.tests.factories import at

    outsourcer = _listed(people, approved_on=datetime.date(2026, 6, 1), valid_until=datetime.date(2026, 6, 30))
    company = people.company.pk
    assert not on_outsourcer_list(company, outsourcer, datetime.date(2026, 5, 31))
    assert on_outsourcer_list(company, outsourcer, datetime.date(2026, 6, 1))
    assert on_outsourcer_list(company, outsourcer, datetime.date(2026, 6, 30))
    assert not on_outsourcer_list(company, outsourcer, datetime.date(2026, 7, 1))
    assert not on_outsourcer_list(company, SupplierFactory(company=people.company), datetime.date(2026, 6, 1))
    with time_machine.travel(at(2026, 5, 31, 12), tick=False):  # today by default
        assert not on_outsourcer_list(company, outsourcer)
    with time_machine.travel(at(2026, 6, 15, 12), tick=False):
        assert on_outsourcer_list(company, outsourcer)


def test_every_receiving_department_signs_once_before_the_plan_closes(people):
    planner = people[Role.SALES_ASSISTANT]
    plan = _checking(people)
    for role in CHECKERS:
        plan = go(plan, "check", people[role], answer=Answer.CAN)
    plan = go(go(plan, "propose", planner, plan_text="6/28 一次交货"), "approve", people[Role.VICE_GM])
    plan = go(plan, "customer_confirms", planner, confirmation_note="客户邮件确认")
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "close", planner)
    assert str(refused.value) == "Not every department has signed for the plan yet."
    plan = go(plan, "sign_for", people[Role.QA])
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "sign_for", people[Role.QA])
    assert str(refused.value) == "Your department has nothing waiting on this delivery plan."
    assert sorted(plan.waiting_depts()) == [Dept.ENGINEERING, Dept.PRODUCTION, Dept.PURCHASING]
