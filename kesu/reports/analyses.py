"""Complaint analyses for any period, companies and filter (issue 7 §2; design §9, §11; seed 000 §4.1.7).

Pure reads. Each analysis is one or two aggregate queries over the complaints received in the period, whatever
the number of complaints, customers or parts, so a year of a factory group with a million complaints is read
in the database, not in Python:

- the complaints of a :class:`Scope` are those of its companies received on ``date_from … date_to`` in their
  company's time zone (a range on the stored instant per time zone, served by the ``(company, received_at)``
  index), less those rejected at intake or cancelled (not customer complaints in any figure, as in
  :mod:`kesu.surveys.indicators`), narrowed to one customer, part, category or responsibility if asked;
- counts per month are conditional counts (``COUNT(*) FILTER (WHERE received_at in month m)``) with each
  month's boundaries at midnight in the company's time zone, so there is no per-row time zone conversion;
- counts are ``COUNT(*)``, never of a column, so on PostgreSQL the scan reads only the ``(company,
  received_at)`` index, which carries every column the analyses group by (an index-only scan);
- elapsed times are computed per row in SQL (:class:`ElapsedHours`) and grouped, and the median and P90 are
  read from the grouped distribution;
- working days come from the company's working calendar (design §11) applied to the grouped
  (received day, closed day) pairs.

Months already over are read from the monthly rollup where the worker has built it (issue 24 §5): the
breakdowns by customer, part, category and responsibility, the recurring problems, the trend, the seasonality
and the reopenings add their figures up through :func:`kesu.reports.rollups.tally`, which counts only the rest
of the period (a cut month, the running month, a month changed since the last rebuild) from the complaints, so
the figures are those of the complaints either way. The defect breakdown (free text), the times and the overdue
backlog (now, not a period) are counted from the complaints.

Every row carries ``query``: the complaint list's filter parameters that list exactly the complaints behind
it (the drill-down of issue 7 §2), built from the scope by :meth:`Scope.query`.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import models
from django.db.models import Case, Count, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Company
from kesu.complaints.choices import FINAL_STATUSES, Responsibility, Status
from kesu.complaints.models import Complaint, ComplaintCategory, Deadline
from kesu.core.calendar import WorkingCalendar
from kesu.core.dbrouter import report_memory, reporting
from kesu.core.parallel import side_by_side
from kesu.customers.models import Customer, Part
from kesu.surveys.indicators import NOT_COUNTED_STATUSES, percent_of, received_in

from .rollups import closure_pairs, ranked, response_hours, tally

DAY = datetime.timedelta(days=1)
PARETO_VITAL_FEW = Decimal(80)  # the categories that make up the first 80 % of complaints (Pareto's rule)
DEFAULT_LIMIT = 20


# -- the scope ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What an analysis looks at: companies, a period of inclusive calendar days, and optional narrowing."""

    company_ids: tuple[int, ...]
    date_from: datetime.date
    date_to: datetime.date
    customer_id: int | None = None
    part_id: int | None = None
    category_id: int | None = None
    responsibility: str = ""

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError("The period must not end before it starts.")

    def with_period(self, date_from: datetime.date, date_to: datetime.date) -> Scope:
        return replace(self, date_from=date_from, date_to=date_to)

    def query(self, **extra: Any) -> dict[str, Any]:
        """The complaint list's parameters for this scope (``counted`` leaves out rejected and cancelled)."""
        params: dict[str, Any] = {"counted": "true", "received_from": self.date_from.isoformat(),
                                  "received_to": self.date_to.isoformat()}
        if len(self.company_ids) == 1:
            params["company"] = self.company_ids[0]
        for name in ("customer_id", "part_id", "category_id"):
            value = getattr(self, name)
            if value is not None:
                params[name.removesuffix("_id")] = value
        if self.responsibility:
            params["responsibility"] = self.responsibility
        params.update({k: v for k, v in extra.items() if v is not None})
        return params


def scope_for(user, *, date_from: datetime.date, date_to: datetime.date, company_id: int | None = None,
              **narrowing: Any) -> Scope:
    """The user's scope: their visible companies, or the one asked for (refused when not visible)."""
    visible = sorted(Company.objects.values_list("pk", flat=True)) if user.is_superuser else sorted(
        user.visible_company_ids())
    if company_id is not None:
        if company_id not in visible:
            raise PermissionError("company not visible")
        visible = [company_id]
    return Scope(company_ids=tuple(visible), date_from=date_from, date_to=date_to, **narrowing)


