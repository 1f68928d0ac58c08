"""The departments' monthly reports as pages (seed 001 §5.1.2; issue 7 §5): the list with its Excel export,
a report with its figures, text, history and next steps, the printable report, and the writes (draft by hand,
edit the text, submit / approve / return) — each a thin view over :mod:`kesu.reports.services.department`.

Every page needs the reports read permission and shows only reports of the user's visible companies (another
company's report is "not found"). :func:`figure_tables` turns a report's stored figures into the tables the
page, the PDF and the Excel export show, labelled in the reader's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.accounts.models import Company
from kesu.core.filters_base import ScopedFilterSet, apply_filters
from kesu.core.importexport import field_column, rows_xlsx
from kesu.core.pages import error_messages, xlsx_response
from kesu.core.panels import next_step, page_step, refused_forms, show_refused, table_actions

from .. import permissions, selectors
from ..choices import ReportKind, ReportStatus
from ..models import DepartmentReport
from ..services import department as services
from ..workflow import INPUT_LABELS, available, table_for, writers_of

PAGE_SIZE = 50
# The paper forms' names (seed 001 §5.1.2); printed in Chinese, with the reader's language beneath.
TITLE_ZH = {ReportKind.MARKETING: "营销管理分析报告", ReportKind.AFTER_SALES: "售后反馈分析报告"}


def _require(user) -> None:
    if not user.has_perm(permissions.READ_PERMISSION):
        raise PermissionDenied


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


# -- the list's filter (shared with the API) ------------------------------------------------------------------


class DepartmentReportFilter(ScopedFilterSet):
    company = django_filters.ModelChoiceFilter(queryset=Company.objects.all(), label=gettext_lazy("company"))
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=gettext_lazy("report"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=gettext_lazy("status"))
    month = django_filters.CharFilter(method="filter_month", label=gettext_lazy("month"),
                                      widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}))

    class Meta:
        model = DepartmentReport
        fields = ["company", "kind", "status", "month"]

    def filter_month(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        try:
            return queryset.filter(month=services.parse_month(value))
        except ValidationError:
            return queryset.none()


def department_reports_filtered(user, params) -> tuple[QuerySet, DepartmentReportFilter]:
    """The user's reports narrowed by the list's filters, newest month first."""
    return apply_filters(DepartmentReportFilter, selectors.department_reports_visible_to(user), user, params,
                         "-month", "kind", "company__code", "pk")


# -- figures as tables -----------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: Any
    href: str = ""


@dataclass
class FigureTable:
    """One block of a report's figures: label / value facts, or a list with a header."""

    title: str
    facts: list[tuple[str, Cell]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = ""


def _n(value: Any) -> str:
    return _("n/a") if value is None else str(value)


def _pct(value: Any) -> str:
    return _("n/a") if value is None else f"{value} %"


def _complaints_href(query: dict[str, Any] | None) -> str:
    return f"{reverse('complaints:list')}?{urlencode(query)}" if query else ""


def _marketing_tables(f: dict[str, Any]) -> list[FigureTable]:
    contracts = f.get("contracts", {})
    from kesu.customers.choices import ContractKind

    tables = [
        FigureTable(_("Contracts signed in the month"), facts=[
            (_("Contracts signed"), Cell(contracts.get("count", 0))),
            (_("Same month last year"), Cell(contracts.get("count_last_year", 0))),
            (_("Cancelled since signing"), Cell(contracts.get("cancelled", 0))),
            (_("Contract lines without a price"), Cell(contracts.get("unpriced_lines", 0))),
        ]),
        FigureTable(_("Contract amounts by currency"),
                    header=[_("Currency"), _("Contracts"), _("Amount"), _("Contracts a year before"),
                            _("Amount a year before")],
                    rows=[[Cell(r["currency"]), Cell(r["count"]), Cell(r["amount"]), Cell(r["count_last_year"]),
                           Cell(r["amount_last_year"])] for r in contracts.get("by_currency", [])],
                    empty=_("No contracts signed.")),
        FigureTable(_("Contracts by kind"), header=[_("Kind"), _("Contracts")],
                    rows=[[Cell(ContractKind(r["kind"]).label if r["kind"] in ContractKind.values else r["kind"]),
                           Cell(r["count"])] for r in contracts.get("by_kind", [])],
                    empty=_("No contracts signed.")),
    ]
    mix = f.get("product_mix", {})
    rows = [[Cell(r["part"]), Cell(r["quantity"]), Cell(r["lines"]), Cell(_pct(r["share"]))]
            for r in mix.get("rows", [])]
    if mix.get("others"):
        others = mix["others"]
        rows.append([Cell(_("All others (%(n)s parts)") % {"n": others["parts"]}), Cell(others["quantity"]),
                     Cell(others["lines"]), Cell(_pct(others["share"]))])
    if rows:
        rows.append([Cell(_("Total")), Cell(mix.get("total_quantity", 0)), Cell(""), Cell("")])
    tables.append(FigureTable(_("Product mix (quantity shipped by part)"),
                              header=[_("Part"), _("Quantity"), _("Shipment lines"), _("Share")], rows=rows,
                              empty=_("Nothing shipped.")))
    delivery = f.get("delivery", {})
    tables.append(FigureTable(_("Delivery"), facts=[
        (_("Quantity shipped"), Cell(delivery.get("shipped_quantity", 0))),
        (_("Shipment lines"), Cell(delivery.get("shipment_lines", 0))),
        (_("Lines due in the month"), Cell(delivery.get("lines_due", 0))),
        (_("Lines delivered on time"), Cell(delivery.get("lines_on_time", 0))),
        (_("On-time delivery"), Cell(_pct(delivery.get("on_time_percent")))),
    ]))
    freight = f.get("extra_freight", {})
    complaints = f.get("complaints", {})
    tables.append(FigureTable(_("Extra freight and complaints"), facts=[
        (_("Shipments with extra freight"), Cell(freight.get("lines", 0))),
        (_("Extra freight cost"), Cell("; ".join(f"{c['currency']} {c['amount']}" for c in freight.get("cost", []))
                                       or "0")),
        (_("Complaints received"), Cell(complaints.get("received", 0), _complaints_href(complaints.get("query")))),
    ]))
    return tables


def _problem_table(title: str, column: str, block: dict[str, Any]) -> FigureTable:
    rows = [[Cell(r["label"] or _("(not stated)"), _complaints_href(r.get("query"))), Cell(r["count"]),
             Cell(_pct(r["share"]))] for r in block.get("rows", [])]
    if block.get("others"):
        rows.append([Cell(_("All others")), Cell(block["others"]["count"]), Cell(_pct(block["others"]["share"]))])
    return FigureTable(title, header=[column, _("Complaints"), _("Share")], rows=rows, empty=_("No complaints."))


def _repair_facts(repair: dict[str, Any], fix: dict[str, Any]) -> list[tuple[Any, Cell]]:
    """The service-job figures (issue 21 §4); reports frozen before them keep their complaint-based proxies."""
    if "units_delivered" not in repair:
        return [(_("Complaints with a repair or on-site repair"),
                 Cell(f"{repair.get('repaired', 0)} / {repair.get('complaints', 0)}")),
                (_("Repair rate"), Cell(_pct(repair.get("rate_percent")))),
                (_("Closed complaints never reopened"),
                 Cell(f"{fix.get('never_reopened', 0)} / {fix.get('closed', 0)}")),
                (_("First-time fix rate"), Cell(_pct(fix.get("rate_percent"))))]
    return [(_("Units repaired / units delivered in the month"),
             Cell(f"{repair.get('units_repaired', 0)} / {repair.get('units_delivered', 0)}")),
            (_("Repair rate (base: units delivered in the period)"), Cell(_pct(repair.get("rate_percent")))),
            (_("Service jobs fixed at the first visit / service jobs"),
             Cell(f"{fix.get('fixed_first_time', 0)} / {fix.get('jobs', 0)}")),
            (_("First-time fix rate"), Cell(_pct(fix.get("rate_percent"))))]


def _after_sales_tables(f: dict[str, Any]) -> list[FigureTable]:
    complaints, repair, fix = f.get("complaints", {}), f.get("repair", {}), f.get("first_time_fix", {})
    actions = f.get("actions", {})
    return [
        FigureTable(_("Complaints"), facts=[
            (_("Complaints received"), Cell(complaints.get("received", 0), _complaints_href(complaints.get("query")))),
            (_("Complaints closed"), Cell(complaints.get("closed", 0))),
        ]),
        FigureTable(_("Repair and first-time fix"), facts=[
            *_repair_facts(repair, fix),
        ]),
        _problem_table(_("Quality problems: top categories"), _("Category"), f.get("categories", {})),
        _problem_table(_("Quality problems: top defects"), _("Defect"), f.get("defects", {})),
        FigureTable(_("Corrective actions at the end of the month"), facts=[
            (_("Open corrective actions"), Cell(_n(actions.get("open")))),
            (_("Overdue corrective actions"), Cell(_n(actions.get("overdue")))),
        ]),
    ]


def figure_tables(report: DepartmentReport) -> list[FigureTable]:
    """The report's stored figures as labelled tables (page, PDF)."""
    figures = report.figures or {}
    if report.kind == ReportKind.MARKETING:
        return _marketing_tables(figures)
    return _after_sales_tables(figures)


# -- forms ----------------------------------------------------------------------------------------------------


class ReportTextForm(forms.Form):
    analysis = forms.CharField(label=gettext_lazy("analysis"), required=False, max_length=20000,
                               widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}))
    proposals = forms.CharField(label=gettext_lazy("improvement proposals"), required=False, max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))


class DraftForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=gettext_lazy("company"),
                                     widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    kind = forms.ChoiceField(choices=(), label=gettext_lazy("report"),
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    month = forms.CharField(label=gettext_lazy("month"), max_length=10,
                            widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm",
                                                          "placeholder": "YYYY-MM"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Company.objects.all() if user.is_superuser else Company.objects.filter(
            pk__in=user.visible_company_ids())
        self.fields["company"].queryset = visible.order_by("code")
        self.fields["kind"].choices = [(k.value, k.label) for k in writable_kinds(user)]


def writable_kinds(user) -> list[ReportKind]:
    """The kinds of report the user writes (none for readers and approvers)."""
    return [kind for kind in ReportKind if user.is_superuser or user.has_role(*writers_of(kind))]


# -- pages ----------------------------------------------------------------------------------------------------


def _list_columns() -> list[tuple[Any, Any]]:
    def figure(*keys: str):
        def get(report: DepartmentReport) -> Any:
            value: Any = report.figures or {}
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            return value
        return get

    return [
        (_("company"), lambda r: r.company.code), field_column(DepartmentReport, "kind"),
        (_("month"), lambda r: f"{r.month:%Y-%m}"), field_column(DepartmentReport, "department"),
        field_column(DepartmentReport, "status"), field_column(DepartmentReport, "due_on"),
        field_column(DepartmentReport, "submitted_by"), field_column(DepartmentReport, "submitted_at"),
        field_column(DepartmentReport, "approved_by"), field_column(DepartmentReport, "approved_at"),
        (_("Complaints received"), figure("complaints", "received")),
        (_("Contracts signed"), figure("contracts", "count")),
        (_("On-time delivery (percent)"), figure("delivery", "on_time_percent")),
        (_("Repair rate (percent)"), figure("repair", "rate_percent")),
        (_("First-time fix rate (percent)"), figure("first_time_fix", "rate_percent")),
        field_column(DepartmentReport, "analysis"), field_column(DepartmentReport, "proposals"),
    ]


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    qs, filterset = department_reports_filtered(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = writable_kinds(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/department_list.html", {
        "filterset": filterset, "page": page, "today": timezone.localdate(), "export_query": query.urlencode(),
        "draft_form": DraftForm(user=request.user, initial={"month": _last_month()}) if kinds else None,
    })


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


@login_required
def department_list_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    qs = department_reports_filtered(request.user, request.GET)[0]
    return xlsx_response(rows_xlsx(qs.iterator(chunk_size=500), _list_columns(),
                                   _("Departmental monthly reports"), "department-reports"))


class _StepForm(forms.Form):
    def inputs(self) -> dict[str, str]:
        """What was filled in (a step's optional inputs left empty are not passed on)."""
        return {name: value.strip() for name, value in self.cleaned_data.items() if (value or "").strip()}


def _step_form(row, data=None) -> forms.Form:
    """The inputs of one step as a form (plain field names: the transition view reads them so)."""
    fields = {name: forms.CharField(label=INPUT_LABELS.get(name, name), required=name in row.required,
                                    widget=forms.Textarea(attrs={"rows": 2}))
              for name in (*row.required, *row.optional)}
    return type("StepForm", (_StepForm,), fields)(data, auto_id=f"id_{row.name}_%s")


def _report_approval(report, first) -> tuple[str, list[tuple[object, object]]]:
    """The report being approved beside the approval (issue 16 §5)."""
    if not any(step.name == "approve" for step in first):
        return "", []
    return _("The report to approve"), [
        (_("Analysis"), report.analysis), (_("Improvement proposals"), report.proposals),
        (_("Submitted by"), report.submitted_by),
    ]


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    report = selectors.department_report_get_for_user(request.user, pk)
    editable = services.may_write(request.user, report)
    offered, refused = table_for(report).offer(report, request.user)
    bound = refused_forms(request)  # a refused step or text comes back as it was typed (issue 17 §2)
    steps = table_actions(offered, lambda row: reverse("reports:department_transition", args=[report.pk, row.name]),
                          form=_step_form, version=report.version, bound=bound)
    return render(request, "reports/department_detail.html", {
        "report": report, "tables": figure_tables(report),
        "next_step": next_step(report, request.user, steps, refused=refused,
                               fulfils={"approve": ("approve", "return")},
                               approval=lambda first: _report_approval(report, first)),
        "changes": list(report.changes.select_related("actor")),
        "form": (bound.get("edit-form") or ReportTextForm(initial={"analysis": report.analysis,
                                                                   "proposals": report.proposals}))
        if editable else None,
        "editable": editable, "title_zh": TITLE_ZH[ReportKind(report.kind)],
        "overdue": report.status in services.EDITABLE and report.due_on < timezone.localdate(),
    })


@login_required
@require_POST
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    report = selectors.department_report_get_for_user(request.user, pk)
    form = ReportTextForm(request.POST)
    refused = partial(show_refused, request, department_detail, pk, form_id="edit-form", form=form)
    if not form.is_valid():
        return refused()
    try:
        services.department_report_update(actor=request.user, report=report, data=form.cleaned_data,
                                          expected_version=_version(request))
    except ValidationError as error:
        if "version" in getattr(error, "error_dict", {}):  # what was written stays on the page: say so
            error = ValidationError(_("Someone else saved this report meanwhile. What you wrote is kept below: save "
                                      "again to replace their text with yours, or copy it and reload the page to "
                                      "see theirs."))
        return refused(error=error)
    messages.success(request, _("Saved."))
    return redirect("reports:department_detail", pk)


@login_required
@require_POST
def department_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require(request.user)
    report = selectors.department_report_get_for_user(request.user, pk)
    row = next((r for r in available(report, request.user) if r.name == action), None)

    def run(*, actor, name, expected_version, **inputs):
        return services.department_report_transition(actor=actor, report=report, action=name, inputs=inputs,
                                                      expected_version=expected_version)

    def done():
        status = DepartmentReport.objects.get(pk=report.pk).get_status_display()
        return _("Done: %(step)s. The report is now “%(status)s”.") % {
            "step": row.label if row else action, "status": status}

    return page_step(request, report, name=action, form=_step_form(row, request.POST) if row else None, run=run,
                     done=done, page=department_detail, form_id=f"transition-{action}",
                     back=reverse("reports:department_detail", args=[report.pk]))


@login_required
@require_POST
def department_draft(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    if not writable_kinds(request.user):
        raise PermissionDenied
    form = DraftForm(request.POST, user=request.user)
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}")
        return redirect("reports:department_list")
    data = form.cleaned_data
    try:
        report = services.department_report_draft(company=data["company"], kind=data["kind"], month=data["month"],
                                                  actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("reports:department_list")
    if report.status in services.EDITABLE:
        messages.success(request, _("The figures were drafted from the records."))
    else:
        messages.info(request, _("The report is already “%(status)s”: its figures stay as submitted.") % {
            "status": report.get_status_display()})
    return redirect("reports:department_detail", report.pk)


@login_required
def department_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    report = selectors.department_report_get_for_user(request.user, pk)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="department-report-{report.kind}-'
                                       f'{report.month:%Y-%m}.pdf"')
    return response


# -- the printable report -----------------------------------------------------------------------------------


def _when(report: DepartmentReport, value: datetime.datetime | None) -> str:
    return timezone.localtime(value, report.company.tz).strftime("%Y-%m-%d %H:%M") if value else ""


def report_pdf(report: DepartmentReport) -> bytes:
    """The report as the department hands it in: title, figures, analysis, proposals, approval and signatures."""
    from kesu.core.printing import PrintForm

    kind = ReportKind(report.kind)
    form = PrintForm(company=report.company, title_zh=f"{report.month.year}年{report.month.month}月{TITLE_ZH[kind]}",
                     title=_("%(report)s, %(month)s") % {"report": kind.label, "month": f"{report.month:%Y-%m}"})
    form.grid([
        (_("company"), report.company.name), (_("department"), report.department or ""),
        (_("month"), f"{report.month:%Y-%m}"), (_("due on"), report.due_on.isoformat()),
        (_("status"), report.get_status_display()), (_("figures drafted at"), _when(report, report.drafted_at)),
    ])
    for table in figure_tables(report):
        form.heading(table.title)
        form.story[-1].keepWithNext = True
        if table.facts:
            form.grid([(label, cell.text) for label, cell in table.facts])
        else:
            form.table(table.header, [[cell.text for cell in row] for row in table.rows], empty=table.empty)
    form.heading(_("Analysis"))
    form.paragraph(report.analysis or "—")
    form.heading(_("Improvement proposals"))
    form.paragraph(report.proposals or "—")
    if report.return_reason:
        form.heading(_("Reason for returning"))
        form.paragraph(report.return_reason)
    form.space()
    form.grid([
        (_("submitted by"), report.submitted_by or ""), (_("submitted at"), _when(report, report.submitted_at)),
        (_("approved by"), report.approved_by or ""), (_("approved at"), _when(report, report.approved_at)),
    ])
    form.sign_off([_("Prepared by"), _("Head of department"), _("General manager")])
    return form.render()


urlpatterns = [
    path("department/", department_list, name="department_list"),
    path("department/export.xlsx", department_list_xlsx, name="department_list_xlsx"),
    path("department/draft/", department_draft, name="department_draft"),
    path("department/<int:pk>/", department_detail, name="department_detail"),
    path("department/<int:pk>/edit/", department_edit, name="department_edit"),
    path("department/<int:pk>/pdf/", department_pdf, name="department_pdf"),
    path("department/<int:pk>/<slug:action>/", department_transition, name="department_transition"),
]
