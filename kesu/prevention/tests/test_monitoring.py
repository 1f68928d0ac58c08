"""Automatic signals (issue 22 §3): each raised once per cause, with why."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints.models import Deadline
from kesu.complaints.tests.factories import create_complaint
from kesu.customers.tests.factories import CustomerFactory, ShipmentFactory
from kesu.prevention.choices import AutoCause
from kesu.prevention.models import WarningSignal
from kesu.prevention.monitoring import signals_raise

pytestmark = pytest.mark.django_db
R = Role


def causes():
    return sorted(WarningSignal.objects.values_list("auto_cause", "cause_key"))


def test_a_customer_above_its_own_norm_raises_one_b_signal(people):
    customer = CustomerFactory(company=people.company, code="RISE")
    # No complaint in the twelve months before; three this month: c̄ = 0, UCL = 0, 3 ≥ the minimum of 3.
    for _i in range(3):
        create_complaint(people[R.SALESPERSON], customer=customer)
    assert signals_raise() == 1
    assert signals_raise() == 0
    signal = WarningSignal.objects.get()
    month = timezone.localtime(timezone.now(), people.company.tz).date()
    assert (signal.auto_cause, signal.cause_key, signal.warning_class) == (
        AutoCause.COMPLAINT_RATE, f"rate:{customer.pk}:{month:%Y-%m}", "b")
    assert "3" in signal.why and signal.customer == customer and signal.reported_by is None


def test_two_complaints_stay_within_the_norm(people):
    customer = CustomerFactory(company=people.company, code="CALM")
    for _i in range(2):
        create_complaint(people[R.SALESPERSON], customer=customer)
    assert signals_raise() == 0


def test_an_overdue_complaint_deadline_raises_one_c_signal(people):
    complaint = create_complaint(people[R.SALESPERSON])
    deadline = complaint.deadlines.get(kind="pass_on")
    Deadline.objects.filter(pk=deadline.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2),
                                                   started_at=timezone.now() - datetime.timedelta(days=2))
    assert signals_raise() == 1
    assert signals_raise() == 0
    assert causes() == [(AutoCause.OVERDUE_DEADLINE, f"overdue:{deadline.pk}")]
    assert complaint.number in WarningSignal.objects.get().why


def test_a_late_delivery_streak_raises_one_signal_per_streak(people):
    customer = CustomerFactory(company=people.company, code="LATE")
    today = timezone.localdate()
    late = [ShipmentFactory(customer=customer, company=people.company, due_date=today - datetime.timedelta(days=d),
                            ship_date=today - datetime.timedelta(days=d - 2), receipt_date=None)
            for d in (40, 30, 20)]
    assert signals_raise() == 1
    # A fourth late delivery continues the same streak: no new signal.
    ShipmentFactory(customer=customer, company=people.company, due_date=today - datetime.timedelta(days=10),
                    ship_date=today - datetime.timedelta(days=8), receipt_date=None)
    assert signals_raise() == 0
    assert causes() == [(AutoCause.LATE_DELIVERIES, f"late:{customer.pk}:{late[0].pk}")]


def test_two_late_deliveries_with_one_on_time_between_raise_nothing(people):
    customer = CustomerFactory(company=people.company, code="OK")
    today = timezone.localdate()
    for d, delay in ((40, 2), (30, 0), (20, 2)):
        ShipmentFactory(customer=customer, company=people.company, due_date=today - datetime.timedelta(days=d),
                        ship_date=today - datetime.timedelta(days=d - delay), receipt_date=None)
    assert signals_raise() == 0


def test_a_failing_survey_answer_raises_one_c_signal(people):
    from kesu.surveys import services
    from kesu.surveys.tests.factories import campaign as new_campaign
    from kesu.surveys.tests.factories import choices_for

    campaign = new_campaign(people, customers=1)
    services.campaign_open(actor=people[R.GENERAL_OFFICE], campaign=campaign)
    recipient = campaign.recipients.get()
    items = [item for section in campaign.template.sections.order_by("position")
             for item in section.items.order_by("position")]
    worst = [len(item.options) - 1 for item in items]  # the last option of each item scores least
    answer = services.answer_submit(actor=people[R.SALESPERSON], recipient=recipient, channel="phone",
                                    choices=choices_for(campaign.template, worst))
    assert answer.grade == "fail" or answer.critical_zero
    assert signals_raise() == 1
    assert signals_raise() == 0
    assert causes() == [(AutoCause.LOW_SURVEY, f"survey:{answer.pk}")]


def test_a_negative_visit_raises_one_c_signal_with_its_finding(people):
    from kesu.service.models import Visit

    customer = CustomerFactory(company=people.company, code="VIS")
    today = timezone.localtime(timezone.now(), people.company.tz).date()
    sad = Visit.objects.create(company=people.company, customer=customer, visited_by=people[R.SALESPERSON],
                               visited_on=today - datetime.timedelta(days=3), findings="客户抱怨交货慢，扬言换供应商",
                               negative=True)
    Visit.objects.create(company=people.company, customer=customer, visited_by=people[R.SALESPERSON],
                         visited_on=today, findings="客户满意", negative=False)
    Visit.objects.create(company=people.company, customer=customer, visited_by=people[R.SALESPERSON],
                         visited_on=today - datetime.timedelta(days=91), findings="很久以前的不满", negative=True)
    assert signals_raise() == 1
    assert signals_raise() == 0
    assert causes() == [(AutoCause.NEGATIVE_VISIT, f"visit:{sad.pk}")]
    signal = WarningSignal.objects.get()
    assert signal.warning_class == "c" and signal.customer == customer
    assert "客户抱怨交货慢，扬言换供应商" in signal.why and f"{sad.visited_on:%Y-%m-%d}" in signal.why


def test_a_negative_visit_whose_finding_already_became_a_signal_raises_nothing(people):
    from kesu.prevention import services
    from kesu.service.models import Visit

    customer = CustomerFactory(company=people.company, code="VIS2")
    manual = services.signal_create(actor=people[R.SALESPERSON], company=people.company, data={
        "source": "visit", "customer": customer, "warning_class": "b", "observed": "拜访时客户不满"})
    Visit.objects.create(company=people.company, customer=customer, visited_by=people[R.SALESPERSON],
                         visited_on=timezone.localdate(), findings="不满", negative=True, finding_signal=manual)
    assert signals_raise() == 0
