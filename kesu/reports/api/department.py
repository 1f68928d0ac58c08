"""REST endpoints of the departments' monthly reports (/api/v1/reports/department-reports; seed 001 §5.1.2).

Same filters, services and workflow as the pages: another company's report is 404, a refused step answers
through the API's TransitionRefused handler (403 wrong role, 409 wrong state or stale, 422 missing reason or
analysis). Figures travel as stored: counts as numbers, amounts and percentages as decimal strings, "n/a" as
null. Unknown keys in a body are refused.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from kesu.accounts.models import Company
from kesu.api.paging import BoundedPagination
from kesu.api.types import Id, Version

from .. import permissions, selectors
from ..models import DepartmentReport
from ..services import department as services
from ..views.department import department_reports_filtered
from ..workflow import available

router = Router(tags=["reports"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user) -> None:
    if not user.has_perm(permissions.READ_PERMISSION):
        raise PermissionDenied


class ReportRowOut(Schema):
    id: int
    company_id: Id
    kind: str
    kind_display: str
    month: str
    department_id: Id | None
    status: str
    status_display: str
    due_on: datetime.date
    submitted_by_id: Id | None
    submitted_at: datetime.datetime | None
    approved_by_id: Id | None
    approved_at: datetime.datetime | None
    version: int


class DepartmentReportListParams(Schema):
    company: Id | None = None
    kind: str | None = None
    status: str | None = None
    month: str | None = None


def _row(report: DepartmentReport) -> dict[str, Any]:
    return {
        "id": report.pk, "company_id": report.company_id, "kind": report.kind,
        "kind_display": str(report.get_kind_display()), "month": f"{report.month:%Y-%m}",
        "department_id": report.department_id, "status": report.status,
        "status_display": str(report.get_status_display()), "due_on": report.due_on,
        "submitted_by_id": report.submitted_by_id, "submitted_at": report.submitted_at,
        "approved_by_id": report.approved_by_id, "approved_at": report.approved_at, "version": report.version,
    }


def _detail(report: DepartmentReport, user) -> dict[str, Any]:
    return {
        **_row(report), "figures": report.figures, "drafted_at": report.drafted_at,
        "analysis": report.analysis, "proposals": report.proposals, "reminded_at": report.reminded_at,
        "return_reason": report.return_reason,
        "changes": [{"old_status": c.old_status, "new_status": c.new_status, "actor_id": c.actor_id,
                     "note": c.note, "at": c.at} for c in report.changes.all()],
        "editable": services.may_write(user, report),
        "next_steps": [row.name for row in available(report, user)],
    }


@router.get("/department-reports", response=list[ReportRowOut], operation_id="list_department_reports",
            summary="List the departments' monthly reports (filters: company, kind, status, month YYYY-MM)")
@paginate(BoundedPagination)
def list_department_reports(request, filters: Query[DepartmentReportListParams]):
    _require(request.user)
    return [_row(r) for r in department_reports_filtered(request.user, request.GET)[0]]


class DepartmentReportDraftIn(_Strict):
    company_id: Id
    kind: str
    month: str


@router.post("/department-reports", response={201: dict}, operation_id="draft_department_report",
             summary="Draft (or refresh the figures of) a month's report from the records")
def draft_department_report(request, payload: DepartmentReportDraftIn):
    _require(request.user)
    visible = Company.objects.all() if request.user.is_superuser else Company.objects.filter(
        pk__in=request.user.visible_company_ids())
    company = get_object_or_404(visible, pk=payload.company_id)
    report = services.department_report_draft(company=company, kind=payload.kind, month=payload.month,
                                              actor=request.user, source="api")
    return Status(201, _detail(selectors.department_report_get_for_user(request.user, report.pk), request.user))


@router.get("/department-reports/{pk}", response=dict, operation_id="get_department_report",
            summary="One report with its figures, text and status history")
def get_department_report(request, pk: Id):
    _require(request.user)
    return _detail(selectors.department_report_get_for_user(request.user, pk), request.user)


class DepartmentReportTextIn(_Strict):
    analysis: str | None = None
    proposals: str | None = None
    expected_version: Version | None = None


@router.patch("/department-reports/{pk}", response=dict, operation_id="update_department_report",
              summary="The department's analysis and improvement proposals (while a draft or returned)")
def update_department_report(request, pk: Id, payload: DepartmentReportTextIn):
    _require(request.user)
    report = selectors.department_report_get_for_user(request.user, pk)
    body = payload.dict(exclude_unset=True)
    version = body.pop("expected_version", None)
    services.department_report_update(actor=request.user, report=report, data=body, expected_version=version,
                                      source="api")
    return _detail(selectors.department_report_get_for_user(request.user, pk), request.user)


class DepartmentReportStepIn(_Strict):
    expected_version: Version | None = None
    note: str | None = None
    reason: str | None = None


@router.post("/department-reports/{pk}/{action}", response=dict, operation_id="transition_department_report",
             summary="Take a step: submit (writers), approve or return (with a reason; general manager)")
def transition_department_report(request, pk: Id, action: str, payload: DepartmentReportStepIn):
    _require(request.user)
    report = selectors.department_report_get_for_user(request.user, pk)
    body = payload.dict(exclude_unset=True)
    version = body.pop("expected_version", None)
    inputs = {k: v for k, v in body.items() if v not in (None, "")}
    services.department_report_transition(actor=request.user, report=report, action=action, inputs=inputs,
                                          expected_version=version, source="api")
    return _detail(selectors.department_report_get_for_user(request.user, pk), request.user)
