"""Serious complaints are verified on at least two later deliveries (issue 18 §5, seed 004 §5.2(3): "由质量部、销售人员
对后续销售产品跟踪验证2次以上，确认其问题不会再次发生"): each check is recorded (shipment, date, by whom, result),
only later shipments of the same part to the same customer count, and a recurrence sends the complaint back to QA."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import DeadlineKind, Severity, Status
from kesu.complaints.models import StatusChange
from kesu.complaints.services import TransitionRefused
from kesu.complaints.tests.factories import People, act, at, bring_to
from kesu.core import work
from kesu.core.tests.panels import said
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def case(people):
    """A major complaint about part P of customer K, its remedy carried out on Mon 2 March 2026, in verification,
    and K's deliveries: P on the remedy's day (not later), P on 5 and 12 March, another part on 6 March."""
    company = people.company
    customer, part, other = CustomerFactory(company=company), PartFactory(company=company), PartFactory(company=company)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = bring_to(Status.REMEDY_DONE, people, customer=customer, part=part,
                             assess={"severity": Severity.MAJOR})
    ships = {
        "same_day": ShipmentFactory(customer=customer, part=part, delivery_no="D-0302", ship_date=D(2026, 3, 2)),
        "first": ShipmentFactory(customer=customer, part=part, delivery_no="D-0305", ship_date=D(2026, 3, 5)),
        "other_part": ShipmentFactory(customer=customer, part=other, delivery_no="D-0306", ship_date=D(2026, 3, 6)),
        "second": ShipmentFactory(customer=customer, part=part, delivery_no="D-0312", ship_date=D(2026, 3, 12)),
        "other_customer": ShipmentFactory(customer=CustomerFactory(company=company), part=part,
                                          delivery_no="D-0307", ship_date=D(2026, 3, 7)),
    }
    return complaint, ships


def verify(people, complaint, shipment, result="ok", role=Role.QA, **kw):
    return services.delivery_verification_record(
        actor=people[role], complaint=complaint, shipment=shipment, checked_on=kw.pop("checked_on", D(2026, 3, 16)),
        result=result, **kw)


def test_a_major_complaint_closes_only_after_two_ok_checks_of_later_deliveries_of_its_part(people, case):
    complaint, ships = case
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "close", people)
        assert refused.value.field == "status"
        act(complaint, "start_verification", people)
        # Later deliveries exist, but nobody checked them: nothing counts (the old rule counted any shipment).
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "close", people)
        assert refused.value.field == "verification" and "there are 0" in refused.value.message
        verify(people, complaint, ships["first"], role=Role.SALESPERSON)
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "close", people)
        assert "2 OK verifications" in refused.value.message and "there are 1" in refused.value.message
        row = verify(people, complaint, ships["second"], checked_by=people.other(Role.QA))
        assert (row.checked_by, row.recorded_by, row.checked_on) == (people.other(Role.QA), people[Role.QA],
                                                                     D(2026, 3, 16))
        act(complaint, "close", people)
    assert complaint.status == Status.CLOSED


@pytest.mark.parametrize(("which", "message"), [
    ("same_day", ("The shipment must have left after the remedy was carried out (%(date)s).", {"date": "2026-03-02"})),
    ("other_part", ("The shipment must be of the complaint's part (%(part)s).", None)),
    ("other_customer", (None, None)),
])
def test_a_shipment_that_does_not_count_is_refused_by_page_and_api(people, case, login, api, which, message):
    complaint, ships = case
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        act(complaint, "start_verification", people)
        user = people[Role.QA]
        page = login(user).post(reverse("complaints:record", args=[complaint.pk, "delivery_verification"]), {
            "delivery_verification-shipment": ships[which].pk, "delivery_verification-checked_on": "2026-03-16",
            "delivery_verification-result": "ok"})
        told = said(page)
        answer = api(user).post(f"/api/v1/complaints/{complaint.pk}/delivery-verifications", {
            "shipment_id": ships[which].pk, "checked_on": "2026-03-16", "result": "ok"})
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"][-1] == "shipment_id"
    assert len(told) == 1 and detail["msg"] in told[0]
    if which != "other_customer":  # the page's list holds only the customer's deliveries: the form refuses first
        from django.utils.translation import gettext

        text, params = message
        expected = gettext(text) % (params or {"part": complaint.part})
        assert detail["msg"] == expected
    assert not complaint.delivery_verifications.exists()


def test_a_shipment_is_verified_once_and_not_before_it_left(people, case):
    complaint, ships = case
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        act(complaint, "start_verification", people)
        with pytest.raises(ValidationError) as error:
            verify(people, complaint, ships["second"], checked_on=D(2026, 3, 11))
        assert "checked_on" in error.value.message_dict
        verify(people, complaint, ships["first"])
        with pytest.raises(ValidationError) as error:
            verify(people, complaint, ships["first"])
        assert "shipment" in error.value.message_dict


def test_a_recurrence_sends_the_complaint_back_to_qa_and_the_count_starts_again(people, case):
    complaint, ships = case
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        act(complaint, "start_verification", people)
        verify(people, complaint, ships["first"])
        with pytest.raises(ValidationError) as error:
            verify(people, complaint, ships["second"], result="not_ok")
        assert "note" in error.value.message_dict
        verify(people, complaint, ships["second"], result="not_ok", note="第二批同样出现划伤 2 台")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.recurrence_count, complaint.escalated_to_qa) == (
        Status.QA_INVESTIGATION, 1, True)
    change = StatusChange.objects.filter(complaint=complaint).order_by("-id").first()
    assert (change.name, change.old_status, change.note) == ("record_recurrence", Status.VERIFICATION,
                                                             "第二批同样出现划伤 2 台")
    assert complaint.deadlines.filter(kind=DeadlineKind.QA_OPINION, met_at__isnull=True).exists()
    # QA remedies it again; the delivery checked before the new remedy no longer counts.
    with time_machine.travel(at(2026, 3, 23, 9, 0), tick=False):
        complaint.meetings.create(company=complaint.company, held_at=at(2026, 3, 23, 8, 0), conclusions="重新分析")
        for step in ("propose_remedy", "approve_remedy", "customer_accepts", "complete_remedy", "start_verification"):
            complaint = act(complaint, step, people)
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "close", people)
    assert "there are 0" in refused.value.message


def test_the_recurrence_is_never_a_step_of_its_own(people, case, api, login):
    complaint, _ships = case
    act(complaint, "start_verification", people)
    answer = api(people[Role.QA]).post(f"/api/v1/complaints/{complaint.pk}/transitions",
                                       {"action": "record_recurrence", "reason": "又坏了"})
    assert answer.status_code == 422
    panel = login(people[Role.QA]).get(reverse("complaints:detail", args=[complaint.pk])).context["next_step"]
    names = [a.name for a in panel.first + panel.more]
    assert "record_recurrence" not in names and "verify_delivery" in names


def test_the_complaint_waits_for_qa_and_its_owner_to_check_the_next_delivery_then_to_close(people, case):
    complaint, ships = case
    qa = people[Role.QA]
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        act(complaint, "start_verification", people)

        def waiting():
            return sorted((i.action, frozenset(u.username for u in work.resolve_users(i)))
                          for i in work.waiting_for(complaint))

        assert waiting() == [("verify_delivery", frozenset({complaint.owner.username})),
                             ("verify_delivery_qa", frozenset({qa.username}))]
        verify(people, complaint, ships["first"])
        verify(people, complaint, ships["second"])
        assert [action for action, _who in waiting()] == ["close"]


def test_the_api_and_the_page_show_the_count_and_the_records_and_other_roles_may_not_record(people, case, api,
                                                                                                login):
    complaint, ships = case
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        act(complaint, "start_verification", people)
        verify(people, complaint, ships["first"], role=Role.SALESPERSON)
        refused = api(people[Role.FINANCE]).post(f"/api/v1/complaints/{complaint.pk}/delivery-verifications", {
            "shipment_id": ships["second"].pk, "checked_on": "2026-03-16", "result": "ok"})
        body = api(people[Role.QA]).get(f"/api/v1/complaints/{complaint.pk}/delivery-verifications").json()
        page = login(people[Role.QA]).get(reverse("complaints:detail", args=[complaint.pk]))
    assert refused.status_code == 403
    assert (body["needed"], body["verified"], body["recurrences"]) == (2, 1, 0)
    assert [(i["delivery_no"], i["result"], i["checked_by_id"]) for i in body["items"]] == [
        ("D-0305", "ok", people[Role.SALESPERSON].pk)]
    html = page.content.decode()
    assert 'id="delivery-verifications"' in html and "D-0305" in html
    assert page.context["verified_deliveries"] == 1 and page.context["verification_needed"] == 2


def test_the_export_has_the_recurrences(people, case, api):
    import io

    import openpyxl

    complaint, ships = case
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        act(complaint, "start_verification", people)
        verify(people, complaint, ships["first"], result="not_ok", note="再次出现划伤")
        response = api(people[Role.QA]).get("/api/v1/complaints/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    from django.utils.translation import gettext

    label = gettext("recurrences on later deliveries")
    header = next(r for r in rows if label in r)
    line = next(r for r in rows if complaint.number in r)
    assert line[header.index(label)] == 1
