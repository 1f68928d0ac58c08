"""The delivery log as Excel: no payload, no secret (issue 23 §5)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .filters import EVENT_CHOICES
from .models import Delivery


def _d(name: str) -> tuple[Any, Any]:
    return field_column(Delivery, name)


def _event_label(row) -> str:
    return str(dict(EVENT_CHOICES).get(row.event, row.event))


DELIVERY_COLUMNS = [
    _d("created_at"), (_("subscription"), lambda d: d.subscription.name), (_("event"), _event_label),
    _d("event_id"), _d("status"), _d("attempts"), _d("last_attempt_at"), _d("response_code"), _d("duration_ms"),
    _d("last_error"), _d("delivered_at"), (_("replay of"), lambda d: d.replay_of_id or ""),
]
