"""Reads of the audit trail, scoped by company."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AuditEntry


def audit_entries_visible_to(user, *, model: str = "", actor: str = "", action: str = "") -> QuerySet[AuditEntry]:
    """Entries of records in companies the user can see; company-less records (companies, users) for superusers."""
    qs = AuditEntry.objects.select_related("content_type", "actor")
    if not user.is_superuser:
        qs = qs.filter(Q(company_id__in=user.visible_company_ids()))
    if model:
        app_label, _dot, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    return qs
