"""The service plan's workflow rules (seed 002 §5.2.1 《客户服务年度计划表》: the plan lists the customers to visit and
survey, and is approved by the sales head; design §11: not by whoever prepared it), at the service level."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory
from kesu.service import services
from kesu.service.choices import PlanStatus

pytestmark = pytest.mark.django_db


def test_a_plan_without_customers_is_not_submitted(people):
    plan = services.plan_generate(actor=people[Role.SALESPERSON], company=people.company, year=2027)
    assert not plan.lines.exists()
    with pytest.raises(TransitionRefused) as refused:
        services.plan_transition(actor=people[Role.SALESPERSON], plan=plan, name="submit")
    assert (refused.value.code, refused.value.message) == (TransitionRefused.PRECONDITION,
                                                           "The plan has no customers.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_plan_with_one_customer_is_submitted(people):
    CustomerFactory(company=people.company, status="existing")
    plan = services.plan_generate(actor=people[Role.SALESPERSON], company=people.company, year=2027)
    assert plan.lines.count() == 1
    assert services.plan_transition(actor=people[Role.SALESPERSON], plan=plan, name="submit").status == "submitted"


def test_the_sales_head_who_prepared_the_plan_does_not_approve_it_another_one_does(people):
    CustomerFactory(company=people.company, status="existing")
    head = people[Role.SALES_DIRECTOR]
    plan = services.plan_generate(actor=head, company=people.company, year=2027)
    services.plan_transition(actor=head, plan=plan, name="submit")
    with pytest.raises(TransitionRefused) as refused:
        services.plan_transition(actor=head, plan=plan, name="approve")
    assert refused.value.message == "You proposed this yourself; someone else must approve it (segregation of duties)."
    other = people.other(Role.SALES_DIRECTOR)
    approved = services.plan_transition(actor=other, plan=plan, name="approve")
    assert (approved.status, approved.approved_by) == (PlanStatus.APPROVED, other)
