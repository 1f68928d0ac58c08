"""The customer's processing yield of our parts and the customer's audits of us (issue 21 §6; 满意度控制程序 §3.3,
§4.1): recorded by sales or QA, shown beside the satisfaction indicators and in the yearly satisfaction report."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role

from .. import permissions
from ..models import CustomerAudit, CustomerYield
from .common import assign, full_clean

YIELD_FIELDS = ("customer", "part", "period_start", "period_end", "processed", "passed", "note")
AUDIT_FIELDS = ("customer", "audited_on", "scope", "auditors", "findings", "score", "passed", "actions")


def _same_company(record, company_id: int) -> None:
    if record.customer.company_id != company_id:
        raise ValidationError({"customer": _("Choose a customer of your company.")})
    if getattr(record, "part_id", None) and (record.part.company_id != company_id
                                             or record.part.customer_id not in (None, record.customer_id)):
        raise ValidationError({"part": _("Choose a part of this customer.")})


def customer_yield_record(*, actor, company, data: dict[str, Any], source: str = "web") -> CustomerYield:
    """Record the processing yield the customer reports for a period (one row per report; several per period
    are allowed, e.g. one per part)."""
    require_role(actor, permissions.CUSTOMER_RECORDERS, company.pk)
    row = CustomerYield(company=company, recorded_by=actor_or_none(actor))
    assign(row, data, YIELD_FIELDS, ("customer", "part"))
    full_clean(row)
    _same_company(row, company.pk)
    with acting_as(actor, source), transaction.atomic():
        row.save()
    return row


def customer_audit_record(*, actor, company, data: dict[str, Any], source: str = "web") -> CustomerAudit:
    """Record an audit of us by the customer: date, scope, findings, score and what we do about it."""
    require_role(actor, permissions.CUSTOMER_RECORDERS, company.pk)
    row = CustomerAudit(company=company, recorded_by=actor_or_none(actor))
    assign(row, data, AUDIT_FIELDS, ("customer",))
    full_clean(row)
    _same_company(row, company.pk)
    with acting_as(actor, source), transaction.atomic():
        row.save()
    return row
