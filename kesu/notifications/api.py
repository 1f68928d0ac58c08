"""REST endpoints for one's own notifications (/api/v1/notifications)."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import services
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
@paginate(LimitOffsetPagination)
def list_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/notifications/{pk}/read", response=ReadOut, operation_id="read_notification",
             summary="Mark one of my notifications read")
def read_notification(request, pk: int):
    get_object_or_404(Notification, pk=pk, recipient=request.user)
    return {"marked": services.notification_mark_read(user=request.user, pk=pk)}


@router.post("/notifications/read-all", response=ReadOut, operation_id="read_all_notifications",
             summary="Mark all my notifications read")
def read_all_notifications(request):
    return {"marked": services.notification_mark_read(user=request.user)}
