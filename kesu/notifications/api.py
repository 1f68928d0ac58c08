"""REST endpoints for one's own notifications and the company's notification rules (/api/v1/notifications)."""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from kesu.api.paging import BoundedPagination
from kesu.api.types import Id

from . import services
from .choices import Audience, Event, MailStatus
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class ReadOut(Schema):
    marked: int


@router.get("/notifications", response=list[NotificationOut], operation_id="list_notifications",
            summary="My notifications, newest first (?unread=true for unread only)")
@paginate(BoundedPagination)
def list_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/notifications/{pk}/read", response=ReadOut, operation_id="read_notification",
             summary="Mark one of my notifications read")
def read_notification(request, pk: Id):
    get_object_or_404(Notification, pk=pk, recipient=request.user)
    return {"marked": services.notification_mark_read(user=request.user, pk=pk)}


@router.post("/notifications/read-all", response=ReadOut, operation_id="read_all_notifications",
             summary="Mark all my notifications read")
def read_all_notifications(request):
    return {"marked": services.notification_mark_read(user=request.user)}


class NotificationRuleOut(Schema):
    event: str
    event_label: str
    audience: list[str]
    send_inbox: bool
    send_email: bool
    is_active: bool

    @staticmethod
    def resolve_event_label(obj) -> str:
        return str(obj.get_event_display())


class NotificationRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    audience: list[Literal[tuple(Audience.values)]]  # type: ignore[valid-type]
    send_inbox: bool
    send_email: bool
    is_active: bool = True


def _rules(user) -> list:
    if not services.may_manage_rules(user) or user.company is None:
        raise PermissionDenied
    return sorted(services.notification_rules_ensure_defaults(user.company), key=lambda r: r.event)


@router.get("/notifications/rules", response=list[NotificationRuleOut], operation_id="list_notification_rules",
            summary="Who my company tells of each event (quality, GM, general office, administrators)")
def list_rules(request):
    return _rules(request.user)


@router.put("/notifications/rules/{event}", response=NotificationRuleOut, operation_id="update_notification_rule",
            summary="Change who is told of an event, in the inbox and/or by e-mail")
def update_rule(request, event: Literal[tuple(Event.values)], payload: NotificationRuleIn):  # type: ignore[valid-type]
    rule = next(r for r in _rules(request.user) if r.event == event)
    return services.notification_rule_update(actor=request.user, rule=rule, source="api", **payload.dict())


# --- the administrator's outbox (the same services as the page and the Django admin) ---------------
# Refusals are the API's one error body (kesu/api/errors.py): 403 not an administrator, 404 another company's
# mail, 422 a status that does not allow the action.


class OutboxMailOut(Schema):
    """One outgoing mail without its body (a password-reset link must not be readable here)."""

    id: int
    company_id: Id | None
    to: str
    subject: str
    message_id: str
    status: str
    status_label: str
    attempts: int
    next_attempt_at: datetime.datetime
    last_attempt_at: datetime.datetime | None
    last_error: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_last_attempt_at(obj) -> datetime.datetime | None:
        return obj.claimed_at


def _outbox_mail(request, pk: Id):
    if not services.may_manage_outbox(request.user):
        raise PermissionDenied
    return get_object_or_404(services.outbox_visible_to(request.user).defer("body"), pk=pk)


@router.get("/notifications/outbox", response=list[OutboxMailOut],
            operation_id="list_outbox", summary="Outgoing e-mail of my companies, newest first (administrators)")
@paginate(BoundedPagination)
def list_outbox(request, status: Literal[tuple(MailStatus.values)] | None = None,  # type: ignore[valid-type]
                q: Annotated[str, Field(max_length=200)] = ""):
    if not services.may_manage_outbox(request.user):
        raise PermissionDenied
    return services.outbox_list(user=request.user, status=status or "", query=q)


@router.post("/notifications/outbox/{pk}/resend",
             response=OutboxMailOut,
             operation_id="resend_outbox_mail", summary="Send a sent or given-up mail again, with its Message-ID")
def resend_outbox_mail(request, pk: Id):
    return services.outbox_resend(actor=request.user, mail=_outbox_mail(request, pk), source="api")


@router.post("/notifications/outbox/{pk}/give-up",
             response=OutboxMailOut,
             operation_id="give_up_outbox_mail", summary="Stop retrying a waiting mail")
def give_up_outbox_mail(request, pk: Id):
    return services.outbox_give_up(actor=request.user, mail=_outbox_mail(request, pk), source="api")
