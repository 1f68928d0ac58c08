"""Complaint figures added up from the monthly rollup where it is built, live elsewhere (issue 24 §5).

Every analysis and KPI that adds up complaints (counts, our defective quantity, repeats, closures, reopenings,
returned quantity) asks :func:`tally` for its groups. ``tally`` splits the period per company:

- each whole calendar month of the period whose rollup is built and has no change waiting
  (:class:`~kesu.reports.models.RollupMonth` without a :class:`~kesu.reports.models.RollupChange`) is read from
  the rollup — one GROUP BY over a few rows per month: the coarse rollup by category, defect, customer or part
  (:func:`coarse_levels`) when the question groups by and is narrowed to no other dimension (a trend, a KPI, a
  breakdown), else :class:`~kesu.reports.models.ComplaintRollup`, which keeps customer, part and category (the
  recurring problems); a question no rollup keeps (one customer's defects) is counted live;
- the rest (a month cut by the period, the running month, a month changed since the worker's last run, a month
  never built) is counted from the complaints, as before.

The two parts are added together, so the answer is the same whichever way a month is read; with
:func:`live_only` everything is counted from the complaints (the reference the tests compare with, and what the
worker writes into the rollup). A fixed number of queries whatever the history: the time zones, the built
months, the rollup, the live part (one per time zone when grouped by month) and, for returns, one more.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from kesu.complaints.choices import DispositionKind, Responsibility, Status
from kesu.complaints.models import Complaint, DispositionLine
from kesu.surveys.indicators import NOT_COUNTED_STATUSES, company_time_zones

DAY = datetime.timedelta(days=1)
CENT = Decimal("0.01")

# What a group may be keyed by: name → the complaint's column (the rollup has the same columns, except that a
# category's code is read through the category).
DIMENSIONS = {"company": "company_id", "customer": "customer_id", "part": "part_id", "category": "category_id",
              "category_code": "category__code", "responsibility": "responsibility", "defect": "defect_nature"}
MEASURES = ("complaints", "quantity_defective", "defective", "repeats", "closed", "reopened", "reopenings",
            "returned")
# The dimensions a rollup row is keyed by (with company and month).
ROLLUP_DIMENSIONS = ("customer", "part", "category", "responsibility")

_OURS = Q(responsibility=Responsibility.OURS)
_CLOSED = Q(status=Status.CLOSED)

_live_only: ContextVar[bool] = ContextVar("kesu_rollup_live_only", default=False)


@contextmanager
def live_only() -> Iterator[None]:
    """Count everything inside from the complaints, ignoring the rollup (the reference computation)."""
    token = _live_only.set(True)
    try:
        yield
    finally:
        _live_only.reset(token)


def _first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _months(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    months, month = [], _first(date_from)
    while month <= date_to:
        months.append(month)
        month = _next_month(month)
    return months


def whole_months(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The calendar months lying wholly inside ``date_from … date_to``."""
    return [m for m in _months(date_from, date_to) if m >= date_from and _next_month(m) - DAY <= date_to]


def built_months(company_ids: list[int], months: list[datetime.date]) -> dict[int, set[datetime.date]]:
    """Per company, those of ``months`` whose rollup may be read: built and no change waiting (one query)."""
    from .models import RollupChange, RollupMonth

    if not company_ids or not months:
        return {}
    waiting = RollupChange.objects.filter(company_id=OuterRef("company_id"), month=OuterRef("month"))
    found: dict[int, set[datetime.date]] = defaultdict(set)
    for company_id, month in (RollupMonth.objects.filter(company_id__in=company_ids, month__in=months)
                              .filter(~Exists(waiting)).values_list("company_id", "month")):
        found[company_id].add(month)
    return dict(found)


def _live_intervals(date_from: datetime.date, date_to: datetime.date, covered: set[datetime.date]
                    ) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """The inclusive day ranges of the period outside the ``covered`` months, adjacent ones joined."""
    intervals: list[list[datetime.date]] = []
    for month in _months(date_from, date_to):
        if month in covered:
            continue
        start, end = max(month, date_from), min(_next_month(month) - DAY, date_to)
        if intervals and intervals[-1][1] + DAY == start:
            intervals[-1][1] = end
        else:
            intervals.append([start, end])
    return tuple((a, b) for a, b in intervals)


