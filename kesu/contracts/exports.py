"""Excel columns of the review list and the contract ledger (合同台账)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .models import ContractReview


def _c(name: str) -> tuple[Any, Any]:
    return field_column(ContractReview, name)


REVIEW_COLUMNS = [
    _c("number"), _c("review_type"), _c("mode"), _c("status"), _c("received_on"),
    (_("customer code"), lambda r: r.customer.code), (_("customer"), lambda r: r.customer.name),
    (_("contract number"), lambda r: r.contract.number if r.contract_id else ""), _c("title"),
    _c("customer_reference"), _c("product_name"), _c("specification"), _c("model"), _c("quantity"),
    _c("delivery_date"), _c("currency"), _c("amount"), _c("exchange_rate"), _c("amount_base"), _c("owner"),
    _c("revision"), _c("approved_by"), _c("approved_at"),
]
LEDGER_COLUMNS = REVIEW_COLUMNS + [
    (_("changes"), lambda r: getattr(r, "notice_count", 0)),
    (_("shipments"), lambda r: getattr(r, "shipment_count", 0)),
    (_("complaints"), lambda r: getattr(r, "complaint_count", 0)),
]
