"""Webhook delivery (issue 23 §5, Done when): signed, retried with back-off, switched off after N failures with a
notice, nothing lost while the receiver is down, replayed by hand."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints.choices import DispositionKind
from kesu.complaints.services import disposition_add
from kesu.complaints.tests.factories import create_complaint
from kesu.notifications.models import Notification
from kesu.webhooks import services
from kesu.webhooks.choices import DeliveryStatus, WebhookEvent
from kesu.webhooks.models import Delivery, DeliveryAttempt

from .conftest import Receiver, free_port

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def subscribe(admin, url, events=(WebhookEvent.COMPLAINT_CREATED,), **kwargs):
    return services.subscription_create(actor=admin, company=admin.company, name="ERP", url=url,
                                        events=list(events), **kwargs)


def verify(secret: str, request: dict) -> bool:
    """What a receiving system does: recompute the HMAC over "<t>." + body and compare in constant time."""
    header = request["headers"]["X-Kesu-Signature"]
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_new_complaint_reaches_the_receiver_signed(webhook_admin, salesperson, receiver,
                                                     django_capture_on_commit_callbacks):
    subscription, secret = subscribe(webhook_admin, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = create_complaint(salesperson)
    assert services.deliveries_send_pending() == 1

    [request] = receiver.received
    assert verify(secret, request)
    assert not verify("whsec_wrong", request)
    payload = json.loads(request["body"])
    assert payload["event"] == "complaint.created"
    assert payload["data"]["number"] == complaint.number
    assert payload["data"]["customer_code"] == complaint.customer.code
    assert request["headers"]["X-Kesu-Delivery"] == payload["id"]
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.DELIVERED, 200, 1)
    assert delivery.duration_ms is not None


def test_a_signature_over_a_changed_body_does_not_verify(webhook_admin, receiver):
    _subscription, secret = subscribe(webhook_admin, receiver.url, events=[WebhookEvent.COMPLAINT_CLOSED])
    body = b'{"event":"complaint.closed"}'
    signature = services.sign(secret, 1767225600, body)
    assert hmac.compare_digest(signature, services.sign(secret, 1767225600, body))
    assert signature != services.sign(secret, 1767225600, body + b" ")
    assert signature != services.sign(secret, 1767225601, body)


def test_an_event_nobody_chose_queues_nothing(webhook_admin, salesperson, receiver,
                                              django_capture_on_commit_callbacks):
    subscribe(webhook_admin, receiver.url, events=[WebhookEvent.ACTION_CLOSED])
    with django_capture_on_commit_callbacks(execute=True):
        create_complaint(salesperson)
    assert not Delivery.objects.exists()


def test_an_approved_return_is_announced_with_its_quantity(webhook_admin, salesperson, receiver,
                                                           django_capture_on_commit_callbacks):
    subscribe(webhook_admin, receiver.url, events=[WebhookEvent.DISPOSITION_APPROVED])
    complaint = create_complaint(salesperson)
    with django_capture_on_commit_callbacks(execute=True):
        disposition_add(actor=salesperson, complaint=complaint, kind=DispositionKind.RETURN, quantity=7,
                        lot_number="L-2026-03")
        disposition_add(actor=salesperson, complaint=complaint, kind=DispositionKind.REPAIR, quantity=2)
    services.deliveries_send_pending()
    [payload] = receiver.payloads()
    assert payload["event"] == "disposition.approved"
    assert (payload["data"]["quantity"], payload["data"]["lot_number"]) == (7, "L-2026-03")
    assert payload["data"]["complaint_number"] == complaint.number


def test_failures_are_retried_with_growing_pauses(webhook_admin, receiver):
    receiver.status = 500
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    with time_machine.travel(T0, tick=False):
        services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                               build=lambda: _ping_data(subscription))
        services.deliveries_send_pending()
        delivery = Delivery.objects.get()
        assert (delivery.attempts, delivery.next_attempt_at) == (1, T0 + datetime.timedelta(seconds=30))
    with time_machine.travel(T0 + datetime.timedelta(seconds=29), tick=False):
        assert services.deliveries_send_pending() == 0  # not due yet
    with time_machine.travel(T0 + datetime.timedelta(seconds=30), tick=False):
        services.deliveries_send_pending()
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.next_attempt_at) == (2, T0 + datetime.timedelta(seconds=90))
    with time_machine.travel(T0 + datetime.timedelta(seconds=90), tick=False):
        services.deliveries_send_pending()
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == T0 + datetime.timedelta(seconds=210)  # 30, 60, 120 …
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.response_code == 500
    assert len(receiver.received) == 3
    assert list(DeliveryAttempt.objects.filter(delivery=delivery).values_list("response_code", flat=True)) == [500] * 3
    assert services.retry_delay(50) == services.RETRY_CAP


def _ping_data(subscription):
    from kesu.webhooks.payloads import WebhookComplaintData

    return WebhookComplaintData(id=1, number="KS-1", status="received", channel="phone", severity="",
                                received_at=timezone.now(), customer_code="C1", customer_name="客户",
                                url="http://kesu.example/complaints/1/")


def test_nothing_is_lost_while_the_receiver_is_down(webhook_admin):
    port = free_port()  # nothing listens there yet: the receiving system is down
    receiver = Receiver(port)
    subscription, secret = subscribe(webhook_admin, receiver.url)
    with time_machine.travel(T0, tick=False):
        for _n in range(3):
            services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                                   build=lambda: _ping_data(subscription))
        services.deliveries_send_pending()
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert all(d.last_error for d in Delivery.objects.all())

    receiver.start()
    try:
        with time_machine.travel(T0 + datetime.timedelta(minutes=1), tick=False):
            assert services.deliveries_send_pending() == 3
        assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
        ids = sorted(r["headers"]["X-Kesu-Delivery"] for r in receiver.received)
        assert ids == sorted(Delivery.objects.values_list("event_id", flat=True))
        assert all(verify(secret, r) for r in receiver.received)
    finally:
        receiver.stop()


def test_a_worker_killed_mid_attempt_leaves_the_row_to_be_sent_again(webhook_admin, receiver):
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    with time_machine.travel(T0, tick=False):
        services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                               build=lambda: _ping_data(subscription))
        services._claim(timezone.now(), 10)  # taken, then the worker died
        assert services.deliveries_send_pending() == 0
    with time_machine.travel(T0 + services.STALE_SENDING + datetime.timedelta(seconds=1), tick=False):
        assert services.deliveries_send_pending() == 1
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_subscription_is_switched_off_after_n_failures_and_the_administrators_are_told(
        webhook_admin, receiver, django_capture_on_commit_callbacks):
    receiver.status = 503
    services.settings_update(actor=webhook_admin, company=webhook_admin.company, disable_after=3)
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    at = T0
    with time_machine.travel(at, tick=False):
        services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                               build=lambda: _ping_data(subscription))
    for _n in range(3):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            services.deliveries_send_pending()
        at += datetime.timedelta(hours=7)
        subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    assert subscription.consecutive_failures == 3

    [notice] = Notification.objects.filter(recipient=webhook_admin, event="webhook_disabled")
    with translation.override("zh-hans"):
        assert notice.title == _("Webhook “%(name)s” switched off") % {"name": "ERP"}

    # Switched off, it sends nothing more; the delivery waits.
    with time_machine.travel(at, tick=False):
        assert services.deliveries_send_pending() == 0
    assert Delivery.objects.get().status == DeliveryStatus.PENDING

    # Switched on again, the waiting delivery goes out at once.
    receiver.status = 200
    with time_machine.travel(at, tick=False):
        services.subscription_update(actor=webhook_admin, subscription=subscription, name="ERP", url=receiver.url,
                                     events=[WebhookEvent.COMPLAINT_CREATED], is_active=True)
        assert services.deliveries_send_pending() == 1
    subscription.refresh_from_db()
    assert (subscription.consecutive_failures, Delivery.objects.get().status) == (0, DeliveryStatus.DELIVERED)


def test_a_success_starts_the_failure_count_afresh(webhook_admin, receiver):
    receiver.script = [500, 500, 200]
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                           build=lambda: _ping_data(subscription))
    at = T0
    for expected in (1, 2, 0):
        with time_machine.travel(at, tick=False):
            Delivery.objects.update(next_attempt_at=at)
            services.deliveries_send_pending()
        subscription.refresh_from_db()
        assert subscription.consecutive_failures == expected
        at += datetime.timedelta(minutes=5)


def test_replay_sends_the_same_event_again(webhook_admin, receiver):
    subscription, secret = subscribe(webhook_admin, receiver.url)
    services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                           build=lambda: _ping_data(subscription))
    services.deliveries_send_pending()
    original = Delivery.objects.get()
    copy = services.delivery_replay(actor=webhook_admin, delivery=original)
    services.deliveries_send_pending()
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.DELIVERED and copy.replay_of_id == original.pk
    first, second = receiver.received
    assert first["body"] == second["body"]
    assert first["headers"]["X-Kesu-Delivery"] == second["headers"]["X-Kesu-Delivery"] == original.event_id
    assert verify(secret, second)


def test_a_test_message_is_sent_at_once_and_counts_toward_no_limit(webhook_admin, receiver):
    receiver.status = 500
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    delivery = services.subscription_send_test(actor=webhook_admin, subscription=subscription)
    assert (delivery.status, delivery.response_code) == (DeliveryStatus.FAILED, 500)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    assert receiver.payloads()[0]["event"] == "ping"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.1.5/x",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://0.0.0.0/", "http://app.localhost/",
    "http://[::ffff:127.0.0.1]/",
])
def test_private_addresses_are_refused_unless_the_setting_allows_them(settings, url):
    settings.KESU_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(services.ValidationError) as refused:
        services.url_check(url)
    assert "url" in refused.value.message_dict
    settings.KESU_WEBHOOKS_ALLOW_PRIVATE = True
    assert services.url_check(url) == url


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x", "example.com/hook",
                                 "https://user:pass@example.com/", "http://example.com:99999/"])
def test_only_plain_http_and_https_addresses_are_taken(url):
    with pytest.raises(services.ValidationError) as refused:
        services.url_check(url)
    assert "url" in refused.value.message_dict


def test_a_public_address_is_taken(settings):
    settings.KESU_WEBHOOKS_ALLOW_PRIVATE = False
    assert services.url_check("https://93.184.215.14/kesu") == "https://93.184.215.14/kesu"


def test_a_private_address_is_refused_again_when_sending(settings, webhook_admin, receiver):
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    settings.KESU_WEBHOOKS_ALLOW_PRIVATE = False
    services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                           build=lambda: _ping_data(subscription))
    services.deliveries_send_pending()
    assert receiver.received == []
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_the_log_forgets_delivered_messages_after_90_days_but_keeps_waiting_ones(webhook_admin, receiver):
    subscription, _secret = subscribe(webhook_admin, receiver.url)
    with time_machine.travel(T0, tick=False):
        for _n in range(2):
            services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                                   build=lambda: _ping_data(subscription))
        Delivery.objects.filter(pk=Delivery.objects.order_by("pk").first().pk).update(next_attempt_at=T0.replace(
            year=2027))
        services.deliveries_send_pending()
    services.deliveries_prune(T0 + datetime.timedelta(days=89))
    assert Delivery.objects.count() == 2
    services.deliveries_prune(T0 + datetime.timedelta(days=91))
    assert list(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.PENDING]