def _received(groups: dict[tuple, list[int]], prefix: str = "") -> Q | None:
    """Complaints received in each group's day ranges, the days in the group's time zone: ``groups`` maps
    (time zone, ranges) to company ids. A range on the stored instant, so ``(company, received_at)`` serves it."""
    condition = None
    for (time_zone, intervals), ids in sorted(groups.items()):
        tz = zoneinfo.ZoneInfo(time_zone)
        ranges = None
        for start, end in intervals:
            part = Q(**{f"{prefix}received_at__gte": datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
                        f"{prefix}received_at__lt": datetime.datetime.combine(end + DAY, datetime.time.min,
                                                                              tzinfo=tz)})
            ranges = part if ranges is None else ranges | part
        if ranges is None:
            continue
        part = Q(**{f"{prefix}company_id__in": sorted(ids)}) & ranges
        condition = part if condition is None else condition | part
    return condition


def _narrow(qs: QuerySet, scope: Any, prefix: str = "") -> QuerySet:
    for name in ("customer_id", "part_id", "category_id"):
        value = getattr(scope, name)
        if value is not None:
            qs = qs.filter(**{f"{prefix}{name}": value})
    if scope.responsibility:
        qs = qs.filter(**{f"{prefix}responsibility": scope.responsibility})
    return qs


def _live_measure(name: str):
    return {
        "complaints": Count("*"),
        "quantity_defective": Sum("quantity_defective"),
        "defective": Sum("quantity_defective", filter=_OURS),
        # Counted over a column of the (company, received_at) index, as COUNT(*) cannot take a filter on SQLite.
        "repeats": Count("received_at", filter=Q(repeat_flag__isnull=False)),
        "closed": Count("received_at", filter=_CLOSED),
        "reopened": Count("received_at", filter=_CLOSED & Q(reopen_count__gt=0)),
        "reopenings": Sum("reopen_count", filter=_CLOSED),
    }[name]


def _rollup_measure(name: str):
    if name == "defective":
        return Sum("quantity_defective", filter=_OURS)
    return Sum(name)


def _grouped(qs: QuerySet, keys: list[str], measures: dict[str, Any], monthly: bool) -> list[tuple]:
    """The groups of ``qs`` by ``keys`` (and its ``month`` annotation, last) as tuples ``(*key, *measures)``.
    Without months the rows are read as the database gives them: where a GROUP BY returns a hundred thousand
    groups of plain numbers (the recurring problems of a year), Django's conversion of each row cost as much as
    the query."""
    if not keys and not monthly:  # one total (values() without fields would group by every column)
        total = qs.aggregate(**measures)
        return [tuple(total[m] for m in measures)]
    grouped = qs.values(*keys, *(["month"] if monthly else [])).annotate(**measures)
    if monthly:
        return [(*(row[k] for k in keys), *_month_key(row, True), *(row[m] for m in measures)) for row in grouped]
    sql, params = grouped.values_list(*keys, *measures).query.sql_with_params()
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _add(into: dict[tuple, list[int]], rows: list[tuple], width: int, names: list[str],
         measures: tuple[str, ...]) -> None:
    """Add ``rows`` (``width`` key columns, then the ``names`` measures) into ``into`` (key → a list in the
    order of ``measures``)."""
    positions = [measures.index(name) for name in names]
    size = len(measures)
    for row in rows:
        key = tuple(row[:width])
        found = into.get(key)
        if found is None:
            found = into[key] = [0] * size
        for position, value in zip(positions, row[width:], strict=True):
            if value:
                found[position] += int(value)


def tally(scope: Any, by: tuple[str, ...] = (), measures: tuple[str, ...] = ("complaints",), *,
          monthly: bool = False) -> dict[tuple, dict[str, int]]:
    """The counted complaints of ``scope`` (an :class:`~kesu.reports.analyses.Scope`) grouped by ``by`` (names
    of :data:`DIMENSIONS`) and, when ``monthly``, by the month of receipt in the company's time zone (last in
    the key): ``{(*values[, month]): {measure: number}}``. See the module docstring for where each month is
    read from; every measure is an integer, 0 when nothing is there."""
    for name in (*by, *measures):
        if name not in DIMENSIONS and name not in MEASURES:
            raise ValueError(name)
    if not scope.company_ids:
        return {}
    result: dict[tuple, list[int]] = {}
    covered, live = _split(scope, rollup=_complaint_level(scope, by) is not None)
    if covered:
        _from_rollup(result, scope, covered, by, measures, monthly)
    if _received(live) is not None:
        _from_complaints(result, scope, live, by, measures, monthly)
    return {key: dict(zip(measures, values, strict=True)) for key, values in result.items()}


