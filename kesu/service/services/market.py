"""Customer and market information entries (issue 21 §3)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role

from .. import permissions
from ..models import MarketEntry
from .common import assign, full_clean

MARKET_FIELDS = ("kind", "title", "text", "customer", "competitor", "region", "tags", "reported_on", "rating_cost",
                 "rating_quality", "rating_delivery", "rating_technology")


def _check(entry: MarketEntry) -> None:
    if entry.customer_id and entry.customer.company_id != entry.company_id:
        raise ValidationError({"customer": _("Choose a customer of the entry's company.")})
    if (entry.kind == "competitor" or entry.has_rating()) and not entry.competitor.strip():
        # A rating without a competitor's name cannot go into the yearly report's comparison.
        raise ValidationError({"competitor": _("Name the competitor.")})


def market_entry_create(*, actor, company, data: dict[str, Any], source: str = "web") -> MarketEntry:
    require_role(actor, permissions.SALES | {"general_office"}, company.pk)
    entry = MarketEntry(company=company, reported_by=actor_or_none(actor))
    assign(entry, data, MARKET_FIELDS, ("customer",))
    full_clean(entry)
    _check(entry)
    with acting_as(actor, source), transaction.atomic():
        entry.save()
    return entry


def market_entry_update(*, actor, entry: MarketEntry, data: dict[str, Any], source: str = "web") -> MarketEntry:
    """Correct or complete an entry (the same rules as recording it)."""
    require_role(actor, permissions.SALES | {"general_office"}, entry.company_id)
    assign(entry, data, MARKET_FIELDS, ("customer",))
    full_clean(entry)
    _check(entry)
    with acting_as(actor, source), transaction.atomic():
        entry.save()
    return entry