def complaints_in(scope: Scope, *, zones: dict[str, list[int]] | None = None) -> QuerySet[Complaint]:
    """The complaints the scope counts (see the module docstring), unordered, ready to aggregate."""
    received = received_in(list(scope.company_ids), zones, scope.date_from, scope.date_to)
    if received is None:
        return Complaint.objects.none()
    qs = Complaint.objects.filter(received).exclude(status__in=NOT_COUNTED_STATUSES)
    return _narrowed(qs, scope).order_by()


def _narrowed(qs: QuerySet[Complaint], scope: Scope) -> QuerySet[Complaint]:
    if scope.customer_id is not None:
        qs = qs.filter(customer_id=scope.customer_id)
    if scope.part_id is not None:
        qs = qs.filter(part_id=scope.part_id)
    if scope.category_id is not None:
        qs = qs.filter(category_id=scope.category_id)
    if scope.responsibility:
        qs = qs.filter(responsibility=scope.responsibility)
    return qs


# -- small helpers -----------------------------------------------------------------------------------------


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - DAY


def months_between(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The firsts of every month touched by ``date_from … date_to``."""
    months, month = [], first_of_month(date_from)
    while month <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def change_percent(now: int, before: int) -> Decimal | None:
    """Change from ``before`` to ``now`` in percent (one decimal, half up); None when ``before`` is 0."""
    if before <= 0:
        return None
    difference = percent_of(abs(now - before), before)
    return difference if now >= before else -difference


def quantile(distribution: dict[int, int], fraction: Decimal) -> int | None:
    """The nearest-rank quantile of a distribution ``{value: how many}``; None when it is empty.

    Nearest rank (the smallest value with at least ``fraction`` of the observations at or below it) gives a
    value that occurred, in whole units, and is the same on every database.
    """
    total = sum(distribution.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value in sorted(distribution):
        seen += distribution[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - unreachable: the ranks add up to total


class ElapsedHours(models.Func):
    """Whole hours from the first instant to the second (floored), computed in the database."""

    output_field = models.IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions())
        if connection.vendor == "sqlite":  # datetimes are ISO text in UTC; the epsilon absorbs float error
            sql = f"CAST((julianday({end}) - julianday({start})) * 24 + 1e-9 AS INTEGER)"
        else:
            sql = f"FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 3600)::integer"
        return sql, (*end_params, *start_params)


def _fixed_offset_minutes(tz: datetime.tzinfo | None) -> int | None:
    """The zone's offset from UTC in minutes when it has no daylight saving (e.g. China), else None."""
    if tz is None:
        return None
    winter = datetime.datetime(2020, 1, 1, tzinfo=tz).utcoffset()
    summer = datetime.datetime(2020, 7, 1, tzinfo=tz).utcoffset()
    return int(winter.total_seconds() // 60) if winter == summer else None


class _SqliteLocal:
    """On SQLite, Django truncates dates in a time zone through a Python function called for every row; for a
    zone without daylight saving SQLite's own date functions with a fixed offset give the same day, in C."""

    sqlite_modifiers = ""

    def as_sqlite(self, compiler, connection, **extra_context):
        minutes = _fixed_offset_minutes(self.tzinfo)
        if minutes is None:
            return super().as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"{self.sqlite_function}({sql}, '{minutes:+d} minutes'{self.sqlite_modifiers})", params


class LocalDate(_SqliteLocal, TruncDate):
    """The day of an instant in the given time zone."""

    sqlite_function = "date"


class LocalMonth(_SqliteLocal, TruncMonth):
    """The first instant of the month of an instant in the given time zone."""

    sqlite_function = "datetime"
    sqlite_modifiers = ", 'start of month'"


def month_counts(qs: QuerySet, zones: dict[str, list[int]], group_by: tuple[str, ...] = ()
                 ) -> dict[tuple, int]:
    """Complaints of ``qs`` per ``group_by`` values and calendar month of receipt in each company's time zone:
    ``{(*values, first of month): count}``. One GROUP BY query per time zone (usually one)."""
    counts: dict[tuple, int] = defaultdict(int)
    for time_zone, ids in zones.items():
        rows = (qs.filter(company_id__in=ids).annotate(month=LocalMonth("received_at", tzinfo=zoneinfo.ZoneInfo(
            time_zone))).values(*group_by, "month").annotate(n=Count("*")).values_list(*group_by, "month", "n"))
        for *values, month, n in rows:
            month = month.date() if isinstance(month, datetime.datetime) else month
            counts[(*values, month)] += n
    return dict(counts)


# -- breakdowns: by customer, part, category, defect (Pareto) -------------------------------------------------

BREAKDOWNS = ("customer", "part", "category", "defect", "responsibility")
# A breakdown's rows by the rollup's dimension (kesu.reports.rollups); categories are one row per code.
DIMENSION_OF = {"customer": "customer", "part": "part", "category": "category_code",
                "responsibility": "responsibility", "defect": "defect"}


@dataclass
class BreakdownRow:
    key: Any
    label: str
    count: int
    defective: int
    share: Decimal | None = None
    cumulative: Decimal | None = None
    vital_few: bool = False
    query: dict[str, Any] | None = None
    # Group views (issue 17 §5): the row's complaints per company, {company id: (count, drill-down query)}.
    by_company: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Breakdown:
    """Complaints per customer, part, category, defect or responsibility, largest first (the Pareto order)."""

    by: str
    total: int
    defective: int
    rows: list[BreakdownRow]
    others: BreakdownRow | None = None
    # Group views: the companies a row is split into (id, label), when the scope holds several.
    companies: list[tuple[int, str]] = field(default_factory=list)


def scope_companies(scope: Scope) -> list[tuple[int, str]]:
    """(id, label: short name, else code) of the scope's companies, by code; empty for a one-company scope."""
    if len(scope.company_ids) < 2:
        return []
    return [(pk, short or code) for pk, short, code in Company.objects.filter(pk__in=scope.company_ids)
            .order_by("code").values_list("pk", "short_name", "code")]


def _labels(by: str, keys: Iterable[Any], *, group: bool = False) -> dict[Any, str]:
    """Row labels; in a group view (``group``) customer and part codes, which repeat across the companies,
    carry their company's code in front (issue 17 §5)."""
    keys = [k for k in keys if k is not None]
    if by == "customer":
        return {pk: f"{company}·{code} {name}" if group else f"{code} {name}" for pk, code, name, company in
                Customer.objects.filter(pk__in=keys).values_list("pk", "code", "name", "company__code")}
    if by == "part":
        return {pk: f"{company}·{no} {name}" if group else f"{no} {name}" for pk, no, name, company in
                Part.objects.filter(pk__in=keys).values_list("pk", "part_no", "name", "company__code")}
    if by == "category":
        return dict(ComplaintCategory.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "category_code":
        # Category codes are shared across a group's companies (issue 18 §11): one name per code.
        names: dict[Any, str] = {}
        for code, name in ComplaintCategory.objects.filter(code__in=keys).order_by("company_id").values_list(
                "code", "name"):
            names.setdefault(code, name)
        return names
    if by == "responsibility":
        return {k: str(Responsibility(k).label) for k in keys if k in Responsibility.values}
    return {k: k for k in keys}


def _drill(by: str, scope: Scope, key: Any) -> dict[str, Any]:
    if by == "category" and key is not None:
        return scope.query(category_code=key)
    if by == "defect":
        return scope.query(defect=key or "", defect_missing="true" if not key else None)
    if key is None:
        return scope.query(**{f"{by}_missing": "true"})
    return scope.query(**{by: key})


def _by_category_code(scope: Scope) -> tuple[dict[tuple, dict[str, int]], dict[Any, dict[int, int]]]:
    """Complaints and our defective quantity per category code (shared by a group's companies, issue 18 §11), and
    per code each company's complaints: one tally by category and company, the codes looked up after (a few
    dozen categories) rather than joined to every row counted."""
    by_id = tally(scope, ("category", "company"), ("complaints", "defective"))
    codes = dict(ComplaintCategory.objects.filter(pk__in={key[0] for key in by_id if key[0] is not None})
                 .values_list("pk", "code"))
    grouped: dict[tuple, dict[str, int]] = {}
    split: dict[Any, dict[int, int]] = defaultdict(dict)
    for (category_id, company_id), row in by_id.items():
        code = codes.get(category_id) if category_id is not None else None
        total = grouped.setdefault((code,), {"complaints": 0, "defective": 0})
        total["complaints"] += row["complaints"]
        total["defective"] += row["defective"]
        split[code][company_id] = split[code].get(company_id, 0) + row["complaints"]
    return grouped, split


def breakdown(scope: Scope, by: str, *, limit: int | None = DEFAULT_LIMIT) -> Breakdown:
    """Complaints (and our confirmed defective quantity) per ``by``, largest first, with share and
    cumulative share; the rows up to 80 % cumulative are the "vital few" of the Pareto chart.

    ``limit`` keeps the largest rows and sums the rest into ``others``. One GROUP BY query, and one for the
    names of the rows shown.
    """
    if by not in BREAKDOWNS:
        raise ValueError(by)
    split: dict[Any, dict[int, int]] = {}  # category code → company → complaints (the group's bars)
    if by == "category":
        grouped, split = _by_category_code(scope)
    else:
        grouped = tally(scope, (DIMENSION_OF[by],), ("complaints", "defective"))
    raw = sorted(((key[0] if key[0] != "" else None, row["complaints"], row["defective"] or 0)
                  for key, row in grouped.items()), key=lambda r: (-r[1], str(r[0])))
    if by == "defect":  # free text: the same words with different spacing are the same defect
        merged: dict[Any, list[int]] = {}
        for key, count, defective in raw:
            key = " ".join(key.split()) if key else None
            merged.setdefault(key, [0, 0])
            merged[key][0] += count
            merged[key][1] += defective
        raw = sorted(((k, c, d) for k, (c, d) in merged.items()), key=lambda r: (-r[1], str(r[0])))
    total = sum(count for _k, count, _d in raw)
    shown = raw if limit is None else raw[:limit]
    labels = _labels("category_code" if by == "category" else by, [key for key, _c, _d in shown],
                     group=len(scope.company_ids) > 1)
    # One bar per category code for the group; each company's share is its drill-down.
    companies = scope_companies(scope) if by == "category" else []
    rows, running = [], 0
    for key, count, defective in shown:
        before = percent_of(running, total)
        running += count
        rows.append(BreakdownRow(
            key=key, label=labels.get(key) or (_("(not stated)") if key is None else str(key)), count=count,
            defective=defective, share=percent_of(count, total), cumulative=percent_of(running, total),
            vital_few=before is not None and before < PARETO_VITAL_FEW, query=_drill(by, scope, key),
            by_company={company_id: (n, {**_drill(by, scope, key), "company": company_id})
                        for company_id, n in (split.get(key, {}) if companies else {}).items()}))
    others = None
    rest = raw[len(shown):]
    if rest:
        count = sum(c for _k, c, _d in rest)
        others = BreakdownRow(key="", label=_("All others (%(n)s)") % {"n": len(rest)}, count=count,
                              defective=sum(d for _k, _c, d in rest), share=percent_of(count, total),
                              cumulative=percent_of(total, total))
    return Breakdown(by=by, total=total, defective=sum(d for _k, _c, d in raw), rows=rows, others=others,
                     companies=companies)


# -- frequency: recurring vs occasional -----------------------------------------------------------------------


@dataclass
class Frequency:
    """Recurring and occasional problems (seed 000 §4.1.7: 经常性 / 偶发性)."""

    rule: str
    total: int
    problems: int
    recurring_problems: int
    recurring_complaints: int
    occasional_complaints: int
    rows: list[dict[str, Any]]

    @property
    def recurring_percent(self) -> Decimal | None:
        return percent_of(self.recurring_complaints, self.total)


RECURRING_AT = 2


def frequency(scope: Scope, *, limit: int | None = DEFAULT_LIMIT) -> Frequency:
    """A problem is one customer's complaints about one part in one category; it is recurring when it was
    complained about at least twice in the period, occasional when once. The problems are sorted the most
    complained-about first, so the recurring problems are the head of its rows.
    """
    # (customer, part, category, count) of the recurring problems shown, the most complained-about first, then
    # by customer, part and category (not stated first); ranked by the database (kesu.reports.rollups.ranked).
    shown, totals = ranked(scope, ("customer", "part", "category"), at_least=RECURRING_AT, limit=limit)
    total = totals["complaints"]
    customers = _labels("customer", [p[0] for p in shown])
    parts = _labels("part", [p[1] for p in shown])
    categories = _labels("category", [p[2] for p in shown])
    rows = []
    for customer_id, part_id, category_id, count in shown:
        narrowed = replace(scope, customer_id=customer_id, part_id=part_id, category_id=category_id)
        missing = {"part_missing": "true" if part_id is None else None,
                   "category_missing": "true" if category_id is None else None}
        rows.append({
            "customer": customers.get(customer_id, ""), "part": parts.get(part_id, _("(not stated)")),
            "category": categories.get(category_id, _("(not stated)")), "count": count,
            "share": percent_of(count, total), "query": narrowed.query(**missing)})
    recurring_complaints = totals["complaints_at_least"]
    return Frequency(
        rule=_("A problem is one customer's complaints about one part in one category. It is recurring when "
               "it was complained about at least %(n)s times in the period, occasional when once.")
        % {"n": RECURRING_AT},
        total=total, problems=totals["groups"], recurring_problems=totals["groups_at_least"],
        recurring_complaints=recurring_complaints, occasional_complaints=total - recurring_complaints, rows=rows)


# -- trend and seasonality -----------------------------------------------------------------------------------


@dataclass
class TrendRow:
    month: datetime.date
    count: int
    previous_month: int
    year_before: int
    query: dict[str, Any]
    repeats: int = 0  # complaints flagged as repeats (ISO 10002 §8.5, kesu.prevention), issue 22 §4
    repeat_query: dict[str, Any] | None = None

    @property
    def repeat_share(self) -> Decimal | None:
        """Repeats as a percent of the month's complaints (one decimal), None for a month without complaints."""
        if not self.count:
            return None
        return (Decimal(self.repeats) * 100 / self.count).quantize(Decimal("0.1"))

    @property
    def month_over_month(self) -> Decimal | None:
        return change_percent(self.count, self.previous_month)

    @property
    def year_over_year(self) -> Decimal | None:
        return change_percent(self.count, self.year_before)


def trend(scope: Scope) -> list[TrendRow]:
    """Complaints per calendar month touched by the period, with the month before and the same month a year
    earlier; whole months, so a period starting mid-month counts its first month whole. One tally (with the
    repeats) over those months and the twelve before them.
    """
    months = months_between(scope.date_from, scope.date_to)
    earliest = add_months(months[0], -12)
    wide = scope.with_period(earliest, month_end(months[-1]))
    counts = tally(wide, (), ("complaints", "repeats"), monthly=True)
    by_month = {key[0]: row["complaints"] for key, row in counts.items()}
    repeats = {key[0]: row["repeats"] for key, row in counts.items()}
    return [TrendRow(month=month, count=by_month.get(month, 0),
                     previous_month=by_month.get(add_months(month, -1), 0),
                     year_before=by_month.get(add_months(month, -12), 0),
                     query=scope.query(received_from=month.isoformat(), received_to=month_end(month).isoformat()),
                     repeats=repeats.get(month, 0),
                     repeat_query=scope.query(received_from=month.isoformat(),
                                              received_to=month_end(month).isoformat(), repeat="true"))
            for month in months]


@dataclass
class Seasonality:
    """Complaints by calendar month over several years: ``counts[year][month - 1]``; the seasonal index of a
    calendar month is its mean over the years ÷ the mean of all months × 100 (100 = an ordinary month)."""

    years: list[int]
    counts: dict[int, list[int]]
    queries: dict[int, list[dict[str, Any]]]

    @property
    def month_means(self) -> list[Decimal | None]:
        return [percent_of(sum(self.counts[y][m] for y in self.years), len(self.years) * 100)
                if self.years else None for m in range(12)]

    @property
    def seasonal_index(self) -> list[Decimal | None]:
        total = sum(sum(row) for row in self.counts.values())
        return [percent_of(sum(self.counts[y][m] for y in self.years) * 12, total) for m in range(12)]


def seasonality(scope: Scope, *, years: int = 3) -> Seasonality:
    """The ``years`` calendar years ending with the period's last year, by calendar month (one query)."""
    last = scope.date_to.year
    year_list = list(range(last - years + 1, last + 1))
    wide = scope.with_period(datetime.date(year_list[0], 1, 1), datetime.date(last, 12, 31))
    months = months_between(wide.date_from, wide.date_to)
    found = {key: row["complaints"] for key, row in tally(wide, (), monthly=True).items()}
    counts = {year: [0] * 12 for year in year_list}
    queries: dict[int, list[dict[str, Any]]] = {year: [] for year in year_list}
    for month in months:
        counts[month.year][month.month - 1] = found.get((month,), 0)
        queries[month.year].append(scope.query(received_from=month.isoformat(),
                                               received_to=month_end(month).isoformat()))
    return Seasonality(years=year_list, counts=counts, queries=queries)


# -- times: closure and first response ----------------------------------------------------------------------


@dataclass
class Bucket:
    label: str
    low: int
    high: int | None
    count: int = 0
    query: dict[str, Any] = field(default_factory=dict)


@dataclass
class Durations:
    """A distribution of elapsed times with its median, P90 and the share within a target."""

    counted: int
    median: int | None
    p90: int | None
    within_target: int
    target: str
    buckets: list[Bucket]
    waiting: int = 0  # complaints without the end instant yet (not closed, not answered)

    @property
    def within_target_percent(self) -> Decimal | None:
        return percent_of(self.within_target, self.counted)


@dataclass
class ClosureTimes:
    calendar_days: Durations
    working_days: Durations


CLOSURE_BUCKETS = ((0, 1), (2, 3), (4, 7), (8, 14), (15, 30), (31, 60), (61, None))
RESPONSE_BUCKETS = ((0, 3), (4, 8), (9, 24), (25, 48), (49, 72), (73, None))


def _range_label(low: int, high: int | None, unit: str) -> str:
    if high is None:
        return _("%(low)s %(unit)s or more") % {"low": low, "unit": unit}
    return _("%(low)s–%(high)s %(unit)s") % {"low": low, "high": high, "unit": unit}


def _buckets(distribution: dict[int, int], limits, unit: str, scope: Scope, prefix: str) -> list[Bucket]:
    buckets = []
    for low, high in limits:
        count = sum(n for value, n in distribution.items() if value >= low and (high is None or value <= high))
        extra = {f"{prefix}_min": low, f"{prefix}_max": high}
        buckets.append(Bucket(label=_range_label(low, high, unit), low=low, high=high, count=count,
                              query=scope.query(**extra)))
    return buckets


def closure_times(scope: Scope) -> ClosureTimes:
    """Received → final closure of the complaints received in the period and closed (design §11).

    Both measures count days in the company's time zone from the day the complaint was received to the day
    it was closed (closed the same day = 0): calendar days all of them, working days those the company's
    calendar marks working. Reopened complaints count to their final closure; complaints not closed yet are
    ``waiting``. One GROUP BY per time zone — (company, day received, day closed) — for the months not in the
    closure rollup (:func:`kesu.reports.rollups.closure_pairs`), read in one pass.
    """
    from .selectors import report_settings_map

    settings = report_settings_map(scope.company_ids)
    targets = {pk: s.closure_target_working_days for pk, s in settings.items()}
    days: dict[int, int] = defaultdict(int)
    working: dict[int, int] = defaultdict(int)
    within = waiting = 0
    calendars: dict[int, WorkingDayCounter] = {}
    for (company_id, received, closed), n in closure_pairs(scope).items():
        if closed is None:
            waiting += n
            continue
        if company_id not in calendars:
            calendars[company_id] = WorkingDayCounter(company_id)
        value = calendars[company_id].between(received, closed)
        days[max((closed - received).days, 0)] += n
        working[value] += n
        if value <= targets.get(company_id, 10):
            within += n
    distinct_targets = sorted(set(targets.values()))
    target_text = _("within %(n)s working days") % {"n": "/".join(str(t) for t in distinct_targets)}
    calendar_days = Durations(
        counted=sum(days.values()), median=quantile(days, Decimal("0.5")), p90=quantile(days, Decimal("0.9")),
        within_target=within, target=target_text, waiting=waiting,
        buckets=_buckets(days, CLOSURE_BUCKETS, _("days"), scope, "closure_days"))
    working_days = Durations(
        counted=sum(working.values()), median=quantile(working, Decimal("0.5")),
        p90=quantile(working, Decimal("0.9")), within_target=within, target=target_text, waiting=waiting,
        buckets=[])
    return ClosureTimes(calendar_days=calendar_days, working_days=working_days)


def closure_days(tz: datetime.tzinfo) -> models.Expression:
    """Calendar days from the day received to the day closed in ``tz``, as a duration (the drill-down filter
    of the closure-time chart; the same count as :func:`closure_times`)."""
    return models.ExpressionWrapper(LocalDate("closed_at", tzinfo=tz) - LocalDate("received_at", tzinfo=tz),
                                    output_field=models.DurationField())


class WorkingDayCounter:
    """Working days between two dates of one company, from its calendar, remembered per date pair's span."""

    def __init__(self, company_id: int) -> None:
        self.calendar = WorkingCalendar(Company.objects.get(pk=company_id))
        self.cumulative: dict[datetime.date, int] = {}

    def _index(self, day: datetime.date) -> int:
        if day not in self.cumulative:
            self._extend(day)
        return self.cumulative[day]

    def _extend(self, day: datetime.date) -> None:
        if not self.cumulative:
            self.cumulative[day] = 0
            return
        first, last = min(self.cumulative), max(self.cumulative)
        if day > last:
            running, current = self.cumulative[last], last
            while current < day:
                current += DAY
                running += 1 if self.calendar.is_working_day(current) else 0
                self.cumulative[current] = running
        else:
            running, current = self.cumulative[first], first
            while current > day:
                running -= 1 if self.calendar.is_working_day(current) else 0
                current -= DAY
                self.cumulative[current] = running

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 for the same day)."""
        if end <= start:
            return 0
        return self._index(end) - self._index(start)


def first_response_times(scope: Scope) -> Durations:
    """Received → first response to the customer by a person (design §11), in whole hours; within target
    means within the company's reply time (24 hours by default). One GROUP BY query, one count."""
    from kesu.complaints.selectors import settings_for

    grouped = response_hours(scope)
    hours: dict[int, int] = defaultdict(int)
    for h, n in grouped.items():
        if h is not None:
            hours[max(h, 0)] += n  # a response recorded before the receipt counts as at once
    companies = Company.objects.filter(pk__in=scope.company_ids)
    reply = sorted({settings_for(company).reply_hours for company in companies}) or [24]
    limit = reply[0]
    return Durations(
        counted=sum(hours.values()), median=quantile(hours, Decimal("0.5")), p90=quantile(hours, Decimal("0.9")),
        within_target=sum(n for h, n in hours.items() if h < limit),
        target=_("within %(n)s hours") % {"n": limit}, waiting=grouped.get(None, 0),
        buckets=_buckets(hours, RESPONSE_BUCKETS, _("hours"), scope, "response_hours"))


# -- reopenings and the overdue backlog -----------------------------------------------------------------------


@dataclass
class Reopenings:
    closed: int
    reopened: int
    reopenings: int
    query: dict[str, Any]

    @property
    def rate(self) -> Decimal | None:
        return percent_of(self.reopened, self.closed)


def reopenings(scope: Scope) -> Reopenings:
    """Reopen rate: closed complaints (received in the period) that were reopened at least once ÷ closed
    complaints × 100; ``reopenings`` counts every reopening (design §11)."""
    row = tally(scope, (), ("closed", "reopened", "reopenings")).get((), {"closed": 0, "reopened": 0,
                                                                          "reopenings": 0})
    return Reopenings(closed=row["closed"], reopened=row["reopened"], reopenings=row["reopenings"],
                      query=scope.query(status=Status.CLOSED, reopened="true"))


OVERDUE_AGES = ((0, 1), (2, 7), (8, 30), (31, None))


@dataclass
class Backlog:
    """Open complaints with a deadline past due now, whenever they were received."""

    total: int
    by_status: list[dict[str, Any]]
    by_department: list[dict[str, Any]]
    by_age: list[dict[str, Any]]
    query: dict[str, Any]
    companies: list[tuple[int, str]] = field(default_factory=list)  # group views: the columns per company


def overdue_backlog(scope: Scope, now: datetime.datetime | None = None) -> Backlog:
    """Open complaints of the scope's companies (and narrowing, not its period) with an open deadline past
    due, by status, by department and by days overdue (since the earliest missed deadline). One query, starting
    from the few open deadlines past due rather than from the open complaints: each complaint's earliest missed
    deadline is put in its age band by the database, so the rows are grouped by status, department and band."""
    now = now or timezone.now()
    missed = Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, due_at__lt=now)
    # Open, said as "not final": the planner then expects many complaints and starts from the deadlines.
    qs = _narrowed(Complaint.objects.filter(company_id__in=scope.company_ids, pk__in=missed.values("complaint_id"))
                   .exclude(status__in=FINAL_STATUSES), scope).order_by()
    base = {"overdue": "true"}
    if len(scope.company_ids) == 1:
        base["company"] = scope.company_ids[0]
    for name in ("customer_id", "part_id", "category_id"):
        if getattr(scope, name) is not None:
            base[name.removesuffix("_id")] = getattr(scope, name)
    if scope.responsibility:
        base["responsibility"] = scope.responsibility
    statuses: dict[str, int] = defaultdict(int)
    # By department code, not id (issue 17 §5): the group's "销售部" is one row, split per company.
    departments: dict[str | None, int] = defaultdict(int)
    per_company: dict[str | None, dict[int, list]] = defaultdict(dict)
    names: dict[str | None, str] = {}
    earliest = Subquery(missed.filter(complaint_id=OuterRef("pk")).order_by("due_at").values("due_at")[:1])
    # Days overdue as (now - first).days counts them: a band (low, high) holds first ≤ now - low days.
    band = Case(*(When(first__gt=now - datetime.timedelta(days=high + 1), then=Value(index))
                  for index, (_low, high) in enumerate(OVERDUE_AGES) if high is not None),
                default=Value(len(OVERDUE_AGES) - 1))
    ages: dict[int, int] = defaultdict(int)
    rows = qs.alias(first=earliest).annotate(age=band).values_list(
        "status", "company_id", "department_id", "department__code", "department__name", "age").annotate(n=Count("*"))
    for status, company_id, department_id, code, department, age, n in rows:
        ages[age] += n
        key = code if department_id else None
        statuses[status] += n
        departments[key] += n
        names.setdefault(key, department or _("(not stated)"))
        entry = per_company[key].setdefault(company_id, [0, department_id])
        entry[0] += n
    by_status = [{"key": status, "label": str(Status(status).label), "count": n, "query": {**base, "status": status}}
                 for status, n in sorted(statuses.items(), key=lambda item: (-item[1], item[0]))]
    most_first = sorted(departments.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    companies = scope_companies(scope)

    def department_query(key, company_id=None, department_id=None) -> dict[str, Any]:
        if key is None:
            where = {"department_missing": "true"}
        elif department_id is not None:
            where = {"department": department_id}
        else:
            where = {"department_code": key}
        return {**base, **where, **({"company": company_id} if company_id is not None else {})}

    by_department = []
    for key, n in most_first:
        ids = {cid: department_id for cid, (_n, department_id) in per_company[key].items()}
        single = len(scope.company_ids) == 1
        by_department.append({
            "key": key, "label": names[key], "count": n,
            "query": department_query(key, department_id=next(iter(ids.values())) if single else None),
            "by_company": {cid: (count, department_query(key, cid, department_id))
                           for cid, (count, department_id) in per_company[key].items()} if companies else {},
        })
    by_age = [{"label": _range_label(low, high, _("days")), "count": ages[index]}
              for index, (low, high) in enumerate(OVERDUE_AGES)]
    return Backlog(total=sum(r["count"] for r in by_status), by_status=by_status, by_department=by_department,
                   by_age=by_age, query=base, companies=companies)


# -- everything for one scope ---------------------------------------------------------------------------------

ANALYSES = ("frequency", "customer", "part", "category", "defect", "trend", "seasonality", "closure",
            "response", "reopen", "backlog")


def run(scope: Scope, name: str, **options: Any) -> Any:
    """One analysis by name (pages, API, exports and the review pack all come through here); read from the
    replica when there is one (issue 24 §3)."""
    with reporting(), report_memory():
        if name in ("customer", "part", "category", "defect"):
            return breakdown(scope, name, **options)
        return {
            "frequency": frequency, "trend": trend, "seasonality": seasonality, "closure": closure_times,
            "response": first_response_times, "reopen": reopenings, "backlog": overdue_backlog,
        }[name](scope, **options)


def run_many(scope: Scope, names: Iterable[str], options: dict[str, dict[str, Any]] | None = None
             ) -> dict[str, Any]:
    """:func:`run` of each of ``names`` (with ``options[name]``), several at once where the database allows
    (:func:`kesu.core.parallel.side_by_side`: a page's analyses at a million complaints took the sum of their
    times one after another); in :data:`ANALYSES`' order, the longest first. The report's memory is set once for
    them all on this thread's connection."""
    options = options or {}
    with reporting(), report_memory():
        return side_by_side({name: partial(run, scope, name, **options.get(name, {})) for name in names})
