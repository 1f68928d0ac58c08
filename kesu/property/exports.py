"""Excel exports of the ledger, loans, damage reports and the drawing register (issue 19 §6)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .models import DamageReport, ExternalDocument, Loan, PropertyItem


def _i(name: str) -> tuple[Any, Any]:
    return field_column(PropertyItem, name)


def _l(name: str) -> tuple[Any, Any]:
    return field_column(Loan, name)


def _d(name: str) -> tuple[Any, Any]:
    return field_column(DamageReport, name)


def item_columns() -> list[tuple[Any, Any]]:
    return [_i("number"), (_("customer code"), lambda i: i.customer.code), (_("customer"), lambda i: i.customer.name),
            _i("item_type"), _i("description"), _i("quantity"), _i("unit"), _i("customer_reference"),
            _i("serial_or_lot"), (_("part number"), lambda i: i.part.part_no if i.part_id else ""), _i("received_on"),
            _i("received_from"), _i("condition_on_receipt"), _i("keeper_department"), _i("keeper"), _i("location"),
            _i("confidentiality"), _i("terms"), _i("return_by"), _i("calibration_due_on"), _i("status")]


def loan_columns() -> list[tuple[Any, Any]]:
    return [_l("number"), (_("ledger number"), lambda loan: loan.item.number), (_("description"), lambda loan: loan.item.description),
            _l("requested_by"), _l("department"), _l("purpose"), _l("borrow_from"), _l("expected_return_on"),
            _l("issued_at"), _l("returned_at"), _l("return_condition"), _l("returned_late"), _l("status")]


def damage_columns() -> list[tuple[Any, Any]]:
    return [_d("number"), (_("ledger number"), lambda r: r.item.number), (_("customer"), lambda r: r.item.customer.name),
            _d("kind"), _d("description"), _d("happened_on"), _d("reported_by"), _d("remedial_action"),
            _d("notified_at"), _d("customer_answer"), _d("bearer"), _d("cost_amount"), _d("status")]


def document_columns() -> list[tuple[Any, Any]]:
    def current(doc):
        return next((r.revision for r in doc.revisions.all() if r.status == "current"), "")

    return [field_column(ExternalDocument, "number"), field_column(ExternalDocument, "kind"),
            (_("customer"), lambda d: d.customer.name), field_column(ExternalDocument, "title"),
            (_("current revision"), current), (_("part numbers"), lambda d: ", ".join(p.part_no for p in d.parts.all()))]
