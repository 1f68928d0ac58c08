"""The administrator's webhook pages (issue 23 §5): subscriptions with field errors, the secret shown once, the
delivery log with filters and Excel export, replay and test buttons, audit, and who may see them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.core.models import AuditEntry
from kesu.webhooks import services
from kesu.webhooks.choices import DeliveryStatus, WebhookEvent
from kesu.webhooks.models import Delivery, Subscription, SubscriptionSecret
from kesu.webhooks.payloads import WebhookComplaintData, WebhookComplaintStatusData

pytestmark = pytest.mark.django_db


def zh(message: str, **params) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % params if params else text


def make_subscription(admin, url, events=(WebhookEvent.COMPLAINT_CREATED, WebhookEvent.COMPLAINT_CLOSED)):
    return services.subscription_create(actor=admin, company=admin.company, name="ERP", url=url, events=list(events))


def queue(subscription, event=WebhookEvent.COMPLAINT_CREATED):
    def build():
        complaint = WebhookComplaintData(
            id=1, number="KS-2026-0001", status="received", channel="phone", severity="", received_at=timezone.now(),
            customer_code="C1", customer_name="客户", url="http://kesu.example/complaints/1/")
        if event == WebhookEvent.COMPLAINT_CREATED:
            return complaint
        return WebhookComplaintStatusData(complaint=complaint, step="close", old_status="verification",
                                          new_status="closed")

    services.event_publish(company_id=subscription.company_id, event=event, build=build)


def test_the_administrator_creates_a_subscription_and_sees_its_secret_once(webhook_admin, login, receiver):
    client = login(webhook_admin)
    response = client.post("/webhooks/new/", {"name": "金蝶 ERP", "url": receiver.url,
                                              "events": [WebhookEvent.COMPLAINT_CREATED, WebhookEvent.ACTION_CLOSED],
                                              "is_active": "on"})
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response.url == f"/webhooks/{subscription.pk}/"
    assert subscription.events == [WebhookEvent.COMPLAINT_CREATED, WebhookEvent.ACTION_CLOSED]
    secret = SubscriptionSecret.objects.get(subscription=subscription).value
    first = client.get(response.url).content.decode()
    assert secret in first and 'id="secret-once"' in first
    again = client.get(response.url).content.decode()
    assert secret not in again and 'id="secret-once"' not in again


def test_a_refused_form_names_each_field_in_the_readers_language(settings, webhook_admin, login):
    settings.KESU_WEBHOOKS_ALLOW_PRIVATE = False
    client = login(webhook_admin)
    page = client.post("/webhooks/new/", {"name": "ERP", "url": "http://127.0.0.1:8069/hook"}).content.decode()
    assert zh("Addresses on this machine or in a private network are not allowed.") in page
    assert zh("Choose at least one event.") in page
    page = client.post("/webhooks/new/", {"name": "ERP", "url": "ftp://erp.example.com/",
                                          "events": [WebhookEvent.COMPLAINT_CREATED]}).content.decode()
    assert zh("Only http and https addresses are allowed.") in page
    assert not Subscription.objects.exists()


def test_a_refused_failure_limit_comes_back_on_the_page_beside_its_field(webhook_admin, login):
    client = login(webhook_admin)
    response = client.post("/webhooks/settings/", {"disable_after": "0"})
    body = response.content.decode()
    assert response.status_code == 422
    settings_form = body[body.index('id="webhook-settings"'):]
    assert 'value="0"' in settings_form and "is-invalid" in settings_form and zh("Not saved. Please put right:") in body


def test_changes_are_audited_and_the_secret_never_is(webhook_admin, login, receiver):
    subscription, secret = make_subscription(webhook_admin, receiver.url)
    client = login(webhook_admin)
    response = client.post(f"/webhooks/{subscription.pk}/edit/", {
        "name": "ERP 2", "url": receiver.url, "events": [WebhookEvent.ACTION_CLOSED]})
    assert response.status_code == 302
    client.post(f"/webhooks/{subscription.pk}/secret/")
    new_secret = SubscriptionSecret.objects.get(subscription=subscription).value
    assert new_secret != secret
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Subscription),
                                        object_id=str(subscription.pk))
    assert entries.filter(action="create").exists()
    assert entries.filter(changes__has_key="name").count() >= 2
    assert entries.filter(changes__has_key="secret").exists()
    trail = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert secret not in trail and new_secret not in trail
    subscription.refresh_from_db()
    assert (subscription.name, subscription.is_active) == ("ERP 2", False)


def test_the_delivery_log_filters_and_exports_without_payload_or_secret(webhook_admin, login, receiver):
    subscription, secret = make_subscription(webhook_admin, receiver.url)
    queue(subscription, WebhookEvent.COMPLAINT_CREATED)
    queue(subscription, WebhookEvent.COMPLAINT_CLOSED)
    services.deliveries_send_pending()
    client = login(webhook_admin)
    page = client.get("/webhooks/deliveries/", {"event": WebhookEvent.COMPLAINT_CLOSED})
    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [Delivery.objects.get(event=WebhookEvent.COMPLAINT_CLOSED)]
    assert client.get("/webhooks/deliveries/", {"status": DeliveryStatus.PENDING}).context["page"].paginator.count == 0

    export = client.get("/webhooks/deliveries/", {"format": "xlsx"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header and two deliveries
    text = str(rows)
    assert secret not in text and "KS-2026-0001" not in text  # no secret, no payload


def test_replay_and_test_buttons(webhook_admin, login, receiver):
    subscription, _secret = make_subscription(webhook_admin, receiver.url)
    queue(subscription)
    services.deliveries_send_pending()
    original = Delivery.objects.get()
    client = login(webhook_admin)
    detail = client.get(f"/webhooks/deliveries/{original.pk}/").content.decode()
    assert 'id="replay"' in detail and "KS-2026-0001" in detail
    response = client.post(f"/webhooks/deliveries/{original.pk}/replay/")
    copy = Delivery.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and copy.replay_of_id == original.pk and copy.event_id == original.event_id

    response = client.post(f"/webhooks/{subscription.pk}/test/", follow=True)
    ping = Delivery.objects.get(is_test=True)
    assert (ping.status, ping.response_code) == (DeliveryStatus.DELIVERED, 200)
    assert zh("Test message delivered (HTTP %(code)s, %(ms)s ms).", code=200, ms=ping.duration_ms) in \
        response.content.decode()
    assert receiver.payloads()[-1]["event"] == "ping"


def test_the_menu_shows_webhooks_to_administrators_only(webhook_admin, salesperson, login):
    assert 'id="nav-webhooks"' in login(webhook_admin).get("/webhooks/").content.decode()
    assert 'id="nav-webhooks"' not in login(salesperson).get("/notifications/").content.decode()


PAGES = ["/webhooks/", "/webhooks/new/", "/webhooks/deliveries/", "/webhooks/{sub}/", "/webhooks/{sub}/edit/",
         "/webhooks/deliveries/{delivery}/"]
POSTS = ["/webhooks/{sub}/test/", "/webhooks/{sub}/secret/", "/webhooks/{sub}/delete/",
         "/webhooks/deliveries/{delivery}/replay/", "/webhooks/settings/"]


@pytest.fixture
def records(webhook_admin, receiver):
    subscription, _secret = make_subscription(webhook_admin, receiver.url)
    queue(subscription)
    return {"sub": subscription.pk, "delivery": Delivery.objects.get().pk}


@pytest.mark.parametrize("path", PAGES + POSTS)
def test_a_salesperson_is_refused_every_page(path, records, salesperson, login):
    client = login(salesperson)
    url = path.format(**records)
    response = client.post(url) if path in POSTS else client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("path", [p for p in PAGES + POSTS if "{" in p])
def test_another_companys_administrator_finds_nothing(path, records, other_admin, login):
    client = login(other_admin)
    url = path.format(**records)
    response = client.post(url) if path in POSTS else client.get(url)
    assert response.status_code == 404
    assert Subscription.objects.filter(pk=records["sub"]).exists()


def test_another_companys_administrator_lists_only_their_own(records, other_admin, login):
    client = login(other_admin)
    assert list(client.get("/webhooks/").context["subscriptions"]) == []
    assert client.get("/webhooks/deliveries/").context["page"].paginator.count == 0


def test_the_failure_limit_is_set_per_company(webhook_admin, login):
    client = login(webhook_admin)
    client.post("/webhooks/settings/", {"disable_after": "4"})
    assert services.disable_after(webhook_admin.company_id) == 4
    response = client.post("/webhooks/settings/", {"disable_after": "0"})
    assert services.disable_after(webhook_admin.company_id) == 4
    assert response.status_code == 422  # refused on the page (the test below)


def test_deleting_asks_first(webhook_admin, login, receiver):
    subscription, _secret = make_subscription(webhook_admin, receiver.url)
    client = login(webhook_admin)
    page = client.get(f"/webhooks/{subscription.pk}/delete/").content.decode()
    assert 'id="confirm-delete"' in page and Subscription.objects.filter(pk=subscription.pk).exists()
    assert client.post(f"/webhooks/{subscription.pk}/delete/").status_code == 302
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
