"""The analyses as tables (issue 7 §2): one definition feeds the page's tables, the Excel workbook (one sheet
per analysis) and the review pack.

Each analysis result from :func:`kesu.reports.analyses.run` becomes a list of :class:`Table`; a cell may be a
:class:`Drill` — a value with the complaint list's query that lists the complaints behind it — which the page
renders as a link and Excel writes as the plain value.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.core.importexport import sheet_value

from . import analyses

TITLES = {
    "frequency": gettext_lazy("Recurring and occasional problems"),
    "customer": gettext_lazy("Complaints by customer"),
    "part": gettext_lazy("Complaints by part"),
    "category": gettext_lazy("Pareto by category"),
    "defect": gettext_lazy("Pareto by defect"),
    "trend": gettext_lazy("Trend: month over month and year over year"),
    "seasonality": gettext_lazy("Seasonality by calendar month"),
    "closure": gettext_lazy("Closure time"),
    "response": gettext_lazy("First response time"),
    "reopen": gettext_lazy("Reopen rate"),
    "backlog": gettext_lazy("Overdue backlog"),
}


@dataclass
class Drill:
    """A figure and the complaint list's parameters of the complaints behind it."""

    value: Any
    query: dict[str, Any] | None

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    numeric_from: int = 1  # columns from this index on are figures (right-aligned on the page)


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Drill) else value


def month_names() -> list[str]:
    return [_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"), _("Jul"), _("Aug"), _("Sep"), _("Oct"),
            _("Nov"), _("Dec")]


def _frequency(result: analyses.Frequency) -> list[Table]:
    figures = Table(_("Figures"), [_("Figure"), _("Value")], [
        [_("Complaints"), result.total], [_("Problems"), result.problems],
        [_("Recurring problems"), result.recurring_problems],
        [_("Complaints about recurring problems"), result.recurring_complaints],
        [_("Complaints about occasional problems"), result.occasional_complaints],
        [_("Recurring share (percent)"), result.recurring_percent]])
    rows = Table(_("Recurring problems"), [_("Customer"), _("Part"), _("Category"), _("Complaints"),
                                           _("Share (percent)")], numeric_from=3)
    rows.rows = [[Drill(r["customer"], r["query"]), r["part"], r["category"], Drill(r["count"], r["query"]),
                  r["share"]] for r in result.rows]
    return [figures, rows]


def _breakdown(result: analyses.Breakdown) -> list[Table]:
    table = Table(str(TITLES.get(result.by, result.by)), [
        _("Name"), _("Complaints"), _("Quantity defective (ours)"), _("Share (percent)"),
        _("Cumulative (percent)"), _("Vital few")])
    table.rows = [[Drill(r.label, r.query), Drill(r.count, r.query), r.defective, r.share, r.cumulative,
                   _("yes") if r.vital_few else "", *_per_company(result.companies, r.by_company)]
                  for r in result.rows]
    blanks = [None] * len(result.companies)
    if result.others is not None:
        o = result.others
        table.rows.append([o.label, o.count, o.defective, o.share, o.cumulative, "", *blanks])
    table.rows.append([_("Total"), result.total, result.defective, Decimal(100) if result.total else None, None, "",
                       *blanks])
    table.header += [label for _pk, label in result.companies]
    return [table]


def _per_company(companies: list[tuple[int, str]], by_company: dict[int, tuple[int, dict]]) -> list[Any]:
    """Group views (issue 17 §5): one column per company, each figure drilling down to that company's list."""
    cells = []
    for company_id, _label in companies:
        count, query = by_company.get(company_id, (0, None))
        cells.append(Drill(count, query) if count else 0)
    return cells


def _trend(result: list[analyses.TrendRow]) -> list[Table]:
    table = Table(_("Complaints per month"), [_("Month"), _("Complaints"), _("Month before"),
                                              _("Change month over month (percent)"), _("Same month a year before"),
                                              _("Change year over year (percent)"), _("Repeat complaints"),
                                              _("Repeat share (percent)")])
    table.rows = [[Drill(f"{r.month:%Y-%m}", r.query), Drill(r.count, r.query), r.previous_month,
                   r.month_over_month, r.year_before, r.year_over_year,
                   Drill(r.repeats, r.repeat_query) if r.repeats else 0, r.repeat_share] for r in result]
    return [table]


