"""Each event reaches the receiver with its data, read from the other modules' own signals (issue 23 §5)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.capa.choices import ActionStatus
from kesu.capa.tests.factories import walk_to
from kesu.claims.choices import ClaimStatus
from kesu.claims.tests.factories import bring_to
from kesu.complaints import signals as complaint_signals
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, create_complaint
from kesu.contracts import services as contract_services
from kesu.contracts.choices import Answer
from kesu.customers.tests.factories import CustomerFactory
from kesu.webhooks import services
from kesu.webhooks.choices import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def everything(webhook_admin, receiver):
    subscription, _secret = services.subscription_create(actor=webhook_admin, company=webhook_admin.company,
                                                         name="ERP", url=receiver.url, events=WebhookEvent.values)
    return subscription


def _sent(receiver, event: str) -> list[dict]:
    services.deliveries_send_pending()
    return [p for p in receiver.payloads() if p["event"] == event]


def test_a_closing_step_sends_the_status_change_and_the_closure(everything, receiver, salesperson,
                                                                 django_capture_on_commit_callbacks):
    complaint = create_complaint(salesperson)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_signals.complaint_transitioned.send(Complaint, complaint=complaint, action="close",
                                                      old_status="verification", new_status="closed", actor=None)
    [changed] = _sent(receiver, "complaint.status_changed")
    [closed] = [p for p in receiver.payloads() if p["event"] == "complaint.closed"]
    assert changed["data"]["new_status"] == closed["data"]["new_status"] == "closed"
    assert closed["data"]["complaint"]["number"] == complaint.number
    assert changed["id"] != closed["id"]


def test_a_settled_claim_sends_the_amounts_to_book(everything, receiver, people,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = bring_to(ClaimStatus.SETTLED, people)
    [settled] = _sent(receiver, "claim.settled")
    data = settled["data"]
    assert data["number"] == claim.number and data["settlement_method"] == claim.settlement_method
    assert sorted(Decimal(i["settled_amount"]) for i in data["items"]) == [Decimal("1000.00"), Decimal("3000.00")]
    assert data["settled_on"] == "2026-06-30"


def test_a_closed_action_is_announced(everything, receiver, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action = walk_to(ActionStatus.CLOSED, people)
    [closed] = _sent(receiver, "action.closed")
    assert closed["data"]["number"] == action.number and closed["data"]["closed_at"]


def test_a_delivery_plan_confirmed_by_the_customer_is_announced(everything, receiver, people,
                                                                django_capture_on_commit_callbacks):
    planner = people[Role.SALES_ASSISTANT]

    def go(plan, name, user, **inputs):
        return contract_services.plan_transition(actor=user, plan=plan, name=name, **inputs)

    with django_capture_on_commit_callbacks(execute=True):
        plan = contract_services.plan_create(actor=planner, company=people.company, data={
            "customer": CustomerFactory(company=people.company), "order_reference": "HK-PO-0512",
            "order_text": "齿轮泵 CB-B25 共 200 台", "quantity": "200", "due_on": datetime.date(2026, 6, 30)})
        plan = go(plan, "issue_notice", planner)
        for role in (Role.ENGINEERING, Role.PURCHASING, Role.PRODUCTION):
            plan = go(plan, "check", people[role], answer=Answer.CAN)
        plan = go(plan, "propose", planner, plan_text="6/20 交 120 台，6/28 交 80 台",
                  first_delivery=datetime.date(2026, 6, 20), last_delivery=datetime.date(2026, 6, 28))
        plan = go(plan, "approve", people[Role.VICE_GM])
        assert _sent(receiver, "delivery_plan.confirmed") == []
        plan = go(plan, "customer_confirms", planner, confirmation_note="客户传真回签确认")
    [confirmed] = _sent(receiver, "delivery_plan.confirmed")
    data = confirmed["data"]
    assert (data["number"], data["order_reference"], data["last_delivery"]) == (plan.number, "HK-PO-0512",
                                                                                "2026-06-28")
    assert Decimal(data["quantity"]) == Decimal("200")
