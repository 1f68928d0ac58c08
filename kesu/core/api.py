"""Core API: the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import paginate

from .audit_selectors import MoneyMask, audit_entries_visible_to

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

    # Amounts of money are masked by the rule the pages use (issue 15 §4); one mask per request.
    @staticmethod
    def resolve_changes(obj, context) -> dict[str, Any]:
        return _mask(context).changes(obj)

    @staticmethod
    def resolve_object_repr(obj, context) -> str:
        return _mask(context).object_repr(obj)


def _mask(context) -> MoneyMask:
    request = context["request"]
    if not hasattr(request, "_audit_money_mask"):
        request._audit_money_mask = MoneyMask(request.user)
    return request._audit_money_mask


@router.get("/audit", response=list[AuditEntryOut], summary="Audit trail of records I can see")
@paginate
def audit_list(request, model: str = "", object_id: str = "", actor: str = "", action: str = ""):
    if not request.user.has_perm("core.view_auditentry"):
        raise PermissionDenied
    entries = audit_entries_visible_to(request.user, model=model, actor=actor, action=action)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries
