"""Pages of the complaint analyses (issue 7 §2), the monthly complaint summary (§1) and the trend alerts (§3).

Thin views: the read permission, the filter form (which limits everything to the user's companies and
refuses another company with 403), one read from :mod:`kesu.reports.analyses`, :mod:`kesu.reports.summary`
or :mod:`kesu.reports.selectors`, then render. Every figure that stands for complaints links to the complaint
list filtered to exactly those complaints (the analyses' ``query``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kesu.claims.permissions import sees_claim_money
from kesu.core.importexport import rows_xlsx
from kesu.core.pages import xlsx_response
from kesu.core.paging import IdFirstPaginator

from .. import analyses, exports, permissions, selectors, summary
from ..charts import bar_chart_svg, line_chart_svg, pareto_chart_svg, partial_index
from ..choices import Dimension
from ..forms import AlertFilterForm, AnalysisForm, SummaryForm

SUMMARY_PAGE_SIZE = 50
ALERT_PAGE_SIZE = 50


def require_read(user) -> None:
    if not user.has_perm(permissions.READ_PERMISSION):
        raise PermissionDenied


def complaints_href(query: dict[str, Any] | None) -> str | None:
    """The complaint list filtered by an analysis row's ``query`` (None: nothing to drill into)."""
    if query is None:
        return None
    return f"{reverse('complaints:list')}?{urlencode(query)}"


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# -- analyses ---------------------------------------------------------------------------------------------------


def _chart(name: str, result: Any):
    """The section's chart: every bar and point links to its complaints."""
    title = str(exports.TITLES[name])
    if name in ("customer", "part"):
        return bar_chart_svg([(r.label, r.count, complaints_href(r.query)) for r in result.rows], title=title,
                             empty=_("No complaints."))
    if name in ("category", "defect"):
        return pareto_chart_svg([(r.label, r.count, r.cumulative, complaints_href(r.query), r.vital_few)
                                 for r in result.rows], title=title, cumulative_name=_("Cumulative"),
                                empty=_("No complaints."))
    if name == "frequency":
        return bar_chart_svg([(f"{r['customer']} · {r['part']} · {r['category']}", r["count"],
                               complaints_href(r["query"])) for r in result.rows], title=title,
                             empty=_("No recurring problem."))
    if name == "trend":
        return line_chart_svg([f"{r.month:%Y-%m}" for r in result],
                              [(_("Complaints"), [r.count for r in result]),
                               (_("A year before"), [r.year_before for r in result])],
                              title=title, hrefs=[complaints_href(r.query) for r in result],
                              partial=partial_index([r.month for r in result]), sort=True)
    if name == "seasonality":
        labels = exports.month_names()
        today = timezone.localdate()
        counts = {year: list(result.counts[year]) for year in result.years}
        running = None
        if result.years[-1] == today.year:
            # This year's months still to come are no data, not zero; this month is drawn as "to date".
            counts[today.year][today.month:] = [None] * (12 - today.month)
            running = today.month - 1
        return line_chart_svg(labels, [(str(year), counts[year]) for year in reversed(result.years)],
                              title=title, hrefs=[complaints_href(q) for q in result.queries[result.years[-1]]],
                              partial=running, partial_series=[0])
    if name == "closure":
        return bar_chart_svg([(b.label, b.count, complaints_href(b.query)) for b in result.calendar_days.buckets],
                             title=title, horizontal=False)
    if name == "response":
        return bar_chart_svg([(b.label, b.count, complaints_href(b.query)) for b in result.buckets], title=title,
                             horizontal=False)
    if name == "backlog":
        return bar_chart_svg([(r["label"], r["count"], complaints_href(r["query"])) for r in result.by_status],
                             title=title, empty=_("Nothing is overdue."))
    return None


