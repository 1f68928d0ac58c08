"""Core API: the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import paginate

from .audit_selectors import audit_entries_visible_to

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: datetime.datetime
    actor_id: int | None
    actor_name: str
    source: str
    action: str
    model: str
    object_id: str
    object_repr: str
    company_id: int | None
    changes: dict[str, Any]

    @staticmethod
    def resolve_model(obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


@router.get("/audit", response=list[AuditEntryOut], summary="Audit trail of records I can see")
@paginate
def audit_list(request, model: str = "", object_id: str = "", actor: str = "", action: str = ""):
    if not request.user.has_perm("core.view_auditentry"):
        raise PermissionDenied
    entries = audit_entries_visible_to(request.user, model=model, actor=actor, action=action)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries
