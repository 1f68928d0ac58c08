"""Excel columns of the signal and assessment lists."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.importexport import field_column

from .models import Assessment, WarningSignal


def _s(name: str) -> tuple[Any, Any]:
    return field_column(WarningSignal, name)


def _a(name: str) -> tuple[Any, Any]:
    return field_column(Assessment, name)


SIGNAL_COLUMNS = [
    _s("number"), (_("recorded at"), lambda s: timezone.localtime(s.raised_at).strftime("%Y-%m-%d %H:%M")),
    _s("warning_class"), _s("source"), (_("customer code"), lambda s: s.customer.code),
    (_("customer"), lambda s: s.customer.name), (_("part number"), lambda s: s.part.part_no if s.part_id else ""),
    _s("observed"), _s("status"), _s("outcome"), _s("owner"), _s("decider"), _s("causes"), _s("development"),
    (_("complaint"), lambda s: s.complaint.number if s.complaint_id else ""), _s("why"),
]


def _count(key: str):
    return lambda a: len(a.figures.get(key, []))


ASSESSMENT_COLUMNS = [
    _a("salesperson"), _a("period_start"), _a("period_end"), _a("status"),
    (_("complaints"), _count("complaints")), (_("passed on late (6.1)"), _count("late_pass_on")),
    (_("facts corrected (6.2)"), _count("facts_corrected")),
    (_("mis-order returns failed inspection (6.2)"), _count("mis_order_failed")),
    (_("repeats (6.4)"), _count("repeats")), (_("repeats, not our quality problem (6.4)"), _count("repeats_not_ours")),
    (_("product explanation faults (6.5)"), _count("explanation_faults")),
    (_("cost entries borne (6.6)"), _count("costs")), (_("costs borne (6.6)"), lambda a: a.figures.get("cost_total")),
    _a("director_comment"), _a("confirmed_by"),
]
