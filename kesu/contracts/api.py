"""REST endpoints of contract review, mounted under /api/v1/contracts/ (same services, forms, filters and messages
as the pages; 404 for records of another company, 403 for a role without the permission).

Amounts travel as decimal strings, never floats; relations as ``<name>_id``; unknown keys are refused.
The accepted contracts (``/ledger/``) are what the ERP reads. The one-segment paths end in a slash: the master
contract API of kesu.customers owns ``/api/v1/contracts/{pk}``, which would take ``/contracts/reviews``.
"""


import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from kesu.api.paging import BoundedPagination
from kesu.api.types import DecimalQuantity, Id, Instant, Money, Rate, Version, WorkflowInput
from kesu.customers.models import Contract, Customer

from . import printouts, selectors, services
from .choices import ITEM_FIELDS
from .filters import reviews_filtered
from .forms import TransitionForm
from .models import ChangeNotice, ContractReview, DeliveryPlan
from .workflow import CHANGE_TABLE, PLAN_TABLE, REVIEW_TABLE

router = Router(tags=["contracts"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"contracts.{perm}"):
        raise PermissionDenied


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _review_out(review: ContractReview, *, full: bool = True) -> dict[str, Any]:
    data = {
        "id": review.pk, "number": review.number, "company_id": review.company_id,
        "review_type": review.review_type, "mode": review.mode, "status": review.status,
        "status_label": str(review.get_status_display()), "version": review.version, "revision": review.revision,
        "customer_id": review.customer_id, "contract_id": review.contract_id, "title": review.title,
        "customer_reference": review.customer_reference, "received_on": _plain(review.received_on),
        "owner_id": review.owner_id, "currency": review.currency, "exchange_rate": _plain(review.exchange_rate),
        "amount_base": _plain(review.amount_base),
        **{name: _plain(getattr(review, name)) for name in ITEM_FIELDS},
        "waiting_on": review.waiting_depts(), "signoff_due_at": _plain(review.signoff_due_at),
        "conclusion": review.conclusion, "approved_by_id": review.approved_by_id,
        "approved_at": _plain(review.approved_at), "approved_as_proxy": review.approved_as_proxy,
    }
    if full:
        data.update({
            "change_note": review.change_note, "gm_decision": review.gm_decision,
            "confirmation_method": review.confirmation_method, "confirmation_note": review.confirmation_note,
            "signoffs": [{"dept": s.dept, "round": s.round, "current": s.current, "answer": s.answer,
                          "comment": s.comment, "answered_by_id": s.answered_by_id,
                          "answered_at": _plain(s.answered_at), "due_at": _plain(s.due_at)}
                         for s in review.signoffs.filter(change__isnull=True)],
            "revisions": [{"number": r.number, "items": r.items, "at": _plain(r.at)} for r in review.revisions.all()],
            "change_notices": [n.pk for n in review.notices.all()],
        })
    return data


class _Mapped:
    """A queryset whose rows are turned into dicts only for the page the paginator slices out."""

    def __init__(self, qs, fn) -> None:
        self.qs, self.fn = qs, fn

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, part):
        return [self.fn(row) for row in self.qs[part]]


class ReviewListParams(Schema):
    q: str | None = None
    status: str | None = None
    open: bool | None = None
    review_type: str | None = None
    mode: str | None = None
    customer_code: str | None = None


