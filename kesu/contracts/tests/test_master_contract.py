"""An accepted review makes or updates the master-data contract the other modules point at (issue 20)."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.contracts.choices import ReviewStatus, ReviewType
from kesu.customers.models import Contract
from kesu.customers.tests.factories import CustomerFactory

from .factories import act, new_review, sign_all

pytestmark = pytest.mark.django_db


def _accepted(people, **overrides):
    review = act(sign_all(act(new_review(people, **overrides), "submit", people[Role.SALESPERSON]), people), "accept",
                 people[Role.SALESPERSON])
    return act(review, "approve", people[Role.GM])


def test_approving_a_review_creates_the_master_contract_numbered_by_the_customers_reference(people):
    review = _accepted(people, customer_reference="PO-2026-118")
    assert review.status == ReviewStatus.ACCEPTED
    contract = Contract.objects.get(company=people.company, number="PO-2026-118")
    assert review.contract == contract
    assert (contract.customer_id, contract.kind, contract.status, contract.currency, contract.owner) == (
        review.customer_id, "contract", "active", "CNY", people[Role.SALESPERSON])
    assert contract.signed_on is not None


def test_approving_updates_the_linked_contract_instead_of_making_another(people):
    customer = CustomerFactory(company=people.company)
    contract = Contract.objects.create(company=people.company, number="HT-OLD-1", customer=customer,
                                       status="draft", currency="USD")
    review = _accepted(people, customer=customer, contract=contract, review_type=ReviewType.ORDER)
    contract.refresh_from_db()
    assert review.contract_id == contract.pk
    assert (contract.status, contract.kind, contract.currency) == ("active", "order", "CNY")
    assert Contract.objects.filter(company=people.company).count() == 1


def test_a_self_reviewed_informal_order_also_becomes_a_master_contract(people):
    review = new_review(people, review_type=ReviewType.INFORMAL)
    review = act(review, "self_review", people[Role.SALESPERSON], confirmation_method="read_back",
                 confirmation_note="电话复述需求，客户王工确认")
    assert review.status == ReviewStatus.ACCEPTED
    assert Contract.objects.get(pk=review.contract_id).kind == "informal"
    assert review.contract.number == review.number


def test_a_declined_review_makes_no_contract(people):
    review = act(act(new_review(people), "submit", people[Role.SALESPERSON]), "decline", people[Role.SALESPERSON],
                 reason="交期无法满足")
    assert review.contract_id is None
    assert not Contract.objects.filter(company=people.company).exists()
