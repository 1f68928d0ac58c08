"""The seed's after-sales figures from the service jobs (seed 001 §5.1.2 b; issue 21 §4).

产品维修率 (repair rate) = units repaired in the period ÷ units delivered in the period × 100 — the base is the
units shipped to customers in the same period (shipments by ship date), stated with the figure.
维修一次成功率 (first-time fix rate) = jobs fixed at the first visit ÷ all jobs in the period × 100.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from .choices import JobKind
from .models import ServiceJob

BASE = "units delivered in the period"


def _percent(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def job_figures(company_id: int, date_from: datetime.date, date_to: datetime.date) -> dict[str, Any]:
    from kesu.customers.models import Shipment

    jobs = ServiceJob.objects.filter(company_id=company_id, done_on__gte=date_from, done_on__lte=date_to)
    row = jobs.aggregate(jobs=Count("id"), first=Count("id", filter=Q(first_time_fixed=True)),
                         repaired=Sum("quantity", filter=Q(kind=JobKind.REPAIR)),
                         repair_jobs=Count("id", filter=Q(kind=JobKind.REPAIR)))
    delivered = Shipment.objects.filter(company_id=company_id, ship_date__gte=date_from,
                                        ship_date__lte=date_to).aggregate(n=Sum("quantity"))["n"] or 0
    repaired = row["repaired"] or 0
    return {
        "repair": {"repair_jobs": row["repair_jobs"], "units_repaired": repaired, "units_delivered": delivered,
                   "base": BASE, "rate_percent": _percent(repaired, delivered)},
        "first_time_fix": {"jobs": row["jobs"], "fixed_first_time": row["first"],
                           "rate_percent": _percent(row["first"], row["jobs"])},
    }