def _split(scope: Any, *, rollup: bool = True) -> tuple[dict[int, set[datetime.date]], dict[tuple, list[int]]]:
    """Where each company's part of the period is read from: its months in the rollup (company → months) and the
    rest counted live ((time zone, day ranges) → companies). Without ``rollup`` everything is live."""
    company_ids = list(scope.company_ids)
    zones = company_time_zones(company_ids)
    zone_of = {pk: zone for zone, ids in zones.items() for pk in ids}
    covered: dict[int, set[datetime.date]] = {}
    if rollup and not _live_only.get():
        covered = built_months(company_ids, whole_months(scope.date_from, scope.date_to))
    live: dict[tuple, list[int]] = defaultdict(list)
    for pk in company_ids:
        if pk in zone_of:
            live[(zone_of[pk], _live_intervals(scope.date_from, scope.date_to, covered.get(pk, set())))].append(pk)
    return covered, live


def coarse_levels() -> tuple[tuple[str, type], ...]:
    """The coarse complaint rollups, each with the one dimension it keeps (besides the responsibility), smallest
    first: those of :data:`ROLLUP_DIMENSIONS` are sums of the fine rollup's groups, the defect is not in it."""
    from .models import CategoryRollup, CustomerRollup, DefectRollup, PartRollup

    return (("category", CategoryRollup), ("defect", DefectRollup), ("customer", CustomerRollup),
            ("part", PartRollup))


def _complaint_level(scope: Any, by: tuple[str, ...]) -> type | None:
    """The smallest complaint rollup keyed by every dimension that ``by`` groups by and ``scope`` is narrowed to
    (a trend or a KPI: the rollup by category, a few rows a month; the recurring problems: the fine one); None
    when none is (the defects of one customer: counted from the complaints)."""
    from .models import ComplaintRollup

    wanted = {name.removesuffix("_code") for name in by} - {"company", "responsibility"}
    wanted |= {name.removesuffix("_id") for name in ("customer_id", "part_id", "category_id")
               if getattr(scope, name) is not None}
    levels = (*((model, {dimension}) for dimension, model in coarse_levels()),
              (ComplaintRollup, set(ROLLUP_DIMENSIONS) - {"responsibility"}))
    return next((model for model, kept in levels if wanted <= kept), None)


def _rollup_rows(scope: Any, covered: dict[int, set[datetime.date]], model=None, by: tuple[str, ...] = ()
                 ) -> QuerySet:
    """The rows of ``model`` in the ``covered`` months of each company; without one, of the smallest complaint
    rollup that holds the dimensions ``by`` groups by, narrowed to the scope."""
    by_months: dict[tuple, list[int]] = defaultdict(list)
    for pk, months in covered.items():
        by_months[tuple(sorted(months))].append(pk)
    condition = Q()
    for months, ids in by_months.items():
        condition |= Q(company_id__in=sorted(ids), month__in=months)
    if model is not None:
        return model.objects.filter(condition).order_by()
    return _narrow(_complaint_level(scope, by).objects.filter(condition), scope).order_by()


def _narrowed(scope: Any) -> bool:
    """Whether the scope is narrowed to a customer, part, category or responsibility (which the closure and
    first-response rollups are not keyed by: such a scope is counted live)."""
    return any(getattr(scope, name) is not None for name in ("customer_id", "part_id", "category_id")) or bool(
        scope.responsibility)


def _counted_live(scope: Any, groups: dict[tuple, list[int]]) -> QuerySet:
    return _narrow(Complaint.objects.filter(_received(groups)).exclude(status__in=NOT_COUNTED_STATUSES),
                   scope).order_by()


