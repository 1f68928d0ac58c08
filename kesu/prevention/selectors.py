"""Reads of the prevention module: who sees what (conventions habit 7, one place for pages and API)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import OPEN_STATUSES, SignalClass
from .models import Assessment, WarningSignal

ASSESSMENT_OVERSEERS = frozenset({"sales_director", "regional_manager", "gm", "vice_gm"})


def signals_for(user) -> QuerySet[WarningSignal]:
    return WarningSignal.objects.visible_to(user).select_related("customer", "part", "owner", "decider",
                                                                 "reported_by", "complaint")


def signal_get_for_user(user, pk: int) -> WarningSignal:
    return get_object_or_404(signals_for(user), pk=pk)


def assessments_for(user) -> QuerySet[Assessment]:
    """Seed 004 §6: a salesperson sees their own assessments only; the sales managers and the GM see all."""
    qs = Assessment.objects.visible_to(user).select_related("salesperson", "confirmed_by")
    if user.is_superuser or getattr(user, "role", None) in ASSESSMENT_OVERSEERS:
        return qs
    return qs.filter(salesperson_id=user.pk)


def assessment_get_for_user(user, pk: int) -> Assessment:
    return get_object_or_404(assessments_for(user), pk=pk)


AGE_BUCKETS = ((0, 2), (3, 7), (8, 30), (31, None))


def board(user, now: datetime.datetime | None = None) -> dict:
    """The open signals by class (rows) and age in days (columns): the monitoring board (issue 22 §3)."""
    now = now or timezone.now()
    cells: dict[tuple[str, int], list[WarningSignal]] = {}
    for signal in signals_for(user).filter(status__in=OPEN_STATUSES).order_by("raised_at"):
        age = (now - signal.raised_at).days
        index = next(i for i, (low, high) in enumerate(AGE_BUCKETS) if age >= low and (high is None or age <= high))
        cells.setdefault((signal.warning_class, index), []).append(signal)
    rows = [(cls, [cells.get((cls.value, i), []) for i in range(len(AGE_BUCKETS))]) for cls in SignalClass]
    return {"rows": rows, "buckets": AGE_BUCKETS}