@router.get("/reviews/", response=list[dict], operation_id="list_contract_reviews", summary="List contract reviews")
@paginate(BoundedPagination)
def list_reviews(request, filters: Query[ReviewListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_contractreview")
    return _Mapped(reviews_filtered(request.user, request.GET)[0], lambda r: _review_out(r, full=False))


@router.get("/ledger/", response=list[dict], operation_id="contract_ledger",
            summary="The contract ledger (合同台账): accepted contracts and orders with their changes")
@paginate(BoundedPagination)
def ledger(request, filters: Query[ReviewListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_contractreview")
    qs = selectors.ledger(reviews_filtered(request.user, request.GET)[0])
    return _Mapped(qs, lambda r: {**_review_out(r, full=False), "changes": r.notice_count,
                                  "shipments": r.shipment_count, "complaints": r.complaint_count})


class ReviewIn(_Strict):
    review_type: str | None = None
    customer_id: Id | None = None
    contract_id: Id | None = None
    title: str | None = None
    customer_reference: str | None = None
    received_on: datetime.date | None = None
    owner_id: Id | None = None
    currency: str | None = None
    amount: Money | None = None
    exchange_rate: Rate | None = None
    product_name: str | None = None
    specification: str | None = None
    model: str | None = None
    quantity: DecimalQuantity | None = None
    delivery_method: str | None = None
    delivery_date: datetime.date | None = None
    quality_requirements: str | None = None
    technical_requirements: str | None = None
    acceptance_criteria: str | None = None
    price_terms: str | None = None
    payment_terms: str | None = None
    packaging: str | None = None
    special_requirements: str | None = None
    process_requirements: str | None = None
    test_requirements: str | None = None
    material_needs: str | None = None


def _data(payload: ReviewIn, user) -> dict[str, Any]:
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "customer_id" in data:
        data["customer"] = get_object_or_404(Customer.objects.visible_to(user), pk=data.pop("customer_id"))
    if "contract_id" in data:
        data["contract"] = get_object_or_404(Contract.objects.visible_to(user), pk=data.pop("contract_id"))
    return data


@router.post("/reviews/", response={201: dict}, operation_id="create_contract_review",
             summary="Record a contract, order, tender, agreement or informal order for review")
def create_review(request, payload: ReviewIn):
    _require(request.user, "add_contractreview")
    data = _data(payload, request.user)
    if "customer" not in data:
        raise ValidationError({"customer": "This field is required."})
    review = services.review_create(actor=request.user, company=data["customer"].company, data=data, source="api")
    return 201, _review_out(review)


@router.get("/reviews/{pk}", response=dict, operation_id="get_contract_review", summary="One review")
def get_review(request, pk: Id):
    _require(request.user, "view_contractreview")
    return _review_out(selectors.review_get_for_user(request.user, pk))


class ReviewPatch(ReviewIn):
    expected_version: Version | None = None


@router.patch("/reviews/{pk}", response=dict, operation_id="update_contract_review",
              summary="Change a draft review")
def update_review(request, pk: Id, payload: ReviewPatch):
    _require(request.user, "change_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    data = _data(payload, request.user)
    version = data.pop("expected_version", None)
    data.pop("customer", None)
    services.review_update(actor=request.user, review=review, data=data, expected_version=version, source="api")
    return _review_out(selectors.review_get_for_user(request.user, pk))


class ContractTransitionIn(_Strict):
    action: str
    expected_version: Version | None = None
    inputs: dict[str, WorkflowInput] = {}


def _inputs(table, record, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Workflow inputs read by the same form as the pages; keys the step does not take go on to be refused."""
    row = table.get(record.status, name)
    if row is None:
        return dict(body)
    form = TransitionForm(data={k: v for k, v in body.items() if v is not None}, row=row,
                          company_id=record.company_id)
    typed = {k: v for k, v in body.items() if k not in form.fields}
    if not form.is_valid():
        raise ValidationError({k: v for k, v in form.errors.items()})
    typed.update(form.inputs())
    return typed


@router.post("/reviews/{pk}/transitions", response=dict, operation_id="transition_contract_review",
             summary="Take a step: submit, self_review, sign_off, agree_change, accept, accept_with_changes, "
                     "decline, refer_to_gm, gm_accept, gm_decline, approve, return, cancel")
def transition_review(request, pk: Id, payload: ContractTransitionIn):
    _require(request.user, "view_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    inputs = _inputs(REVIEW_TABLE, review, payload.action, payload.inputs)
    services.review_transition(actor=request.user, review=review, name=payload.action,
                               expected_version=payload.expected_version, source="api", **inputs)
    return _review_out(selectors.review_get_for_user(request.user, pk))


@router.get("/reviews/{pk}/record.pdf", operation_id="contract_review_pdf", response={200: None},
            summary="The review record (合同评审单) as PDF")
def review_pdf(request, pk: Id):
    _require(request.user, "view_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.review_pdf(review), review.number)


def _notice_out(notice: ChangeNotice) -> dict[str, Any]:
    return {
        "id": notice.pk, "number": notice.number, "review_id": notice.review_id, "status": notice.status,
        "version": notice.version, "description": notice.description, "new_values": notice.new_values,
        "affected": notice.affected, "concerned": notice.concerned, "waiting_on": notice.waiting_depts(),
        "due_at": _plain(notice.due_at), "issued_at": _plain(notice.issued_at),
        "signoffs": [{"dept": s.dept, "answer": s.answer, "comment": s.comment, "answered_by_id": s.answered_by_id,
                      "answered_at": _plain(s.answered_at)} for s in notice.signoffs.all()],
        "receipts": [{"dept": r.dept, "confirmed_by_id": r.confirmed_by_id, "confirmed_at": _plain(r.confirmed_at)}
                     for r in notice.receipts.all()],
    }


class NoticeIn(_Strict):
    description: str
    new_values: dict[str, WorkflowInput] = {}
    affected: list[str] = []
    concerned: list[str] = []


@router.post("/reviews/{pk}/changes", response={201: dict}, operation_id="create_contract_change",
             summary="Draft a change notice (合同变更通知单) of an accepted contract or order")
def create_change(request, pk: Id, payload: NoticeIn):
    _require(request.user, "add_changenotice")
    review = selectors.review_get_for_user(request.user, pk)
    notice = services.notice_create(actor=request.user, review=review, description=payload.description,
                                    new_values=payload.new_values, affected=payload.affected,
                                    concerned=payload.concerned, source="api")
    return 201, _notice_out(notice)


@router.get("/changes/{pk}", response=dict, operation_id="get_contract_change", summary="One change notice")
def get_change(request, pk: Id):
    _require(request.user, "view_changenotice")
    return _notice_out(selectors.notice_get_for_user(request.user, pk))


@router.post("/changes/{pk}/transitions", response=dict, operation_id="transition_contract_change",
             summary="Take a step: submit, sign_off, issue, confirm, withdraw")
def transition_change(request, pk: Id, payload: ContractTransitionIn):
    _require(request.user, "view_changenotice")
    notice = selectors.notice_get_for_user(request.user, pk)
    inputs = _inputs(CHANGE_TABLE, notice, payload.action, payload.inputs)
    services.notice_transition(actor=request.user, notice=notice, name=payload.action,
                               expected_version=payload.expected_version, source="api", **inputs)
    return _notice_out(selectors.notice_get_for_user(request.user, pk))


def _plan_out(plan: DeliveryPlan) -> dict[str, Any]:
    return {
        "id": plan.pk, "number": plan.number, "company_id": plan.company_id, "review_id": plan.review_id,
        "customer_id": plan.customer_id, "status": plan.status, "version": plan.version,
        "order_reference": plan.order_reference, "order_text": plan.order_text, "clarification": plan.clarification,
        "quantity": _plain(plan.quantity), "due_on": _plain(plan.due_on), "checks": plan.checks,
        "waiting_on": plan.waiting_depts(), "outsourcer_id": plan.outsourcer_id,
        "outsource_date": _plain(plan.outsource_date), "plan": plan.plan, "first_delivery": _plain(plan.first_delivery),
        "last_delivery": _plain(plan.last_delivery), "approved_by_id": plan.approved_by_id,
        "approved_at": _plain(plan.approved_at), "customer_confirmation": plan.customer_confirmation,
        "confirmed_at": _plain(plan.confirmed_at), "receipts": plan.receipts,
    }


class PlanListParams(Schema):
    approved: bool | None = None


@router.get("/plans/", response=list[dict], operation_id="list_delivery_plans",
            summary="Delivery plans; approved=true gives those the vice GM approved (what the ERP takes)")
@paginate(BoundedPagination)
def list_plans(request, filters: Query[PlanListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_deliveryplan")
    qs = selectors.plans_for(request.user)
    if filters.approved:
        qs = qs.filter(approved_at__isnull=False).exclude(status="cancelled")
    return _Mapped(qs, _plan_out)


class PlanIn(_Strict):
    review_id: Id | None = None
    customer_id: Id | None = None
    order_reference: str
    order_text: str
    clarification: str | None = None
    quantity: DecimalQuantity | None = None
    due_on: datetime.date | None = None


@router.post("/plans/", response={201: dict}, operation_id="create_delivery_plan",
             summary="Record a customer's order for its delivery plan")
def create_plan(request, payload: PlanIn):
    _require(request.user, "add_deliveryplan")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "review_id" in data:
        data["review"] = selectors.review_get_for_user(request.user, data.pop("review_id"))
    if "customer_id" in data:
        data["customer"] = get_object_or_404(Customer.objects.visible_to(request.user), pk=data.pop("customer_id"))
    company = data["review"].company if "review" in data else data["customer"].company if "customer" in data else None
    if company is None:
        raise ValidationError({"customer": "This field is required."})
    return 201, _plan_out(services.plan_create(actor=request.user, company=company, data=data, source="api"))


@router.get("/plans/{pk}", response=dict, operation_id="get_delivery_plan", summary="One delivery plan")
def get_plan(request, pk: Id):
    _require(request.user, "view_deliveryplan")
    return _plan_out(selectors.plan_get_for_user(request.user, pk))


@router.post("/plans/{pk}/transitions", response=dict, operation_id="transition_delivery_plan",
             summary="Take a step: issue_notice, check, propose, approve, return, customer_confirms, sign_for, cancel")
def transition_plan(request, pk: Id, payload: ContractTransitionIn):
    _require(request.user, "view_deliveryplan")
    plan = selectors.plan_get_for_user(request.user, pk)
    inputs = _inputs(PLAN_TABLE, plan, payload.action, payload.inputs)
    services.plan_transition(actor=request.user, plan=plan, name=payload.action,
                             expected_version=payload.expected_version, source="api", **inputs)
    return _plan_out(selectors.plan_get_for_user(request.user, pk))


# -- import of paper reviews with their sign-offs ---------------------------------------------------------------------


class SignoffImport(_Strict):
    dept: str
    answer: str
    comment: str = ""
    signed_by: str | None = None  # a user name of the company
    signed_on: datetime.date | None = None


class ReviewImportRow(_Strict):
    number: str
    review_type: str
    customer_code: str
    title: str | None = None
    received_on: datetime.date
    currency: str | None = None
    amount: Money | None = None
    exchange_rate: Rate | None = None
    product_name: str | None = None
    specification: str | None = None
    quantity: DecimalQuantity | None = None
    delivery_date: datetime.date | None = None
    status: str
    approved_by: str | None = None
    approved_on: datetime.date | None = None
    signoffs: list[SignoffImport] = []


class ReviewImportIn(_Strict):
    rows: list[ReviewImportRow]


@router.post("/review-imports/", response={201: dict}, operation_id="import_contract_reviews",
             summary="Import finished paper reviews with their department sign-offs (all or nothing; 422 lists "
                     "every rejected row)")
def import_reviews(request, payload: ReviewImportIn):
    from .importing import reviews_import_rows

    _require(request.user, "add_contractreview")
    if request.user.company is None:
        raise PermissionDenied  # reviews belong to one company: a user of none imports none
    if len(payload.rows) > 1000:
        raise ValidationError({"rows": gettext("At most 1000 rows at a time.")})
    rows = [row.dict() for row in payload.rows]
    try:
        made = reviews_import_rows(actor=request.user, company=request.user.company, rows=rows, source="api")
    except ValidationError as error:
        if hasattr(error, "error_dict") and "file" in error.message_dict:
            raise ValidationError({"rows": error.message_dict["file"]}) from None
        raise
    return 201, {"count": len(made), "ids": [review.pk for review in made]}


# -- the approved-outsourcer list (《外包加工商清单》) -------------------------------------------------------------------


def _outsourcer_out(entry) -> dict[str, Any]:
    return {"id": entry.pk, "company_id": entry.company_id, "supplier_id": entry.supplier_id,
            "supplier_code": entry.supplier.code, "scope": entry.scope, "approved_on": _plain(entry.approved_on),
            "approved_by_id": entry.approved_by_id, "valid_until": _plain(entry.valid_until),
            "withdrawn_on": _plain(entry.withdrawn_on), "withdrawn_reason": entry.withdrawn_reason}


@router.get("/outsourcers/", response=list[dict], operation_id="list_approved_outsourcers",
            summary="The approved-outsourcer list")
@paginate(BoundedPagination)
def list_outsourcers(request):
    _require(request.user, "view_approvedoutsourcer")
    return _Mapped(selectors.outsourcers_for(request.user).order_by("supplier__code", "pk"), _outsourcer_out)


class OutsourcerIn(_Strict):
    supplier_id: Id
    scope: str = ""
    approved_on: datetime.date
    valid_until: datetime.date | None = None


@router.post("/outsourcers/", response={201: dict}, operation_id="approve_outsourcer",
             summary="Put a supplier on the approved-outsourcer list (or renew it)")
def approve_outsourcer(request, payload: OutsourcerIn):
    from kesu.customers.models import Supplier

    _require(request.user, "add_approvedoutsourcer")
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=payload.supplier_id)
    entry = services.outsourcer_approve(actor=request.user, company=supplier.company, supplier=supplier,
                                        scope=payload.scope, approved_on=payload.approved_on,
                                        valid_until=payload.valid_until, source="api")
    return 201, _outsourcer_out(entry)


class WithdrawIn(_Strict):
    reason: str


@router.post("/outsourcers/{pk}/withdraw", response=dict, operation_id="withdraw_outsourcer",
             summary="Take a supplier off the approved-outsourcer list, with the reason")
def withdraw_outsourcer(request, pk: Id, payload: WithdrawIn):
    _require(request.user, "change_approvedoutsourcer")
    entry = selectors.outsourcer_get_for_user(request.user, pk)
    return _outsourcer_out(services.outsourcer_withdraw(actor=request.user, entry=entry, reason=payload.reason,
                                                        source="api"))


# -- central review meetings ------------------------------------------------------------------------------------------


def _meeting_out(meeting) -> dict[str, Any]:
    return {"id": meeting.pk, "review_id": meeting.review_id, "held_at": _plain(meeting.held_at),
            "place": meeting.place, "chaired_by_id": meeting.chaired_by_id,
            "attendee_ids": sorted(a.pk for a in meeting.attendees.all()), "other_attendees": meeting.other_attendees,
            "decisions": meeting.decisions, "actions": meeting.actions, "recorded_by_id": meeting.recorded_by_id}


@router.get("/reviews/{pk}/meetings", response=list[dict], operation_id="list_contract_review_meetings",
            summary="The central review meetings of a review")
def list_meetings(request, pk: Id):
    _require(request.user, "view_reviewmeeting")
    review = selectors.review_get_for_user(request.user, pk)
    return [_meeting_out(m) for m in selectors.meetings_of(review)]


class ReviewMeetingIn(_Strict):
    held_at: Instant
    place: str = ""
    chaired_by_id: Id | None = None
    attendee_ids: list[Id]
    other_attendees: str = ""
    decisions: str
    actions: str = ""


@router.post("/reviews/{pk}/meetings", response={201: dict}, operation_id="record_contract_review_meeting",
             summary="Record the central review meeting of a review (attendees, decisions)")
def record_meeting(request, pk: Id, payload: ReviewMeetingIn):
    from kesu.accounts.models import User

    _require(request.user, "add_reviewmeeting")
    review = selectors.review_get_for_user(request.user, pk)
    people = {u.pk: u for u in User.objects.filter(company_id=review.company_id, pk__in=payload.attendee_ids)}
    if len(people) != len(set(payload.attendee_ids)):
        raise ValidationError({"attendee_ids": gettext("Choose people of this company.")})
    data = payload.dict(exclude={"attendee_ids", "chaired_by_id"})
    if payload.chaired_by_id is not None:
        chair = User.objects.filter(company_id=review.company_id, pk=payload.chaired_by_id).first()
        if chair is None:
            raise ValidationError({"chaired_by_id": gettext("Choose people of this company.")})
        data["chaired_by"] = chair
    meeting = services.meeting_record(actor=request.user, review=review, data=data,
                                      attendees=list(people.values()), source="api")
    return 201, _meeting_out(meeting)


@router.get("/meetings/{pk}/record.pdf", operation_id="contract_review_meeting_pdf", response={200: None},
            summary="The meeting record as PDF")
def meeting_pdf(request, pk: Id):
    _require(request.user, "view_reviewmeeting")
    meeting = selectors.meeting_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.meeting_pdf(meeting), f"{meeting.review.number}-meeting")
