"""The demo step makes reviews of every type and state, with change notices, through the services."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.contracts.choices import ChangeStatus, ReviewStatus, ReviewType
from kesu.contracts.demo import create_contract_reviews
from kesu.contracts.models import ChangeNotice, ContractReview
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_makes_every_type_and_state_with_changes(people):
    users = {role: people[role] for role in Role if role != Role.ADMIN}
    customers = [CustomerFactory(company=people.company).pk for _i in range(3)]
    from kesu.customers.tests.factories import SupplierFactory

    SupplierFactory(company=people.company, is_active=True)
    ctx = SimpleNamespace(companies=[people.company], users={people.company.pk: users},
                          customers={people.company.pk: customers}, today=timezone.localdate(),
                          sync_ids=lambda: None)
    create_contract_reviews(ctx)
    reviews = ContractReview.objects.filter(company=people.company)
    assert {r.review_type for r in reviews} == set(ReviewType.values)
    assert {r.status for r in reviews} == set(ReviewStatus.values)
    assert {n.status for n in ChangeNotice.objects.all()} == {ChangeStatus.CLOSED, ChangeStatus.NOTIFIED,
                                                              ChangeStatus.REVIEWING}
    assert reviews.filter(revision=2).count() == 2
    from kesu.contracts.models import DeliveryPlan

    assert {p.status for p in DeliveryPlan.objects.all()} == {"checking", "approval", "customer", "distributed",
                                                              "closed"}  # the closed and the notified change were issued
