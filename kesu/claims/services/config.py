"""Claim settings and exchange rates (finance, vice GM, GM)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import require_role

from .. import permissions
from ..models import ClaimSettings, ExchangeRate
from ..selectors import claim_settings_for
from .common import full_clean

SETTINGS_FIELDS = ("number_pattern", "supplier_number_pattern", "base_currency", "vice_gm_delegation",
                   "vice_gm_limit", "required_documents")


def claim_settings_update(*, actor, company, data: dict[str, Any], source: str = "web") -> ClaimSettings:
    """Change how the company runs claims (numbering, the delegation of approvals to the vice GM and its limit,
    required documents)."""
    require_role(actor, permissions.SETTINGS, company.pk)
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    with acting_as(actor, source), transaction.atomic():
        cfg = ClaimSettings.objects.select_for_update().get(pk=claim_settings_for(company).pk)
        for key, value in data.items():
            setattr(cfg, key, value)
        full_clean(cfg)
        cfg.save()
    return cfg


def exchange_rate_set(*, actor, company, currency: str, valid_from: datetime.date, rate: Decimal,
                      source: str = "web") -> ExchangeRate:
    """Record the rate of a currency from a day on (replacing that day's rate if one was recorded)."""
    require_role(actor, permissions.SETTINGS, company.pk)
    with acting_as(actor, source), transaction.atomic():
        row = ExchangeRate.objects.filter(company=company, currency=currency, valid_from=valid_from).first() or \
            ExchangeRate(company=company, currency=currency, valid_from=valid_from)
        row.rate = rate
        full_clean(row)
        row.save()
    return row
