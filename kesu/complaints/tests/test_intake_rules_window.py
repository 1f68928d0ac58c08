"""The acceptance window and intake rules at their boundaries (seed 004 §5.1, design §2 and §11 "Acceptance
window"), with hand-worked dates on the 2026 statutory calendar.

- Appearance and model/quantity complaints: 3 working days from the customer's receipt of the goods, the receipt
  day being day 0; the receipt is the shipment's receipt date, else the delivery date on the form (never the ship
  date); the complaint's received day is its date in the company's time zone.
- Performance complaints: the warranty in months (the category's own length, else the part's, else 12) from the
  receipt, else the ship date; a month later is the same day of the month, or the month's last day.
- Human error, force majeure and consumables are excluded whatever the dates.
- Registering fills the form from the customer and the shipment without overwriting what was entered, refuses a
  complaint received in the future (five minutes' clock drift allowed), and opens the pass-on, reply and closure
  deadlines; an edit is refused on a final complaint or a stale version, and re-checks conflicts of interest only
  when the owner or the person who caused the nonconformity changes.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import (
    DeadlineKind,
    Direction,
    Status,
    TimelineKind,
    WindowKind,
    WindowStatus,
)
from kesu.complaints.models import Complaint, ComplaintCategory, Deadline, StatusChange, TimelineEntry
from kesu.complaints.tests.factories import People, at, bring_to, category, complaint_data, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(company_a):
    return People(company_a)


# Categories and exclusions as stored (plain strings), the way the check reads them from the database.
def working_days(value=3):
    return ComplaintCategory(name="外观", window_kind="working_days", window_value=value)


def warranty(months=None):
    return ComplaintCategory(name="性能", window_kind="warranty_months", window_value=months)


def check(company, received, **fields):
    """(window status, last day, reason) of a complaint received at ``received`` (an aware instant)."""
    complaint = Complaint(company=company, received_at=received, **fields)
    status, reason, last = services.acceptance_check(complaint)
    return status, last, reason


# -- 3 working days from receipt (Spring Festival 2026: Sat 14 Feb make-up working day, 15–23 Feb holidays) ---


def test_received_on_the_last_working_day_is_inside_and_the_next_day_outside(company_a):
    # Receipt Fri 13 Feb: Sat 14 (make-up) 1, Tue 24 2, Wed 25 3.
    inside = check(company_a, at(2026, 2, 25, 17, 0), category=working_days(), delivery_date=D(2026, 2, 13))
    outside = check(company_a, at(2026, 2, 26, 8, 0), category=working_days(), delivery_date=D(2026, 2, 13))
    assert inside[:2] == (WindowStatus.INSIDE, D(2026, 2, 25))
    assert outside[:2] == (WindowStatus.OUTSIDE, D(2026, 2, 25))
    assert "2026-02-13" in outside[2] and "2026-02-25" in outside[2] and "2026-02-26" in outside[2]


def test_the_received_day_is_the_day_in_the_companys_time_zone(company_a):
    # 25 Feb 23:59 in Shanghai is 15:59 UTC: still the last day; 16:00 UTC is already 26 Feb in Shanghai.
    last = datetime.datetime(2026, 2, 25, 15, 59, tzinfo=UTC)
    late = datetime.datetime(2026, 2, 25, 16, 0, tzinfo=UTC)
    assert check(company_a, last, category=working_days(), delivery_date=D(2026, 2, 13))[0] == WindowStatus.INSIDE
    assert check(company_a, late, category=working_days(), delivery_date=D(2026, 2, 13))[0] == WindowStatus.OUTSIDE


def test_the_shipments_receipt_date_comes_before_the_delivery_date_on_the_form(company_a):
    shipment = ShipmentFactory(customer=CustomerFactory(company=company_a), ship_date=D(2026, 2, 10),
                               receipt_date=D(2026, 2, 13))
    status, last, _reason = check(company_a, at(2026, 2, 26, 9, 0), category=working_days(), shipment=shipment,
                                  delivery_date=D(2026, 2, 24))
    assert (status, last) == (WindowStatus.OUTSIDE, D(2026, 2, 25))


def test_without_a_receipt_date_on_the_shipment_the_forms_delivery_date_counts(company_a):
    shipment = ShipmentFactory(customer=CustomerFactory(company=company_a), ship_date=D(2026, 2, 10),
                               receipt_date=None)
    status, last, _reason = check(company_a, at(2026, 2, 26, 9, 0), category=working_days(), shipment=shipment,
                                  delivery_date=D(2026, 2, 24))
    # Receipt Tue 24 Feb: Wed 25 1, Thu 26 2, Fri 27 3.
    assert (status, last) == (WindowStatus.INSIDE, D(2026, 2, 27))


def test_the_ship_date_alone_does_not_start_a_working_day_window(company_a):
    shipment = ShipmentFactory(customer=CustomerFactory(company=company_a), ship_date=D(2026, 2, 10),
                               receipt_date=None)
    status, last, reason = check(company_a, at(2026, 2, 26, 9, 0), category=working_days(), shipment=shipment)
    assert (status, last) == (WindowStatus.UNKNOWN, None)
    assert "receipt date is unknown" in reason


def test_a_working_day_window_without_a_length_ends_on_the_receipt_day(company_a):
    # Receipt Fri 13 Feb, day 0: a complaint the same day is inside, one the next working day (Sat 14) is not.
    same_day = check(company_a, at(2026, 2, 13, 17, 0), category=working_days(None), delivery_date=D(2026, 2, 13))
    next_day = check(company_a, at(2026, 2, 14, 9, 0), category=working_days(None), delivery_date=D(2026, 2, 13))
    assert same_day[:2] == (WindowStatus.INSIDE, D(2026, 2, 13))
    assert next_day[:2] == (WindowStatus.OUTSIDE, D(2026, 2, 13))


def test_a_category_without_a_window_accepts_every_complaint(company_a):
    category = ComplaintCategory(name="服务态度", window_kind="none", window_value=None)
    status, last, reason = check(company_a, at(2030, 1, 2, 9, 0), category=category, delivery_date=D(2020, 1, 2))
    assert (status, last) == (WindowStatus.INSIDE, None)
    assert "服务态度" in reason


def test_without_a_category_the_window_is_unknown(company_a):
    assert check(company_a, at(2026, 2, 25, 9, 0), delivery_date=D(2026, 2, 13))[:2] == (WindowStatus.UNKNOWN, None)


# -- exclusions (004 §5.1: human error, force majeure, consumables) ----------------------------------------------


@pytest.mark.parametrize("exclusion", ["human_error", "force_majeure", "consumable"])
def test_an_excluded_complaint_is_excluded_even_inside_the_window_or_without_a_category(company_a, exclusion):
    inside = check(company_a, at(2026, 2, 24, 9, 0), category=working_days(), delivery_date=D(2026, 2, 13),
                   exclusion=exclusion)
    assert inside[:2] == (WindowStatus.EXCLUDED, None)
    assert check(company_a, at(2026, 2, 24, 9, 0), exclusion=exclusion)[0] == WindowStatus.EXCLUDED


@pytest.mark.parametrize("exclusion", ["", "none"])
def test_no_exclusion_leaves_the_window_to_the_dates(company_a, exclusion):
    result = check(company_a, at(2026, 2, 24, 9, 0), category=working_days(), delivery_date=D(2026, 2, 13),
                   exclusion=exclusion)
    assert result[:2] == (WindowStatus.INSIDE, D(2026, 2, 25))


# -- the warranty in months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "months", "last"), [
    (D(2025, 3, 10), 12, D(2026, 3, 10)),
    (D(2025, 3, 10), 6, D(2025, 9, 10)),
    (D(2025, 12, 15), 1, D(2026, 1, 15)),     # into the next year
    (D(2025, 12, 31), 12, D(2026, 12, 31)),   # December to December
    (D(2025, 11, 30), 3, D(2026, 2, 28)),     # no 30 February: the month's last day
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),      # a leap year's February
    (D(2024, 2, 29), 12, D(2025, 2, 28)),     # from a leap day
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2025, 1, 15), 24, D(2027, 1, 15)),
])
def test_the_warranty_ends_the_same_day_so_many_months_later_or_on_that_months_last_day(company_a, start, months,
                                                                                           last):
    result = check(company_a, at(2025, 6, 1, 9, 0), category=warranty(months), delivery_date=start)
    assert result[1] == last
    assert f"{months}-month" in result[2]


def test_received_on_the_warrantys_last_day_is_inside_and_the_next_day_outside(company_a):
    on_last = check(company_a, at(2026, 2, 28, 17, 0), category=warranty(3), delivery_date=D(2025, 11, 30))
    after = check(company_a, at(2026, 3, 1, 9, 0), category=warranty(3), delivery_date=D(2025, 11, 30))
    assert (on_last[0], after[0]) == (WindowStatus.INSIDE, WindowStatus.OUTSIDE)
    assert "2026-02-28" in after[2] and "2025-11-30" in after[2]


def test_the_categorys_own_length_comes_before_the_parts_warranty(company_a):
    part = PartFactory(company=company_a, warranty_months=24)
    assert check(company_a, at(2025, 6, 1, 9, 0), category=warranty(6), part=part,
                 delivery_date=D(2025, 3, 10))[1] == D(2025, 9, 10)
    assert check(company_a, at(2025, 6, 1, 9, 0), category=warranty(None), part=part,
                 delivery_date=D(2025, 3, 10))[1] == D(2027, 3, 10)


def test_without_a_length_or_a_part_the_warranty_is_twelve_months(company_a):
    result = check(company_a, at(2025, 6, 1, 9, 0), category=warranty(None), delivery_date=D(2025, 3, 10))
    assert result[1] == D(2026, 3, 10)
    assert "12-month" in result[2]


def test_the_warranty_counts_from_the_receipt_else_from_the_ship_date(company_a):
    customer = CustomerFactory(company=company_a)
    received = ShipmentFactory(customer=customer, ship_date=D(2025, 3, 10), receipt_date=D(2025, 3, 20))
    shipped = ShipmentFactory(customer=customer, ship_date=D(2025, 3, 10), receipt_date=None)
    assert check(company_a, at(2025, 6, 1, 9, 0), category=warranty(12), shipment=received)[1] == D(2026, 3, 20)
    assert check(company_a, at(2025, 6, 1, 9, 0), category=warranty(12), shipment=shipped)[1] == D(2026, 3, 10)


def test_without_any_date_the_warranty_is_unknown_and_says_how_long_it_would_be(company_a):
    status, last, reason = check(company_a, at(2025, 6, 1, 9, 0), category=warranty(18))
    assert (status, last) == (WindowStatus.UNKNOWN, None)
    assert "18-month" in reason


# -- registering a complaint -----------------------------------------------------------------------------------


def test_the_form_is_filled_from_the_shipment_where_nothing_was_entered(people):
    customer = CustomerFactory(company=people.company)
    shipment = ShipmentFactory(customer=customer, ship_date=D(2026, 2, 10), receipt_date=None, quantity=40)
    filled = create_complaint(people[Role.SALESPERSON], customer=customer, shipment=shipment)
    # No receipt date on the shipment: the ship date is the best delivery date known.
    assert (filled.part_id, filled.delivery_date, filled.quantity_shipped) == (shipment.part_id, D(2026, 2, 10), 40)
    entered = create_complaint(people[Role.SALESPERSON], customer=customer, shipment=shipment,
                               delivery_date=D(2026, 2, 12), quantity_shipped=30)
    assert (entered.delivery_date, entered.quantity_shipped) == (D(2026, 2, 12), 30)


def test_the_customers_owner_owns_the_complaint_else_whoever_registers_it(people):
    owner, sales = people[Role.REGIONAL_MANAGER], people[Role.SALESPERSON]
    theirs = create_complaint(sales, customer=CustomerFactory(company=people.company, owner=owner))
    mine = create_complaint(sales, customer=CustomerFactory(company=people.company, owner=None))
    assert (theirs.owner, theirs.department_id, theirs.created_by) == (owner, owner.department_id, sales)
    assert (mine.owner, mine.department_id) == (sales, sales.department_id)
    given = create_complaint(sales, owner=owner, department=people[Role.QA].department)
    assert (given.owner, given.department) == (owner, people[Role.QA].department)


def test_the_system_registers_a_portal_complaint_without_a_person(people):
    customer = CustomerFactory(company=people.company, owner=None)
    complaint = services.complaint_create(actor=None, company=people.company, source="portal", data={
        "channel": "portal", "customer": customer, "description": "外壳划伤"})
    assert (complaint.owner, complaint.created_by) == (None, None)


def test_a_complaint_may_be_received_up_to_five_minutes_ahead_of_the_clock_but_not_later(people):
    now = at(2026, 3, 2, 9, 0)
    with time_machine.travel(now, tick=False):
        ahead = create_complaint(people[Role.SALESPERSON], received_at=now + datetime.timedelta(minutes=5))
        with pytest.raises(ValidationError) as error:
            create_complaint(people[Role.SALESPERSON], received_at=now + datetime.timedelta(minutes=5, seconds=1))
        unsaid = create_complaint(people[Role.SALESPERSON])
    assert ahead.received_at == now + datetime.timedelta(minutes=5)
    assert "received_at" in error.value.message_dict
    assert unsaid.received_at == now


def test_registering_records_the_complaint_and_opens_its_first_deadlines(people):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        complaint = create_complaint(people[Role.SALESPERSON], channel="email")
    change = StatusChange.objects.get(complaint=complaint)
    assert (change.name, change.old_status, change.new_status) == ("create", "", Status.RECEIVED)
    entry = TimelineEntry.objects.get(complaint=complaint, kind=TimelineKind.COMMUNICATION)
    assert (entry.direction, entry.internal, entry.channel) == (Direction.IN, False, "email")
    open_kinds = set(Deadline.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert open_kinds == {DeadlineKind.PASS_ON, DeadlineKind.REPLY, DeadlineKind.CLOSURE}
    assert complaint.closure_due_at == Deadline.objects.get(complaint=complaint, kind=DeadlineKind.CLOSURE).due_at
    # Without files the customer's words are all the timeline holds.
    assert TimelineEntry.objects.filter(complaint=complaint).count() == 1


def test_the_customers_photos_given_with_the_intake_are_kept_internal_under_one_note(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    sales = people[Role.SALESPERSON]
    complaint = services.complaint_create(actor=sales, company=people.company, data=complaint_data(people.company),
                                          files=[SimpleUploadedFile("划伤1.png", png),
                                                 SimpleUploadedFile("划伤2.png", png + b"2")])
    note = TimelineEntry.objects.get(complaint=complaint, kind=TimelineKind.NOTE)
    assert note.internal and "划伤1.png、划伤2.png" in note.summary
    rows = list(complaint.attachments.order_by("name"))
    assert [(r.name, r.internal, r.entry_id) for r in rows] == [("划伤1.png", True, note.pk), ("划伤2.png", True, note.pk)]


def test_the_person_who_caused_the_nonconformity_does_not_own_it(people):
    sales = people[Role.SALESPERSON]
    with pytest.raises(ValidationError) as error:
        create_complaint(sales, responsible_person=sales)
    assert "override_reason" in error.value.message_dict


# -- editing the form -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("final", [Status.CANCELLED, Status.REJECTED_AT_INTAKE, Status.CLOSED])
def test_a_final_complaint_is_not_edited(people, final):
    complaint = bring_to(final, people)
    with pytest.raises(ValidationError) as error:
        services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"lot_number": "L1"})
    assert "status" in error.value.message_dict


def test_an_edit_on_a_stale_version_is_refused_and_each_edit_counts_a_version(people):
    complaint = create_complaint(people[Role.SALESPERSON])
    version = complaint.version
    with pytest.raises(ValidationError) as error:
        services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"lot_number": "L1"},
                                  expected_version=version - 1)
    assert "version" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # nor a version the complaint never had
        services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"lot_number": "L1"},
                                  expected_version=version + 1)
    assert "version" in error.value.message_dict
    edited = services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint,
                                       data={"lot_number": "L2"}, expected_version=version)
    assert (edited.lot_number, edited.version) == ("L2", version + 1)
    again = services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"lot_number": "L3"})
    assert again.version == version + 2
    # A long-lived complaint's version is compared by value, however large.
    Complaint.objects.filter(pk=complaint.pk).update(version=1000)
    later = services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"lot_number": "L4"},
                                      expected_version=int("1000"))
    assert later.version == 1001


def test_an_edit_may_correct_the_channel_contact_contract_and_category_and_the_window_follows(people):
    from kesu.customers.tests.factories import ContactFactory, ContractFactory

    customer = CustomerFactory(company=people.company)
    with time_machine.travel(at(2025, 6, 2, 9, 0), tick=False):
        complaint = create_complaint(people[Role.SALESPERSON], customer=customer, delivery_date=D(2025, 3, 10),
                                     category=category(people.company, "appearance"))
        assert complaint.window_status == WindowStatus.OUTSIDE  # long after 3 working days
        contact, contract = ContactFactory(customer=customer), ContractFactory(customer=customer)
        edited = services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={
            "channel": "email", "contact": contact, "contract": contract,
            "category": category(people.company, "performance")})
    assert (edited.channel, edited.contact, edited.contract) == ("email", contact, contract)
    assert (edited.window_status, edited.window_last_day) == (WindowStatus.INSIDE, D(2026, 3, 10))


def test_the_customer_of_a_complaint_is_not_changed_by_an_edit(people):
    complaint = create_complaint(people[Role.SALESPERSON])
    with pytest.raises(ValidationError) as error:
        services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint,
                                  data={"customer": CustomerFactory(company=people.company)})
    assert "customer" in error.value.message_dict


def test_an_edit_rechecks_conflicts_only_when_the_owner_or_the_cause_changes(people):
    sales, operator = people[Role.SALESPERSON], people[Role.PRODUCTION]
    engineer = people[Role.QA]
    part = PartFactory(company=people.company, responsible_engineer=engineer)
    complaint = create_complaint(sales, part=part)
    for data in ({"owner": engineer}, {"owner_id": engineer.pk}, {"responsible_person": sales},
                 {"responsible_person_id": sales.pk}):
        with pytest.raises(ValidationError) as error:
            services.complaint_update(actor=sales, complaint=complaint, data=data)
        assert "override_reason" in error.value.message_dict, data
    # Assigned to the person who caused it, with a reason: later edits of other fields are not refused for it.
    complaint = create_complaint(sales)
    services.complaint_update(actor=sales, complaint=complaint, data={"responsible_person": operator})
    services.complaint_assign(actor=people[Role.GM], complaint=complaint, owner=operator,
                              override_reason="由班组长复核")
    edited = services.complaint_update(actor=sales, complaint=complaint, data={"lot_number": "L9"})
    assert (edited.owner, edited.lot_number) == (operator, "L9")


# -- categories and defect types (004 §5.1) ----------------------------------------------------------------------


def test_the_three_categories_of_the_seed_and_their_defect_types_are_made_once(company_a):
    first = services.complaint_categories_ensure_defaults(company=company_a)
    again = services.complaint_categories_ensure_defaults(company=company_a)
    assert [c.pk for c in first] == [c.pk for c in again]
    windows = {c.code: (c.window_kind, c.window_value) for c in first}
    assert windows == {"appearance": (WindowKind.WORKING_DAYS, 3), "model_quantity": (WindowKind.WORKING_DAYS, 3),
                       "performance": (WindowKind.WARRANTY_MONTHS, None)}
    codes = {c.code: [t.code for t in services.defect_types_for(c)] for c in first}
    assert codes == {"appearance": ["deformation", "dent", "paint", "scratch"],
                     "model_quantity": ["missing_part", "wrong_model"], "performance": ["function", "parameter"]}


def test_a_retired_defect_type_is_not_offered_and_no_category_offers_none(company_a):
    appearance = category(company_a)
    appearance.defect_types.filter(code="paint").update(is_active=False)
    assert [t.code for t in services.defect_types_for(appearance)] == ["deformation", "dent", "scratch"]
    assert list(services.defect_types_for(None)) == []
