"""Shared reads: the audit trail of one record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_entries_for(obj: models.Model, limit: int = 100) -> list[AuditEntry]:
    """The newest changes of one record, for its detail page (one query)."""
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("-at", "-id")[:limit]
    )
