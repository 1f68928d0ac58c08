"""Keeping the complaint rollup (issue 24 §5): rebuild a company's month, the months changed since the last run,
or all of them.

A month is rebuilt by counting it live (:func:`kesu.reports.rollups.tally` under ``live_only``, the very
computation the pages fall back to) and replacing its rows in one transaction, so rebuilding twice, or in two
workers at once, leaves the same rows. The changes it consumed are read before the count and deleted by id
afterwards: a change committed while the month was being counted keeps its row, and the month is rebuilt again
on the next run (and read live until then).
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from kesu.accounts.models import Company
from kesu.complaints.models import Complaint

from ..models import (
    ClosureRollup,
    ComplaintRollup,
    DefectRollup,
    ResponseRollup,
    RollupChange,
    RollupMonth,
    ShipmentRollup,
)
from ..rollups import (
    DIMENSIONS,
    MEASURES,
    ROLLUP_DIMENSIONS,
    _first,
    _next_month,
    closure_pairs,
    coarse_levels,
    live_only,
    response_hours,
    shipment_groups,
    tally,
)

logger = logging.getLogger("kesu.reports.rollups")
STORED = tuple(m for m in MEASURES if m != "defective")  # "ours" is a filter on the responsibility column


def rollup_month_rebuild(company_id: int, month: datetime.date, *, consumed: list[int] = ()) -> int:
    """Replace the complaint and shipment rollup rows of ``company_id``'s ``month`` with a fresh count; delete the
    ``consumed`` changes in the same transaction. Returns the number of rows written."""
    from ..analyses import Scope

    month = _first(month)
    last = _next_month(month) - datetime.timedelta(1)
    scope = Scope(company_ids=(company_id,), date_from=month, date_to=last)
    with live_only():
        groups = tally(scope, ROLLUP_DIMENSIONS, STORED)
        defects = tally(scope, ("defect", "responsibility"), STORED)
        pairs = closure_pairs(scope)
        hours = response_hours(scope)
        shipped = shipment_groups([company_id], month, last)
    rows = [ComplaintRollup(company_id=company_id, month=month,
                            **{f"{DIMENSIONS[name]}": value for name, value in zip(ROLLUP_DIMENSIONS, key, strict=True)},
                            **values)
            for key, values in groups.items()]
    written = {
        ComplaintRollup: rows,
        **{model: _summed(model, dimension, company_id, month, groups) for dimension, model in coarse_levels()
           if dimension in ROLLUP_DIMENSIONS},
        DefectRollup: [DefectRollup(company_id=company_id, month=month, defect_nature=defect,
                                    responsibility=responsibility, **values)
                       for (defect, responsibility), values in defects.items()],
        ClosureRollup: [ClosureRollup(company_id=company_id, month=month, received_day=received, closed_day=closed,
                                      complaints=n) for (_company, received, closed), n in pairs.items()],
        ResponseRollup: [ResponseRollup(company_id=company_id, month=month, hours=h, complaints=n)
                         for h, n in hours.items()],
        ShipmentRollup: [ShipmentRollup(company_id=company_id, month=month, customer_id=customer, currency=currency,
                                        **values) for (customer, currency), values in shipped.items()],
    }
    with transaction.atomic():
        for model, made in written.items():
            model.objects.filter(company_id=company_id, month=month).delete()
            model.objects.bulk_create(made, batch_size=2000)
        updated = RollupMonth.objects.filter(company_id=company_id, month=month).update(
            built_at=timezone.now(), rows=len(rows))
        if not updated:
            try:
                with transaction.atomic():
                    RollupMonth.objects.create(company_id=company_id, month=month, built_at=timezone.now(),
                                               rows=len(rows))
            except IntegrityError:  # another worker built it meanwhile; ours is as fresh
                pass
        if consumed:
            RollupChange.objects.filter(pk__in=list(consumed)).delete()
    return len(rows)


def _summed(model, dimension: str, company_id: int, month: datetime.date, groups: dict[tuple, dict[str, int]]
            ) -> list:
    """``model``'s rows of the month: the fine ``groups`` summed per ``dimension`` and responsibility."""
    keep = (ROLLUP_DIMENSIONS.index(dimension), ROLLUP_DIMENSIONS.index("responsibility"))
    summed: dict[tuple, dict[str, int]] = {}
    for key, values in groups.items():
        total = summed.setdefault(tuple(key[i] for i in keep), dict.fromkeys(STORED, 0))
        for name in STORED:
            total[name] += values[name]
    return [model(company_id=company_id, month=month, **{DIMENSIONS[dimension]: value}, responsibility=responsibility,
                  **values) for (value, responsibility), values in summed.items()]


