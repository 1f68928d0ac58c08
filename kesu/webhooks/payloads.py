"""What each event sends: typed schemas (in the OpenAPI document) and the functions that fill them.

Every payload is ``{"event", "id", "occurred_at", "data"}``; ``id`` is the event's own id, the same for every
subscription and kept by a replay, so a receiver can drop a message it already handled. Values are stable codes
(statuses, kinds), never labels in someone's language, and costs appear only in ``claim.settled`` (finance books
them; the subscription belongs to the company's administrator).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from .choices import PING, WebhookEvent


def _url(name: str, pk: int) -> str:
    return f"{settings.KESU_BASE_URL}{reverse(name, args=[pk])}"


class WebhookComplaintData(Schema):
    id: int
    number: str
    status: str
    channel: str
    severity: str
    received_at: datetime.datetime
    customer_code: str
    customer_name: str
    part_code: str | None = None
    lot_number: str = ""
    quantity_defective: int | None = None
    url: str


class WebhookComplaintStatusData(Schema):
    complaint: WebhookComplaintData
    step: str = Field(description="The workflow step taken (e.g. acknowledge, close).")
    old_status: str
    new_status: str


class WebhookReturnData(Schema):
    id: int
    complaint_id: int
    complaint_number: str
    customer_code: str
    part_code: str | None = None
    kind: str
    quantity: int
    lot_number: str = ""
    mis_order: bool
    approved_at: datetime.datetime | None = Field(None, description="The regional manager's approval of a "
                                                  "mis-order return; empty when none was needed.")
    url: str


class WebhookClaimItemData(Schema):
    kind: str
    description: str
    claimed_amount: Decimal
    settled_amount: Decimal | None = None


class WebhookClaimSettledData(Schema):
    id: int
    number: str
    customer_code: str
    customer_name: str
    complaint_number: str | None = None
    currency: str
    exchange_rate: Decimal
    claimed_amount: Decimal
    agreed_amount: Decimal | None = None
    compensation_amount: Decimal | None = None
    settlement_method: str
    settled_on: datetime.date | None = None
    settlement_reference: str
    items: list[WebhookClaimItemData]
    url: str


class WebhookDeliveryPlanData(Schema):
    id: int
    number: str
    customer_code: str
    customer_name: str
    order_reference: str
    quantity: Decimal | None = None
    due_on: datetime.date | None = None
    first_delivery: datetime.date | None = None
    last_delivery: datetime.date | None = None
    plan: str
    customer_confirmation: str
    confirmed_at: datetime.datetime | None = None
    url: str


class WebhookActionData(Schema):
    id: int
    number: str
    title: str
    kind: str
    customer_code: str | None = None
    closed_at: datetime.datetime | None = None
    sources: list[str] = Field(description="The records the action was raised from (complaint numbers and others).")
    url: str


class WebhookPingData(Schema):
    subscription_id: int
    message: str


class _Envelope(Schema):
    id: str = Field(description="The event's id: the same for every subscription and after a replay.")
    occurred_at: datetime.datetime


class WebhookComplaintCreatedPayload(_Envelope):
    event: Literal["complaint.created"]
    data: WebhookComplaintData


class WebhookComplaintStatusChangedPayload(_Envelope):
    event: Literal["complaint.status_changed"]
    data: WebhookComplaintStatusData


class WebhookComplaintClosedPayload(_Envelope):
    event: Literal["complaint.closed"]
    data: WebhookComplaintStatusData


class WebhookDispositionApprovedPayload(_Envelope):
    event: Literal["disposition.approved"]
    data: WebhookReturnData


class WebhookClaimSettledPayload(_Envelope):
    event: Literal["claim.settled"]
    data: WebhookClaimSettledData


class WebhookDeliveryPlanConfirmedPayload(_Envelope):
    event: Literal["delivery_plan.confirmed"]
    data: WebhookDeliveryPlanData


class WebhookActionClosedPayload(_Envelope):
    event: Literal["action.closed"]
    data: WebhookActionData


class WebhookPingPayload(_Envelope):
    event: Literal["ping"]
    data: WebhookPingData


WebhookPayload = Annotated[
    WebhookComplaintCreatedPayload | WebhookComplaintStatusChangedPayload | WebhookComplaintClosedPayload
    | WebhookDispositionApprovedPayload | WebhookClaimSettledPayload | WebhookDeliveryPlanConfirmedPayload
    | WebhookActionClosedPayload | WebhookPingPayload,
    Field(discriminator="event"),
]

ENVELOPES: dict[str, type[_Envelope]] = {
    WebhookEvent.COMPLAINT_CREATED: WebhookComplaintCreatedPayload,
    WebhookEvent.COMPLAINT_STATUS_CHANGED: WebhookComplaintStatusChangedPayload,
    WebhookEvent.COMPLAINT_CLOSED: WebhookComplaintClosedPayload,
    WebhookEvent.DISPOSITION_APPROVED: WebhookDispositionApprovedPayload,
    WebhookEvent.CLAIM_SETTLED: WebhookClaimSettledPayload,
    WebhookEvent.DELIVERY_PLAN_CONFIRMED: WebhookDeliveryPlanConfirmedPayload,
    WebhookEvent.ACTION_CLOSED: WebhookActionClosedPayload,
    PING: WebhookPingPayload,
}


def envelope(event: str, data: Schema) -> dict:
    """The JSON-ready payload of one occurrence of ``event`` (validated against its schema)."""
    model = ENVELOPES[event](event=event, id=str(uuid.uuid4()), occurred_at=timezone.now(), data=data)
    return model.model_dump(mode="json")


# --- builders: one read of the record each, after its transaction committed -----------------------------------


def complaint_data(complaint) -> WebhookComplaintData:
    return WebhookComplaintData(
        id=complaint.pk, number=complaint.number, status=complaint.status, channel=complaint.channel,
        severity=complaint.severity or "", received_at=complaint.received_at, customer_code=complaint.customer.code,
        customer_name=complaint.customer.name, part_code=complaint.part.code if complaint.part_id else None,
        lot_number=complaint.lot_number or "", quantity_defective=complaint.quantity_defective,
        url=_url("complaints:detail", complaint.pk))


def complaint_status_data(complaint, *, step: str, old_status: str, new_status: str) -> WebhookComplaintStatusData:
    return WebhookComplaintStatusData(complaint=complaint_data(complaint), step=step or "",
                                      old_status=old_status or "", new_status=new_status or "")


def return_data(line) -> WebhookReturnData:
    complaint = line.complaint
    return WebhookReturnData(
        id=line.pk, complaint_id=complaint.pk, complaint_number=complaint.number,
        customer_code=complaint.customer.code, part_code=complaint.part.code if complaint.part_id else None,
        kind=line.kind, quantity=line.quantity, lot_number=line.lot_number or "", mis_order=line.mis_order,
        approved_at=line.regional_manager_approved_at, url=_url("complaints:detail", complaint.pk))


def claim_settled_data(claim) -> WebhookClaimSettledData:
    return WebhookClaimSettledData(
        id=claim.pk, number=claim.number, customer_code=claim.customer.code, customer_name=claim.customer.name,
        complaint_number=claim.complaint.number if claim.complaint_id else None, currency=claim.currency,
        exchange_rate=claim.exchange_rate, claimed_amount=claim.claimed_amount, agreed_amount=claim.agreed_amount,
        compensation_amount=claim.compensation_amount, settlement_method=claim.settlement_method or "",
        settled_on=claim.settled_on, settlement_reference=claim.settlement_reference or "",
        items=[WebhookClaimItemData(kind=i.kind, description=i.description or "", claimed_amount=i.claimed_amount,
                                    settled_amount=i.settled_amount) for i in claim.items.all()],
        url=_url("claims:detail", claim.pk))


def delivery_plan_data(plan) -> WebhookDeliveryPlanData:
    return WebhookDeliveryPlanData(
        id=plan.pk, number=plan.number, customer_code=plan.customer.code, customer_name=plan.customer.name,
        order_reference=plan.order_reference, quantity=plan.quantity, due_on=plan.due_on,
        first_delivery=plan.first_delivery, last_delivery=plan.last_delivery, plan=plan.plan or "",
        customer_confirmation=plan.customer_confirmation or "", confirmed_at=plan.confirmed_at,
        url=_url("contracts:plan", plan.pk))


def action_data(action) -> WebhookActionData:
    return WebhookActionData(
        id=action.pk, number=action.number, title=action.title, kind=action.kind,
        customer_code=action.customer.code if action.customer_id else None, closed_at=action.closed_at,
        sources=[link.label for link in action.links.all()], url=_url("capa:detail", action.pk))
