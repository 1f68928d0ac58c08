"""Trend alerts (issue 7 §3; seed 000 §4.1.8: an abnormal trend raises a request for a rectification plan).

The rule is a c-chart on monthly complaint counts, per customer, per part and per complaint category, each
against its own history:

- ``c̄`` = the mean number of complaints per month over the ``alert_history_months`` months before the month
  (12 by default; months without complaints count as 0);
- the upper control limit is ``UCL = c̄ + 3·√c̄`` (a Poisson count's three-sigma limit);
- the month is abnormal when its count is above the UCL and at least ``alert_min_count`` (3 by default), so
  a first single complaint about a new part (c̄ = 0) raises nothing.

The month being evaluated is the running month (counted so far) and the month before it, so a rise that
shows only once the month is complete is still caught. Each (company, month, dimension, record) raises at
most once: the :class:`~kesu.reports.models.TrendAlert` row is unique, and the worker that loses a race to
insert it raises nothing.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kesu.accounts.models import Company, Department, DepartmentKind, User
from kesu.core.context import acting_as

from ..analyses import Scope, add_months, complaints_in, first_of_month, month_counts, month_end
from ..choices import Dimension
from ..models import TrendAlert
from ..selectors import report_settings_for

COLUMNS = {Dimension.CUSTOMER: "customer_id", Dimension.PART: "part_id", Dimension.CATEGORY: "category_id"}
SIGMAS = 3


def upper_limit(mean: Decimal) -> Decimal:
    """The c-chart's upper control limit ``c̄ + 3·√c̄``, to three decimals."""
    return (mean + SIGMAS * Decimal(math.sqrt(mean))).quantize(Decimal("0.001"))


def abnormal(history: list[int], count: int, min_count: int) -> tuple[bool, Decimal, Decimal]:
    """(abnormal?, mean, upper limit) of ``count`` against the monthly counts ``history``."""
    mean = (Decimal(sum(history)) / len(history)).quantize(Decimal("0.001")) if history else Decimal(0)
    limit = upper_limit(mean)
    return count >= min_count and count > limit, mean, limit


def _candidates(company: Company, month: datetime.date, history_months: int, min_count: int):
    """(dimension, record id, count, mean, limit) of every abnormal record of the month (one query each)."""
    first = add_months(month, -history_months)
    history_months_list = [add_months(first, i) for i in range(history_months)]
    scope = Scope(company_ids=(company.pk,), date_from=first, date_to=month_end(month))
    zones = {company.time_zone: [company.pk]}
    base = complaints_in(scope, zones=zones)
    for dimension, column in COLUMNS.items():
        per_record: dict[int, dict[datetime.date, int]] = defaultdict(dict)
        for (object_id, counted_month), n in month_counts(base.filter(**{f"{column}__isnull": False}), zones,
                                                          (column,)).items():
            per_record[object_id][counted_month] = n
        for object_id, months in sorted(per_record.items()):
            count = months.get(month, 0)
            if count < min_count:
                continue
            history = [months.get(m, 0) for m in history_months_list]
            is_abnormal, mean, limit = abnormal(history, count, min_count)
            if is_abnormal:
                yield dimension, object_id, count, mean, limit


def _label(dimension: str, object_id: int) -> tuple[str, dict]:
    """The record's name and the action fields it fills in."""
    from kesu.complaints.models import ComplaintCategory
    from kesu.customers.models import Customer, Part

    if dimension == Dimension.CUSTOMER:
        customer = Customer.objects.get(pk=object_id)
        return f"{customer.code} {customer.name}", {"customer": customer}
    if dimension == Dimension.PART:
        part = Part.objects.get(pk=object_id)
        return f"{part.part_no} {part.name}", {"part": part}
    category = ComplaintCategory.objects.get(pk=object_id)
    return category.name, {"category": category}