def closure_pairs(scope: Any) -> dict[tuple[int, datetime.date, datetime.date | None], int]:
    """The counted complaints of ``scope`` per (company, day received, day finally closed or None), the days in
    the company's time zone: the rolled-up months from :class:`~kesu.reports.models.ClosureRollup`, the rest from
    the complaints (one GROUP BY per time zone)."""
    from django.db.models import Case, DateField, When

    from .analyses import LocalDate
    from .models import ClosureRollup

    result: dict[tuple, int] = defaultdict(int)
    if not scope.company_ids:
        return {}
    covered, live = _split(scope, rollup=not _narrowed(scope))
    if covered:
        for company_id, received, closed, n in (
                _rollup_rows(scope, covered, ClosureRollup).values("company_id", "received_day", "closed_day")
                .annotate(n=Sum("complaints")).values_list("company_id", "received_day", "closed_day", "n")):
            result[(company_id, received, closed)] += n
    for zone in sorted({key[0] for key in live}):
        groups = {key: ids for key, ids in live.items() if key[0] == zone}
        if _received(groups) is None:
            continue
        tz = zoneinfo.ZoneInfo(zone)
        closed_day = Case(When(status=Status.CLOSED, closed_at__isnull=False, then=LocalDate("closed_at", tzinfo=tz)),
                          default=None, output_field=DateField())
        for company_id, received, closed, n in (
                _counted_live(scope, groups).annotate(r=LocalDate("received_at", tzinfo=tz), c=closed_day)
                .values("company_id", "r", "c").annotate(n=Count("*")).values_list("company_id", "r", "c", "n")):
            result[(company_id, received, closed)] += n
    return dict(result)


def response_hours(scope: Any) -> dict[int | None, int]:
    """The counted complaints of ``scope`` per whole hours from receipt to the first response (None: not
    answered yet): the rolled-up months from :class:`~kesu.reports.models.ResponseRollup`, the rest from the
    complaints (one GROUP BY)."""
    from .analyses import ElapsedHours
    from .models import ResponseRollup

    result: dict[int | None, int] = defaultdict(int)
    if not scope.company_ids:
        return {}
    covered, live = _split(scope, rollup=not _narrowed(scope))
    if covered:
        for hours, n in (_rollup_rows(scope, covered, ResponseRollup).values("hours")
                         .annotate(n=Sum("complaints")).values_list("hours", "n")):
            result[hours] += n
    if _received(live) is not None:
        for hours, n in (_counted_live(scope, live).annotate(h=ElapsedHours("received_at", "first_response_at"))
                         .values("h").annotate(n=Count("*")).values_list("h", "n")):
            result[hours] += n
    return dict(result)


def _from_rollup(result, scope, covered, by, measures, monthly) -> None:
    keys = [DIMENSIONS[name] for name in by]
    rows = _grouped(_rollup_rows(scope, covered, by=by), keys, {name: _rollup_measure(name) for name in measures}, monthly)
    _add(result, rows, len(keys) + monthly, list(measures), measures)


