"""Customer demand to a delivery plan (顾客需求管理程序 §5): checks, outsourcing, the vice GM, the customer, receipts;
the approved plan readable through the API for the ERP."""

from __future__ import annotations

import datetime

import pytest

from kesu.accounts.roles import Role
from kesu.contracts import services
from kesu.contracts.choices import Answer, PlanStatus
from kesu.core import work
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def _plan(people):
    return services.plan_create(actor=people[Role.SALES_ASSISTANT], company=people.company, data={
        "customer": CustomerFactory(company=people.company), "order_reference": "HK-PO-0512",
        "order_text": "齿轮泵 CB-B25 共 200 台，6 月底前交货", "clarification": "便条未写包装，电话确认木箱包装",
        "quantity": "200", "due_on": datetime.date(2026, 6, 30)})


def go(plan, name, user, **inputs):
    return services.plan_transition(actor=user, plan=plan, name=name, **inputs)


def test_an_order_short_of_capacity_is_outsourced_approved_confirmed_and_signed_for(people, api):
    planner, vice_gm = people[Role.SALES_ASSISTANT], people[Role.VICE_GM]
    plan = go(_plan(people), "issue_notice", planner)
    assert sorted(i.action for i in work.waiting_for(plan)) == ["check_engineering", "check_production",
                                                                "check_purchasing"]
    plan = go(plan, "check", people[Role.ENGINEERING], answer=Answer.CAN)
    plan = go(plan, "check", people[Role.PURCHASING], answer=Answer.CAN)
    plan = go(plan, "check", people[Role.PRODUCTION], answer=Answer.CANNOT, comment="6 月产能只够 120 台")
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "propose", planner, plan_text="6/20 交 120 台，6/28 交 80 台")
    assert refused.value.field == "outsourcer"
    inactive = SupplierFactory(company=people.company, is_active=False)
    with pytest.raises(TransitionRefused) as refused:
        go(plan, "propose", planner, plan_text="x", outsourcer=inactive, outsource_date=datetime.date(2026, 6, 25))
    assert str(refused.value) == "Only an approved (active) outsourcer may take the work."
    outsourcer = SupplierFactory(company=people.company, is_active=True)
    with pytest.raises(TransitionRefused) as refused:  # active, but not on the approved-outsourcer list
        go(plan, "propose", planner, plan_text="x", outsourcer=outsourcer, outsource_date=datetime.date(2026, 6, 25))
    assert str(refused.value) == f"{outsourcer} is not on the approved-outsourcer list today."
    services.outsourcer_approve(actor=people[Role.PURCHASING], company=people.company, supplier=outsourcer,
                                approved_on=datetime.date(2026, 1, 1), scope="齿轮泵装配")
    plan = go(plan, "propose", planner, plan_text="6/20 自制 120 台；6/28 外包 80 台", outsourcer=outsourcer,
              outsource_date=datetime.date(2026, 6, 25), first_delivery=datetime.date(2026, 6, 20),
              last_delivery=datetime.date(2026, 6, 28))
    assert api(planner).get("/api/v1/contracts/plans/?approved=true").json()["count"] == 0
    plan = go(plan, "approve", vice_gm)
    assert api(planner).get("/api/v1/contracts/plans/?approved=true").json()["items"][0]["id"] == plan.pk
    plan = go(plan, "customer_confirms", planner, confirmation_note="香港客户传真回签确认")
    for role in (Role.ENGINEERING, Role.PURCHASING, Role.PRODUCTION):
        plan = go(plan, "sign_for", people[role])
    assert plan.status == PlanStatus.DISTRIBUTED and plan.waiting_depts() == ["qa"]
    plan = go(plan, "sign_for", people[Role.QA])
    assert plan.status == PlanStatus.CLOSED and sorted(plan.receipts) == ["engineering", "production", "purchasing",
                                                                          "qa"]


def test_the_planner_does_not_approve_their_own_plan(people):
    vice_gm = people[Role.VICE_GM]
    plan = go(_plan(people), "issue_notice", people[Role.SALES_ASSISTANT])
    for role in (Role.ENGINEERING, Role.PURCHASING, Role.PRODUCTION):
        plan = go(plan, "check", people[role], answer=Answer.CAN)
    plan = go(plan, "propose", people[Role.SALES_ASSISTANT], plan_text="6/28 一次交货")
    from kesu.contracts.models import DeliveryPlan

    DeliveryPlan.objects.filter(pk=plan.pk).update(proposed_by=vice_gm)
    plan.refresh_from_db()
    with pytest.raises(TransitionRefused):
        go(plan, "approve", vice_gm)
