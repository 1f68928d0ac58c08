"""The yearly satisfaction analysis report as a page, a PDF and an Excel workbook (issue 6 §6).

Thin views: permission, the year and company from the query string, :func:`report.yearly_report` (which
limits the data to the user's visible companies and refuses a company outside them), then render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from kesu.core.pages import xlsx_response

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
