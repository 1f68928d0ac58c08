"""Every row of the contract tables reaches its next actor and tells no one else (the shared walk)."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.complaints.tests.factories import People
from kesu.notifications.tests.test_every_table import _walk

from .factories import new_review

pytestmark = pytest.mark.django_db
R = Role


@pytest.fixture
def people(company_a, company_b):
    people = People(company_a)
    for role in Role:
        if role != Role.ADMIN:
            people[role]
    others = People(company_b)
    for role in (R.QA, R.GM, R.VICE_GM, R.SALESPERSON, R.PRODUCTION, R.FINANCE):
        others[role]
    return people


def test_every_review_hand_off_reaches_its_next_actor(people):
    from kesu.contracts import signals
    from kesu.contracts.models import ContractReview

    owner = UserFactory(role=R.SALESPERSON, company=people.company, username="A-owner")
    review = new_review(people)
    ContractReview.objects.filter(pk=review.pk).update(owner=owner, created_by=owner)
    everyone = ",engineering,purchasing,production,qa,finance,sales,"

    def set_state(r, name, source, target):
        waiting = {"submit": everyone, "agree_change": ",engineering,"}.get(name, "")
        ContractReview.objects.filter(pk=r.pk).update(status=target, waiting_on=waiting)

    def announce(r, name, source, target, actor):
        signals.review_transitioned.send(ContractReview, review=r, name=name, old_status=source, new_status=target,
                                         actor=actor, note="")

    assert _walk("contracts.review", people, review, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username}) == []


def test_every_change_notice_hand_off_reaches_its_next_actor(people):
    from kesu.contracts import signals
    from kesu.contracts.models import ChangeNotice, ContractReview

    owner = UserFactory(role=R.SALESPERSON, company=people.company, username="A-owner")
    review = new_review(people)
    ContractReview.objects.filter(pk=review.pk).update(status="accepted")
    notice = ChangeNotice.objects.create(company=people.company, review=review, number=f"{review.number}-B1",
                                         description="交期提前", affected=["production", "purchasing"],
                                         concerned=["production", "qa", "sales"], owner=owner, created_by=owner)

    def set_state(n, name, source, target):
        waiting = {"submit": ",production,purchasing,", "issue": ",production,qa,sales,",
                   "confirm": ",qa,"}.get(name, "")
        ChangeNotice.objects.filter(pk=n.pk).update(status=target, waiting_on=waiting)

    def announce(n, name, source, target, actor):
        signals.notice_transitioned.send(ChangeNotice, notice=n, name=name, old_status=source, new_status=target,
                                         actor=actor, note="")

    assert _walk("contracts.change", people, notice, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username}) == []


def test_every_delivery_plan_hand_off_reaches_its_next_actor(people):
    from kesu.contracts import services, signals
    from kesu.contracts.models import DeliveryPlan
    from kesu.customers.tests.factories import CustomerFactory

    owner = UserFactory(role=R.SALES_ASSISTANT, company=people.company, username="A-owner")
    plan = services.plan_create(actor=owner, company=people.company, data={
        "customer": CustomerFactory(company=people.company), "order_reference": "PO-1", "order_text": "齿轮泵 100 台"})
    checks = ",engineering,purchasing,production,"

    def set_state(p, name, source, target):
        waiting = {"issue_notice": checks, "return": checks, "customer_confirms": ",engineering,purchasing,production,qa,",
                   "sign_for": ",qa,"}.get(name, "")
        DeliveryPlan.objects.filter(pk=p.pk).update(status=target, waiting_on=waiting)

    def announce(p, name, source, target, actor):
        signals.plan_transitioned.send(DeliveryPlan, plan=p, name=name, old_status=source, new_status=target,
                                       actor=actor, note="")

    assert _walk("contracts.plan", people, plan, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username}) == []
