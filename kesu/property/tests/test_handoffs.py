"""Every row of every customer property table reaches its next actor and tells no one else (issue 16 §3 walk)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.notifications.tests.test_every_table import _walk
from kesu.property import signals
from kesu.property.models import (
    ControlledCopy,
    DamageReport,
    DrawingRevision,
    ExternalDocument,
    InventoryCheck,
    Loan,
    PropertyItem,
)
from kesu.property.tests.factories import new_item, new_loan

pytestmark = pytest.mark.django_db
R = Role


@pytest.fixture
def people(company_a, company_b):
    people = People(company_a)
    for role in Role:
        if role != Role.ADMIN:
            people[role]
    others = People(company_b)
    for role in (R.QA, R.GM, R.SALESPERSON, R.PRODUCTION, R.FINANCE, R.ENGINEERING):
        others[role]
    return people


def test_every_item_row(people):
    item = new_item(people)
    owner = item.sales_owner

    def set_state(i, name, source, target):
        PropertyItem.objects.filter(pk=i.pk).update(status=target)

    def announce(i, name, source, target, actor):
        signals.item_transitioned.send(PropertyItem, item=i, name=name, old_status=source, new_status=target,
                                       actor=actor, note="")

    assert _walk("property.item", people, item, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username, item.registered_by.username}) == []


def test_every_loan_row(people):
    loan = new_loan(people)
    borrower = loan.requested_by

    def set_state(loan_, name, source, target):
        Loan.objects.filter(pk=loan_.pk).update(status=target, due_at=timezone.now() + datetime.timedelta(days=2))

    def announce(loan_, name, source, target, actor):
        signals.loan_transitioned.send(Loan, loan=loan_, name=name, old_status=source, new_status=target, actor=actor,
                                       note="")

    # The borrower hears of every move of their loan.
    assert _walk("property.loan", people, loan, owner=borrower, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {borrower.username}) == []


def test_every_damage_row(people):
    from kesu.property import services

    item = new_item(people)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "模具跌落，导柱弯曲", "happened_on": datetime.date(2026, 12, 2)})
    owner = report.sales_owner

    def set_state(r, name, source, target):
        DamageReport.objects.filter(pk=r.pk).update(status=target)

    def announce(r, name, source, target, actor):
        signals.damage_transitioned.send(DamageReport, report=r, name=name, old_status=source, new_status=target,
                                         actor=actor, note="")

    # The salesperson and whoever reported it hear of every move.
    assert _walk("property.damage", people, report, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username, people[R.PRODUCTION].username}) == []


def test_every_copy_row(people):
    item = new_item(people, item_type="drawing")
    document = ExternalDocument.objects.create(company=people.company, number="DWG-1", customer=item.customer,
                                               title="前盖", registered_by=people[R.ENGINEERING])
    revision = DrawingRevision.objects.create(company=people.company, document=document, revision="B",
                                              received_on=datetime.date(2026, 11, 2))
    copy = ControlledCopy.objects.create(company=people.company, revision=revision,
                                         department=people[R.PRODUCTION].department, copy_no=1,
                                         issued_by=people[R.ENGINEERING], issued_at=timezone.now())

    def set_state(c, name, source, target):
        ControlledCopy.objects.filter(pk=c.pk).update(status=target)

    def announce(c, name, source, target, actor):
        signals.copy_transitioned.send(ControlledCopy, copy=c, name=name, old_status=source, new_status=target,
                                       actor=actor, note="")

    # Engineering, which issued the copy, hears of its recall being confirmed.
    assert _walk("property.copy", people, copy, owner=None, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {people[R.ENGINEERING].username}) == []


def test_every_inventory_row(people):
    from kesu.property import services

    new_item(people)
    starter = people[R.QA]
    check = services.inventory_start(actor=starter, company=people.company, year=2026)

    def set_state(c, name, source, target):
        InventoryCheck.objects.filter(pk=c.pk).update(status=target)

    def announce(c, name, source, target, actor):
        signals.inventory_transitioned.send(InventoryCheck, check=c, name=name, old_status=source, new_status=target,
                                            actor=actor, note="")

    # Whoever started the check hears that it closed.
    assert _walk("property.inventory", people, check, owner=starter, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {starter.username}) == []
