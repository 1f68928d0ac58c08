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
    from kesu.contracts.models import ApprovedOutsourcer, ReviewMeeting

    # A central review on record and the approved-outsourcer list the outsourced plan draws on.
    assert ReviewMeeting.objects.filter(review__mode="central", review__company=people.company).exists()
    assert ApprovedOutsourcer.objects.filter(company=people.company, withdrawn_on__isnull=True).exists()
    # Every accepted review is a master contract.
    assert not reviews.filter(status="accepted", contract__isnull=True).exists()
    from kesu.contracts.models import DeliveryPlan

    assert {p.status for p in DeliveryPlan.objects.all()} == {"checking", "approval", "customer", "distributed",
                                                              "closed"}  # the closed and the notified change were issued


def test_every_demo_record_page_renders_for_its_people(people, client):
    from django.urls import reverse

    from kesu.contracts.models import DeliveryPlan
    from kesu.customers.tests.factories import SupplierFactory

    users = {role: people[role] for role in Role if role != Role.ADMIN}
    customers = [CustomerFactory(company=people.company).pk for _i in range(3)]
    SupplierFactory(company=people.company, is_active=True)
    ctx = SimpleNamespace(companies=[people.company], users={people.company.pk: users},
                          customers={people.company.pk: customers}, today=timezone.localdate(),
                          sync_ids=lambda: None)
    create_contract_reviews(ctx)
    urls = [reverse("contracts:index"), reverse("contracts:index") + "?open=", reverse("contracts:ledger"),
            reverse("contracts:plans"), reverse("contracts:import"), reverse("contracts:create"),
            reverse("contracts:plan_create")]
    urls += [reverse("contracts:detail", args=[r.pk]) for r in ContractReview.objects.all()]
    urls += [reverse("contracts:notice", args=[n.pk]) for n in ChangeNotice.objects.all()]
    urls += [reverse("contracts:plan", args=[p.pk]) for p in DeliveryPlan.objects.all()]
    for role in (Role.SALESPERSON, Role.GM, Role.ENGINEERING, Role.QA):
        client.force_login(people[role])
        for url in urls:
            if role != Role.SALESPERSON and url.endswith(("/import/", "/new/")):
                continue
            assert client.get(url).status_code == 200, (role, url)
    client.force_login(people[Role.GM])
    assert client.get(reverse("contracts:rules")).status_code == 200
    for plan in DeliveryPlan.objects.all():
        response = client.get(reverse("contracts:plan_printout", args=[plan.pk]))
        assert response.content.startswith(b"%PDF")