def _figure(value: Any) -> Any:
    """A figure with thousands separators (issue 17 §9): 12345 → "12,345"; text and small floats unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return f"{value:,}"
    if isinstance(value, float) and abs(value) >= 1000:
        return f"{value:,.1f}"
    return value


def _linked(table: exports.Table) -> dict[str, Any]:
    """A table for the template: each cell as (value, href or None, is a figure)."""
    rows = []
    for row in table.rows:
        rows.append([(_figure(exports.plain(cell)) if index >= table.numeric_from else exports.plain(cell),
                      complaints_href(cell.query) if isinstance(cell, exports.Drill) else None,
                      index >= table.numeric_from) for index, cell in enumerate(row)])
    return {"title": table.title, "header": table.header, "rows": rows, "numeric_from": table.numeric_from}


def _section(name: str, result: Any) -> dict[str, Any]:
    note = ""
    if name == "frequency":
        note = result.rule
    elif name in ("category", "defect"):
        note = _("The vital few (marked) are the rows that make up the first 80 percent of the complaints.")
    elif name == "seasonality":
        note = _("Seasonal index: the calendar month's mean over the years divided by the mean of all months, "
                 "times 100 (100 is an ordinary month).")
    elif name == "closure":
        note = _("Received to final closure of the complaints received in the period; working days count the "
                 "company's working days after the day of receipt up to the day of closure.")
    elif name == "response":
        note = _("Received to the first response to the customer by a person, in whole hours.")
    elif name == "reopen":
        note = _("Closed complaints reopened at least once divided by closed complaints, times 100.")
    elif name == "backlog":
        note = _("Open complaints with a deadline past due now, whenever they were received.")
    return {"name": name, "title": exports.TITLES[name], "note": note, "chart": _chart(name, result),
            "tables": [_linked(t) for t in exports.tables(name, result)]}


def _only(request: HttpRequest) -> list[str]:
    only = request.GET.get("only", "")
    return [only] if only in analyses.ANALYSES else list(analyses.ANALYSES)


def _heading(form: AnalysisForm, scope: analyses.Scope) -> list[list[Any]]:
    """What the analyses cover, as lines for the Excel sheets."""
    companies = [c for c in form.companies if c.pk in scope.company_ids]
    lines = [[_("Companies"), ", ".join(f"{c.code} {c}" for c in companies)],
             [_("Period"), scope.date_from, scope.date_to]]
    data = form.cleaned_data
    for name in ("customer_code", "part_no", "category", "responsibility"):
        if data.get(name):
            lines.append([str(form.fields[name].label), form.data.get(name)])
    return lines


@login_required
def analyses_page(request: HttpRequest) -> HttpResponse:
    require_read(request.user)
    form = AnalysisForm(request.GET, user=request.user)
    sections, scope = [], None
    if form.is_valid():
        scope = form.scope()
        results = analyses.run_many(scope, _only(request))
        sections = [_section(name, result) for name, result in results.items()]
    return render(request, "reports/analyses.html", {
        "form": form, "scope": scope, "sections": sections, "names": analyses.ANALYSES,
        "titles": exports.TITLES, "only": request.GET.get("only", ""),
        "query": _query_without(request, "only"), "export_query": request.GET.urlencode(),
    })


@login_required
def analyses_xlsx(request: HttpRequest) -> HttpResponse:
    require_read(request.user)
    form = AnalysisForm(request.GET, user=request.user)
    if not form.is_valid():
        return analyses_page(request)
    scope = form.scope()
    results = analyses.run_many(scope, _only(request), {name: {"limit": None} for name in (
        "frequency", "customer", "part", "category", "defect")})
    return xlsx_response(exports.analyses_xlsx(scope, results, _heading(form, scope)))


# -- the monthly complaint summary ---------------------------------------------------------------------------------


def _summary_form(request: HttpRequest) -> SummaryForm:
    require_read(request.user)
    return SummaryForm(request.GET, user=request.user)


@login_required
def summary_page(request: HttpRequest) -> HttpResponse:
    form = _summary_form(request)
    context: dict[str, Any] = {"form": form, "title_zh": summary.TITLE_ZH}
    if form.is_valid():
        company, month = form.chosen_company, form.cleaned_data["month"]
        page = IdFirstPaginator(summary.month_complaints(company, month), SUMMARY_PAGE_SIZE).get_page(
            request.GET.get("page"))
        start, end = month.replace(day=1), analyses.month_end(month)
        context.update({
            "company": company, "month": month, "page": page,
            "rows": summary.summary_rows(company, page.object_list, show_money=sees_claim_money(request.user)),
            "totals": summary.summary_totals(company, month),
            "query": urlencode({"company": company.pk, "month": f"{month:%Y-%m}"}),
            "all_href": complaints_href({"company": company.pk, "received_from": start.isoformat(),
                                         "received_to": end.isoformat()}),
            "offset": (page.number - 1) * SUMMARY_PAGE_SIZE,
        })
    return render(request, "reports/summary.html", context)


@login_required
def summary_xlsx(request: HttpRequest) -> HttpResponse:
    form = _summary_form(request)
    if not form.is_valid():
        return summary_page(request)
    return xlsx_response(summary.summary_xlsx(form.chosen_company, form.cleaned_data["month"],
                                              show_money=sees_claim_money(request.user)))


@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    form = _summary_form(request)
    if not form.is_valid():
        return summary_page(request)
    company, month = form.chosen_company, form.cleaned_data["month"]
    response = HttpResponse(summary.summary_pdf(company, month, show_money=sees_claim_money(request.user)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="complaint-summary-{company.code}-{month:%Y-%m}.pdf"'
    return response


# -- trend alerts ---------------------------------------------------------------------------------------------------


def alert_complaints_query(alert) -> dict[str, Any]:
    """The complaint list's parameters for the complaints behind an alert: its record in its month."""
    return {"company": alert.company_id, Dimension(alert.dimension).value: alert.object_id,
            "received_from": alert.month.isoformat(), "received_to": analyses.month_end(alert.month).isoformat(),
            "counted": "true"}


