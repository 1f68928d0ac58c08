"""Excel exports of the action list and the nonconforming reports (issue 4 §5)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .models import CorrectiveAction, NonconformingReport


def _a(name: str) -> tuple[Any, Any]:
    return field_column(CorrectiveAction, name)


def _n(name: str) -> tuple[Any, Any]:
    return field_column(NonconformingReport, name)


ACTION_COLUMNS = [
    _a("number"), _a("title"), _a("kind"), _a("format"), _a("origin"), _a("status"), _a("raised_at"),
    (_("customer code"), lambda a: a.customer.code if a.customer_id else ""),
    _a("responsible_department"), _a("owner"),
    (_("overdue"), lambda a: _("Yes") if getattr(a, "has_overdue", False) else ""),
    _a("cycle"), _a("approved_at"), _a("verified_at"), _a("closed_at"), _a("problem"),
]
NCR_COLUMNS = [
    _n("number"), _n("status"), _n("issued_at"), _n("complaint"), _n("part"), _n("quantity"), _n("description"),
    _n("disposition"), _n("responsible_department"), _n("answer_due_at"), _n("cause"), _n("measures"),
    _n("answered_at"), _n("result"), _n("verified_at"),
]
