"""Shared reads: the audit trail of one record, for every app's detail pages."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

# How a change was made, in words (issue 17 §3: not "command/web").
SOURCE_LABELS = {
    "web": _("on a page"),
    "api": _("through the API"),
    "import": _("by a spreadsheet import"),
    "admin": _("in the administration"),
    "command": _("by a command"),
    "system": _("by a system job"),
}
# Bookkeeping that changes with every save and tells a reader nothing.
UNSHOWN_FIELDS = frozenset({"version"})


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed, or the "*" of a blind save
        return name


def _shown(model: type[models.Model], name: str, value: Any) -> Any:
    """A stored value as people read it, in the reader's language and zone (the trail keeps the value): a
    choice by its label, a time in local time to the minute, a date, yes or no, an amount with separators."""
    from .templatetags.kesu_tags import readable

    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if value is None:
        return None
    if field.choices:
        label = dict(field.flatchoices).get(value)
        return value if label is None else str(label)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return readable(parse_datetime(value) or value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        return readable(parse_date(value) or value)
    if isinstance(field, models.BooleanField) and isinstance(value, bool):
        return readable(value)
    if isinstance(field, models.DecimalField) and isinstance(value, str | int | float):
        from decimal import Decimal, InvalidOperation

        try:
            return readable(Decimal(str(value)))
        except InvalidOperation:
            return value
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
        AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).select_related("actor__position")
        .order_by("-at", "-id")[:limit]
    )
    if user is not None:
        from .audit_selectors import audit_mask_money

        entries = audit_mask_money(entries, user)
    return describe_entries(entries, model)


def describe_entries(entries: list[AuditEntry], model: type[models.Model] | None = None) -> list[AuditEntry]:
    """Give each entry ``field_changes`` (field label, old, new: as people read them), ``by`` and ``how``.

    ``model`` for entries of one record; else each entry's own (the whole audit trail's page), so no page
    shows a stored True, an ISO time or a field's code name (issue 17 §3–4).
    """
    for entry in entries:
        entry_model = model or (entry.content_type.model_class() if entry.content_type_id else None)
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.field_changes = [
            (_label(entry_model, name), _shown(entry_model, name, pair[0]), _shown(entry_model, name, pair[1]))
            if entry_model is not None else (name, pair[0], pair[1])
            for name, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2 and name not in UNSHOWN_FIELDS
        ]
        # Who, as colleagues know them (name and position), and how, in words.
        person = entry.actor
        entry.by = (f"{person} · {person.position}" if person is not None and person.position_id
                    else str(person) if person is not None else entry.actor_name)
        entry.how = SOURCE_LABELS.get(entry.source, entry.source)
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