def alert_rule_text() -> str:
    """The statistical rule (kesu/reports/services/alerts.py) in the reader's language."""
    return _("c-chart on monthly complaint counts, per customer, part and category, each against its own "
             "history: the mean c̄ is the complaints per month over the months before (months without "
             "complaints count as 0); the upper control limit is c̄ + 3·√c̄ (a Poisson count's three-sigma "
             "limit); a month is abnormal when its count is above the limit and at least the company's "
             "minimum. Each record raises at most one request for a rectification plan per month.")


def alerts_filtered(request: HttpRequest):
    require_read(request.user)
    form = AlertFilterForm(request.GET, user=request.user)
    return form, form.filter(selectors.alerts_visible_to(request.user))


ALERT_COLUMNS = [
    (lambda: _("Month"), lambda a: f"{a.month:%Y-%m}"), (lambda: _("Company"), lambda a: a.company.code),
    (lambda: _("Watched"), lambda a: a.get_dimension_display()), (lambda: _("Name"), lambda a: a.label),
    (lambda: _("Complaints in the month"), lambda a: a.count), (lambda: _("Monthly mean"), lambda a: a.mean),
    (lambda: _("Upper control limit"), lambda a: a.upper_limit),
    (lambda: _("Months of history"), lambda a: a.history_months),
    (lambda: _("Responsible department"), lambda a: str(a.department) if a.department_id else ""),
    (lambda: _("Corrective action"), lambda a: a.action.number if a.action_id else ""),
    (lambda: _("Raised at"), lambda a: a.raised_at),
]


@login_required
def alerts_page(request: HttpRequest) -> HttpResponse:
    form, qs = alerts_filtered(request)
    page = Paginator(qs, ALERT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(alert, complaints_href(alert_complaints_query(alert))) for alert in page.object_list]
    return render(request, "reports/alerts.html", {
        "form": form, "page": page, "rows": rows, "rule": alert_rule_text(),
        "export_query": _query_without(request, "page"),
    })


@login_required
def alerts_xlsx(request: HttpRequest) -> HttpResponse:
    _form, qs = alerts_filtered(request)
    columns = [(label(), get) for label, get in ALERT_COLUMNS]
    return xlsx_response(rows_xlsx(qs.iterator(chunk_size=2000), columns, _("Trend alerts"), "trend-alerts"))


urlpatterns = [
    path("analyses/", analyses_page, name="analyses"),
    path("analyses/export.xlsx", analyses_xlsx, name="analyses_xlsx"),
    path("summary/", summary_page, name="summary"),
    path("summary/export.xlsx", summary_xlsx, name="summary_xlsx"),
    path("summary/summary.pdf", summary_pdf, name="summary_pdf"),
    path("alerts/", alerts_page, name="alerts"),
    path("alerts/export.xlsx", alerts_xlsx, name="alerts_xlsx"),
]