def rollups_refresh(today: datetime.date | None = None) -> int:
    """Rebuild every company's month with a change waiting, and this and last month where never built (the
    worker's job, every minute). Returns the number of months rebuilt."""
    pending: dict[tuple[int, datetime.date], list[int]] = {}
    for pk, company_id, month in RollupChange.objects.order_by("id").values_list("id", "company_id", "month"):
        pending.setdefault((company_id, month), []).append(pk)
    companies = list(Company.objects.all())
    wanted = set()
    for company in companies:
        local_today = today or timezone.localtime(timezone.now(), company.tz).date()
        this_month = _first(local_today)
        wanted |= {(company.pk, this_month), (company.pk, _first(this_month - datetime.timedelta(1)))}
    built = set(RollupMonth.objects.filter(company_id__in=[c.pk for c in companies])
                .values_list("company_id", "month"))
    known = {c.pk for c in companies}
    months = sorted(set(pending) | (wanted - built))
    for company_id, month in months:
        if company_id not in known:  # a company deleted since: nothing to count
            RollupChange.objects.filter(pk__in=pending.get((company_id, month), [])).delete()
            continue
        rollup_month_rebuild(company_id, month, consumed=pending.get((company_id, month), []))
    return len(months)


def rollups_rebuild_all(company_ids: list[int] | None = None, today: datetime.date | None = None) -> int:
    """Rebuild every month from each company's first complaint or shipment line to this month (the
    ``rebuild_rollups`` command, after an import, a time zone change or an upgrade). Returns the number of months
    rebuilt."""
    from kesu.customers.models import Shipment

    companies = Company.objects.all() if company_ids is None else Company.objects.filter(pk__in=company_ids)
    done = 0
    for company in companies:
        first = Complaint.objects.filter(company=company).aggregate(first=Min("received_at"))["first"]
        dates = Shipment.objects.filter(company=company).aggregate(shipped=Min("ship_date"), due=Min("due_date"))
        local_today = today or timezone.localtime(timezone.now(), company.tz).date()
        starts = [d for d in (dates["shipped"], dates["due"]) if d is not None]
        if first is not None:
            starts.append(timezone.localtime(first, company.tz).date())
        month = _first(min(starts)) if starts else _first(local_today)
        pending = list(RollupChange.objects.filter(company_id=company.pk).values_list("id", flat=True))
        while month <= local_today:
            rollup_month_rebuild(company.pk, month)
            month = _next_month(month)
            done += 1
        # Changes seen before the whole rebuild began are in it.
        RollupChange.objects.filter(pk__in=pending).delete()
        logger.info("rollup of %s rebuilt", company)
    return done


# -- marking changes (called by .receivers in the writer's transaction) -----------------------------------------

_TIME_ZONES: dict[int, str] = {}


def _time_zone(company_id: int) -> str:
    zone = _TIME_ZONES.get(company_id)
    if zone is None:
        zone = _TIME_ZONES[company_id] = Company.objects.filter(pk=company_id).values_list(
            "time_zone", flat=True).first() or "UTC"
    return zone


def forget_time_zone(company_id: int) -> None:
    _TIME_ZONES.pop(company_id, None)


def rollup_changed(company_id: int, *received: datetime.datetime | None) -> None:
    """Note that counted figures of ``company_id``'s complaints received at ``received`` (one instant, or the
    old and the new one) changed: one insert per month, no lock."""
    import zoneinfo

    if not company_id:
        return
    tz = zoneinfo.ZoneInfo(_time_zone(company_id))
    rollup_months_changed(company_id, *(at.astimezone(tz).date() for at in received if at is not None))


def rollup_months_changed(company_id: int, *days: datetime.date | None) -> None:
    """Note that figures of ``company_id``'s months holding ``days`` changed (a shipment's ship and due dates, old
    and new): one insert per month, no lock."""
    months = {_first(day) for day in days if day is not None}
    if company_id and months:
        RollupChange.objects.bulk_create([RollupChange(company_id=company_id, month=m) for m in sorted(months)])
