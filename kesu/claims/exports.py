"""Excel exports of claims, supplier claims and the ledger (issue 5 §5); amount columns only for money roles."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .models import Claim, CostEntry, SupplierClaim


def _c(name: str) -> tuple[Any, Any]:
    return field_column(Claim, name)


def _s(name: str) -> tuple[Any, Any]:
    return field_column(SupplierClaim, name)


def _e(name: str) -> tuple[Any, Any]:
    return field_column(CostEntry, name)


CLAIM_COLUMNS = [
    _c("number"), _c("status"), _c("received_on"), (_("customer code"), lambda c: c.customer.code),
    (_("customer"), lambda c: c.customer.name), (_("complaint"), lambda c: c.complaint.number if c.complaint_id else ""),
    (_("part number"), lambda c: c.part.part_no if c.part_id else ""), _c("title"), _c("customer_reference"),
    _c("owner"), _c("proposed_outcome"), _c("outcome"), _c("responsible_party"), _c("settlement_method"),
    _c("settled_on"), _c("closed_at"),
]
CLAIM_MONEY_COLUMNS = [
    _c("currency"), _c("exchange_rate"), _c("claimed_amount"), _c("proposed_amount"), _c("agreed_amount"),
    _c("compensation_amount"),
]
SUPPLIER_COLUMNS = [
    _s("number"), _s("status"), _s("raised_at"), (_("supplier code"), lambda s: s.supplier.code),
    (_("supplier"), lambda s: s.supplier.name), (_("customer claim"), lambda s: s.claim.number if s.claim_id else ""),
    (_("complaint"), lambda s: s.complaint.number if s.complaint_id else ""), _s("share_percent"), _s("handler"),
    _s("sent_at"), _s("recovered_on"), _s("closed_at"),
]
SUPPLIER_MONEY_COLUMNS = [_s("currency"), _s("amount"), _s("agreed_amount"), _s("recovered_amount")]
LEDGER_COLUMNS = [
    _e("booked_on"), (_("period"), lambda e: e.period.strftime("%Y-%m")), _e("kind"), _e("category"),
    (_("complaint"), lambda e: e.complaint.number if e.complaint_id else ""),
    (_("claim"), lambda e: e.claim.number if e.claim_id else ""),
    (_("supplier claim"), lambda e: e.supplier_claim.number if e.supplier_claim_id else ""),
    (_("customer code"), lambda e: e.customer.code if e.customer_id else ""),
    (_("part number"), lambda e: e.part.part_no if e.part_id else ""), _e("bearer"), _e("department"),
    _e("salesperson"), (_("supplier code"), lambda e: e.supplier.code if e.supplier_id else ""), _e("currency"),
    _e("amount"), _e("exchange_rate"), (_("amount in the base currency"), lambda e: e.amount_base),
    (_("signed amount (recoveries negative)"), lambda e: -e.amount_base if e.kind == "recovery" else e.amount_base),
    _e("description"),
]


def claim_columns(show_money: bool) -> list[tuple[Any, Any]]:
    return CLAIM_COLUMNS + (CLAIM_MONEY_COLUMNS if show_money else [])


def supplier_columns(show_money: bool) -> list[tuple[Any, Any]]:
    return SUPPLIER_COLUMNS + (SUPPLIER_MONEY_COLUMNS if show_money else [])