def _responsible(company: Company, dimension: str, object_id: int, month: datetime.date):
    """(department, owner): the department most often responsible for the month's complaints of the record,
    else the quality department; its head, else the first QA engineer."""
    scope = Scope(company_ids=(company.pk,), date_from=month, date_to=month_end(month))
    counts = Counter(dict(
        complaints_in(scope).filter(**{COLUMNS[dimension]: object_id}, responsible_department__isnull=False)
        .values_list("responsible_department_id").annotate(n=Count("*")).values_list(
            "responsible_department_id", "n")))
    department = None
    if counts:
        department = Department.objects.filter(pk=counts.most_common(1)[0][0]).select_related("head").first()
    if department is None:
        department = Department.objects.filter(company=company, kind=DepartmentKind.QA).select_related(
            "head").order_by("id").first()
    owner = department.head if department is not None and department.head_id else None
    if owner is None or not owner.is_active:
        owner = User.objects.filter(company=company, is_active=True, position__role="qa").order_by("id").first()
    return department, owner


def _raise(company: Company, month: datetime.date, dimension: str, object_id: int, count: int, mean: Decimal,
           limit: Decimal, history_months: int) -> TrendAlert | None:
    from kesu.capa.choices import SourceKind
    from kesu.capa.services import action_raise

    label, fields = _label(dimension, object_id)
    department, owner = _responsible(company, dimension, object_id, month)
    try:
        with acting_as(None, "worker"), transaction.atomic():
            alert = TrendAlert.objects.create(
                company=company, month=month, dimension=dimension, object_id=object_id, label=label[:300],
                count=count, mean=mean, upper_limit=limit, history_months=history_months,
                department=department, raised_at=timezone.now())
            if owner is not None and department is not None:
                # Stored text, so in the owner's language, else the site's (zh-Hans): ``override(None)`` would
                # turn translation off and leave English in Chinese inboxes and review packs (issue 17 §4).
                with override(owner.language or django_settings.LANGUAGE_CODE):
                    title = _("Trend alert %(month)s: %(name)s") % {"month": f"{month:%Y-%m}", "name": label}
                    problem = _(
                        "%(count)s complaints in %(month)s about %(what)s “%(name)s”, above the upper control "
                        "limit of %(limit)s (c-chart: mean %(mean)s per month over the %(n)s months before, "
                        "plus three times its square root). Please submit a rectification plan."
                    ) % {"count": count, "month": f"{month:%Y-%m}", "what": Dimension(dimension).label,
                         "name": label, "limit": limit, "mean": mean, "n": history_months}
                data = {"title": title[:200], "problem": problem, "responsible_department": department,
                        "owner": owner}
                part = fields.pop("part", None)
                data.update(fields)
                alert.action = action_raise(actor=None, company=company, data=data, parts=[part] if part else [],
                                            sources=[(SourceKind.TREND, alert)], source="worker")
                alert.save(update_fields=["action"])
    except IntegrityError:  # another worker raised it meanwhile
        return None
    return alert


def trend_alerts_raise(now: datetime.datetime | None = None) -> list[TrendAlert]:
    """Evaluate every company's running and previous month and raise what is abnormal and not yet raised."""
    now = now or timezone.now()
    raised = []
    for company in Company.objects.all():
        settings = report_settings_for(company)
        this_month = first_of_month(timezone.localtime(now, company.tz).date())
        for month in (add_months(this_month, -1), this_month):
            done = defaultdict(set)
            for dimension, object_id in TrendAlert.objects.filter(company=company, month=month).values_list(
                    "dimension", "object_id"):
                done[dimension].add(object_id)
            for dimension, object_id, count, mean, limit in _candidates(
                    company, month, settings.alert_history_months, settings.alert_min_count):
                if object_id in done[dimension]:
                    continue
                alert = _raise(company, month, dimension, object_id, count, mean, limit,
                               settings.alert_history_months)
                if alert is not None:
                    raised.append(alert)
    return raised


__all__ = ["abnormal", "trend_alerts_raise", "upper_limit"]
