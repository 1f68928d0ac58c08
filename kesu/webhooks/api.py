"""REST endpoints of webhooks under /api/v1/webhooks/ (issue 23 §5): the company administrator's subscriptions,
the delivery log, replay and test, and the payload of every event as a typed schema in the OpenAPI document.

The same services, form and rules as the pages: 403 for anyone but an administrator, 404 for another company's
subscription or delivery, 422 naming the field for invalid input. A secret is in the answer that makes or renews
it, and in no other answer.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from kesu.api.paging import Limit, Offset
from kesu.api.types import Id

from . import services
from .choices import PING, DeliveryStatus, WebhookEvent
from .filters import deliveries_filtered
from .forms import SettingsForm, SubscriptionForm
from .payloads import WebhookPayload

router = Router(tags=["webhooks"])

EventName = Literal[tuple(WebhookEvent.values)]  # type: ignore[valid-type]
LogEventName = Literal[tuple([*WebhookEvent.values, PING])]  # type: ignore[valid-type]
StatusName = Literal[tuple(DeliveryStatus.values)]  # type: ignore[valid-type]
SafeDate = Annotated[datetime.date, Field(ge=datetime.date(1970, 1, 1), le=datetime.date(2200, 12, 31))]


class WebhookEventOut(Schema):
    event: str
    label: str


class WebhookSubscriptionOut(Schema):
    id: int
    company_id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class WebhookSubscriptionCreatedOut(WebhookSubscriptionOut):
    secret: str = Field(description="The signing secret, shown in this answer only.")


class WebhookSecretOut(Schema):
    secret: str = Field(description="The new signing secret, shown in this answer only.")


class WebhookSubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    url: str = Field(max_length=500, description="http or https address of the receiving system.")
    events: list[EventName] = Field(min_length=1, max_length=len(WebhookEvent.values))
    is_active: bool = True


class WebhookSubscriptionPage(Schema):
    count: int
    items: list[WebhookSubscriptionOut]


class WebhookDeliveryOut(Schema):
    id: int
    subscription_id: int
    event: str
    event_id: str
    status: str
    is_test: bool
    replay_of_id: int | None
    attempts: int
    next_attempt_at: datetime.datetime
    last_attempt_at: datetime.datetime | None
    response_code: int | None
    duration_ms: int | None
    last_error: str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None


class WebhookDeliveryAttemptOut(Schema):
    at: datetime.datetime
    response_code: int | None
    duration_ms: int | None
    ok: bool
    error: str


class WebhookDeliveryDetailOut(WebhookDeliveryOut):
    attempts_log: list[WebhookDeliveryAttemptOut]

    @staticmethod
    def resolve_attempts_log(obj) -> list:
        return list(obj.attempt_log.all())


class WebhookDeliveryPage(Schema):
    count: int
    items: list[WebhookDeliveryOut]


class WebhookPayloadOut(Schema):
    delivery_id: int
    payload: WebhookPayload


class WebhookSettingsOut(Schema):
    disable_after: int


class WebhookSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    disable_after: int = Field(ge=1, le=1000, description="Failures in a row that switch a subscription off.")


def _require(user) -> None:
    if not services.may_manage(user):
        raise PermissionDenied


def _form_data(payload: WebhookSubscriptionIn) -> dict:
    form = SubscriptionForm(data={"name": payload.name, "url": payload.url, "events": list(payload.events),
                                  "is_active": payload.is_active})
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return form.cleaned_data


@router.get("/events", response=list[WebhookEventOut], operation_id="list_webhook_events",
            summary="The events a subscription may choose")
def list_events(request):
    _require(request.user)
    return [{"event": value, "label": str(label)} for value, label in WebhookEvent.choices]


@router.get("/subscriptions", response=WebhookSubscriptionPage, operation_id="list_webhook_subscriptions",
            summary="My companies' webhook subscriptions (administrators)")
def list_subscriptions(request, limit: Limit = 50, offset: Offset = 0):
    _require(request.user)
    qs = services.subscriptions_visible_to(request.user).order_by("name", "id")
    return {"count": qs.count(), "items": list(qs[offset:offset + limit])}


@router.post("/subscriptions", response={201: WebhookSubscriptionCreatedOut},
             operation_id="create_webhook_subscription",
             summary="Subscribe an address to events; the answer carries the signing secret, once")
def create_subscription(request, payload: WebhookSubscriptionIn):
    _require(request.user)
    if request.user.company is None:
        raise PermissionDenied
    subscription, secret = services.subscription_create(actor=request.user, company=request.user.company,
                                                        source="api", **_form_data(payload))
    return Status(201, WebhookSubscriptionCreatedOut.model_validate(
        {**WebhookSubscriptionOut.from_orm(subscription).model_dump(), "secret": secret}))


@router.get("/subscriptions/{pk}", response=WebhookSubscriptionOut, operation_id="get_webhook_subscription",
            summary="One subscription (never its secret)")
def get_subscription(request, pk: Id):
    return services.subscription_get_for_user(request.user, pk)


@router.put("/subscriptions/{pk}", response=WebhookSubscriptionOut, operation_id="update_webhook_subscription",
            summary="Change a subscription; switching it on again sends what waited")
def update_subscription(request, pk: Id, payload: WebhookSubscriptionIn):
    subscription = services.subscription_get_for_user(request.user, pk)
    return services.subscription_update(actor=request.user, subscription=subscription, source="api",
                                        **_form_data(payload))


@router.delete("/subscriptions/{pk}", response={204: None}, operation_id="delete_webhook_subscription",
               summary="Delete a subscription and its delivery log")
def delete_subscription(request, pk: Id):
    subscription = services.subscription_get_for_user(request.user, pk)
    services.subscription_delete(actor=request.user, subscription=subscription, source="api")
    return Status(204, None)


@router.post("/subscriptions/{pk}/secret", response=WebhookSecretOut, operation_id="renew_webhook_secret",
             summary="Make a new signing secret (shown in this answer only); the old one stops signing")
def renew_secret(request, pk: Id):
    subscription = services.subscription_get_for_user(request.user, pk)
    return {"secret": services.subscription_rotate_secret(actor=request.user, subscription=subscription,
                                                          source="api")}


@router.post("/subscriptions/{pk}/test", response=WebhookDeliveryOut, operation_id="test_webhook_subscription",
             summary="Send a signed test message now and return its logged delivery")
def test_subscription(request, pk: Id):
    subscription = services.subscription_get_for_user(request.user, pk)
    return services.subscription_send_test(actor=request.user, subscription=subscription, source="api")


class WebhookDeliveryQuery(Schema):
    subscription_id: Id | None = None
    event: LogEventName | None = None
    status: StatusName | None = None
    created_from: SafeDate | None = None
    created_to: SafeDate | None = None
    response_code: Annotated[int, Field(ge=100, le=599)] | None = None


@router.get("/deliveries", response=WebhookDeliveryPage, operation_id="list_webhook_deliveries",
            summary="The delivery log, newest first, with the page's filters")
def list_deliveries(request, filters: Query[WebhookDeliveryQuery], limit: Limit = 50, offset: Offset = 0):
    _require(request.user)
    params = {"subscription": filters.subscription_id, "event": filters.event, "status": filters.status,
              "created_from": filters.created_from.isoformat() if filters.created_from else None,
              "created_to": filters.created_to.isoformat() if filters.created_to else None,
              "response_code": filters.response_code}
    qs, _filterset = deliveries_filtered(request.user, {k: v for k, v in params.items() if v is not None})
    return {"count": qs.count(), "items": list(qs[offset:offset + limit])}


@router.get("/deliveries/{pk}", response=WebhookDeliveryDetailOut, operation_id="get_webhook_delivery",
            summary="One delivery with each attempt's response code and time")
def get_delivery(request, pk: Id):
    return services.delivery_get_for_user(request.user, pk)


@router.get("/deliveries/{pk}/payload", response=WebhookPayloadOut, operation_id="get_webhook_delivery_payload",
            summary="The JSON a delivery posts (the schemas of every event's payload)")
def get_delivery_payload(request, pk: Id):
    delivery = services.delivery_get_for_user(request.user, pk)
    return {"delivery_id": delivery.pk, "payload": delivery.payload}


@router.post("/deliveries/{pk}/replay", response={201: WebhookDeliveryOut}, operation_id="replay_webhook_delivery",
             summary="Send a delivery again (a new row, the same payload and event id)")
def replay_delivery(request, pk: Id):
    delivery = services.delivery_get_for_user(request.user, pk)
    return Status(201, services.delivery_replay(actor=request.user, delivery=delivery, source="api"))


@router.get("/settings", response=WebhookSettingsOut, operation_id="get_webhook_settings",
            summary="After how many failures in a row a subscription is switched off")
def get_settings(request):
    _require(request.user)
    if request.user.company is None:
        raise PermissionDenied
    return {"disable_after": services.disable_after(request.user.company_id)}


@router.put("/settings", response=WebhookSettingsOut, operation_id="update_webhook_settings",
            summary="Change after how many failures in a row a subscription is switched off")
def update_settings(request, payload: WebhookSettingsIn):
    _require(request.user)
    if request.user.company is None:
        raise PermissionDenied
    form = SettingsForm(data=payload.dict())
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    row = services.settings_update(actor=request.user, company=request.user.company, source="api",
                                   **form.cleaned_data)
    return {"disable_after": row.disable_after}
