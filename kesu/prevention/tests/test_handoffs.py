"""Every row of the prevention tables reaches its next actor and tells no one else (handoffs.py)."""

from __future__ import annotations

import datetime

import pytest

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.notifications.tests.test_every_table import _walk
from kesu.prevention import services, signals
from kesu.prevention.models import Assessment, WarningSignal

pytestmark = pytest.mark.django_db
R = Role


def test_every_signal_hand_off_reaches_its_next_actor(people, customer):
    owner = UserFactory(role=R.REGIONAL_MANAGER, company=people.company, username="A-owner")
    signal = services.signal_create(actor=people[R.AFTER_SALES], company=people.company, data={
        "source": "call_centre", "customer": customer, "warning_class": "c", "observed": "客户抱怨", "owner": owner})

    def set_state(s, name, source, target):
        WarningSignal.objects.filter(pk=s.pk).update(status=target)

    def announce(s, name, source, target, actor):
        signals.signal_transitioned.send(WarningSignal, warning=s, name=name, old_status=source, new_status=target,
                                         actor=actor, note="")

    # The follower and who recorded it hear of every step.
    assert _walk("prevention.signal", people, signal, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username, "A-after_sales"}) == []


def test_every_assessment_hand_off_reaches_its_next_actor(people):
    salesperson = people[R.SALESPERSON]
    assessment = services.assessment_compute(actor=people[R.SALES_DIRECTOR], company=people.company,
                                             salesperson=salesperson, period_start=datetime.date(2026, 11, 1),
                                             period_end=datetime.date(2026, 11, 30))

    def set_state(a, name, source, target):
        Assessment.objects.filter(pk=a.pk).update(status=target)

    def announce(a, name, source, target, actor):
        signals.assessment_transitioned.send(Assessment, assessment=a, name=name, old_status=source,
                                             new_status=target, actor=actor, note="")

    assert _walk("prevention.assessment", people, assessment, owner=salesperson, set_state=set_state,
                 announce=announce, also_told=lambda name, source, target: {salesperson.username}) == []


def test_a_draft_assessment_waits_for_the_sales_director(people):
    from kesu.core import work

    assessment = services.assessment_compute(actor=people[R.SALES_DIRECTOR], company=people.company,
                                             salesperson=people[R.SALESPERSON],
                                             period_start=datetime.date(2026, 11, 1),
                                             period_end=datetime.date(2026, 11, 30))
    items = work.waiting_for(assessment)
    assert [(i.action, sorted(u.username for u in work.resolve_users(i))) for i in items] == [
        ("confirm", ["A-sales_director"])]


def test_a_preventive_action_waits_for_its_owner_by_its_deadline(groups, customer):
    from kesu.core import work

    signal = services.signal_create(actor=groups[R.AFTER_SALES], company=groups.company, data={
        "source": "call_centre", "customer": customer, "warning_class": "c", "observed": "客户抱怨"})
    rm = groups[R.REGIONAL_MANAGER]
    services.signal_transition(actor=rm, signal=signal, name="identify", identification="属实")
    action = services.action_add(actor=rm, signal=signal, description="回访", owner=groups[R.SALESPERSON],
                                 working_days=1)
    items = work.waiting_for(action)
    assert [(i.action, [u.username for u in work.resolve_users(i)], i.due_at) for i in items] == [
        ("do_action", ["A-salesperson"], action.due_at)]
