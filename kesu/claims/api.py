"""REST endpoints for claims (/api/v1/claims), supplier claims (/api/v1/supplier-claims) and the quality cost
ledger (/api/v1/quality-cost).

Same filters, services, forms for workflow inputs and permissions as the pages. Amounts travel as decimal
strings, never floats. A role without money access gets every amount as null and ``amounts_hidden: true``;
the ledger and the printouts answer it 403. Relations travel as ``<name>_id``; unknown keys are refused.
"""


import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, create_model

from kesu.accounts.models import User
from kesu.api.paging import BoundedPagination
from kesu.api.types import DecimalQuantity, Id, Money, Percent, Rate, Version, WorkflowInput
from kesu.complaints.models import Complaint
from kesu.core.importexport import rows_xlsx
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.selectors import visible_record
from kesu.customers.models import Customer, Part, Supplier

from . import exports, permissions, printouts, selectors, services
from .choices import LedgerGroup
from .filters import (
    ClaimFilter,
    LedgerFilter,
    SupplierClaimFilter,
    claims_filtered,
    ledger_filtered,
    supplier_claims_filtered,
)
from .forms import TransitionForm
from .models import Claim, ClaimDocument, SupplierClaim
from .views import document_response
from .workflow import CLAIM_TABLE, SUPPLIER_TABLE, missing_documents

router = Router(tags=["claims"])
CLAIM_MONEY = ("claimed_amount", "proposed_amount", "agreed_amount", "compensation_amount", "exchange_rate")
SUPPLIER_MONEY = ("amount", "agreed_amount", "recovered_amount")


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"claims.{perm}"):
        raise PermissionDenied


def _hide(data: dict[str, Any], names, show: bool) -> dict[str, Any]:
    data["amounts_hidden"] = not show
    if not show:
        for name in names:
            data[name] = None
    return data


# -- claims ----------------------------------------------------------------------------------------


class ClaimRowOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    received_on: datetime.date
    customer_id: Id
    complaint_id: Id | None
    part_id: Id | None
    title: str
    owner_id: Id
    currency: str
    responsible_party: str
    claimed_amount: Decimal | None = None
    agreed_amount: Decimal | None = None
    compensation_amount: Decimal | None = None
    amounts_hidden: bool = False


ClaimListParams = create_model("ClaimListParams", __base__=Schema,
                               **{name: (str | None, None) for name in ClaimFilter.base_filters})


def _claim_row(claim: Claim, show: bool) -> dict[str, Any]:
    data = {name: getattr(claim, name) for name in ClaimRowOut.model_fields if hasattr(claim, name)}
    data["status_display"] = str(claim.get_status_display())
    return _hide(data, CLAIM_MONEY, show)


