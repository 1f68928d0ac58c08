"""Booking quality cost (质量成本): from settled claims, supplier recoveries, and by hand for complaints."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role

from .. import permissions
from ..choices import Bearer, EntryKind
from ..models import CostEntry
from ..money import money, to_base, to_cents
from ..selectors import rate_for
from .common import full_clean

BOOK_FIELDS = ("booked_on", "category", "complaint", "claim", "customer", "part", "bearer", "department",
               "salesperson", "supplier", "currency", "amount", "exchange_rate", "description")


def entry_for(*, company, kind: str, category: str, booked_on: datetime.date, currency: str, amount, rate,
              bearer: str | None = None, **links: Any) -> CostEntry:
    """An unsaved ledger entry with its period and its base-currency amount at ``rate``."""
    return CostEntry(company=company, kind=kind, category=category, booked_on=booked_on,
                     period=booked_on.replace(day=1), currency=currency, amount=money(amount), exchange_rate=rate,
                     amount_base_cents=to_cents(to_base(amount, rate)), bearer=bearer or Bearer.COMPANY, **links)


def cost_book(*, actor, company, data: dict[str, Any], source: str = "web") -> CostEntry:
    """Book one cost by hand: a return, repair, on-site visit, extra freight or scrapped return of a complaint.

    Customer and part follow the complaint or claim when not given; the rate is the one recorded for the
    booking day unless given.
    """
    require_role(actor, permissions.BOOK, company.pk)
    unknown = sorted(set(data) - set(BOOK_FIELDS) - {f"{n}_id" for n in BOOK_FIELDS})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    data = dict(data)
    rate = data.pop("exchange_rate", None)
    probe = CostEntry(company=company, **{k: v for k, v in data.items() if k not in ("amount",)})
    source_record = probe.claim if probe.claim_id else (probe.complaint if probe.complaint_id else None)
    if source_record is None:
        raise ValidationError({"complaint": _("Book the cost on a complaint or a claim.")})
    if source_record.company_id != company.pk:
        raise ValidationError({"complaint": _("Choose a record of the entry's company.")})
    if probe.claim_id and not probe.complaint_id and probe.claim.complaint_id:
        data["complaint"] = probe.claim.complaint
    for name in ("customer", "part"):
        if not data.get(name) and not data.get(f"{name}_id") and getattr(source_record, f"{name}_id", None):
            data[name] = getattr(source_record, name)
    booked_on, currency = data.get("booked_on"), data.get("currency") or "CNY"
    if booked_on is None:
        raise ValidationError({"booked_on": _("Give the booking date.")})
    if rate is None:
        rate = rate_for(company, currency, booked_on)
        if rate is None:
            raise ValidationError({"exchange_rate": _(
                "No exchange rate of %(currency)s is recorded for that day: give the rate to the base currency.")
                % {"currency": currency}})
    amount = data.pop("amount", None)
    if amount is None:
        raise ValidationError({"amount": _("Give the amount.")})
    try:
        amount = money(amount)
    except (TypeError, ValueError):
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than 0.")})
    for key in ("booked_on", "currency"):
        data.pop(key, None)
    entry = entry_for(company=company, kind=EntryKind.COST, booked_on=booked_on, currency=currency, amount=amount,
                      rate=rate, booked_by=actor_or_none(actor), **data)
    full_clean(entry)
    with acting_as(actor, source), transaction.atomic():
        entry.save()
    return entry
