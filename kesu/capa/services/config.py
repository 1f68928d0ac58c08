"""Changing how a company runs corrective actions: its settings and its customers' rules (QA, GM)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import require_role

from .. import permissions
from ..models import CapaSettings, CustomerCapaRule
from ..selectors import capa_settings_for
from .actions import _full_clean

SETTINGS_FIELDS = ("number_pattern", "ncr_number_pattern", "default_format", "step_days", "approval_days",
                   "ncr_answer_days", "effectiveness_shipments")
RULE_FIELDS = ("format", "step_days", "effectiveness_shipments")


def _assign(obj, data: dict[str, Any], allowed) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in data.items():
        setattr(obj, name, value)


def capa_settings_update(*, actor, company, data: dict[str, Any], source: str = "web") -> CapaSettings:
    require_role(actor, permissions.SETTINGS, company.pk)
    cfg = capa_settings_for(company)
    _assign(cfg, data, SETTINGS_FIELDS)
    _full_clean(cfg)
    with acting_as(actor, source), transaction.atomic():
        cfg.save()
    return cfg


def customer_capa_rule_set(*, actor, customer, data: dict[str, Any], source: str = "web") -> CustomerCapaRule:
    """Create or change the customer's rule (format, its 8D deadlines, its effectiveness proof)."""
    require_role(actor, permissions.SETTINGS, customer.company_id)
    rule = CustomerCapaRule.objects.filter(customer=customer).first() or CustomerCapaRule(
        company_id=customer.company_id, customer=customer)
    _assign(rule, data, RULE_FIELDS)
    _full_clean(rule)
    with acting_as(actor, source), transaction.atomic():
        rule.save()
    return rule


def customer_capa_rule_delete(*, actor, customer, source: str = "web") -> None:
    require_role(actor, permissions.SETTINGS, customer.company_id)
    with acting_as(actor, source), transaction.atomic():
        for rule in CustomerCapaRule.objects.filter(customer=customer):
            rule.delete()