@router.get("/claims", response=list[ClaimRowOut], operation_id="list_claims", summary="List claims")
@paginate(BoundedPagination)
def list_claims(request, filters: Query[ClaimListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_claim")
    show = permissions.sees_claim_money(request.user)
    return [_claim_row(c, show) for c in claims_filtered(request.user, request.GET)[0]]


@router.get("/claims/export.xlsx", operation_id="export_claims", response={200: None},
            summary="The filtered claim list as an Excel file (amount columns for money roles only)")
def export_claims(request, filters: Query[ClaimListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_claim")
    qs = claims_filtered(request.user, request.GET)[0]
    return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.claim_columns(
        permissions.sees_claim_money(request.user)), "claims", "claims"))


def _claim_detail(claim: Claim, user) -> dict[str, Any]:
    rows = selectors.claim_detail_rows(claim)
    show = permissions.sees_claim_money(user)
    data = {
        "id": claim.pk, "number": claim.number, "status": claim.status,
        "status_display": str(claim.get_status_display()), "version": claim.version,
        "complaint_id": claim.complaint_id, "customer_id": claim.customer_id, "part_id": claim.part_id,
        "title": claim.title, "description": claim.description, "customer_reference": claim.customer_reference,
        "received_on": claim.received_on, "owner_id": claim.owner_id, "currency": claim.currency,
        "exchange_rate": claim.exchange_rate, "claimed_amount": claim.claimed_amount,
        "analysis": claim.analysis, "proposed_outcome": claim.proposed_outcome,
        "proposed_amount": claim.proposed_amount, "approved_by_id": claim.approved_by_id,
        "approved_at": claim.approved_at, "approved_by_delegation": claim.approved_by_delegation,
        "capa_id": claim.capa_id, "no_capa_reason": claim.no_capa_reason,
        "no_capa_accepted_by_id": claim.no_capa_accepted_by_id, "no_capa_accepted_at": claim.no_capa_accepted_at,
        "outcome": claim.outcome, "agreed_amount": claim.agreed_amount, "agreement_note": claim.agreement_note,
        "responsible_party": claim.responsible_party, "responsible_department_id": claim.responsible_department_id,
        "responsible_salesperson_id": claim.responsible_salesperson_id, "supplier_id": claim.supplier_id,
        "supplier_share": claim.supplier_share, "meeting_conclusion": claim.meeting_conclusion,
        "meeting_attendee_ids": [u.pk for u in rows["attendees"]],
        "compensation_amount": claim.compensation_amount, "settlement_method": claim.settlement_method,
        "settled_on": claim.settled_on, "settlement_reference": claim.settlement_reference,
        "closed_at": claim.closed_at,
        "items": [{"id": i.pk, "kind": i.kind, "description": i.description, "quantity": i.quantity,
                   **({"unit_price": i.unit_price, "claimed_amount": i.claimed_amount,
                       "settled_amount": i.settled_amount} if show else {})} for i in rows["items"]],
        "documents": [{"id": d.pk, "kind": d.kind, "name": d.name, "size": d.size, "sha256": d.sha256,
                       "uploaded_at": d.uploaded_at} for d in rows["documents"]],
        "rounds": [{"round_no": r.round_no, "outcome": r.outcome, "offered_at": r.offered_at, "answer": r.answer,
                    "answer_note": r.answer_note, "answered_at": r.answered_at,
                    **({"offered_amount": r.offered_amount} if show else {})} for r in rows["rounds"]],
        "changes": [{"name": c.name, "old_status": c.old_status, "new_status": c.new_status, "actor_id": c.actor_id,
                     "note": c.note, "at": c.at} for c in rows["changes"]],
        "supplier_claim_ids": [s.pk for s in rows["supplier_claims"]],
        "missing_documents": [] if claim.closed_at else missing_documents(claim),
        "next_steps": [row.name for row in CLAIM_TABLE.available(claim, user)],
    }
    return _hide(data, CLAIM_MONEY, show)


class ClaimItemIn(_Strict):
    kind: str
    description: str = ""
    quantity: DecimalQuantity = Decimal("1")
    unit_price: Money


class ClaimIn(_Strict):
    complaint_id: Id | None = None
    customer_id: Id | None = None
    part_id: Id | None = None
    title: str
    description: str
    customer_reference: str = ""
    received_on: datetime.date
    owner_id: Id | None = None
    currency: str = "CNY"
    exchange_rate: Rate | None = None
    items: list[ClaimItemIn] = []


def _relations(user, payload: dict[str, Any]) -> dict[str, Any]:
    models = {"complaint_id": Complaint, "customer_id": Customer, "part_id": Part, "owner_id": User,
              "supplier_id": Supplier, "claim_id": Claim, "handler_id": User}
    data = {}
    for key, value in payload.items():
        if key in models:
            if value is not None:
                data[key[:-3]] = visible_record(models[key], user, value, key)
        elif value is not None:
            data[key] = value
    return data


@router.post("/claims", response={201: dict}, operation_id="create_claim",
             summary="Record a claim with its items (the complaint's customer and part fill what is not given)")
def create_claim(request, payload: ClaimIn):
    _require(request.user, "add_claim")
    body = payload.dict()
    items = [dict(i) for i in body.pop("items")]
    data = _relations(request.user, body)
    source = data.get("complaint") or data.get("customer")
    if source is None:
        raise ValidationError({"customer_id": _("Give the customer, or the complaint the claim comes from.")})
    claim = services.claim_create(actor=request.user, company=source.company, data=data, items=items, source="api")
    return 201, _claim_detail(selectors.claim_get_for_user(request.user, claim.pk), request.user)


@router.get("/claims/settings", response=dict, operation_id="get_claim_settings",
            summary="The company's claim settings (numbering, the delegation of approvals to the vice GM and its "
                    "limit, required documents)")
def get_claim_settings(request):
    _require(request.user, "view_claimsettings")
    cfg = selectors.claim_settings_for(request.user.company)
    return {"number_pattern": cfg.number_pattern, "supplier_number_pattern": cfg.supplier_number_pattern,
            "base_currency": cfg.base_currency, "required_documents": cfg.required_documents,
            "vice_gm_delegation": cfg.vice_gm_delegation,
            "vice_gm_limit": cfg.vice_gm_limit if permissions.sees_claim_money(request.user) else None}


class ClaimSettingsIn(_Strict):
    number_pattern: str | None = None
    supplier_number_pattern: str | None = None
    base_currency: str | None = None
    vice_gm_delegation: bool | None = None
    vice_gm_limit: Money | None = None
    required_documents: list[str] | None = None


@router.patch("/claims/settings", response=dict, operation_id="update_claim_settings",
              summary="Change the claim settings (finance, vice GM, GM)")
def update_claim_settings(request, payload: ClaimSettingsIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    services.claim_settings_update(actor=request.user, company=request.user.company, data=data, source="api")
    return get_claim_settings(request)


class RateIn(_Strict):
    currency: str
    valid_from: datetime.date
    rate: Rate


@router.get("/claims/exchange-rates", response=list[dict], operation_id="list_exchange_rates",
            summary="Recorded exchange rates to the base currency")
def list_exchange_rates(request):
    _require(request.user, "view_exchangerate")
    from .models import ExchangeRate

    return [{"currency": r.currency, "valid_from": r.valid_from, "rate": r.rate}
            for r in ExchangeRate.objects.filter(company=request.user.company).order_by("currency", "-valid_from")]


@router.post("/claims/exchange-rates", response={201: dict}, operation_id="set_exchange_rate",
             summary="Record the rate of a currency from a day on")
def set_exchange_rate(request, payload: RateIn):
    row = services.exchange_rate_set(actor=request.user, company=request.user.company, source="api",
                                     **payload.dict())
    return 201, {"currency": row.currency, "valid_from": row.valid_from, "rate": row.rate}


@router.get("/claims/review", response=dict, operation_id="claims_review",
            summary="Claims of a period for management review: counts, amounts (money roles), by customer")
def claims_review(request, date_from: datetime.date, date_to: datetime.date):
    _require(request.user, "view_claim")
    review = selectors.claims_review(request.user, date_from, date_to)
    summary = dict(review["summary"])
    if not permissions.sees_claim_money(request.user):
        summary["claimed_base"] = summary["compensation_base"] = None
    return {
        "date_from": date_from, "date_to": date_to, "summary": summary,
        "quality_cost": review["ledger"] if permissions.sees_ledger(request.user) else None,
        "by_customer": [{"label": r["label"], "count": r["count"]} for r in review["by_customer"]],
        "responsible": [{"party": r["responsible_party"], "count": r["count"]} for r in review["responsible"]],
        "claims": [_claim_row(c, permissions.sees_claim_money(request.user)) for c in review["claims"]],
    }


@router.get("/claims/{pk}", response=dict, operation_id="get_claim", summary="One claim with items and rounds")
def get_claim(request, pk: Id):
    _require(request.user, "view_claim")
    return _claim_detail(selectors.claim_get_for_user(request.user, pk), request.user)


class ClaimUpdateIn(_Strict):
    part_id: Id | None = None
    title: str | None = None
    description: str | None = None
    customer_reference: str | None = None
    received_on: datetime.date | None = None
    owner_id: Id | None = None
    currency: str | None = None
    exchange_rate: Rate | None = None
    expected_version: Version | None = None


@router.patch("/claims/{pk}", response=dict, operation_id="update_claim",
              summary="Change the facts while the claim is collected or analysed")
def update_claim(request, pk: Id, payload: ClaimUpdateIn):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    body = payload.dict(exclude_unset=True)
    version = body.pop("expected_version", None)
    services.claim_update(actor=request.user, claim=claim, data=_relations(request.user, body),
                          expected_version=version, source="api")
    return _claim_detail(selectors.claim_get_for_user(request.user, pk), request.user)


class ItemsIn(_Strict):
    items: list[ClaimItemIn]
    expected_version: Version | None = None


@router.put("/claims/{pk}/items", response=dict, operation_id="replace_claim_items",
            summary="Replace the claimed items (the claimed amount follows)")
def replace_claim_items(request, pk: Id, payload: ItemsIn):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    services.claim_items_save(actor=request.user, claim=claim, items=[dict(i) for i in payload.items],
                              expected_version=payload.expected_version, source="api")
    return _claim_detail(selectors.claim_get_for_user(request.user, pk), request.user)


@router.post("/claims/{pk}/documents", response={201: dict}, operation_id="add_claim_document",
             summary="Upload a collected document or invoice (type, size and content checked)")
def add_claim_document(request, pk: Id, kind: str = Form(...), file: UploadedFile = File(...),  # noqa: B008
                       note: str = Form("")):  # noqa: B008
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    doc = services.claim_document_add(actor=request.user, claim=claim, kind=kind, file=file, note=note,
                                      source="api")
    return 201, {"id": doc.pk, "kind": doc.kind, "name": doc.name, "size": doc.size, "sha256": doc.sha256}


@router.get("/claims/{pk}/documents/{doc}", operation_id="download_claim_document", response={200: None},
            summary="A collected document, served only while its content hash matches")
def download_claim_document(request, pk: Id, doc: Id):
    _require(request.user, "view_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    return document_response(get_object_or_404(ClaimDocument, pk=doc, claim=claim))


def _inputs(table, record, name: str, body: dict[str, Any], user) -> dict[str, Any]:
    """Workflow inputs typed by the same form as the pages; keys the step does not take go on to be refused."""
    row = table.get(record.status, name)
    if row is None or not user.has_role(*row.roles):
        return {}  # the service refuses the step (wrong state, wrong role) before looking at inputs
    form = TransitionForm(data={k: v for k, v in body.items() if v is not None}, row=row, user=user,
                          company_id=record.company_id)
    typed = {k: v for k, v in body.items() if k not in form.fields}
    if not form.is_valid():
        raise ValidationError({k: v for k, v in form.errors.items()})
    typed.update(form.inputs())
    return typed


class ClaimTransitionIn(_Strict):
    action: str
    expected_version: Version | None = None
    inputs: dict[str, WorkflowInput] = {}


@router.post("/claims/{pk}/transitions", response=dict, operation_id="transition_claim",
             summary="Take a workflow step: submit, propose, approve, return_proposal, customer_rejects, "
                     "customer_accepts, withdraw, fix_responsibility, settle, accept_no_capa, cancel")
def transition_claim(request, pk: Id, payload: ClaimTransitionIn):
    _require(request.user, "view_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    inputs = _inputs(CLAIM_TABLE, claim, payload.action, payload.inputs, request.user)
    services.claim_transition(actor=request.user, claim=claim, name=payload.action,
                              expected_version=payload.expected_version, source="api", **inputs)
    return _claim_detail(selectors.claim_get_for_user(request.user, pk), request.user)


class SettlementIn(_Strict):
    amounts: dict[Id, Money]
    expected_version: Version | None = None


@router.post("/claims/{pk}/settlement", response=dict, operation_id="settle_claim_items",
             summary="Finance: the settled amount of each item (their sum is the compensation)")
def settle_claim_items(request, pk: Id, payload: SettlementIn):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    services.claim_settlement_save(actor=request.user, claim=claim, amounts=payload.amounts,
                                   expected_version=payload.expected_version, source="api")
    return _claim_detail(selectors.claim_get_for_user(request.user, pk), request.user)


@router.post("/claims/{pk}/actions", response={201: dict}, operation_id="raise_claim_action",
             summary="Raise the corrective action of the claim's root cause through the CAPA service")
def raise_claim_action(request, pk: Id):
    if not request.user.has_perm("capa.add_correctiveaction"):
        raise PermissionDenied
    claim = selectors.claim_get_for_user(request.user, pk)
    action = services.claim_action_raise(actor=request.user, claim=claim, source="api")
    return 201, {"id": action.pk, "number": action.number}


@router.get("/claims/{pk}/settlement.pdf", operation_id="claim_settlement_sheet", response={200: None},
            summary="The claim settlement sheet as PDF (money roles only)")
def claim_settlement_sheet(request, pk: Id):
    _require(request.user, "view_claim")
    if not permissions.sees_claim_money(request.user):
        raise PermissionDenied
    claim = selectors.claim_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.claim_pdf(claim), claim.number)


# -- supplier claims ---------------------------------------------------------------------------------


class SupplierClaimOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    version: int
    claim_id: Id | None
    complaint_id: Id | None
    supplier_id: Id
    description: str
    currency: str
    share_percent: Decimal
    handler_id: Id | None
    raised_at: datetime.datetime
    recovered_on: datetime.date | None
    closed_at: datetime.datetime | None
    amount: Decimal | None = None
    agreed_amount: Decimal | None = None
    recovered_amount: Decimal | None = None
    amounts_hidden: bool = False


def _supplier_out(sc: SupplierClaim, user) -> dict[str, Any]:
    data = {name: getattr(sc, name) for name in SupplierClaimOut.model_fields if hasattr(sc, name)}
    data["status_display"] = str(sc.get_status_display())
    return _hide(data, SUPPLIER_MONEY, permissions.sees_supplier_money(user))


SupplierListParams = create_model("SupplierClaimListParams", __base__=Schema,
                                  **{name: (str | None, None) for name in SupplierClaimFilter.base_filters})


@router.get("/supplier-claims", response=list[SupplierClaimOut], operation_id="list_supplier_claims",
            summary="List supplier claims (charge-backs)")
@paginate(BoundedPagination)
def list_supplier_claims(request, filters: Query[SupplierListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_supplierclaim")
    return [_supplier_out(sc, request.user) for sc in supplier_claims_filtered(request.user, request.GET)[0]]


@router.get("/supplier-claims/export.xlsx", operation_id="export_supplier_claims", response={200: None},
            summary="The filtered supplier claims as an Excel file")
def export_supplier_claims(request, filters: Query[SupplierListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_supplierclaim")
    qs = supplier_claims_filtered(request.user, request.GET)[0]
    return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.supplier_columns(
        permissions.sees_supplier_money(request.user)), "supplier claims", "supplier-claims"))


class SupplierClaimIn(_Strict):
    claim_id: Id | None = None
    complaint_id: Id | None = None
    supplier_id: Id
    description: str
    share_percent: Percent
    amount: Money
    currency: str | None = None
    handler_id: Id | None = None


@router.post("/supplier-claims", response={201: SupplierClaimOut}, operation_id="raise_supplier_claim",
             summary="Raise a charge-back by hand from a claim or a complaint")
def raise_supplier_claim(request, payload: SupplierClaimIn):
    _require(request.user, "add_supplierclaim")
    data = _relations(request.user, payload.dict())
    source = data.get("claim") or data.get("complaint")
    sc = services.supplier_claim_raise(actor=request.user, company=source.company if source else
                                       request.user.company, data=data, source="api")
    return 201, _supplier_out(sc, request.user)


@router.get("/supplier-claims/{pk}", response=SupplierClaimOut, operation_id="get_supplier_claim",
            summary="One supplier claim")
def get_supplier_claim(request, pk: Id):
    _require(request.user, "view_supplierclaim")
    return _supplier_out(selectors.supplier_claim_get_for_user(request.user, pk), request.user)


@router.post("/supplier-claims/{pk}/transitions", response=SupplierClaimOut, operation_id="transition_supplier_claim",
             summary="Take a step: send, agree, recover, write_off")
def transition_supplier_claim(request, pk: Id, payload: ClaimTransitionIn):
    _require(request.user, "view_supplierclaim")
    sc = selectors.supplier_claim_get_for_user(request.user, pk)
    if not permissions.sees_supplier_money(request.user):
        raise PermissionDenied
    inputs = _inputs(SUPPLIER_TABLE, sc, payload.action, payload.inputs, request.user)
    services.supplier_claim_transition(actor=request.user, supplier_claim=sc, name=payload.action,
                                       expected_version=payload.expected_version, source="api", **inputs)
    return _supplier_out(selectors.supplier_claim_get_for_user(request.user, pk), request.user)


@router.get("/supplier-claims/{pk}/letter.pdf", operation_id="supplier_claim_letter", response={200: None},
            summary="The supplier claim letter as PDF")
def supplier_claim_letter(request, pk: Id):
    _require(request.user, "view_supplierclaim")
    if not permissions.sees_supplier_money(request.user):
        raise PermissionDenied
    sc = selectors.supplier_claim_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.supplier_claim_pdf(sc), sc.number)


# -- the quality cost ledger ---------------------------------------------------------------------------


def _ledger_access(user) -> None:
    _require(user, "view_costentry")
    if not permissions.sees_ledger(user):
        raise PermissionDenied


class CostEntryOut(Schema):
    id: int
    booked_on: datetime.date
    period: datetime.date
    kind: str
    category: str
    complaint_id: Id | None
    claim_id: Id | None
    supplier_claim_id: Id | None
    customer_id: Id | None
    part_id: Id | None
    bearer: str
    department_id: Id | None
    salesperson_id: Id | None
    supplier_id: Id | None
    currency: str
    amount: Decimal
    exchange_rate: Decimal
    amount_base: Decimal
    description: str


LedgerParams = create_model("LedgerParams", __base__=Schema,
                            **{name: (str | None, None) for name in LedgerFilter.base_filters})


@router.get("/quality-cost", response=list[CostEntryOut], operation_id="list_cost_entries",
            summary="Quality cost ledger entries (costs and supplier recoveries)")
@paginate(BoundedPagination)
def list_cost_entries(request, filters: Query[LedgerParams]):  # type: ignore[valid-type]
    _ledger_access(request.user)
    return ledger_filtered(request.user, request.GET)[0]


@router.get("/quality-cost/totals", response=dict, operation_id="cost_totals",
            summary="Gross cost, recovery and net cost in the base currency, in total and by one breakdown")
def cost_totals(request, filters: Query[LedgerParams], by: str = "period"):  # type: ignore[valid-type]
    _ledger_access(request.user)
    if by not in LedgerGroup.values:
        raise ValidationError({"by": _("Choose one of: %(values)s.") % {"values": ", ".join(LedgerGroup.values)}})
    qs = ledger_filtered(request.user, request.GET)[0]
    rows = selectors.ledger_breakdown(qs, by)
    for row in rows:
        row["key"] = str(row["key"]) if row["key"] is not None else None
        row["label"] = str(row["label"])
    return {"totals": selectors.ledger_totals(qs), "by": by, "rows": rows}


@router.get("/quality-cost/export.xlsx", operation_id="export_cost_entries", response={200: None},
            summary="The filtered ledger as an Excel file")
def export_cost_entries(request, filters: Query[LedgerParams]):  # type: ignore[valid-type]
    _ledger_access(request.user)
    qs = ledger_filtered(request.user, request.GET)[0]
    return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.LEDGER_COLUMNS, "quality cost", "quality-cost"))


class CostIn(_Strict):
    complaint_id: Id | None = None
    claim_id: Id | None = None
    booked_on: datetime.date
    category: str
    bearer: str = "company"
    department_id: Id | None = None
    salesperson_id: Id | None = None
    supplier_id: Id | None = None
    currency: str = "CNY"
    amount: Money
    exchange_rate: Rate | None = None
    description: str = ""


@router.post("/quality-cost", response={201: CostEntryOut}, operation_id="book_cost",
             summary="Book a cost of a complaint or claim by hand (return, repair, on-site, freight, scrap)")
def book_cost(request, payload: CostIn = Body(...)):  # noqa: B008
    _require(request.user, "add_costentry")
    from kesu.accounts.models import Department

    body = payload.dict()
    department = visible_record(Department, request.user, body.pop("department_id"), "department_id")
    salesperson = visible_record(User, request.user, body.pop("salesperson_id"), "salesperson_id")
    data = _relations(request.user, body)
    data.update({k: v for k, v in {"department": department, "salesperson": salesperson}.items() if v})
    source = data.get("claim") or data.get("complaint")
    entry = services.cost_book(actor=request.user, company=source.company if source else request.user.company,
                               data=data, source="api")
    return 201, entry
