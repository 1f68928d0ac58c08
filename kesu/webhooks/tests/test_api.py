"""The webhooks API (issue 23 §5): subscriptions, the delivery log with Limit/Offset paging, replay, settings, the
payload schemas in the OpenAPI document; 403 for staff who are not administrators, 404 across companies."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kesu.webhooks import services
from kesu.webhooks.choices import WebhookEvent
from kesu.webhooks.models import Delivery, Subscription
from kesu.webhooks.payloads import WebhookComplaintData

pytestmark = pytest.mark.django_db
BASE = "/api/v1/webhooks"


def _queue(subscription, n=1):
    for _n in range(n):
        services.event_publish(company_id=subscription.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                               build=lambda: WebhookComplaintData(
                                   id=1, number="KS-1", status="received", channel="phone", severity="",
                                   received_at=timezone.now(), customer_code="C1", customer_name="客户",
                                   url="http://kesu.example/complaints/1/"))


def test_create_read_update_delete_with_the_secret_in_the_first_answer_only(api, webhook_admin, receiver):
    caller = api(webhook_admin)
    created = caller.post(f"{BASE}/subscriptions", {"name": "ERP", "url": receiver.url,
                                                    "events": ["complaint.created", "claim.settled"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["complaint.created", "claim.settled"]
    pk = body["id"]
    read = caller.get(f"{BASE}/subscriptions/{pk}")
    assert read.status_code == 200 and "secret" not in read.json()
    assert body["secret"] not in caller.get(f"{BASE}/subscriptions").content.decode()
    listed = caller.get(f"{BASE}/subscriptions").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk

    updated = caller.put(f"{BASE}/subscriptions/{pk}", {"name": "ERP 2", "url": receiver.url,
                                                        "events": ["action.closed"], "is_active": False})
    assert updated.status_code == 200 and updated.json()["is_active"] is False
    renewed = caller.post(f"{BASE}/subscriptions/{pk}/secret")
    assert renewed.status_code == 200 and renewed.json()["secret"] != body["secret"]
    assert caller.delete(f"{BASE}/subscriptions/{pk}").status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "ERP", "url": "ftp://x.example/", "events": ["complaint.created"]}, "url"),
    ({"name": "", "url": "https://erp.example.com/", "events": ["complaint.created"]}, "name"),
    ({"name": "ERP\x00", "url": "https://erp.example.com/", "events": ["complaint.created"]}, ""),
])
def test_invalid_input_is_a_422_naming_the_field(api, webhook_admin, payload, field):
    response = api(webhook_admin).post(f"{BASE}/subscriptions", payload)
    assert response.status_code == 422
    assert any(field in str(item["loc"]) for item in response.json()["detail"])
    assert not Subscription.objects.exists()


def test_unknown_events_and_keys_are_refused(api, webhook_admin):
    caller = api(webhook_admin)
    assert caller.post(f"{BASE}/subscriptions", {"name": "ERP", "url": "https://erp.example.com/",
                                                 "events": ["complaint.deleted"]}).status_code == 422
    assert caller.post(f"{BASE}/subscriptions", {"name": "ERP", "url": "https://erp.example.com/",
                                                 "events": []}).status_code == 422
    assert caller.post(f"{BASE}/subscriptions", {"name": "ERP", "url": "https://erp.example.com/",
                                                 "events": ["ping"], "secret": "mine"}).status_code == 422


def test_the_delivery_log_pages_filters_replays_and_shows_the_payload(api, webhook_admin, receiver):
    subscription, _secret = services.subscription_create(actor=webhook_admin, company=webhook_admin.company,
                                                         name="ERP", url=receiver.url,
                                                         events=[WebhookEvent.COMPLAINT_CREATED])
    _queue(subscription, 3)
    services.deliveries_send_pending()
    caller = api(webhook_admin)
    page = caller.get(f"{BASE}/deliveries", limit=2, offset=1).json()
    assert page["count"] == 3 and len(page["items"]) == 1 + 1
    assert caller.get(f"{BASE}/deliveries", status="pending").json()["count"] == 0
    assert caller.get(f"{BASE}/deliveries", limit=0).status_code == 422

    pk = page["items"][0]["id"]
    detail = caller.get(f"{BASE}/deliveries/{pk}").json()
    assert detail["attempts_log"][0]["response_code"] == 200
    payload = caller.get(f"{BASE}/deliveries/{pk}/payload").json()["payload"]
    assert payload["event"] == "complaint.created" and payload["data"]["number"] == "KS-1"
    replay = caller.post(f"{BASE}/deliveries/{pk}/replay")
    assert replay.status_code == 201 and replay.json()["event_id"] == detail["event_id"]

    test = caller.post(f"{BASE}/subscriptions/{subscription.pk}/test")
    assert test.status_code == 200 and test.json()["status"] == "delivered"


def test_settings(api, webhook_admin):
    caller = api(webhook_admin)
    assert caller.get(f"{BASE}/settings").json() == {"disable_after": 10}
    assert caller.put(f"{BASE}/settings", {"disable_after": 5}).json() == {"disable_after": 5}
    assert caller.put(f"{BASE}/settings", {"disable_after": 0}).status_code == 422


def test_a_salesperson_gets_403_and_another_company_404(api, webhook_admin, salesperson, other_admin, receiver):
    subscription, _secret = services.subscription_create(actor=webhook_admin, company=webhook_admin.company,
                                                         name="ERP", url=receiver.url,
                                                         events=[WebhookEvent.COMPLAINT_CREATED])
    _queue(subscription)
    delivery = Delivery.objects.get()
    sales = api(salesperson)
    for path in ("/subscriptions", "/deliveries", "/settings", "/events", f"/subscriptions/{subscription.pk}"):
        assert sales.get(f"{BASE}{path}").status_code == 403, path
    assert sales.post(f"{BASE}/subscriptions", {"name": "x", "url": "https://erp.example.com/",
                                                "events": ["complaint.created"]}).status_code == 403
    other = api(other_admin)
    for path in (f"/subscriptions/{subscription.pk}", f"/deliveries/{delivery.pk}",
                 f"/deliveries/{delivery.pk}/payload"):
        assert other.get(f"{BASE}{path}").status_code == 404, path
    assert other.post(f"{BASE}/deliveries/{delivery.pk}/replay").status_code == 404
    assert other.post(f"{BASE}/subscriptions/{subscription.pk}/test").status_code == 404
    assert other.delete(f"{BASE}/subscriptions/{subscription.pk}").status_code == 404
    assert other.get(f"{BASE}/subscriptions").json()["count"] == 0
    assert other.get(f"{BASE}/deliveries", subscription_id=subscription.pk).json()["count"] == 0
    assert other.get(f"{BASE}/subscriptions/{2**63}").status_code == 422


def test_every_events_payload_schema_is_in_the_openapi_document(client):
    from kesu.api.main import api as ninja_api

    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    for name in ("WebhookComplaintCreatedPayload", "WebhookComplaintStatusChangedPayload",
                 "WebhookComplaintClosedPayload", "WebhookDispositionApprovedPayload", "WebhookClaimSettledPayload",
                 "WebhookDeliveryPlanConfirmedPayload", "WebhookActionClosedPayload", "WebhookPingPayload"):
        assert name in schemas, name
    assert "secret" not in schemas["WebhookSubscriptionOut"]["properties"]
    assert set(schemas["WebhookComplaintCreatedPayload"]["required"]) >= {"event", "id", "occurred_at", "data"}
