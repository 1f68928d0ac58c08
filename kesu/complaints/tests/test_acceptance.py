"""Acceptance windows (seed 004 §5.1) in working days across Chinese holidays and make-up Saturdays, and warranty."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import AcceptanceDecision, Status, WindowStatus
from kesu.complaints.services import TransitionRefused
from kesu.complaints.tests.factories import People, act, at, bring_to, category, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


def complain(people, received, **data):
    company = people.company
    data.setdefault("category", category(company, data.pop("category_code", "appearance")))
    with time_machine.travel(received, tick=False):
        return create_complaint(people[Role.SALESPERSON], **data)


# Spring Festival 2026: Sat 14 Feb is a make-up working day, 15–23 Feb are holidays.
@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 2, 14, 11, 0), WindowStatus.INSIDE),   # day 1: the make-up Saturday
        (at(2026, 2, 25, 16, 0), WindowStatus.INSIDE),   # day 3 after the holiday
        (at(2026, 2, 26, 9, 0), WindowStatus.OUTSIDE),
    ],
)
def test_the_appearance_window_skips_spring_festival_and_counts_the_make_up_saturday(people, received, expected):
    complaint = complain(people, received, delivery_date=datetime.date(2026, 2, 13))
    assert complaint.window_status == expected
    assert complaint.window_last_day == datetime.date(2026, 2, 25)
    assert "2026-02-13" in complaint.window_reason and "2026-02-25" in complaint.window_reason


# National Day 2026: 1–7 Oct holidays, Sat 10 Oct a make-up working day.
def test_the_window_over_national_day_ends_on_the_make_up_saturday(people):
    shipment = ShipmentFactory(customer=CustomerFactory(company=people.company), ship_date=datetime.date(2026, 9, 28),
                               receipt_date=datetime.date(2026, 9, 30))
    inside = complain(people, at(2026, 10, 10, 10, 0), customer=shipment.customer, shipment=shipment)
    outside = complain(people, at(2026, 10, 12, 9, 0), customer=shipment.customer, shipment=shipment)
    assert inside.window_last_day == datetime.date(2026, 10, 10)
    assert (inside.window_status, outside.window_status) == (WindowStatus.INSIDE, WindowStatus.OUTSIDE)
    # The form is filled from the shipment.
    assert (inside.part_id, inside.delivery_date, inside.quantity_shipped) == (
        shipment.part_id, datetime.date(2026, 9, 30), shipment.quantity)


def test_a_receipt_on_a_make_up_sunday_counts_that_sunday_as_a_working_day(people):
    complaint = complain(people, at(2026, 9, 23, 17, 0), delivery_date=datetime.date(2026, 9, 20))
    assert complaint.window_last_day == datetime.date(2026, 9, 23)
    assert complaint.window_status == WindowStatus.INSIDE


# The receipt day is day 0 whatever kind of day it is (issue 18 §10, seed 004 §5.1 "3个工作日内"). The 2026
# official calendar: Sun 20 Sep a make-up working day (National Day), Fri 25 – Sun 27 Sep Mid-Autumn holidays,
# Thu 1 – Wed 7 Oct National Day holidays, Sat 10 Oct a make-up working day.
@pytest.mark.parametrize(("receipt", "last_day"), [
    # An ordinary working Friday: Sat 19 no, Sun 20 (make-up) 1, Mon 21 2, Tue 22 3.
    (datetime.date(2026, 9, 18), datetime.date(2026, 9, 22)),
    # Friday 25 Sep is the Mid-Autumn Festival: Sat 26, Sun 27 holidays; Mon 28 1, Tue 29 2, Wed 30 3
    # (counted from the next working day it would have ended on Thu 8 Oct, after National Day).
    (datetime.date(2026, 9, 25), datetime.date(2026, 9, 30)),
    # Saturday 26 Sep (a holiday too): the same three working days, Mon 28 – Wed 30.
    (datetime.date(2026, 9, 26), datetime.date(2026, 9, 30)),
    # Saturday 3 Oct, inside National Day: Thu 8 1, Fri 9 2, Sat 10 (make-up) 3 (not Mon 12).
    (datetime.date(2026, 10, 3), datetime.date(2026, 10, 10)),
    # An ordinary Saturday: Mon 9 1, Tue 10 2, Wed 11 3 (not Thu 12).
    (datetime.date(2026, 3, 7), datetime.date(2026, 3, 11)),
])
def test_the_receipt_day_is_day_0_whatever_kind_of_day_it_is(people, receipt, last_day):
    complaint = complain(people, at(2026, 10, 20, 9, 0), delivery_date=receipt)
    assert complaint.window_last_day == last_day
    assert last_day.isoformat() in complaint.window_reason


def test_goods_received_on_a_saturday_get_three_working_days_not_four(people):
    receipt = datetime.date(2026, 9, 26)
    inside = complain(people, at(2026, 9, 30, 17, 0), delivery_date=receipt)
    outside = complain(people, at(2026, 10, 8, 9, 0), delivery_date=receipt)
    assert (inside.window_status, outside.window_status) == (WindowStatus.INSIDE, WindowStatus.OUTSIDE)
    assert "2026-09-30" in outside.window_reason


def test_a_late_complaint_after_a_holiday_receipt_is_refused_assessment_by_page_and_api(people, login, api):
    from django.urls import reverse

    from kesu.core.tests.panels import said

    # Received Sat 3 Oct (National Day): the window ends on the make-up Saturday 10 Oct; Mon 12 is too late.
    complaint = complain(people, at(2026, 10, 12, 9, 0), delivery_date=datetime.date(2026, 10, 3))
    assert (complaint.window_status, complaint.window_last_day) == (WindowStatus.OUTSIDE, datetime.date(2026, 10, 10))
    with time_machine.travel(at(2026, 10, 12, 10, 0), tick=False):
        complaint = bring_to(Status.ACKNOWLEDGED, people, complaint=complaint)
        data = {"category": complaint.category_id, "severity": "general", "warning_class": "c"}
        page = login(people[Role.SALESPERSON]).post(
            reverse("complaints:transition", args=[complaint.pk, "assess"]),
            {f"assess-{k}": v for k, v in data.items()} | {"version": complaint.version})
        told = said(page)
        answer = api(people[Role.SALESPERSON]).post(f"/api/v1/complaints/{complaint.pk}/transitions", {
            "action": "assess", "category_id": complaint.category_id, "severity": "general", "warning_class": "c"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "acceptance_decision"]
    assert told == [answer.json()["detail"][0]["msg"]]
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED


def test_performance_complaints_are_accepted_within_the_parts_warranty(people):
    customer = CustomerFactory(company=people.company)
    part = PartFactory(company=people.company, warranty_months=12)
    shipment = ShipmentFactory(customer=customer, part=part, ship_date=datetime.date(2025, 3, 10))
    inside = complain(people, at(2026, 3, 10, 15, 0), category_code="performance", customer=customer, shipment=shipment)
    outside = complain(people, at(2026, 3, 11, 9, 0), category_code="performance", customer=customer, shipment=shipment)
    assert (inside.window_status, outside.window_status) == (WindowStatus.INSIDE, WindowStatus.OUTSIDE)
    assert "12" in outside.window_reason and "2026-03-10" in outside.window_reason


def test_a_longer_warranty_on_the_part_extends_the_window(people):
    part = PartFactory(company=people.company, warranty_months=24)
    complaint = complain(people, at(2026, 3, 11, 9, 0), category_code="performance", part=part,
                         delivery_date=datetime.date(2025, 3, 10))
    assert complaint.window_status == WindowStatus.INSIDE
    assert complaint.window_last_day == datetime.date(2027, 3, 10)


def test_an_exclusion_overrides_the_window(people):
    complaint = complain(people, at(2026, 2, 25, 9, 0), delivery_date=datetime.date(2026, 2, 13),
                         exclusion="consumable")
    assert complaint.window_status == WindowStatus.EXCLUDED
    assert "Consumable" in complaint.window_reason or "消耗" in complaint.window_reason


def test_without_a_receipt_date_the_window_is_unknown_and_says_why(people):
    complaint = complain(people, at(2026, 2, 25, 9, 0))
    assert complaint.window_status == WindowStatus.UNKNOWN
    assert complaint.window_reason


def test_editing_the_delivery_date_computes_the_window_again(people):
    complaint = complain(people, at(2026, 2, 26, 9, 0))
    with time_machine.travel(at(2026, 2, 26, 10, 0), tick=False):
        complaint = services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint,
                                              data={"delivery_date": datetime.date(2026, 2, 13)})
    assert complaint.window_status == WindowStatus.OUTSIDE


def test_an_outside_window_complaint_needs_an_acceptance_decision_at_assessment(people):
    complaint = complain(people, at(2026, 2, 26, 9, 0), delivery_date=datetime.date(2026, 2, 13))
    with time_machine.travel(at(2026, 2, 26, 10, 0), tick=False):
        complaint = bring_to(Status.ACKNOWLEDGED, people, complaint=complaint)
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "assess", people)
        assert refused.value.field == "acceptance_decision"
        act(complaint, "assess", people, acceptance_decision=AcceptanceDecision.PAID_SERVICE,
            acceptance_note="按有偿服务受理")
    assert complaint.acceptance_decision == AcceptanceDecision.PAID_SERVICE


def test_an_inside_window_complaint_is_accepted_at_assessment(people):
    complaint = complain(people, at(2026, 2, 24, 9, 0), delivery_date=datetime.date(2026, 2, 13))
    with time_machine.travel(at(2026, 2, 24, 10, 0), tick=False):
        complaint = bring_to(Status.ASSESSED, people, complaint=complaint)
    assert complaint.acceptance_decision == AcceptanceDecision.ACCEPTED


def test_a_not_accepted_complaint_cannot_go_on_to_handling(people):
    complaint = complain(people, at(2026, 2, 26, 9, 0), delivery_date=datetime.date(2026, 2, 13))
    with time_machine.travel(at(2026, 2, 26, 10, 0), tick=False):
        complaint = bring_to(Status.ACKNOWLEDGED, people, complaint=complaint)
        act(complaint, "assess", people, acceptance_decision=AcceptanceDecision.NOT_ACCEPTED)
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "start_sales_handling", people)
    assert refused.value.field == "acceptance_decision"


def test_form_rules_name_the_field(people):
    customer = CustomerFactory(company=people.company)
    other = CustomerFactory(company=people.company)
    shipment = ShipmentFactory(customer=other)
    with pytest.raises(ValidationError) as error:
        create_complaint(people[Role.SALESPERSON], customer=customer, shipment=shipment,
                         quantity_shipped=5, quantity_defective=6)
    assert {"shipment", "quantity_defective"} <= set(error.value.message_dict)


def test_a_field_the_form_does_not_have_is_refused(people):
    with pytest.raises(ValidationError) as error:
        create_complaint(people[Role.SALESPERSON], status="closed")
    assert "status" in error.value.message_dict
