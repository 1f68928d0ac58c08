"""The unread count in the navigation bar (one cheap indexed count per page) and whether the outbox link shows."""

from __future__ import annotations


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification
    from .services import may_manage_outbox

    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
            "may_manage_outbox": may_manage_outbox(user)}
