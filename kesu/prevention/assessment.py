"""The figures of a salesperson's after-sales assessment (seed 004 §6), from records only.

Each figure keeps the ids of the records behind it, so the page drills down to every one:

- ``complaints``: the complaints the salesperson owns, received in the period (company calendar dates);
- 6.1 ``late_pass_on``: of those, the ones passed on to the superior and the sales assistant later than one working
  day (the complaint's pass-on deadline met late, or still open and overdue);
- 6.2 ``facts_corrected``: of those, the ones whose facts (part, quantities, defect, delivery, lot, contract,
  shipment) someone else corrected afterwards (the audit trail); ``mis_order_failed``: returns of mis-ordered goods
  (dispositions marked customer mis-order) of those complaints that failed the incoming inspection;
- 6.4 ``repeats``: of those, the ones flagged as repeats, and ``repeats_not_ours`` those whose responsibility was
  not ours (the seed assesses the salesperson on these);
- 6.5 ``explanation_faults``: complaints with quality cost borne by the salesperson that are not mis-order returns
  (seed 6.5: the salesperson did not explain the product, the cost is theirs);
- 6.6 ``costs``: quality-cost ledger entries booked in the period with the salesperson as bearer, and their total in
  the base currency (``cost_total``), a failed mis-order return included.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

FACT_FIELDS = frozenset({"part", "quantity_shipped", "quantity_defective", "defect_location", "defect_nature",
                         "delivery_date", "lot_number", "contract", "shipment", "occurred_at"})


def _bounds(company, start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = company.tz
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def figures_for(company, salesperson, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    from kesu.claims.choices import Bearer, EntryKind
    from kesu.claims.models import CostEntry
    from kesu.complaints.choices import DeadlineKind, InspectionResult, Responsibility
    from kesu.complaints.models import Complaint, Deadline, DispositionLine
    from kesu.core.models import AuditEntry

    from .models import RepeatFlag

    since, until = _bounds(company, start, end)
    now = timezone.now()
    complaints = list(Complaint.objects.filter(company=company, owner=salesperson, received_at__gte=since,
                                               received_at__lt=until).order_by("received_at", "id")
                      .values_list("pk", flat=True))
    late = sorted(set(Deadline.objects.filter(complaint_id__in=complaints, kind=DeadlineKind.PASS_ON).filter(
        Q(met_at__isnull=False, met_at__gt=models_f("due_at"))
        | Q(met_at__isnull=True, cancelled_at__isnull=True, due_at__lt=now)).values_list("complaint_id", flat=True)))
    ct = ContentType.objects.get_for_model(Complaint)
    corrected = set()
    for object_id, actor_id, changes in AuditEntry.objects.filter(
            content_type=ct, object_id__in=[str(pk) for pk in complaints], action=AuditEntry.Action.UPDATE
    ).exclude(actor_id=salesperson.pk).values_list("object_id", "actor_id", "changes"):
        if actor_id is not None and FACT_FIELDS & set(changes or {}):
            corrected.add(int(object_id))
    mis_order_failed = sorted(set(DispositionLine.objects.filter(
        complaint_id__in=complaints, mis_order=True, incoming_inspection_result=InspectionResult.FAIL
    ).values_list("complaint_id", flat=True)))
    repeat_rows = list(RepeatFlag.objects.filter(complaint_id__in=complaints).values_list(
        "complaint_id", "complaint__responsibility"))
    repeats = sorted(pk for pk, _r in repeat_rows)
    repeats_not_ours = sorted(pk for pk, resp in repeat_rows if resp and resp != Responsibility.OURS)
    costs = CostEntry.objects.filter(company=company, bearer=Bearer.SALESPERSON, salesperson=salesperson,
                                     kind=EntryKind.COST, period__gte=start.replace(day=1), period__lte=end)
    cost_rows = list(costs.order_by("booked_on", "id").values_list("pk", "complaint_id", "amount_base_cents"))
    mis_order_complaints = set(DispositionLine.objects.filter(
        complaint_id__in=[c for _pk, c, _a in cost_rows if c], mis_order=True).values_list("complaint_id", flat=True))
    explanation = sorted({c for _pk, c, _a in cost_rows if c and c not in mis_order_complaints})
    total_cents = sum(a for _pk, _c, a in cost_rows)
    return {
        "complaints": complaints, "late_pass_on": late, "facts_corrected": sorted(corrected),
        "mis_order_failed": mis_order_failed, "repeats": repeats, "repeats_not_ours": repeats_not_ours,
        "explanation_faults": explanation, "costs": [pk for pk, _c, _a in cost_rows],
        "cost_total": str((Decimal(total_cents) / 100).quantize(Decimal("0.01"))),
    }


def models_f(name: str):
    from django.db.models import F

    return F(name)
