"""Automatic early-warning signals from the records (seed 001 投诉迹象监测; issue 22 §3).

Each cause raises one signal, once: its ``cause_key`` is unique per company, so the job can run any number of
times, or in two workers at once (the loser of the insert race raises nothing). Each says why it was raised.

- a customer whose complaints this month (or last month) are above its own norm: the trend alerts' c-chart
  (kesu.reports.services.alerts: count > c̄ + 3·√c̄ over the previous months and at least the minimum count) —
  class B, it may turn into a formal dispute;
- a customer complaint with an overdue deadline (one per deadline) — class C;
- a survey answer graded "fail" or with a zero in a critical item (seed 001 §4.5.1: below 80 or a zero in
  sections I–III), in the last 90 days — class C;
- a late delivery streak: three shipment lines in a row to one customer (by due date, in the last 90 days)
  received (or shipped) after their due date — class C, one per streak.

- a customer-service visit (on site or by phone) marked negative (the customer is dissatisfied), in the last 90
  days — class C, one per visit, unless someone already raised a signal from that visit's finding by hand.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .choices import AutoCause, SignalClass, SignalSource
from .models import WarningSignal

STREAK = 3
LOOKBACK_DAYS = 90


def _raise(company, customer, cause: str, key: str, cls: str, observed: str, why: str, part=None) -> bool:
    from .services import signal_create

    if WarningSignal.objects.filter(company=company, cause_key=key).exists():
        return False
    try:
        with transaction.atomic():
            signal_create(actor=None, company=company, source="monitoring", data={
                "source": SignalSource.MONITORING, "customer": customer, "part": part, "warning_class": cls,
                "observed": observed}, auto={"auto_cause": cause, "cause_key": key, "why": why})
    except IntegrityError:
        return False  # another worker raised it meanwhile
    return True


def _complaint_rate(company, now) -> int:
    from kesu.customers.models import Customer
    from kesu.reports.analyses import add_months, first_of_month
    from kesu.reports.choices import Dimension
    from kesu.reports.selectors import report_settings_for
    from kesu.reports.services.alerts import _candidates

    cfg = report_settings_for(company)
    this_month = first_of_month(timezone.localtime(now, company.tz).date())
    raised = 0
    for month in (add_months(this_month, -1), this_month):
        for dimension, object_id, count, mean, limit in _candidates(company, month, cfg.alert_history_months,
                                                                     cfg.alert_min_count):
            if dimension != Dimension.CUSTOMER:
                continue
            customer = Customer.objects.get(pk=object_id)
            why = _("%(count)s complaints in %(month)s, above the customer's own norm: mean %(mean)s a month over "
                    "the previous %(months)s months, control limit %(limit)s.") % {
                "count": count, "month": f"{month:%Y-%m}", "mean": mean, "months": cfg.alert_history_months,
                "limit": limit}
            raised += _raise(company, customer, AutoCause.COMPLAINT_RATE, f"rate:{object_id}:{month:%Y-%m}",
                             SignalClass.B, _("Complaints of this customer rise above its norm."), why)
    return raised


def _overdue_deadlines(company, now) -> int:
    from kesu.complaints.models import Deadline

    raised = 0
    rows = Deadline.objects.filter(company=company, met_at__isnull=True, cancelled_at__isnull=True, due_at__lt=now,
                                   complaint__closed_at__isnull=True).select_related("complaint__customer",
                                                                                     "complaint__part")
    for deadline in rows.order_by("due_at", "id"):
        complaint = deadline.complaint
        why = _("Complaint %(number)s: “%(deadline)s” was due at %(due)s and is not done.") % {
            "number": complaint.number, "deadline": deadline.get_kind_display(),
            "due": timezone.localtime(deadline.due_at, company.tz).strftime("%Y-%m-%d %H:%M")}
        raised += _raise(company, complaint.customer, AutoCause.OVERDUE_DEADLINE, f"overdue:{deadline.pk}",
                         SignalClass.C, _("A complaint deadline of this customer is overdue."), why,
                         part=complaint.part)
    return raised


def _low_surveys(company, now) -> int:
    from django.db.models import Q

    from kesu.surveys.choices import Grade
    from kesu.surveys.models import Answer

    raised = 0
    rows = Answer.objects.filter(company=company, answered_at__gte=now - datetime.timedelta(days=LOOKBACK_DAYS)).filter(
        Q(grade=Grade.FAIL) | Q(critical_zero=True)).select_related("recipient__customer")
    for answer in rows.order_by("answered_at", "id"):
        why = _("Survey answer of %(day)s scored %(score)s (%(grade)s)%(zero)s.") % {
            "day": timezone.localtime(answer.answered_at, company.tz).strftime("%Y-%m-%d"), "score": answer.score,
            "grade": answer.get_grade_display(),
            "zero": _(", a critical item scored zero") if answer.critical_zero else ""}
        raised += _raise(company, answer.recipient.customer, AutoCause.LOW_SURVEY, f"survey:{answer.pk}",
                         SignalClass.C, _("A satisfaction survey answer is below the threshold."), why)
    return raised


def _late_streaks(company, now) -> int:
    from kesu.customers.models import Customer, Shipment

    today = timezone.localtime(now, company.tz).date()
    rows = (Shipment.objects.filter(company=company, due_date__isnull=False,
                                    due_date__gte=today - datetime.timedelta(days=LOOKBACK_DAYS))
            .order_by("customer_id", "due_date", "id").values_list("pk", "customer_id", "due_date", "ship_date",
                                                                    "receipt_date", "delivery_no"))
    raised = 0
    streaks: dict[int, list] = {}
    reported: set[tuple[int, int]] = set()
    for pk, customer_id, due, shipped, received, delivery_no in rows:
        done = received or shipped
        if done is None or done > today:
            continue
        streak = streaks.setdefault(customer_id, [])
        if done > due:
            streak.append((pk, delivery_no, due, done))
        else:
            streak.clear()
        if len(streak) >= STREAK and (customer_id, streak[0][0]) not in reported:
            reported.add((customer_id, streak[0][0]))
            lines = "、".join(f"{n} ({d:%m-%d}→{x:%m-%d})" for _pk, n, d, x in streak[:STREAK])
            why = _("%(count)s deliveries in a row were late: %(lines)s.") % {"count": STREAK, "lines": lines}
            raised += _raise(company, Customer.objects.get(pk=customer_id), AutoCause.LATE_DELIVERIES,
                             f"late:{customer_id}:{streak[0][0]}", SignalClass.C,
                             _("Deliveries to this customer are late again and again."), why)
    return raised


def _negative_visits(company, now) -> int:
    from kesu.service.models import Visit

    today = timezone.localtime(now, company.tz).date()
    rows = (Visit.objects.filter(company=company, negative=True, finding_signal__isnull=True,
                                 visited_on__gte=today - datetime.timedelta(days=LOOKBACK_DAYS), visited_on__lte=today)
            .select_related("customer", "visited_by").order_by("visited_on", "id"))
    raised = 0
    for visit in rows:
        said = (visit.findings or visit.view_quality or visit.view_delivery or visit.view_service
                or visit.view_price or "").strip()
        if len(said) > 300:
            said = said[:299] + "…"
        why = _("Visit of %(day)s (%(kind)s, by %(who)s) was marked negative: %(said)s") % {
            "day": f"{visit.visited_on:%Y-%m-%d}", "kind": visit.get_kind_display(), "who": visit.visited_by,
            "said": said or _("no finding written")}
        raised += _raise(company, visit.customer, AutoCause.NEGATIVE_VISIT, f"visit:{visit.pk}", SignalClass.C,
                         _("A customer visit found the customer dissatisfied."), why)
    return raised


def signals_raise(now: datetime.datetime | None = None) -> int:
    """Raise every automatic signal not raised before, in every active company; returns how many were raised.
    The texts are written in the company's language (zh-Hans by default)."""
    from kesu.accounts.models import Company

    now = now or timezone.now()
    total = 0
    for company in Company.objects.filter(is_active=True):
        with override(getattr(company, "language", None) or "zh-hans"):
            for check in (_complaint_rate, _overdue_deadlines, _low_surveys, _late_streaks, _negative_visits):
                total += check(company, now)
    return total
