"""Append-only audit trail for every audited model (design §10).

Every model that inherits :class:`kesu.core.models.AuditedModel` is recorded on
create, change and delete, whoever saves it: pages, API, admin, imports and
commands all end in ``Model.save()``/``delete()``, so the trail is kept in one
place instead of in each caller. The entry is written by the signal handler
inside the caller's transaction, so a rolled-back change leaves no entry.

Bulk paths (``bulk_create`` in the demo generator) bypass signals by design;
they record one summary entry per batch through :func:`record_bulk`.

A service that saves several records at one moment (a complaint's creation: the
complaint, its status change, timeline entry and deadlines) may hold their entries
in :func:`audit_batch` and insert them in one statement at its end, still inside
its transaction: the same rows, in the same order, one INSERT instead of one each.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete

from .context import current_actor

FieldT = TypeVar("FieldT", bound=models.Field)

# A field marked with money() holds an amount of money; the trail shows its values only to those the model's
# ``audit_money_rule`` (dotted path to a predicate ``user -> bool``) lets see money (kesu.core.audit_selectors).
MONEY_MARKER = "kesu_money"


def money(field: FieldT) -> FieldT:
    """Mark a model field as an amount of money (issue 15 §4); the database column is unchanged."""
    setattr(field, MONEY_MARKER, True)
    return field


def money_fields(model: type[models.Model]) -> frozenset[str]:
    """Names of the fields of ``model`` marked as money."""
    return frozenset(f.name for f in model._meta.concrete_fields if getattr(f, MONEY_MARKER, False))


# Never copied into the trail: secrets and bookkeeping noise.
SKIPPED_FIELDS = {"password", "last_login", "token_hash", "updated_at", "created_at",
                  "search_initials"}  # derived from the names by kesu.core.lookups, not a change of its own
MAX_VALUE_LENGTH = 500


def _plain(value: Any) -> Any:
    """A JSON-safe, bounded form of a field value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"


def audited_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in SKIPPED_FIELDS and f.attname not in SKIPPED_FIELDS
    ]


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Raw attribute values (foreign keys as ids) as they are now."""
    return {f.attname: getattr(instance, f.attname) for f in audited_fields(type(instance))}


def loaded_snapshot(instance: models.Model) -> dict[str, Any] | None:
    """The snapshot of the values ``instance`` was loaded with (or last saved with); None if unknown."""
    found = instance.__dict__.get("_audit_loaded")
    if found is None and "_audit_values" in instance.__dict__:
        loaded = dict(zip((f.attname for f in type(instance)._meta.concrete_fields), instance._audit_values,
                          strict=True))
        found = {f.attname: loaded[f.attname] for f in audited_fields(type(instance))}
        instance._audit_loaded = found
    return found


def _in_memory(model: type[models.Model], pk: Any) -> models.Model | None:
    """The acting user or their company when that is the object named: loaded for the request already, so the
    trail need not read it again (every company-scoped record names the company; a creation saves several)."""
    user = current_actor().user
    if not getattr(user, "is_authenticated", False):
        return None
    if isinstance(user, model) and user.pk == pk:
        return user
    company = user._state.fields_cache.get("company") if getattr(user, "company_id", None) == pk else None
    return company if isinstance(company, model) else None


def _display(field: models.Field, raw: Any) -> Any:
    if raw is None:
        return None
    if field.is_relation:
        related = (_in_memory(field.related_model, raw)
                   or field.related_model._default_manager.filter(pk=raw).first())
        return f"{related} (#{raw})" if related is not None else f"#{raw}"
    # Choices keep their stable value: the trail must not depend on the saver's language.
    return _plain(raw)


def diff(instance: models.Model, before: dict[str, Any] | None) -> dict[str, list[Any]]:
    """Field name → [old, new] for every changed field (all fields on create)."""
    changes: dict[str, list[Any]] = {}
    for field in audited_fields(type(instance)):
        new = getattr(instance, field.attname)
        old = None if before is None else before.get(field.attname)
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        if field.is_relation and new is not None and field.is_cached(instance):
            # The related object is already in memory (forms and imports set it): no query.
            new_display = f"{_plain(getattr(instance, field.name))} (#{new})"
        else:
            new_display = _display(field, new)
        changes[field.name] = [_display(field, old), new_display]
    return changes


# The entries an open audit_batch() holds, in the order they were written; None outside one.
_held: ContextVar[list | None] = ContextVar("kesu_audit_held", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Hold the entries written inside the block and insert them together when it ends without an error.

    Use it inside the writer's transaction (the entries stay in it) and only around saves that happen at one
    moment: each entry's "at" is the time of the insert. An error leaves the entries unwritten, as the
    transaction it rolls back would; so the block must not catch an error of a save made inside it (the
    savepoint rolled back would leave that save's entry held). A nested block writes its own entries.
    """
    from .models import AuditEntry

    held: list = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    if held:
        AuditEntry.objects.bulk_create(held)


def _entry(model: type[models.Model], *, action: str, object_id: str, object_repr: str,
           company_id: int | None, changes: dict[str, list[Any]]) -> None:
    """Append one entry, attributed to the current actor and channel (held while an audit_batch() is open)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    actor = current_actor()
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=user,
        actor_name=(user.get_username() if user else ""),
        source=actor.source,
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        object_repr=object_repr[:200],
        company_id=company_id,
        changes=changes,
    )
    held = _held.get()
    if held is not None:
        held.append(entry)
    else:
        entry.save()


def _write(instance: models.Model, action: str, changes: dict[str, list[Any]]) -> None:
    _entry(type(instance), action=action, object_id=str(instance.pk), object_repr=_plain(str(instance)),
           company_id=getattr(instance, "company_id", None), changes=changes)


def _on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not getattr(sender, "audit_enabled", False):
        return
    before = None if created else loaded_snapshot(instance)
    if not created and before is None:
        # Saved without having been loaded from the database (e.g. built by
        # hand with a pk): we cannot tell what changed, so say so.
        changes = {"*": [None, "saved"]}
    else:
        changes = diff(instance, before)
    if changes or created:
        _write(instance, "create" if created else "update", changes)
    instance._audit_loaded = snapshot(instance)


def _on_pre_delete(sender, instance, **kwargs) -> None:
    if getattr(sender, "audit_enabled", False):
        instance._audit_deleted = {k: [v[1], None] for k, v in diff(instance, None).items()}


def _on_delete(sender, instance, **kwargs) -> None:
    if getattr(sender, "audit_enabled", False):
        _write(instance, "delete", getattr(instance, "_audit_deleted", {}))


def connect_signals() -> None:
    post_save.connect(_on_save, dispatch_uid="kesu_audit_save")
    pre_delete.connect(_on_pre_delete, dispatch_uid="kesu_audit_pre_delete")
    post_delete.connect(_on_delete, dispatch_uid="kesu_audit_delete")


def record_bulk(model: type[models.Model], *, count: int, company_id: int | None, note: str) -> None:
    """One entry for a bulk insert that bypassed per-row signals."""
    _entry(model, action="bulk_create", object_id="", object_repr=note, company_id=company_id,
           changes={"count": [None, count]})


def record_change(instance: models.Model, changes: dict[str, list[Any]]) -> None:
    """One "changed" entry for a record not audited on every save (outbox mail an administrator resends)."""
    _write(instance, "update", changes)
