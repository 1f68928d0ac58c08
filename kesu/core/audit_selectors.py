"""Reads of the audit trail, scoped by company, with amounts of money masked for those who may not see them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string

from .audit import money_fields
from .models import AuditEntry
from .privacy import NAME, mask, personal_fields, sees_personal_data

MASK = "***"
_RELATED_ID = re.compile(r"\(#([^()]*)\)$")


def audit_entries_visible_to(user, *, model: str = "", actor: str = "", action: str = "") -> QuerySet[AuditEntry]:
    """Entries of records in companies the user can see; company-less records (companies, users) for superusers.

    What the entries say about money is masked by :func:`audit_mask_money` (pages, API and admin call it on the
    entries they show).
    """
    qs = AuditEntry.objects.select_related("content_type", "actor__position")
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


@cache
def _money_rule(model: type[models.Model]):
    path = getattr(model, "audit_money_rule", "")
    return import_string(path) if path else None


class MoneyMask:
    """Decides, once per model for one viewer, whether the trail may show that model's amounts.

    The rule is the one pages, exports and the API use (e.g. ``kesu.claims.permissions.sees_claim_money``:
    sales, vice GM, GM and finance), named on the model as ``audit_money_rule``. A model with money fields
    and no rule shows its amounts to superusers only.
    """

    def __init__(self, user) -> None:
        self.user = user
        self._seen: dict[type[models.Model], bool] = {}
        self._personal: bool | None = None

    def hides_personal(self, model: type[models.Model] | None) -> bool:
        """Customers' personal data (issue 18 §13) is masked in the trail by the rule pages use."""
        if model is None or not personal_fields(model):
            return False
        if self._personal is None:
            self._personal = not sees_personal_data(self.user)
        return self._personal

    def hides(self, model: type[models.Model] | None) -> bool:
        if model is None or not money_fields(model):
            return False
        if model not in self._seen:
            rule = _money_rule(model)
            self._seen[model] = not (self.user.is_superuser or (rule is not None and rule(self.user)))
        return self._seen[model]

    def changes(self, entry: AuditEntry) -> dict[str, Any]:
        model = _model_of(entry)
        if model is None or not isinstance(entry.changes, dict):
            return entry.changes
        hidden = money_fields(model) if self.hides(model) else frozenset()
        private = personal_fields(model) if self.hides_personal(model) else {}
        masked: dict[str, Any] = {}
        for name, pair in entry.changes.items():
            if name in hidden:
                pair = [None if value is None else MASK for value in pair]
            elif name in private and isinstance(pair, list):
                pair = [mask(value, private[name]) if isinstance(value, str) else value for value in pair]
            elif (related := _related_model(model, name)) is not None and self.hides_personal(related) \
                    and isinstance(pair, list):
                # "张三 (#5)": a contact is named by its personal name.
                pair = [_masked_name(value) for value in pair]
            else:
                related = _related_model(model, name)
                if related is not None and self.hides(related) and isinstance(pair, list):
                    # "CostEntry 售后 CNY 1200.00 (#5)": the related record's name may carry its amount.
                    pair = [_only_id(value) for value in pair]
            masked[name] = pair
        return masked

    def object_repr(self, entry: AuditEntry) -> str:
        model = _model_of(entry)
        if (self.hides(model) or self.hides_personal(model)) and entry.object_id:
            # A record's name may carry its amount (a ledger entry is "category currency amount") or a person's
            # name or e-mail (a contact, a survey invitation).
            return f"{model._meta.verbose_name} #{entry.object_id}"
        return entry.object_repr

    def apply(self, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
        """The entries with their money masked in place (for display only: never saved)."""
        shown = list(entries)
        for entry in shown:
            entry.changes = self.changes(entry)
            entry.object_repr = self.object_repr(entry)
        return shown


def _model_of(entry: AuditEntry) -> type[models.Model] | None:
    """The entry's model through the content type cache (no query per entry when the type was not joined)."""
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _related_model(model: type[models.Model], name: str) -> type[models.Model] | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the entry was written, or "*" / "count"
        return None
    return field.related_model if field.is_relation else None


def _masked_name(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    found = _RELATED_ID.search(value)
    if not found:
        return mask(value, NAME)
    return f"{mask(value[:found.start()].strip(), NAME)} (#{found.group(1)})"


def _only_id(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    found = _RELATED_ID.search(value)
    return f"#{found.group(1)}" if found else MASK


def audit_mask_money(entries: Iterable[AuditEntry], user) -> list[AuditEntry]:
    """The entries as ``user`` may see them: amounts of money masked where the money rule says so."""
    return MoneyMask(user).apply(entries)
