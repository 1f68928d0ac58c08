"""The yearly satisfaction analysis report as a page, a PDF and an Excel workbook (issue 6 §6).

Thin views: permission, the year and company from the query string, :func:`report.yearly_report` (which
limits the data to the user's visible companies and refuses a company outside them), then render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.core.pages import error_messages, xlsx_response

from . import report

FIRST_YEAR = 2000


def _require(user) -> None:
    if not user.has_perm("surveys.view_campaign"):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    """``?year=2026``; anything missing or absurd falls back to the current year rather than failing."""
    current = timezone.localdate().year
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= current + 1:
        return int(value)
    return current


def _company_id(request: HttpRequest) -> int | None:
    value = request.GET.get("company", "")
    return int(value) if value.isdigit() else None


def _data(request: HttpRequest) -> report.Report:
    _require(request.user)
    return report.yearly_report(request.user, _year(request), _company_id(request))


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    data = _data(request)
    query = {"year": data["year"]}
    if data["company_id"]:
        query["company"] = data["company_id"]
    current = timezone.localdate().year
    return render(request, "surveys/report.html", {
        "data": data, "charts": report.charts(data), "query": urlencode(query),
        "years": range(current + 1, FIRST_YEAR - 1, -1)[:15],
        "several_templates": len(data["templates"]) > 1})


@login_required
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    data = _data(request)
    response = HttpResponse(report.report_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-report-{data["year"]}.pdf"'
    return response


@login_required
def report_xlsx_view(request: HttpRequest) -> HttpResponse:
    return xlsx_response(report.report_xlsx(_data(request)))


# -- the report as a record: approval, countersignatures, distribution (seed 000 §4.3.3.3) -------------------


def _record(request: HttpRequest, pk: int):
    from django.shortcuts import get_object_or_404

    from .models import SatisfactionReport

    _require(request.user)
    return get_object_or_404(SatisfactionReport.objects.visible_to(request.user).select_related(
        "company", "written_by", "approved_by", "engineering_signed_by", "qa_signed_by", "engineering_department",
        "qa_department"), pk=pk)


@login_required
@require_POST
def report_record_open(request: HttpRequest) -> HttpResponse:
    """The year's report record (created as a draft by sales the first time)."""
    from django.core.exceptions import ValidationError

    from . import services

    _require(request.user)
    if request.user.company is None:
        raise PermissionDenied
    try:
        record = services.report_draft(actor=request.user, company=request.user.company, year=_year(request))
    except ValidationError as error:
        error_messages(request, error)
        return redirect(reverse("surveys:report") + f"?year={_year(request)}")
    return redirect("surveys:yearly_report", record.pk)


@login_required
def report_record(request: HttpRequest, pk: int) -> HttpResponse:
    from kesu.core.panels import next_step, table_actions
    from kesu.core.selectors import audit_entries_for

    from .forms import SatisfactionReportForm
    from .permissions import REPORT_WRITERS
    from .workflow import REPORT_TABLE

    record = _record(request, pk)
    user = request.user
    offered, refused = REPORT_TABLE.offer(record, user)
    steps = table_actions(offered, lambda row: reverse("surveys:yearly_report_step", args=[record.pk, row.name]),
                          form=lambda row: SatisfactionReportForm() if row.name == "return" else None,
                          version=record.version)
    receipts = list(record.receipts.select_related("department", "confirmed_by"))
    return render(request, "surveys/report_record.html", {
        "record": record, "next_step": next_step(record, user, steps, refused=refused),
        "receipts": receipts, "figures_query": urlencode({"year": record.year, "company": record.company_id}),
        "can_write": record.status == "draft" and user.has_role(*REPORT_WRITERS),
        "form": SatisfactionReportForm(initial={"conclusions": record.conclusions}),
        "changes": list(record.changes.select_related("actor")),
        "audit_entries": audit_entries_for(record)})


@login_required
@require_POST
def report_record_update(request: HttpRequest, pk: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from . import services
    from .forms import SatisfactionReportForm

    record = _record(request, pk)
    form = SatisfactionReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_update(actor=request.user, report=record, conclusions=form.cleaned_data["conclusions"])
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Saved."))
    return redirect("surveys:yearly_report", pk)


@login_required
@require_POST
def report_record_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    from kesu.core.services import TransitionRefused

    from . import services
    from .workflow import REPORT_TABLE

    record = _record(request, pk)
    if step not in REPORT_TABLE.names:
        raise Http404
    inputs = {k: request.POST[k].strip() for k in ("note", "reason") if request.POST.get(k, "").strip()}
    try:
        services.report_transition(actor=request.user, report=record, name=step, **inputs)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Done."))
    return redirect("surveys:yearly_report", pk)


@login_required
@require_POST
def report_receipt_confirm(request: HttpRequest, pk: int, receipt_pk: int) -> HttpResponse:
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404

    from . import services

    record = _record(request, pk)
    receipt = get_object_or_404(record.receipts.select_related("department"), pk=receipt_pk)
    try:
        services.report_receipt_confirm(actor=request.user, receipt=receipt)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Receipt confirmed."))
    return redirect("surveys:yearly_report", pk)
