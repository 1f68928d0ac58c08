"""REST endpoints of customer service, mounted under /api/v1/service/ (same services and messages as the pages;
another company's records answer 404, a role without the permission 403)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from kesu.accounts.models import User
from kesu.api.paging import Limit, Offset
from kesu.api.types import Id
from kesu.complaints.models import Complaint
from kesu.core.selectors import visible_record
from kesu.customers.models import Contact, Customer

from . import selectors, services
from .choices import Confirmation, JobKind, MarketKind, VisitKind, VisitPurpose
from .models import RATING_DIMENSIONS, Visit

router = Router(tags=["service"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"service.{perm}"):
        raise PermissionDenied


def _visit(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk, "kind": v.kind, "customer_id": v.customer_id, "customer": v.customer.name,
        "contact_ids": [c.pk for c in v.contacts.all()], "contacts_text": v.contacts_text,
        "visited_by_id": v.visited_by_id, "companions": v.companions, "visited_on": v.visited_on,
        "purpose": v.purpose, "complaint_id": v.complaint_id,
        "views": {"quality": v.view_quality, "delivery": v.view_delivery, "service": v.view_service,
                  "price": v.view_price, "new_needs": v.view_needs},
        "findings": v.findings, "negative": v.negative, "confirmation": v.confirmation, "confirmation_note": v.confirmation_note,
        "finding_complaint_id": v.finding_complaint_id, "finding_action_id": v.finding_action_id,
        "finding_signal_id": v.finding_signal_id, "finding_review_id": v.finding_review_id,
    }


class VisitIn(_Strict):
    kind: VisitKind = VisitKind.ONSITE
    customer_id: Id
    contact_ids: list[Id] = Field(default_factory=list, max_length=50)
    contacts_text: str = Field("", max_length=300)
    visited_by_id: Id | None = None
    companions: str = Field("", max_length=200)
    visited_on: datetime.date
    purpose: VisitPurpose = VisitPurpose.ROUTINE
    complaint_id: Id | None = None
    view_quality: str = Field("", max_length=2000)
    view_delivery: str = Field("", max_length=2000)
    view_service: str = Field("", max_length=2000)
    view_price: str = Field("", max_length=2000)
    view_needs: str = Field("", max_length=2000)
    findings: str = Field("", max_length=5000)
    negative: bool = False
    confirmation: Confirmation | None = None
    confirmation_note: str = Field("", max_length=500)


def _data(request, payload: VisitIn) -> tuple[dict[str, Any], list]:
    user = request.user
    data = payload.dict(exclude={"customer_id", "contact_ids", "visited_by_id", "complaint_id"})
    data["kind"], data["purpose"] = str(payload.kind.value), str(payload.purpose.value)
    data["confirmation"] = payload.confirmation.value if payload.confirmation else ""
    data["customer"] = visible_record(Customer, user, payload.customer_id, "customer_id")
    data["complaint"] = visible_record(Complaint, user, payload.complaint_id, "complaint_id")
    if payload.visited_by_id is not None:
        data["visited_by"] = visible_record(User, user, payload.visited_by_id, "visited_by_id")
    contacts = [visible_record(Contact, user, pk, "contact_ids") for pk in payload.contact_ids]
    return data, contacts


@router.get("/visits", response=list[dict], operation_id="list_service_visits",
            summary="Visits and return visits, newest first (filter by customer, kind, purpose, negative)")
def list_visits(request, customer_id: Id | None = None, kind: VisitKind | None = None,
                purpose: VisitPurpose | None = None, negative: bool | None = None, limit: Limit = 50,
                offset: Offset = 0):
    _require(request.user, "view_visit")
    qs = selectors.visits_visible_to(request.user).prefetch_related("contacts").order_by("-visited_on", "-id")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if kind:
        qs = qs.filter(kind=kind.value)
    if purpose:
        qs = qs.filter(purpose=purpose.value)
    if negative is not None:
        qs = qs.filter(negative=negative)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return [_visit(v) for v in qs[offset:offset + limit]]


@router.get("/visits/{pk}", response=dict, operation_id="get_service_visit", summary="One visit")
def get_visit(request, pk: Id):
    _require(request.user, "view_visit")
    return _visit(selectors.visit_get_for_user(request.user, pk))


@router.post("/visits", response={201: dict}, operation_id="create_service_visit",
             summary="Record a visit or a phone return visit")
def create_visit(request, payload: VisitIn):
    _require(request.user, "add_visit")
    data, contacts = _data(request, payload)
    visit = services.visit_create(actor=request.user, company=data["customer"].company, data=data,
                                  contacts=contacts, source="api")
    return 201, _visit(visit)


@router.put("/visits/{pk}", response=dict, operation_id="update_service_visit",
            summary="Correct or complete a visit (the customer stays)")
def update_visit(request, pk: Id, payload: VisitIn):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    data, contacts = _data(request, payload)
    if data.pop("customer").pk != visit.customer_id:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"customer_id": _("This field cannot be set here.")})
    services.visit_update(actor=request.user, visit=visit, data=data, contacts=contacts, source="api")
    return _visit(selectors.visit_get_for_user(request.user, pk))


@router.post("/visits/{pk}/complaint", response={201: dict}, operation_id="raise_complaint_from_visit",
             summary="Turn the visit's finding into a complaint (linked both ways)")
def raise_complaint(request, pk: Id):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    complaint = services.visit_raise_complaint(actor=request.user, visit=visit, source="api")
    return 201, {"id": complaint.pk, "number": complaint.number, "visit_id": visit.pk}


@router.post("/visits/{pk}/corrective-action", response={201: dict}, operation_id="raise_action_from_visit",
             summary="Turn the visit's finding into a corrective action (linked both ways)")
def raise_action(request, pk: Id):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    action = services.visit_raise_action(actor=request.user, visit=visit, source="api")
    return 201, {"id": action.pk, "number": action.number, "visit_id": visit.pk}


class VisitSignalIn(_Strict):
    warning_class: str = Field("c", pattern="^[abc]$")


@router.post("/visits/{pk}/signal", response={201: dict}, operation_id="raise_signal_from_visit",
             summary="Turn the visit's finding into an early-warning signal (linked both ways)")
def raise_signal(request, pk: Id, payload: VisitSignalIn | None = None):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    signal = services.visit_raise_signal(actor=request.user, visit=visit,
                                         warning_class=payload.warning_class if payload else "c", source="api")
    return 201, {"id": signal.pk, "number": signal.number, "visit_id": visit.pk}


@router.post("/visits/{pk}/enquiry", response={201: dict}, operation_id="raise_enquiry_from_visit",
             summary="Turn the customer's new need into a contract review record of type informal order")
def raise_enquiry(request, pk: Id):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    review = services.visit_raise_enquiry(actor=request.user, visit=visit, source="api")
    return 201, {"id": review.pk, "number": review.number, "visit_id": visit.pk}


# -- service jobs --------------------------------------------------------------------------------------------------


def _job(j) -> dict[str, Any]:
    return {"id": j.pk, "kind": j.kind, "customer_id": j.customer_id, "part_id": j.part_id,
            "serial_or_lot": j.serial_or_lot, "quantity": j.quantity, "complaint_id": j.complaint_id, "fault": j.fault,
            "work_done": j.work_done, "first_time_fixed": j.first_time_fixed, "parts_used": j.parts_used,
            "engineer_id": j.engineer_id, "done_on": j.done_on, "hours": str(j.hours) if j.hours is not None else None}


class JobIn(_Strict):
    kind: JobKind = JobKind.REPAIR
    customer_id: Id
    part_id: Id | None = None
    serial_or_lot: str = Field("", max_length=100)
    quantity: int = Field(1, ge=1, le=1_000_000)
    complaint_id: Id | None = None
    fault: str = Field(..., max_length=3000)
    work_done: str = Field("", max_length=3000)
    first_time_fixed: bool = True
    parts_used: str = Field("", max_length=500)
    engineer_id: Id | None = None
    done_on: datetime.date
    hours: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)


@router.get("/jobs", response=list[dict], operation_id="list_service_jobs", summary="After-sales service jobs")
def list_jobs(request, limit: Limit = 50, offset: Offset = 0):
    _require(request.user, "view_servicejob")
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return [_job(j) for j in selectors.jobs_visible_to(request.user).order_by("-done_on", "-id")[offset:offset + limit]]


@router.get("/jobs/{pk}", response=dict, operation_id="get_service_job", summary="One service job")
def get_job(request, pk: Id):
    _require(request.user, "view_servicejob")
    return _job(selectors.job_get_for_user(request.user, pk))


@router.post("/jobs", response={201: dict}, operation_id="create_service_job", summary="Record a service job")
def create_job(request, payload: JobIn):
    from kesu.customers.models import Part

    _require(request.user, "add_servicejob")
    user = request.user
    data = payload.dict(exclude={"customer_id", "part_id", "complaint_id", "engineer_id"})
    data["kind"] = payload.kind.value
    data["customer"] = visible_record(Customer, user, payload.customer_id, "customer_id")
    data["part"] = visible_record(Part, user, payload.part_id, "part_id")
    data["complaint"] = visible_record(Complaint, user, payload.complaint_id, "complaint_id")
    if payload.engineer_id is not None:
        data["engineer"] = visible_record(User, user, payload.engineer_id, "engineer_id")
    job = services.job_create(actor=user, company=data["customer"].company, data=data, source="api")
    return 201, _job(job)


class JobPatch(_Strict):
    kind: JobKind | None = None
    part_id: Id | None = None
    serial_or_lot: str | None = Field(None, max_length=100)
    quantity: int | None = Field(None, ge=1, le=1_000_000)
    complaint_id: Id | None = None
    fault: str | None = Field(None, max_length=3000)
    work_done: str | None = Field(None, max_length=3000)
    first_time_fixed: bool | None = None
    parts_used: str | None = Field(None, max_length=500)
    engineer_id: Id | None = None
    done_on: datetime.date | None = None
    hours: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)


@router.patch("/jobs/{pk}", response=dict, operation_id="update_service_job",
              summary="Correct a service job (fields given are changed; the customer stays)")
def update_job(request, pk: Id, payload: JobPatch):
    from kesu.customers.models import Part

    _require(request.user, "change_servicejob")
    user = request.user
    job = selectors.job_get_for_user(user, pk)
    given = payload.dict(exclude_unset=True)
    data = {k: v for k, v in given.items() if k not in ("part_id", "complaint_id", "engineer_id")}
    if "kind" in data and data["kind"] is not None:
        data["kind"] = payload.kind.value
    for key, model, field in (("part_id", Part, "part"), ("complaint_id", Complaint, "complaint"),
                              ("engineer_id", User, "engineer")):
        if key in given:
            data[field] = visible_record(model, user, given[key], key) if given[key] is not None else None
    # Null clears the optional facts; the engineer and the rest are only ever replaced.
    data = {k: v for k, v in data.items() if v is not None or k in ("part", "complaint", "hours")}
    return _job(services.job_update(actor=user, job=job, data=data, source="api"))


@router.get("/figures", response=dict, operation_id="service_job_figures",
            summary="产品维修率 and 维修一次成功率 of a period (base: units delivered in the period)")
def figures(request, date_from: datetime.date, date_to: datetime.date):
    from .figures import job_figures

    _require(request.user, "view_servicejob")
    if not request.user.company_id:
        raise PermissionDenied
    return job_figures(request.user.company_id, date_from, date_to)


# -- customer and market information -------------------------------------------------------------------------------


class MarketIn(_Strict):
    kind: MarketKind
    title: str = Field(..., max_length=200)
    text: str = Field(..., max_length=5000)
    customer_id: Id | None = None
    competitor: str = Field("", max_length=200)
    region: str = Field("", max_length=100)
    tags: str = Field("", max_length=300)
    reported_on: datetime.date
    rating_cost: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    rating_quality: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    rating_delivery: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    rating_technology: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


def _market(e) -> dict[str, Any]:
    return {"id": e.pk, "kind": e.kind, "title": e.title, "text": e.text, "customer_id": e.customer_id,
            "competitor": e.competitor, "region": e.region, "tags": e.tag_list(), "reported_on": e.reported_on,
            "reported_by_id": e.reported_by_id,
            **{f"rating_{d}": getattr(e, f"rating_{d}") for d in RATING_DIMENSIONS}}


@router.get("/market", response=list[dict], operation_id="list_market_information",
            summary="Customer and market information (q: every word must match; Chinese works)")
def list_market(request, q: str = "", kind: MarketKind | None = None, limit: Limit = 50, offset: Offset = 0):
    _require(request.user, "view_marketentry")
    qs = selectors.market_search(selectors.market_visible_to(request.user), q)
    if kind:
        qs = qs.filter(kind=kind.value)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return [_market(e) for e in qs[offset:offset + limit]]


@router.post("/market", response={201: dict}, operation_id="create_market_information",
             summary="Record customer or market information")
def create_market(request, payload: MarketIn):
    _require(request.user, "add_marketentry")
    if not request.user.company_id:
        raise PermissionDenied
    data = payload.dict(exclude={"customer_id"})
    data["kind"] = payload.kind.value
    data["customer"] = visible_record(Customer, request.user, payload.customer_id, "customer_id")
    entry = services.market_entry_create(actor=request.user, company=request.user.company, data=data, source="api")
    return 201, _market(entry)


# -- the customer's processing yield and audits of us (issue 21 §6) ------------------------------------------------


def _yield(y) -> dict[str, Any]:
    return {"id": y.pk, "customer_id": y.customer_id, "part_id": y.part_id, "period_start": y.period_start,
            "period_end": y.period_end, "processed": y.processed, "passed": y.passed,
            "yield_percent": str(y.yield_percent) if y.yield_percent is not None else None, "note": y.note}


class CustomerYieldIn(_Strict):
    customer_id: Id
    part_id: Id | None = None
    period_start: datetime.date
    period_end: datetime.date
    processed: int = Field(..., ge=1, le=10**9)
    passed: int = Field(..., ge=0, le=10**9)
    note: str = Field("", max_length=300)


@router.get("/customer-yields", response=list[dict], operation_id="list_customer_yields",
            summary="The customers' processing yields of our parts (顾客加工合格率)")
def list_yields(request, customer_id: Id | None = None, limit: Limit = 50, offset: Offset = 0):
    _require(request.user, "view_customeryield")
    qs = selectors.yields_visible_to(request.user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return [_yield(y) for y in qs[offset:offset + limit]]


@router.post("/customer-yields", response={201: dict}, operation_id="create_customer_yield",
             summary="Record a customer's processing yield of a period")
def create_yield(request, payload: CustomerYieldIn):
    from kesu.customers.models import Part

    _require(request.user, "add_customeryield")
    user = request.user
    data = payload.dict(exclude={"customer_id", "part_id"})
    data["customer"] = visible_record(Customer, user, payload.customer_id, "customer_id")
    data["part"] = visible_record(Part, user, payload.part_id, "part_id")
    row = services.customer_yield_record(actor=user, company=data["customer"].company, data=data, source="api")
    return 201, _yield(row)


def _audit(a) -> dict[str, Any]:
    return {"id": a.pk, "customer_id": a.customer_id, "audited_on": a.audited_on, "scope": a.scope,
            "auditors": a.auditors, "findings": a.findings, "score": str(a.score) if a.score is not None else None,
            "passed": a.passed, "actions": a.actions}


class CustomerAuditIn(_Strict):
    customer_id: Id
    audited_on: datetime.date
    scope: str = Field(..., min_length=1, max_length=300)
    auditors: str = Field("", max_length=200)
    findings: str = Field("", max_length=5000)
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    passed: bool | None = None
    actions: str = Field("", max_length=5000)


@router.get("/customer-audits", response=list[dict], operation_id="list_customer_audits",
            summary="The customers' audits of us")
def list_audits(request, customer_id: Id | None = None, limit: Limit = 50, offset: Offset = 0):
    _require(request.user, "view_customeraudit")
    qs = selectors.audits_visible_to(request.user)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return [_audit(a) for a in qs[offset:offset + limit]]


@router.post("/customer-audits", response={201: dict}, operation_id="create_customer_audit",
             summary="Record a customer's audit of us")
def create_audit(request, payload: CustomerAuditIn):
    _require(request.user, "add_customeraudit")
    data = payload.dict(exclude={"customer_id"})
    data["customer"] = visible_record(Customer, request.user, payload.customer_id, "customer_id")
    row = services.customer_audit_record(actor=request.user, company=data["customer"].company, data=data,
                                         source="api")
    return 201, _audit(row)
