"""Business events written with their change and handed on exactly once (issue 24 §2): by the request after its
commit, or by the worker when the request hands them over (``KESU_EVENTS_BY_WORKER``) or died after committing."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kesu.accounts.roles import Role
from kesu.complaints import signals
from kesu.complaints.models import CustomerMessage, TimelineEntry
from kesu.complaints.tests.factories import People, create_complaint
from kesu.core import events
from kesu.core.models import PendingEvent
from kesu.customers.models import Contact
from kesu.customers.tests.factories import CustomerFactory
from kesu.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def contact(company_a):
    customer = CustomerFactory(company=company_a)
    return Contact.objects.create(company=company_a, customer=customer, name="林先生", email="lin@customer.example")


def _new(people, contact):
    return create_complaint(people[Role.SALESPERSON], customer=contact.customer, contact=contact)


def _announced(complaint) -> tuple[int, int, int]:
    """(acknowledgements, the owner's notifications of the new complaint, events still waiting)."""
    return (CustomerMessage.objects.filter(complaint=complaint, key="acknowledgement").count(),
            Notification.objects.filter(link__endswith=f"/{complaint.pk}/", event="complaint_created").count(),
            PendingEvent.objects.filter(record_id=complaint.pk).count())


def test_the_request_hands_its_event_on_after_the_commit_and_leaves_nothing_waiting(
        people, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = _new(people, contact)
    acknowledged, told, waiting = _announced(complaint)
    assert (acknowledged, waiting) == (1, 0)
    events.deliver_all()  # a worker coming by afterwards finds nothing to do
    assert _announced(complaint) == (acknowledged, told, 0)


def test_a_request_that_dies_after_its_commit_leaves_the_event_to_the_worker_which_hands_it_on_once(
        people, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # committed; the process never ran its hooks
        complaint = _new(people, contact)
    assert _announced(complaint) == (0, 0, 1)
    events.deliver_all()
    assert _announced(complaint)[0::2] == (1, 0)
    events.deliver_all()
    assert CustomerMessage.objects.filter(complaint=complaint).count() == 1


def test_with_events_by_worker_the_request_only_writes_the_event(
        people, contact, settings, django_capture_on_commit_callbacks):
    settings.KESU_EVENTS_BY_WORKER = True
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        complaint = _new(people, contact)
    assert _announced(complaint) == (0, 0, 1)
    assert hooks == []
    event = PendingEvent.objects.get(record_id=complaint.pk)
    assert (event.name, event.actor_id, event.source) == ("complaints.created", people[Role.SALESPERSON].pk, "web")
    events.deliver_all()
    assert _announced(complaint)[0::2] == (1, 0)


def test_a_rolled_back_change_announces_nothing(people, contact, settings):
    settings.KESU_EVENTS_BY_WORKER = True
    with pytest.raises(RuntimeError), transaction.atomic():
        _new(people, contact)
        raise RuntimeError
    assert not PendingEvent.objects.exists()


def test_a_failing_receiver_undoes_the_events_writes_and_the_event_is_tried_again_then_dropped(
        people, contact, settings):
    settings.KESU_EVENTS_BY_WORKER = True
    complaint, other = _new(people, contact), _new(people, contact)
    calls = []

    def broken(sender, complaint, **kwargs):
        calls.append(complaint.pk)
        TimelineEntry.objects.create(company=complaint.company, complaint=complaint, kind="note", summary="半途",
                                     at=complaint.received_at)
        if complaint.pk == broken_pk:
            raise RuntimeError("receiver down")

    broken_pk = complaint.pk
    signals.complaint_created.connect(broken, dispatch_uid="test_broken")
    try:
        events.deliver_all()
        # The other event went through; the broken one's writes (its acknowledgement too) were rolled back.
        assert not complaint.timeline.filter(summary="半途").exists()
        assert other.timeline.filter(summary="半途").count() == 1
        assert _announced(complaint)[0::2] == (0, 1) and _announced(other)[0::2] == (1, 0)
        assert PendingEvent.objects.get(record_id=complaint.pk).attempts == 1
        for _attempt in range(events.MAX_ATTEMPTS - 1):
            events.deliver_all()
        assert calls.count(complaint.pk) == events.MAX_ATTEMPTS and calls.count(other.pk) == 1
        assert not PendingEvent.objects.exists()  # given up and logged after the last attempt
    finally:
        signals.complaint_created.disconnect(dispatch_uid="test_broken")


def test_an_event_whose_record_is_gone_is_dropped(people, contact, settings):
    settings.KESU_EVENTS_BY_WORKER = True
    complaint = _new(people, contact)
    PendingEvent.objects.filter(record_id=complaint.pk).update(record_id=complaint.pk + 10_000)
    events.deliver_all()
    assert not PendingEvent.objects.exists()


def test_a_batch_reads_each_companys_settings_once(people, contact, settings):
    # Ten new complaints of one company: the message settings, the templates, the webhooks, the notification
    # rules and the calendar are read once for the batch, not once an event.
    settings.KESU_EVENTS_BY_WORKER = True
    for _i in range(10):
        _new(people, contact)
    with CaptureQueriesContext(connection) as captured:
        events.deliver_all()
    assert PendingEvent.objects.count() == 0
    read = [q["sql"] for q in captured.captured_queries]
    for table in ("complaints_customermessagesettings", "complaints_customermessagetemplate",
                  "webhooks_subscription", "core_calendaryear", "core_statutoryday"):
        assert sum(f'FROM "{table}"' in sql for sql in read) == 1, table
    assert sum('FROM "complaints_complaint"' in sql and "CASE" not in sql for sql in read) == 1


def test_steps_handed_on_by_the_worker_each_say_what_their_step_did(people, contact, settings, company_a):
    # Three steps taken before the worker comes by: each progress message to the customer is its own (keyed by
    # the version its step left, though the worker reads the complaint as the last step left it), and the hand-off
    # to QA tells QA.
    from kesu.complaints import customer_messages as cm
    from kesu.complaints.choices import Status
    from kesu.complaints.tests.factories import act

    qa = people[Role.QA]
    qa.department.kind, qa.department.head = "qa", qa
    qa.department.save()
    cm.customer_message_settings_update(actor=qa, company=company_a, is_active=True,
                                        progress_statuses=[Status.ACKNOWLEDGED, Status.ASSESSED])
    settings.KESU_EVENTS_BY_WORKER = True
    complaint = _new(people, contact)
    events.deliver_all()
    for step in ("acknowledge", "assess", "escalate_to_qa"):
        complaint = act(complaint, step, people, actor=people[Role.SALESPERSON])
    waiting = list(PendingEvent.objects.filter(record_id=complaint.pk).order_by("pk").values_list("name", "details"))
    assert [(name, d["old_status"], d["new_status"]) for name, d in waiting] == [
        ("complaints.transitioned", Status.RECEIVED, Status.ACKNOWLEDGED),
        ("complaints.transitioned", Status.ACKNOWLEDGED, Status.ASSESSED),
        ("complaints.transitioned", Status.ASSESSED, Status.QA_INVESTIGATION)]
    assert not Notification.objects.filter(event="complaint_transitioned").exists()
    events.deliver_all()
    assert not PendingEvent.objects.exists()
    keys = list(CustomerMessage.objects.filter(complaint=complaint, kind="progress").order_by("pk")
                .values_list("key", flat=True))
    assert keys == [f"progress:{Status.ACKNOWLEDGED}:v{complaint.version - 2}",
                    f"progress:{Status.ASSESSED}:v{complaint.version - 1}"]
    told = Notification.objects.get(recipient=qa, event="complaint_transitioned")
    assert complaint.number in told.title
