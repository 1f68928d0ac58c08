"""Excel exports of complaint lists: any filtered list, my work, and the defect history (issue 3 §7, §8).

A column is a label and a function of one row; rows come from selectors that
join or prefetch what the columns read, and are streamed into the workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import export_rows, field_column, rows_xlsx

from .models import Complaint
from .selectors import row_deadline_state

Column = tuple[Any, Callable[[Complaint], Any]]


def _field(name: str) -> Column:
    return field_column(Complaint, name)


_DEADLINE_WORDS = {"overdue": _("Overdue"), "at_risk": _("At risk"), "due": _("On track")}

LIST_COLUMNS: list[Column] = [
    _field("number"), _field("received_at"), _field("channel"),
    (_("customer code"), lambda c: c.customer.code), (_("customer"), lambda c: c.customer.name),
    (_("part number"), lambda c: c.part.part_no if c.part_id else ""),
    (_("part name"), lambda c: c.part.name if c.part_id else ""), _field("lot_number"),
    _field("category"), _field("defect_type"), _field("defect_location"), _field("defect_nature"),
    _field("quantity_shipped"), _field("quantity_defective"), _field("window_status"), _field("severity"),
    _field("priority"), _field("warning_class"), _field("status"), (_("deadline state"), lambda c: str(_DEADLINE_WORDS.get(row_deadline_state(c), ""))),
    (_("next deadline"), lambda c: getattr(c, "next_due_at", None)),
    _field("closure_due_at"), _field("responsibility"), _field("owner"), _field("department"), _field("closed_at"),
    _field("reopen_count"), _field("recurrence_count"), _field("description"),
]

# What LIST_COLUMNS read, and only that (the deadline-state annotations come with the queryset).
LIST_FIELDS = (
    "company", "number", "received_at", "channel", "customer__code", "customer__name", "part__part_no", "part__name",
    "lot_number", "category__name", "defect_type__name", "defect_location", "defect_nature", "quantity_shipped",
    "quantity_defective", "window_status", "severity", "priority", "warning_class", "status", "closure_due_at",
    "responsibility", "owner__username",
    "owner__display_name", "owner__first_name", "owner__last_name", "department__name", "closed_at",
    "reopen_count", "recurrence_count", "description",
)


def list_rows(qs) -> Iterable[Any]:
    """The rows of a list export (LIST_COLUMNS): light rows streamed from the database in chunks."""
    return export_rows(qs, LIST_FIELDS)


HISTORY_COLUMNS: list[Column] = [
    _field("received_at"), _field("number"), (_("part number"), lambda c: c.part.part_no if c.part_id else ""),
    (_("part name"), lambda c: c.part.name if c.part_id else ""), _field("delivery_date"),
    _field("category"), _field("defect_location"), _field("defect_nature"), _field("quantity_defective"),
    _field("description"), _field("root_cause"), _field("responsibility"), _field("responsible_department"),
    _field("responsible_supplier"),
    (_("remedy accepted"), lambda c: "\n".join(r.text for r in c.accepted_remedies)),
    (_("disposition"), lambda c: "；".join(f"{d.get_kind_display()} × {d.quantity}" for d in c.dispositions.all())),
    _field("status"), _field("closed_at"),
]


def complaints_xlsx(rows: Iterable[Complaint], columns: list[Column], title, stem: str) -> tuple[Any, str]:
    """Stream ``rows`` into an xlsx file; returns (open file, download name)."""
    return rows_xlsx(rows, columns, title, stem)
