"""The assessment's figures with the records behind each (drill-down), for the page, the PDF and the API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SECTIONS = (
    ("complaints", "", _("Complaints received")),
    ("late_pass_on", "6.1", _("Passed on later than one working day")),
    ("facts_corrected", "6.2", _("Facts corrected after investigation")),
    ("mis_order_failed", "6.2", _("Mis-ordered goods returned that failed incoming inspection")),
    ("repeats", "6.4", _("Repeat complaints")),
    ("repeats_not_ours", "6.4", _("Repeat complaints that were not our quality problem")),
    ("explanation_faults", "6.5", _("Complaints caused by product explanation faults (cost borne)")),
    ("costs", "6.6", _("Quality costs borne by the salesperson")),
)


def drill_down(assessment) -> list[dict[str, Any]]:
    """Each figure: its clause, label, count and the records (number, date, text, link)."""
    from kesu.claims.models import CostEntry
    from kesu.complaints.models import Complaint

    figures = assessment.figures or {}
    complaint_ids = {pk for key, _c, _l in SECTIONS if key != "costs" for pk in figures.get(key, [])}
    complaints = {c.pk: c for c in Complaint.objects.filter(pk__in=complaint_ids).select_related("customer")}
    costs = {e.pk: e for e in CostEntry.objects.filter(pk__in=figures.get("costs", [])).select_related("complaint")}
    tz = assessment.company.tz
    out = []
    for key, clause, label in SECTIONS:
        records = []
        for pk in figures.get(key, []):
            if key == "costs":
                entry = costs.get(pk)
                if entry is None:
                    continue
                records.append({"number": entry.complaint.number if entry.complaint_id else f"#{entry.pk}",
                                "date": entry.booked_on.strftime("%Y-%m-%d"),
                                "text": f"{entry.get_category_display()} · {entry.amount_base}",
                                "url": reverse("complaints:detail", args=[entry.complaint_id])
                                if entry.complaint_id else ""})
            else:
                complaint = complaints.get(pk)
                if complaint is None:
                    continue
                records.append({"number": complaint.number,
                                "date": timezone.localtime(complaint.received_at, tz).strftime("%Y-%m-%d"),
                                "text": f"{complaint.customer} · {complaint.defect_location}{complaint.defect_nature}",
                                "url": reverse("complaints:detail", args=[complaint.pk])})
        out.append({"key": key, "clause": clause, "label": label, "count": len(records), "records": records,
                    "total": figures.get("cost_total") if key == "costs" else None})
    return out
