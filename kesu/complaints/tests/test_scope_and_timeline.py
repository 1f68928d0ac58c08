"""Company scope (an outsider sees and does nothing), the timeline, audit, repeats and selectors."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import (
    complaint_get_for_user,
    complaints_visible_to,
    is_repeat_complaint,
    repeat_complaints,
    timeline_for,
)
from kesu.complaints.tests.factories import People, at, bring_to, category, create_complaint
from kesu.core.models import AuditEntry
from kesu.customers.tests.factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


def test_an_outsider_cannot_see_another_companys_complaints(people, outsider):
    complaint = bring_to(Status.RECEIVED, people)
    assert complaints_visible_to(outsider).count() == 0
    assert complaints_visible_to(people[Role.SALESPERSON]).get() == complaint
    with pytest.raises(Http404):
        complaint_get_for_user(outsider, complaint.pk)


def test_an_outsider_cannot_act_on_another_companys_complaint(people, outsider):
    complaint = bring_to(Status.RECEIVED, people)
    with pytest.raises(PermissionDenied):
        services.complaint_transition(actor=outsider, complaint=complaint, action="acknowledge", channel="phone")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=outsider, complaint=complaint, text="偷看")
    with pytest.raises(PermissionDenied):
        services.communication_log(actor=outsider, complaint=complaint, direction="out", channel="phone",
                                   summary="x")
    with pytest.raises(PermissionDenied):
        create_complaint(outsider, company=people.company, customer=complaint.customer)
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_a_complaint_cannot_point_at_another_companys_customer(people, company_b):
    with pytest.raises(ValidationError) as error:
        create_complaint(people[Role.SALESPERSON], customer=CustomerFactory(company=company_b))
    assert "customer" in error.value.message_dict


def test_a_role_that_does_not_take_complaints_cannot_register_one(people):
    with pytest.raises(PermissionDenied):
        create_complaint(people[Role.FINANCE])


def test_the_timeline_keeps_everything_in_order_and_internal_notes_stay_internal(people):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        complaint = create_complaint(people[Role.SALESPERSON], channel="email")
    with time_machine.travel(at(2026, 3, 2, 9, 30), tick=False):
        services.note_add(actor=people[Role.QA], complaint=complaint, text="疑似同批次问题")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        services.complaint_transition(actor=people[Role.SALESPERSON], complaint=complaint, action="acknowledge",
                                      channel="email")
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        services.complaint_assign(actor=people[Role.SALES_DIRECTOR], complaint=complaint,
                                  owner=people[Role.SALES_ASSISTANT])

    kinds = [(e.kind, e.internal) for e in timeline_for(complaint)]
    assert kinds == [
        ("communication", False),   # the complaint as received
        ("note", True),
        ("communication", False),   # the acknowledgement quoting the number
        ("transition", True),
        ("assignment", True),
    ]
    customer_view = list(timeline_for(complaint, include_internal=False))
    assert [e.kind for e in customer_view] == ["communication", "communication"]
    assert complaint.number in customer_view[1].summary
    assert customer_view[1].channel == "email" and customer_view[1].direction == "out"


def test_every_transition_is_audited_with_the_actor(people):
    complaint = bring_to(Status.ACKNOWLEDGED, people)
    entry = AuditEntry.objects.filter(object_id=str(complaint.pk), changes__has_key="status").latest("id")
    assert entry.actor == people[Role.SALESPERSON]
    assert entry.changes["status"][1] in (Status.ACKNOWLEDGED.value, str(Status.ACKNOWLEDGED.label))


def test_a_transition_that_fails_leaves_nothing_behind(people):
    complaint = bring_to(Status.REMEDY_DONE, people)
    before = (complaint.timeline.count(), complaint.status_changes.count(), AuditEntry.objects.count())
    with pytest.raises(services.TransitionRefused):
        services.complaint_transition(actor=people[Role.SALESPERSON], complaint=complaint, action="close")
    assert (complaint.timeline.count(), complaint.status_changes.count(), AuditEntry.objects.count()) == before
    assert Complaint.objects.get(pk=complaint.pk).status == Status.REMEDY_DONE


def test_a_repeat_complaint_is_the_same_customer_part_and_category_within_180_days(people):
    customer = CustomerFactory(company=people.company)
    part = PartFactory(company=people.company)
    appearance = category(people.company)
    with time_machine.travel(at(2026, 1, 5, 9, 0), tick=False):
        first = create_complaint(people[Role.SALESPERSON], customer=customer, part=part, category=appearance)
    with time_machine.travel(at(2026, 6, 30, 9, 0), tick=False):
        second = create_complaint(people[Role.SALESPERSON], customer=customer, part=part, category=appearance)
        other_part = create_complaint(people[Role.SALESPERSON], customer=customer, part=PartFactory(company=people.company),
                                      category=appearance)
    with time_machine.travel(at(2026, 7, 20, 9, 0), tick=False):
        late = create_complaint(people[Role.SALESPERSON], customer=customer, part=part, category=appearance)

    assert list(repeat_complaints(second)) == [first]
    assert is_repeat_complaint(second) and not is_repeat_complaint(first)
    assert not is_repeat_complaint(other_part)
    assert list(repeat_complaints(late)) == [second]  # 196 days after the first
    assert first.received_at + datetime.timedelta(days=180) < late.received_at


def test_the_list_query_joins_what_a_row_shows(people, django_assert_num_queries):
    for _ in range(5):
        create_complaint(people[Role.SALESPERSON])
    user = people[Role.SALESPERSON]
    user.visible_company_ids()
    with django_assert_num_queries(1):
        rows = [(c.number, str(c.customer), c.owner and str(c.owner), c.category) for c in complaints_visible_to(user)]
    assert len(rows) == 5