def ranked(scope: Any, by: tuple[str, ...], *, at_least: int, limit: int | None
           ) -> tuple[list[tuple], dict[str, int]]:
    """The counted complaints of ``scope`` per ``by`` (plain columns of :data:`DIMENSIONS`), ranked by the
    database: the groups of at least ``at_least`` complaints, the most first, then by key (an absent key first),
    at most ``limit`` of them, as ``(*key, count)``; and the totals over every group: ``groups``, ``complaints``,
    ``groups_at_least``, ``complaints_at_least``.

    What :func:`tally` adds up, without bringing every group into Python: the rollup's months and the live
    rest are one UNION ALL, summed per key, counted and ranked in one statement (window totals over all groups,
    the head of the order after them). The recurring problems of a year are a hundred thousand groups at a
    million complaints; sorting them here cost more than the query."""
    keys = [DIMENSIONS[name] for name in by]
    if any("__" in key for key in keys):
        raise ValueError(by)
    totals = {"groups": 0, "complaints": 0, "groups_at_least": 0, "complaints_at_least": 0}
    if not scope.company_ids:
        return [], totals
    covered, live = _split(scope, rollup=_complaint_level(scope, by) is not None)
    parts: list[tuple[str, tuple]] = []
    if covered:
        parts.append(_rollup_rows(scope, covered, by=by).values(*keys).annotate(work_n=Sum("complaints"))
                     .values_list(*keys, "work_n").query.sql_with_params())
    if _received(live) is not None:
        parts.append(_counted_live(scope, live).values(*keys).annotate(work_n=Count("*"))
                     .values_list(*keys, "work_n").query.sql_with_params())
    if not parts:
        return [], totals
    columns = ", ".join(f"g.{key}" for key in keys)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) p{i}" for i, (sql, _params) in enumerate(parts))
    merged = f"SELECT {columns}, SUM(g.work_n) AS n FROM ({union}) g GROUP BY {columns}"
    order = ", ".join(f"m.{key} IS NOT NULL, COALESCE(m.{key}, 0)" if key != "customer_id" else f"m.{key}"
                      for key in keys)
    sql = (f"SELECT {', '.join(f'm.{key}' for key in keys)}, m.n, COUNT(*) OVER (), SUM(m.n) OVER (), "
           "SUM(CASE WHEN m.n >= %s THEN 1 ELSE 0 END) OVER (), SUM(CASE WHEN m.n >= %s THEN m.n ELSE 0 END) OVER () "
           f"FROM ({merged}) m ORDER BY m.n DESC, {order}" + (" LIMIT %s" if limit is not None else ""))
    params = [at_least, at_least, *(p for _sql, params in parts for p in params)]
    if limit is not None:
        params.append(limit)
    with connections[Complaint.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    width = len(keys)
    if found:
        totals = dict(zip(totals, (int(v or 0) for v in found[0][width + 1:]), strict=True))
    rows = [(*row[:width], int(row[width])) for row in found if row[width] >= at_least]
    return rows, totals


def _from_complaints(result, scope, live, by, measures, monthly) -> None:
    from .analyses import LocalMonth

    counted = [name for name in measures if name != "returned"]
    keys = [DIMENSIONS[name] for name in by]
    # Grouped by month: one query per time zone, each month's start at midnight in that zone.
    parts = ([{key: ids for key, ids in live.items() if key[0] == zone}
              for zone in sorted({key[0] for key in live})] if monthly else [live])
    for groups in parts:
        received = _received(groups)
        if received is None:
            continue
        tz = zoneinfo.ZoneInfo(next(iter(groups))[0])
        month = {"month": LocalMonth("received_at", tzinfo=tz)} if monthly else {}
        if counted:
            qs = _counted_live(scope, groups)
            qs = qs.annotate(**month) if month else qs
            rows = _grouped(qs, keys, {name: _live_measure(name) for name in counted}, monthly)
            _add(result, rows, len(keys) + monthly, counted, measures)
        if "returned" in measures:
            # Every return counts, whoever was responsible (design §11, as kesu.surveys.indicators counts it).
            lines = _narrow(DispositionLine.objects.filter(_received(groups, "complaint__"),
                                                           kind=DispositionKind.RETURN)
                            .exclude(complaint__status__in=NOT_COUNTED_STATUSES), scope, "complaint__")
            line_month = {"month": LocalMonth("complaint__received_at", tzinfo=tz)} if monthly else {}
            lines = lines.order_by().annotate(**line_month) if line_month else lines.order_by()
            rows = _grouped(lines, [f"complaint__{k}" for k in keys], {"returned": Sum("quantity")}, monthly)
            _add(result, rows, len(keys) + monthly, ["returned"], measures)


def _month_key(row: dict[str, Any], monthly: bool) -> tuple:
    if not monthly:
        return ()
    month = row["month"]
    return (month.date() if isinstance(month, datetime.datetime) else month,)


# -- shipments --------------------------------------------------------------------------------------------------
# Measures of ShipmentRollup: the lines shipped in a month (by ship date) and the lines due in it (by due date).
SHIPPED_MEASURES = ("quantity", "lines", "freight_lines", "freight")
DUE_MEASURES = ("due", "on_time")
SHIPMENT_MEASURES = SHIPPED_MEASURES + DUE_MEASURES


def _shipment_live_measures(names: tuple[str, ...]) -> dict[str, Any]:
    from django.db.models import DecimalField, F

    freight = Q(extra_freight_cost__gt=0)
    # On time (design §11): received on or before the due date, or, with no receipt date, shipped on or before it.
    on_time = (Q(receipt_date__isnull=False, receipt_date__lte=F("due_date"))
               | Q(receipt_date__isnull=True, ship_date__lte=F("due_date")))
    return {f"sum_{name}": {
        "quantity": Sum("quantity"),
        "lines": Count("id"),
        "freight_lines": Count("id", filter=freight),
        "freight": Sum("extra_freight_cost", filter=freight,
                       output_field=DecimalField(max_digits=20, decimal_places=2)),
        "due": Count("id"),
        "on_time": Count("id", filter=on_time),
    }[name] for name in names}


def _date_ranges(groups: dict[tuple, list[int]], column: str) -> Q | None:
    """Lines whose ``column`` falls in each group's day ranges: ``groups`` maps ranges to company ids."""
    condition = None
    for intervals, ids in sorted(groups.items()):
        ranges = None
        for start, end in intervals:
            part = Q(**{f"{column}__gte": start, f"{column}__lte": end})
            ranges = part if ranges is None else ranges | part
        if ranges is None:
            continue
        part = Q(company_id__in=sorted(ids)) & ranges
        condition = part if condition is None else condition | part
    return condition


def shipment_groups(company_ids: list[int], date_from: datetime.date, date_to: datetime.date,
                    customer_ids: list[int] | None = None, measures: tuple[str, ...] = SHIPMENT_MEASURES, *,
                    by_customer: bool = True) -> dict[tuple[int | None, str], dict[str, Any]]:
    """Shipment lines of the companies per (customer, currency) — per (None, currency) without ``by_customer``,
    summed in the database: the ``measures`` of :data:`SHIPPED_MEASURES` over
    the lines shipped in ``date_from … date_to`` and those of :data:`DUE_MEASURES` over the lines due in it. Whole
    months that are built and unchanged come from :class:`~kesu.reports.models.ShipmentRollup`, the rest from the
    shipment lines (as :func:`tally` splits complaints; :func:`live_only` counts everything from the lines).
    Counts are integers and ``freight`` a Decimal, 0 when nothing is there."""
    from kesu.customers.models import Shipment

    from .models import ShipmentRollup

    for name in measures:
        if name not in SHIPMENT_MEASURES:
            raise ValueError(name)
    result: dict[tuple[int, str], dict[str, Any]] = {}

    def add(qs: QuerySet, sums: dict[str, Any]) -> None:
        # Plain rows (a year has a row per customer and currency, thousands): counts as integers, freight to the
        # cent (SQLite sums a decimal column as a float).
        names = [key.removeprefix("sum_") for key in sums]
        keys = ["customer_id", "currency"] if by_customer else ["currency"]
        for row in _grouped(qs, keys, sums, False):
            values = row[len(keys):]
            found = result.setdefault(tuple(row[:2]) if by_customer else (None, row[0]), dict.fromkeys(measures, 0))
            for name, value in zip(names, values, strict=True):
                if value:
                    found[name] += (Decimal(str(value)).quantize(CENT) if name == "freight" else int(value))

    if not company_ids:
        return result
    covered: dict[int, set[datetime.date]] = {}
    if not _live_only.get():
        covered = built_months(company_ids, whole_months(date_from, date_to))
    if covered:
        condition = Q()
        for pk, months in covered.items():
            condition |= Q(company_id=pk, month__in=sorted(months))
        rolled = ShipmentRollup.objects.filter(condition)
        if customer_ids is not None:
            rolled = rolled.filter(customer_id__in=customer_ids)
        add(rolled.order_by(), {f"sum_{name}": Sum(name) for name in measures})
    live: dict[tuple, list[int]] = defaultdict(list)
    for pk in company_ids:
        live[_live_intervals(date_from, date_to, covered.get(pk, set()))].append(pk)
    for column, names in (("ship_date", SHIPPED_MEASURES), ("due_date", DUE_MEASURES)):
        asked = tuple(name for name in measures if name in names)
        condition = _date_ranges(live, column) if asked else None
        if condition is None:
            continue
        lines = Shipment.objects.filter(condition)
        if customer_ids is not None:
            lines = lines.filter(customer_id__in=customer_ids)
        add(lines.order_by(), _shipment_live_measures(asked))
    return result
