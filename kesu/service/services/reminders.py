"""SERVICE_DUE reminders (issue 21): a planned visit ★ of this month without a visit yet is announced to its
salesperson once per planned visit and month, by the worker's job."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..choices import MarkKind, PlanStatus
from ..models import PlanMark, Visit


def due_visit_marks(today: datetime.date):
    """Planned visits of approved plans whose month holds ``today``, not visited yet and not reminded yet."""
    visited = Visit.objects.filter(company_id=OuterRef("company_id"), customer_id=OuterRef("customer_id"),
                                   visited_on__gte=OuterRef("starts_on"), visited_on__lte=OuterRef("due_on"))
    return PlanMark.objects.filter(
        kind=MarkKind.VISIT, plan__status=PlanStatus.APPROVED, starts_on__lte=today, due_on__gte=today,
        reminded_at__isnull=True, salesperson__isnull=False).exclude(Exists(visited)).select_related(
        "customer", "salesperson", "plan", "company")


def visit_reminders_send(today: datetime.date | None = None) -> int:
    """Remind each salesperson of the month's planned visits still to make (each mark once)."""
    from .. import signals

    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    for mark in due_visit_marks(today):
        with transaction.atomic():
            if not PlanMark.objects.filter(pk=mark.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            transaction.on_commit(lambda mark=mark: signals.service_due.send(PlanMark, mark=mark))
        sent += 1
    return sent
