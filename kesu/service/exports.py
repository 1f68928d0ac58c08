"""Excel exports of the customer service lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .models import MarketEntry, Visit


def _v(name: str) -> tuple[Any, Any]:
    return field_column(Visit, name)


VISIT_COLUMNS = [
    _v("visited_on"), _v("kind"), (_("customer code"), lambda v: v.customer.code),
    (_("customer"), lambda v: v.customer.name), _v("visited_by"), _v("purpose"),
    (_("complaint followed up"), lambda v: v.complaint.number if v.complaint_id else ""),
    _v("view_quality"), _v("view_delivery"), _v("view_service"), _v("view_price"), _v("view_needs"), _v("findings"),
    _v("negative"), _v("confirmation"),
    (_("complaint raised from the finding"), lambda v: v.finding_complaint.number if v.finding_complaint_id else ""),
    (_("corrective action raised from the finding"), lambda v: v.finding_action.number if v.finding_action_id else ""),
]


def _m(name: str) -> tuple[Any, Any]:
    return field_column(MarketEntry, name)


MARKET_COLUMNS = [
    _m("reported_on"), _m("kind"), _m("title"), _m("text"),
    (_("customer code"), lambda e: e.customer.code if e.customer_id else ""),
    (_("customer"), lambda e: e.customer.name if e.customer_id else ""),
    _m("competitor"), _m("region"), _m("tags"), _m("reported_by"),
    _m("rating_cost"), _m("rating_quality"), _m("rating_delivery"), _m("rating_technology"),
]


def _cell(month: int):
    from .printouts import cell_text

    return lambda row: cell_text(row["cells"][month - 1])


PLAN_COLUMNS = [
    (_("salesperson"), lambda r: str(r["line"].salesperson or "")),
    (_("customer code"), lambda r: r["line"].customer.code), (_("customer"), lambda r: r["line"].customer.name),
    (_("why in the plan"), lambda r: "、".join(r["line"].reason_labels())), (_("kind"), lambda r: str(r["kind_label"])),
    *[(f"{m}月", _cell(m)) for m in range(1, 13)],
    (_("planned"), lambda r: r["planned"]), (_("done"), lambda r: r["actual"]),
]


def _j(name: str) -> tuple[Any, Any]:
    from .models import ServiceJob

    return field_column(ServiceJob, name)


JOB_COLUMNS = [
    _j("done_on"), _j("kind"), (_("customer code"), lambda j: j.customer.code), (_("customer"), lambda j: j.customer.name),
    (_("part number"), lambda j: j.part.part_no if j.part_id else ""), _j("serial_or_lot"), _j("quantity"),
    (_("complaint"), lambda j: j.complaint.number if j.complaint_id else ""), _j("fault"), _j("work_done"),
    _j("first_time_fixed"), _j("parts_used"), _j("engineer"), _j("hours"),
]
