"""Every service-plan hand-off reaches its next actor and tells no one else (issue 16 §3)."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory
from kesu.notifications.tests.test_every_table import _walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a, company_b):
    people = People(company_a)
    for role in Role:
        if role != Role.ADMIN:
            people[role]
    others = People(company_b)
    for role in (Role.SALES_DIRECTOR, Role.SALESPERSON):
        others[role]
    return people


def test_every_plan_hand_off(people):
    from kesu.service import services, signals
    from kesu.service.models import ServicePlan

    owner = UserFactory(role=Role.SALESPERSON, company=people.company, username="A-owner")
    CustomerFactory(company=people.company, status="existing")
    plan = services.plan_generate(actor=owner, company=people.company, year=2027)

    def set_state(p, name, source, target):
        ServicePlan.objects.filter(pk=p.pk).update(status=target)

    def announce(p, name, source, target, actor):
        signals.plan_transitioned.send(ServicePlan, plan=p, name=name, old_status=source, new_status=target,
                                       actor=actor, note="")

    assert _walk("service.plan", people, plan, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username}) == []


def test_every_quality_report_hand_off(people):
    import datetime

    from kesu.service import services, signals
    from kesu.service.models import QualityReport

    report = services.quality_report_generate(company=people.company, period="monthly",
                                              today=datetime.date(2026, 4, 2))
    gm = people[Role.GM]
    assert report.gm == gm

    def set_state(r, name, source, target):
        QualityReport.objects.filter(pk=r.pk).update(status=target)

    def announce(r, name, source, target, actor):
        signals.quality_report_transitioned.send(QualityReport, report=r, name=name, old_status=source,
                                                 new_status=target, actor=actor)

    assert _walk("service.quality_report", people, report, owner=gm, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {gm.username}) == []
