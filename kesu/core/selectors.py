"""Shared reads: the audit trail of one record, for every app's detail pages."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .models import AuditEntry


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed, or the "*" of a blind save
        return name


def _shown(model: type[models.Model], name: str, value: Any) -> Any:
    """A stored choice value shown with its label in the reader's language (the trail keeps the value)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.choices and value is not None:
        label = dict(field.flatchoices).get(value)
        return value if label is None else str(label)
    return value


def audit_entries_for(obj: models.Model, limit: int = 100, user=None) -> list[AuditEntry]:
    """The newest changes of one record (one query, two with the content type cache cold).

    Each entry gets ``field_changes``: (field label, old, new) in the reader's
    language, ready for ``core/_audit_trail.html``. Given the reader (``user``), amounts of money and customers'
    personal data are masked as the reader's rules say (kesu.core.audit_selectors).
    """
    model = type(obj)
    content_type = ContentType.objects.get_for_model(model)
    entries = list(
        AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("-at", "-id")[:limit]
    )
    if user is not None:
        from .audit_selectors import audit_mask_money

        entries = audit_mask_money(entries, user)
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.field_changes = [
            (_label(model, name), _shown(model, name, pair[0]), _shown(model, name, pair[1]))
            for name, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
    return entries


def visible_record(model, user, pk: int | None, field: str):
    """A related record by id, only among those the user may see (else a ValidationError naming ``field``).

    The API takes relations as ``<name>_id``; a forged or foreign id is refused like a missing one.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from kesu.accounts.models import Department, User

    if pk is None:
        return None
    qs = User.objects.visible_to(user) if model is User else (
        Department.objects.filter(company_id__in=user.visible_company_ids()) if model is Department
        else model.objects.visible_to(user))
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("No such record.")})
    return found