def _seasonality(result: analyses.Seasonality) -> list[Table]:
    table = Table(_("Complaints by calendar month"), [_("Year"), *month_names(), _("Total")])
    for year in result.years:
        counts, queries = result.counts[year], result.queries[year]
        table.rows.append([year, *[Drill(counts[m], queries[m] if m < len(queries) else None) for m in range(12)],
                           sum(counts)])
    table.rows.append([_("Mean per year"), *result.month_means, None])
    table.rows.append([_("Seasonal index"), *result.seasonal_index, None])
    return [table]


def _durations(d: analyses.Durations, unit: str) -> list[list[Any]]:
    return [[_("Counted"), d.counted], [_("Median (%(unit)s)") % {"unit": unit}, d.median],
            [_("P90 (%(unit)s)") % {"unit": unit}, d.p90], [_("Target"), d.target],
            [_("Within the target"), d.within_target], [_("Within the target (percent)"), d.within_target_percent],
            [_("Still waiting"), d.waiting]]


def _buckets(title: str, buckets: list[analyses.Bucket]) -> Table:
    table = Table(title, [_("Range"), _("Complaints")])
    table.rows = [[Drill(b.label, b.query), Drill(b.count, b.query)] for b in buckets]
    return table


def _closure(result: analyses.ClosureTimes) -> list[Table]:
    calendar, working = _durations(result.calendar_days, _("days")), _durations(result.working_days,
                                                                                 _("working days"))
    figures = Table(_("Received to closure"), [_("Figure"), _("Calendar days"), _("Working days")])
    figures.rows = [[c[0], c[1], w[1]] for c, w in zip(calendar, working, strict=True)]
    return [figures, _buckets(_("Closure time in calendar days"), result.calendar_days.buckets)]


def _response(result: analyses.Durations) -> list[Table]:
    figures = Table(_("Received to first response"), [_("Figure"), _("Hours")], _durations(result, _("hours")))
    return [figures, _buckets(_("First response in hours"), result.buckets)]


def _reopen(result: analyses.Reopenings) -> list[Table]:
    return [Table(_("Reopenings"), [_("Figure"), _("Value")], [
        [_("Closed complaints"), result.closed], [_("Reopened at least once"), Drill(result.reopened, result.query)],
        [_("Reopenings"), result.reopenings], [_("Reopen rate (percent)"), result.rate]])]


def _backlog(result: analyses.Backlog) -> list[Table]:
    total = Table(_("Overdue open complaints"), [_("Figure"), _("Complaints")],
                  [[_("Total"), Drill(result.total, result.query)]])
    status = Table(_("By status"), [_("Status"), _("Complaints")],
                   [[Drill(r["label"], r["query"]), Drill(r["count"], r["query"])] for r in result.by_status])
    department = Table(_("By department"), [_("Department"), _("Complaints"),
                                            *[label for _pk, label in result.companies]],
                       [[Drill(r["label"], r["query"]), Drill(r["count"], r["query"]),
                         *_per_company(result.companies, r.get("by_company", {}))] for r in result.by_department])
    age = Table(_("By days overdue"), [_("Days overdue"), _("Complaints")],
                [[r["label"], r["count"]] for r in result.by_age])
    return [total, status, department, age]


def tables(name: str, result: Any) -> list[Table]:
    """The tables of one analysis result (``name`` as in :data:`analyses.ANALYSES`)."""
    if name in ("customer", "part", "category", "defect"):
        return _breakdown(result)
    return {"frequency": _frequency, "trend": _trend, "seasonality": _seasonality, "closure": _closure,
            "response": _response, "reopen": _reopen, "backlog": _backlog}[name](result)


# -- Excel ------------------------------------------------------------------------------------------------------


def analyses_xlsx(scope: analyses.Scope, results: dict[str, Any], heading: list[list[Any]]) -> tuple[Any, str]:
    """Every analysis in ``results`` on its own sheet (the scope's description first), as an open file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for name, result in results.items():
        sheet = workbook.create_sheet("".join(ch for ch in str(TITLES[name]) if ch not in "[]:*?/\\")[:31])

        def append(values: list[Any], sheet=sheet) -> None:
            cells = []
            for value in values:
                value = sheet_value(plain(value))
                if isinstance(value, str) and value.startswith("="):  # text, never a live formula
                    cell = WriteOnlyCell(sheet, value)
                    cell.data_type = "s"
                    value = cell
                cells.append(value)
            sheet.append(cells)

        append([str(TITLES[name])])
        for line in heading:
            append(line)
        if name == "frequency":
            append([result.rule])
        for table in tables(name, result):
            append([])
            append([table.title])
            append(table.header)
            for row in table.rows:
                append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle, f"complaint-analyses-{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}.xlsx"
