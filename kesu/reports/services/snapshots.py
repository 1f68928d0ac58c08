"""The monthly snapshot (issue 7 §7): a closed month's indicators kept once, by the worker."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from kesu.accounts.models import Company
from kesu.core.context import acting_as

from ..analyses import Scope, add_months, first_of_month, month_end, reopenings
from ..choices import Kpi
from ..kpis import kpi_values
from ..models import MonthlySnapshot

SNAPSHOT_MONTHS_BACK = 24  # a new install gets this year and last filled in on the first run (the dashboard's trend)


def _plain(value) -> str | None:
    return None if value is None else str(value)


def snapshot_take(company: Company, month: datetime.date) -> MonthlySnapshot:
    """Take (or return the already taken) snapshot of ``company`` for the month starting ``month``.

    Idempotent: the (company, month) row is unique, so two workers racing both end with the same row.
    """
    month = first_of_month(month)
    found = MonthlySnapshot.objects.filter(company=company, month=month).first()
    if found is not None:
        return found
    values = kpi_values(company, month, month_end(month))
    reopened = reopenings(Scope(company_ids=(company.pk,), date_from=month, date_to=month_end(month)))
    counts = {"complaints": int(values[Kpi.COMPLAINTS] or 0), "closed": reopened.closed,
              "reopened": reopened.reopened}
    try:
        with acting_as(None, "worker"), transaction.atomic():
            return MonthlySnapshot.objects.create(
                company=company, month=month, values={k: _plain(v) for k, v in values.items()}, counts=counts,
                taken_at=timezone.now())
    except IntegrityError:  # another worker took it meanwhile
        return MonthlySnapshot.objects.get(company=company, month=month)


def snapshots_take_due(today: datetime.date | None = None) -> int:
    """Snapshots of every company for each closed month of the last year still missing one; returns how
    many were taken. Safe to run any number of times."""
    taken = 0
    for company in Company.objects.all():
        local_today = today or timezone.localtime(timezone.now(), company.tz).date()
        this_month = first_of_month(local_today)
        wanted = [add_months(this_month, -i) for i in range(1, SNAPSHOT_MONTHS_BACK + 1)]
        have = set(MonthlySnapshot.objects.filter(company=company, month__in=wanted).values_list("month", flat=True))
        for month in sorted(set(wanted) - have):
            snapshot_take(company, month)
            taken += 1
    return taken
