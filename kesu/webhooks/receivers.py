"""The events of the other modules, queued for the subscriptions that chose them (issue 23 §5).

The apps send their signals after commit (conventions habit 4), so a rolled-back step queues nothing. A fault
here is logged and never undoes or refuses the step the user took.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver

from kesu.capa import signals as capa_signals
from kesu.claims import signals as claims_signals
from kesu.complaints import signals as complaint_signals
from kesu.contracts import signals as contract_signals

from . import payloads
from .choices import WebhookEvent
from .services import event_publish

logger = logging.getLogger("kesu.webhooks")

CLAIM_SETTLED = "settled"
ACTION_CLOSED = "closed"
COMPLAINT_CLOSED = "closed"
PLAN_CONFIRMED_STEP = "customer_confirms"


def _publish(company_id: int, event: str, build) -> None:
    try:
        event_publish(company_id=company_id, event=event, build=build)
    except Exception:
        logger.exception("webhook event %s not queued", event)


@receiver(complaint_signals.complaint_created, dispatch_uid="webhooks_complaint_created")
def on_complaint_created(sender, complaint, **kwargs) -> None:
    _publish(complaint.company_id, WebhookEvent.COMPLAINT_CREATED, lambda: payloads.complaint_data(complaint))


@receiver(complaint_signals.complaint_transitioned, dispatch_uid="webhooks_complaint_transitioned")
def on_complaint_transitioned(sender, complaint, action="", old_status="", new_status="", **kwargs) -> None:
    def build():
        return payloads.complaint_status_data(complaint, step=str(action or ""), old_status=old_status,
                                              new_status=new_status)

    if old_status != new_status:
        _publish(complaint.company_id, WebhookEvent.COMPLAINT_STATUS_CHANGED, build)
    if new_status == COMPLAINT_CLOSED and old_status != COMPLAINT_CLOSED:
        _publish(complaint.company_id, WebhookEvent.COMPLAINT_CLOSED, build)


@receiver(complaint_signals.disposition_approved, dispatch_uid="webhooks_disposition_approved")
def on_disposition_approved(sender, line, **kwargs) -> None:
    _publish(line.company_id, WebhookEvent.DISPOSITION_APPROVED, lambda: payloads.return_data(line))


@receiver(claims_signals.claim_transitioned, dispatch_uid="webhooks_claim_transitioned")
def on_claim_transitioned(sender, claim, old_status="", new_status="", **kwargs) -> None:
    if new_status == CLAIM_SETTLED and old_status != CLAIM_SETTLED:
        _publish(claim.company_id, WebhookEvent.CLAIM_SETTLED, lambda: payloads.claim_settled_data(claim))


@receiver(contract_signals.plan_transitioned, dispatch_uid="webhooks_plan_transitioned")
def on_plan_transitioned(sender, plan, name="", **kwargs) -> None:
    if name == PLAN_CONFIRMED_STEP:
        _publish(plan.company_id, WebhookEvent.DELIVERY_PLAN_CONFIRMED, lambda: payloads.delivery_plan_data(plan))


@receiver(capa_signals.action_transitioned, dispatch_uid="webhooks_action_transitioned")
def on_action_transitioned(sender, action, old_status="", new_status="", **kwargs) -> None:
    if new_status == ACTION_CLOSED and old_status != ACTION_CLOSED:
        _publish(action.company_id, WebhookEvent.ACTION_CLOSED, lambda: payloads.action_data(action))
