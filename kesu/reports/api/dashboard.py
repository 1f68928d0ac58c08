"""REST endpoints of the KPI dashboard, its targets, the analysis settings and the management review pack
(mounted under /api/v1/reports/).

The same selectors, services and permissions as the pages: every endpoint needs the reports read permission
and reads only the user's visible companies (another company answers 404); targets and settings are written
by the TARGETS roles only (403 otherwise); amounts (claims, quality cost) only reach users with the money
permission. Numbers travel as decimal strings, never floats; unknown keys are refused.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from kesu.api.types import Id, SmallCount, Year
from kesu.core.dbrouter import reporting
from kesu.core.importexport import ImportError_

from .. import analyses, kpis, permissions, review
from ..choices import Kpi
from ..forms import visible_companies
from ..models import KpiTarget
from ..selectors import report_settings_for
from ..services.targets import (
    SETTINGS_FIELDS,
    kpi_target_delete,
    kpi_target_set,
    kpi_targets_import,
    report_settings_update,
)
from ..views.dashboard import LONGEST_REVIEW_DAYS, company_from, year_from

router = Router()


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user) -> None:
    if not user.has_perm(permissions.READ_PERMISSION):
        raise PermissionDenied


def _company(user, company_id: Id | None):
    _require(user)
    return company_from(str(company_id) if company_id is not None else None, user, visible_companies(user))


# -- dashboard ---------------------------------------------------------------------------------------------------


@router.get("/dashboard", response=dict, operation_id="kpi_dashboard",
            summary="The KPI dashboard of a company and year: year to date, target, met, last year, monthly trend")
def dashboard(request, company: Id | None = None, year: Year | None = None):
    obj = _company(request.user, company)
    year = year_from(str(year) if year is not None else None)
    money = request.user.has_perm(permissions.MONEY_PERMISSION)
    with reporting():  # from the replica when there is one (issue 24 §3)
        rows = kpis.dashboard(obj, year, money=money)
    return {"company_id": obj.pk, "year": year, "amounts_hidden": not money, "rows": [
        {"kpi": r.kpi, "label": r.label, "value": r.value, "target": r.target, "target_to_date": r.target_to_date, "met": r.met,
         "last_year": r.last_year, "trend": [{"month": m, "value": v} for m, v in r.trend]} for r in rows]}


# -- targets -----------------------------------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    company_id: Id
    year: Year
    kpi: str
    label: str
    target: Decimal
    note: str


class TargetIn(_Strict):
    company_id: Id
    year: Year
    kpi: Kpi
    # The target column: 16 digits, 2 after the point (issue 15: a huge target was a 500).
    target: Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
    note: str = ""


def _target_out(row: KpiTarget) -> dict[str, Any]:
    return {"id": row.pk, "company_id": row.company_id, "year": row.year, "kpi": row.kpi,
            "label": str(row.get_kpi_display()), "target": row.target, "note": row.note}


@router.get("/targets", response=list[TargetOut], operation_id="list_kpi_targets",
            summary="The targets of a company (optionally of one year)")
def list_targets(request, company: Id | None = None, year: Year | None = None):
    obj = _company(request.user, company)
    qs = KpiTarget.objects.filter(company=obj)
    if year is not None:
        qs = qs.filter(year=year)
    return [_target_out(row) for row in qs.order_by("-year", "kpi")]


@router.put("/targets", response=TargetOut, operation_id="set_kpi_target",
            summary="Set (create or change) a company's target for an indicator in a year")
def set_target(request, payload: TargetIn):
    obj = _company(request.user, payload.company_id)
    row = kpi_target_set(actor=request.user, company=obj, year=payload.year, kpi=payload.kpi.value,
                         target=payload.target, note=payload.note, source="api")
    return _target_out(row)


@router.post("/targets/import", response=dict, operation_id="import_kpi_targets",
             summary="Set targets from an .xlsx (company code, year, indicator, target, note); all or nothing")
def import_targets(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja's way to declare a file
    _require(request.user)
    try:
        return kpi_targets_import(actor=request.user, upload=file, source="api")
    except ImportError_ as error:
        raise ValidationError({"file": str(error)}) from error


@router.delete("/targets/{target_id}", response={204: None}, operation_id="delete_kpi_target",
               summary="Remove a target")
def delete_target(request, target_id: Id):
    _require(request.user)
    row = get_object_or_404(KpiTarget.objects.visible_to(request.user), pk=target_id)
    kpi_target_delete(actor=request.user, target=row, source="api")
    return Status(204, None)


# -- settings ----------------------------------------------------------------------------------------------------


class ReportSettingsOut(Schema):
    company_id: Id
    closure_target_working_days: int
    alert_history_months: int
    alert_min_count: int
    report_due_day: int
    report_remind_days: int


class ReportSettingsIn(_Strict):
    closure_target_working_days: SmallCount | None = None
    alert_history_months: SmallCount | None = None
    alert_min_count: SmallCount | None = None
    report_due_day: SmallCount | None = None
    report_remind_days: SmallCount | None = None


def _settings_out(row) -> dict[str, Any]:
    return {"company_id": row.company_id, **{name: getattr(row, name) for name in SETTINGS_FIELDS}}


@router.get("/settings/{company_id}", response=ReportSettingsOut, operation_id="get_report_settings",
            summary="A company's analysis settings (defaults until changed)")
def get_settings(request, company_id: Id):
    return _settings_out(report_settings_for(_company(request.user, company_id)))


@router.put("/settings/{company_id}", response=ReportSettingsOut, operation_id="update_report_settings",
            summary="Change a company's analysis settings (the keys given)")
def update_settings(request, company_id: Id, payload: ReportSettingsIn):
    obj = _company(request.user, company_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return _settings_out(report_settings_update(actor=request.user, company=obj, data=data, source="api"))


# -- the management review pack ----------------------------------------------------------------------------------


@router.get("/review", response=dict, operation_id="management_review",
            summary="The management review pack of a period as data (the PDF is at /reports/review.pdf)")
def review_pack(request, company: Id | None = None, date_from: datetime.date | None = None,
                date_to: datetime.date | None = None):
    _require(request.user)
    default_from, default_to = review.default_period()
    try:
        scope = analyses.scope_for(request.user, date_from=date_from or default_from, date_to=date_to or default_to,
                                   company_id=company)
    except PermissionError:
        raise Http404 from None
    except ValueError as error:
        raise ValidationError({"date_to": _("The period must not end before it starts.")}) from error
    if (scope.date_to - scope.date_from).days > LONGEST_REVIEW_DAYS:
        raise ValidationError({"date_to": _("A review covers at most three years.")})
    if not scope.company_ids:
        raise Http404
    return review.review_json(review.review_pack(request.user, scope))
