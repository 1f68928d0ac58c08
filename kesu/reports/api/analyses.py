"""REST endpoints of the complaint analyses, the monthly summary and the trend alerts (/api/v1/reports/).

Same form, reads and permission as the pages (:mod:`kesu.reports.views.analyses`): ``GET /analyses/{name}``
takes the page's query parameters and returns the analysis as JSON, each row with its ``query`` (the
complaint list's parameters of the complaints behind it); decimals travel as strings. A company the user may
not see answers 403, a bad period 422 naming the field.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from kesu.api.paging import MAX_OFFSET, BoundedPagination
from kesu.api.types import Id
from kesu.claims.permissions import sees_claim_money

from .. import analyses, exports, summary
from ..forms import AnalysisForm, SummaryForm
from ..views.analyses import alert_complaints_query, alert_rule_text, alerts_filtered, require_read

router = Router()


class AnalysisParams(Schema):
    model_config = ConfigDict(extra="forbid")

    company: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    customer_code: str | None = None
    part_no: str | None = None
    category: str | None = None
    responsibility: str | None = None


def jsonable(value: Any) -> Any:
    """An analysis result as JSON: dataclasses as dicts with their computed properties, decimals as strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attribute in vars(type(value)).items():
            if isinstance(attribute, property):
                data[name] = jsonable(getattr(value, name))
        return data
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _invalid(form) -> Status:
    return Status(422, {"detail": form.errors_by_field() if hasattr(form, "errors_by_field") else [
        {"loc": ["query", field], "msg": " ".join(str(m) for m in messages)}
        for field, messages in form.errors.items()]})


@router.get("/analyses/{name}", response={200: dict, 422: dict}, operation_id="reports_analysis",
            summary="One complaint analysis for a period, company and filter, each row with its drill-down query")
def analysis(request, name: str, filters: Query[AnalysisParams]):
    require_read(request.user)
    if name not in analyses.ANALYSES:
        raise Http404
    form = AnalysisForm(request.GET, user=request.user)
    if not form.is_valid():
        return _invalid(form)
    scope = form.scope()
    return Status(200, {
        "name": name, "title": str(exports.TITLES[name]), "company_ids": list(scope.company_ids),
        "date_from": scope.date_from.isoformat(), "date_to": scope.date_to.isoformat(),
        "result": jsonable(analyses.run(scope, name)),
    })


class SummaryParams(Schema):
    model_config = ConfigDict(extra="forbid")

    company: str | None = None
    month: str | None = None
    # The same bounds as every other list (kesu.api.paging): an offset past 2^63 was a 500.
    limit: int = Field(100, ge=1, le=settings.KESU_API_MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/summary", response={200: dict, 422: dict}, operation_id="reports_summary",
            summary="The monthly complaint summary of one company, paged (limit/offset), with the month's totals")
def monthly_summary(request, params: Query[SummaryParams]):
    require_read(request.user)
    form = SummaryForm(request.GET, user=request.user)
    if not form.is_valid():
        return _invalid(form)
    company, month = form.chosen_company, form.cleaned_data["month"]
    limit, offset = params.limit, params.offset
    qs = summary.month_complaints(company, month)
    ids = list(qs.values_list("pk", flat=True)[offset:offset + limit])
    loaded = {c.pk: c for c in qs.filter(pk__in=ids).order_by()} if ids else {}
    rows = summary.summary_rows(company, [loaded[pk] for pk in ids if pk in loaded],
                                show_money=sees_claim_money(request.user))
    totals = summary.summary_totals(company, month)
    items = []
    for row in rows:
        item = jsonable(row)
        item["actions"] = [{"id": pk, "number": number} for pk, number in row.actions]
        # The claims next to the complaint (seed 000 §4.2.5); the amount only for those who may see claim money.
        item["claims"] = [{"id": c.pk, "number": c.number, "status": c.status,
                           **({"currency": c.currency, "amount": jsonable(c.amount)} if c.amount is not None else {})}
                          for c in row.claims]
        items.append(item)
    return Status(200, {"company_id": company.pk, "month": f"{month:%Y-%m}", "count": totals.count,
                        "totals": jsonable(totals), "limit": limit, "offset": offset, "items": items})


class AlertParams(Schema):
    model_config = ConfigDict(extra="forbid")

    company: str | None = None
    month: str | None = None
    dimension: str | None = None


class AlertOut(Schema):
    id: int
    company_id: Id
    month: datetime.date
    dimension: str
    object_id: Id
    label: str
    count: int
    mean: Decimal
    upper_limit: Decimal
    history_months: int
    department_id: Id | None = None
    action_id: Id | None = None
    action_number: str | None = None
    raised_at: datetime.datetime
    query: dict


@router.get("/alerts", response=list[AlertOut], operation_id="reports_alerts",
            summary="Trend alerts of the user's companies (c-chart rule), newest first, with their drill-down query")
@paginate(BoundedPagination)
def list_alerts(request, filters: Query[AlertParams]):
    form, qs = alerts_filtered(request)
    if form.errors:
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return [{
        "id": a.pk, "company_id": a.company_id, "month": a.month, "dimension": a.dimension, "object_id": a.object_id,
        "label": a.label, "count": a.count, "mean": a.mean, "upper_limit": a.upper_limit,
        "history_months": a.history_months, "department_id": a.department_id, "action_id": a.action_id,
        "action_number": a.action.number if a.action_id else None, "raised_at": a.raised_at,
        "query": alert_complaints_query(a)} for a in qs]


@router.get("/alerts/rule", response=dict, operation_id="reports_alert_rule",
            summary="The statistical rule of the trend alerts, in the reader's language")
def alert_rule(request):
    require_read(request.user)
    return {"rule": alert_rule_text()}
