"""REST endpoints of customer property under /api/v1/property/ (issue 19 §8).

The same selectors (404 for another company's record or a confidential item the user may not see), services,
workflow tables and messages as the pages: a refused step answers with the page's message
(``{"detail": [{"loc": ["body", field], "msg": …}]}``). Relations travel as ``<name>_id``; unknown keys are refused.
"""


import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from kesu.accounts.models import Department, User
from kesu.api.paging import BoundedPagination
from kesu.api.types import Id, Version, WorkflowInput
from kesu.core.importexport import rows_xlsx
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.selectors import visible_record
from kesu.customers.models import Customer, Part

from . import exports, printouts, selectors, services
from .filters import damage_filtered, items_filtered, loans_filtered
from .forms import TransitionForm
from .models import ControlledCopy, DamageReport, ExternalDocument, InventoryCheck, Loan, PropertyItem
from .workflow import COPY_TABLE, DAMAGE_TABLE, ITEM_TABLE, LOAN_TABLE

router = Router(tags=["property"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"property.{perm}"):
        raise PermissionDenied


RELATIONS = {"customer_id": Customer, "part_id": Part, "keeper_department_id": Department, "keeper_id": User,
             "sales_owner_id": User, "department_id": Department}


def _relations(user, payload: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for key, value in payload.items():
        if key in RELATIONS:
            if value is not None:
                data[key[:-3]] = visible_record(RELATIONS[key], user, value, key)
        elif value is not None:
            data[key] = value
    return data


def _inputs(table, record, name: str, body: dict[str, Any], user) -> dict[str, Any]:
    """Workflow inputs typed by the page's form; keys the step does not take go on to be refused."""
    row = table.get(record.status, name)
    if row is None or not user.has_role(*row.allowed_roles(record)):
        return dict(body)  # the service refuses the step (wrong state, wrong role) before looking at inputs
    form = TransitionForm(data={k: v for k, v in body.items() if v is not None}, row=row)
    typed = {k: v for k, v in body.items() if k not in form.fields}
    if not form.is_valid():
        raise ValidationError({k: v for k, v in form.errors.items()})
    typed.update(form.inputs())
    return typed


class PropertyTransitionIn(_Strict):
    action: str
    expected_version: Version | None = None
    inputs: dict[str, WorkflowInput] = {}


def _d(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _item_out(item: PropertyItem) -> dict[str, Any]:
    fields = ("id", "number", "customer_id", "item_type", "description", "quantity", "unit", "customer_reference",
              "serial_or_lot", "part_id", "received_on", "received_from", "condition_on_receipt",
              "keeper_department_id", "keeper_id", "location", "confidentiality", "access_roles", "terms",
              "return_by", "loan_needs_consent", "calibration_due_on", "sales_owner_id", "status", "version")
    out = {name: _d(getattr(item, name)) for name in fields}
    out["status_display"] = item.get_status_display()
    return out


def _loan_out(loan: Loan) -> dict[str, Any]:
    fields = ("id", "number", "item_id", "requested_by_id", "department_id", "keeper_department_id", "purpose",
              "borrow_from", "expected_return_on", "due_at", "customer_consent", "approved_by_id", "issued_at",
              "returned_at", "return_condition", "return_note", "returned_late", "reason", "status", "version")
    out = {name: _d(getattr(loan, name)) for name in fields}
    out["status_display"] = loan.get_status_display()
    return out


def _damage_out(report: DamageReport) -> dict[str, Any]:
    fields = ("id", "number", "item_id", "loan_id", "kind", "description", "happened_on", "reported_by_id",
              "reported_at", "remedial_action", "notice_language", "communication", "notified_at", "customer_answer",
              "bearer", "cost_amount", "cost_entry_id", "capa_id", "status", "version")
    out = {name: _d(getattr(report, name)) for name in fields}
    out["status_display"] = report.get_status_display()
    return out


def _document_out(document: ExternalDocument) -> dict[str, Any]:
    return {"id": document.pk, "number": document.number, "kind": document.kind, "customer_id": document.customer_id,
            "title": document.title, "item_id": document.item_id,
            "part_ids": [p.pk for p in document.parts.all()],
            "revisions": [{"id": r.pk, "revision": r.revision, "status": r.status, "pages": r.pages,
                           "received_on": _d(r.received_on),
                           "copies": [_copy_out(c) for c in r.copies.all()]} for r in document.revisions.all()]}


def _copy_out(copy: ControlledCopy) -> dict[str, Any]:
    return {"id": copy.pk, "copy_no": copy.copy_no, "department_id": copy.department_id, "status": copy.status,
            "version": copy.version, "confirmed_by_id": copy.confirmed_by_id}


# -- Excel and PDF outputs (the same filters, permissions and files as the pages) ----------------------------------


@router.get("/items/export.xlsx", operation_id="export_property_items", response={200: None},
            summary="The ledger (《顾客财产台帐》) as an Excel file, filtered by the list's query parameters")
def export_items(request):
    _require(request.user, "view_propertyitem")
    qs = items_filtered(request.user, request.GET)[0].order_by("-received_on", "-id")
    return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.item_columns(),
                           gettext("Customer property ledger"), "property-ledger"))


@router.get("/items/ledger.pdf", operation_id="print_property_ledger", response={200: None},
            summary="The filtered ledger as the paper form (PDF)")
def print_ledger(request):
    _require(request.user, "view_propertyitem")
    qs = items_filtered(request.user, request.GET)[0].order_by("-received_on", "-id")
    return printouts.ledger_response(request.user, qs[:2000])


@router.get("/loans/export.xlsx", operation_id="export_property_loans", response={200: None},
            summary="The filtered loans as an Excel file")
def export_loans(request):
    _require(request.user, "view_loan")
    qs = loans_filtered(request.user, request.GET)[0].order_by("-id")
    return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.loan_columns(), gettext("Loans"),
                           "property-loans"))


@router.get("/damage-reports/export.xlsx", operation_id="export_property_damage_reports", response={200: None},
            summary="The filtered damage and loss reports as an Excel file")
def export_damage(request):
    _require(request.user, "view_damagereport")
    qs = damage_filtered(request.user, request.GET)[0].order_by("-reported_at", "-id")
    return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.damage_columns(),
                           gettext("Damage and loss reports"), "property-damage"))


def _documents(request):
    qs = selectors.documents_visible_to(request.user).prefetch_related("revisions", "parts")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(title__icontains=q)
    return qs.order_by("customer__code", "number")


@router.get("/documents/export.xlsx", operation_id="export_property_documents", response={200: None},
            summary="The drawing and document register as an Excel file (?q= filters by number or title)")
def export_documents(request, q: str = ""):
    _require(request.user, "view_externaldocument")
    return _xlsx(rows_xlsx(_documents(request).iterator(chunk_size=2000), exports.document_columns(),
                           gettext("External drawing and document register"), "drawing-register"))


@router.get("/documents/register.pdf", operation_id="print_property_register", response={200: None},
            summary="The drawing register (《外来图纸及文件登记记录表》) as PDF")
def print_register(request, q: str = ""):
    _require(request.user, "view_externaldocument")
    return printouts.register_response(request.user, _documents(request)[:2000])


@router.get("/loans/{pk}/slip.pdf", operation_id="print_property_loan_slip", response={200: None},
            summary="The loan slip (《顾客财产借用单》) as PDF")
def print_loan_slip(request, pk: Id):
    _require(request.user, "view_loan")
    return printouts.loan_slip_response(selectors.loan_get_for_user(request.user, pk))


@router.get("/damage-reports/{pk}/notice.pdf", operation_id="print_property_damage_notice", response={200: None},
            summary="The written notice to the customer, in the customer's language (PDF)")
def print_damage_notice(request, pk: Id):
    _require(request.user, "view_damagereport")
    return printouts.damage_notice_response(selectors.damage_get_for_user(request.user, pk))


# -- the ledger ----------------------------------------------------------------------------------------------------


class ItemListParams(Schema):
    q: str | None = None
    item_type: str | None = None
    status: str | None = None
    on_site: bool | None = None
    customer_code: str | None = None


@router.get("/items", response=list[dict], operation_id="list_property_items", summary="The ledger")
@paginate(BoundedPagination)
def list_items(request, filters: Query[ItemListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_propertyitem")
    return [_item_out(i) for i in items_filtered(request.user, request.GET)[0]]


class ItemIn(_Strict):
    customer_id: Id
    item_type: str
    description: str
    quantity: Decimal | None = None
    unit: str | None = None
    customer_reference: str | None = None
    serial_or_lot: str | None = None
    part_id: Id | None = None
    received_on: datetime.date
    received_from: str | None = None
    condition_on_receipt: str | None = None
    keeper_department_id: Id | None = None
    keeper_id: Id | None = None
    location: str | None = None
    confidentiality: str | None = None
    access_roles: str | None = None
    terms: str | None = None
    return_by: datetime.date | None = None
    loan_needs_consent: bool | None = None
    calibration_due_on: datetime.date | None = None
    sales_owner_id: Id | None = None


@router.post("/items", response={201: dict}, operation_id="create_property_item",
             summary="Register an item on arrival (the keeping department follows the type unless given)")
def create_item(request, payload: ItemIn):
    _require(request.user, "add_propertyitem")
    data = _relations(request.user, payload.dict())
    item = services.item_create(actor=request.user, company=data["customer"].company, data=data, source="api")
    return 201, _item_out(item)


@router.get("/items/{pk}", response=dict, operation_id="get_property_item")
def get_item(request, pk: Id):
    _require(request.user, "view_propertyitem")
    return _item_out(selectors.item_get_for_user(request.user, pk))


class ItemPatch(_Strict):
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    customer_reference: str | None = None
    serial_or_lot: str | None = None
    received_from: str | None = None
    condition_on_receipt: str | None = None
    keeper_department_id: Id | None = None
    keeper_id: Id | None = None
    location: str | None = None
    confidentiality: str | None = None
    access_roles: str | None = None
    terms: str | None = None
    return_by: datetime.date | None = None
    loan_needs_consent: bool | None = None
    calibration_due_on: datetime.date | None = None
    expected_version: Version | None = None


@router.patch("/items/{pk}", response=dict, operation_id="update_property_item")
def update_item(request, pk: Id, payload: ItemPatch):
    _require(request.user, "change_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    body = payload.dict(exclude_unset=True)
    version = body.pop("expected_version", None)
    item = services.item_update(actor=request.user, item=item, data=_relations(request.user, body),
                                expected_version=version, source="api")
    return _item_out(item)


@router.post("/items/{pk}/transitions", response=dict, operation_id="transition_property_item",
             summary="put_in_use, repaired, found, return_to_customer, scrap")
def transition_item(request, pk: Id, payload: PropertyTransitionIn):
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    inputs = _inputs(ITEM_TABLE, item, payload.action, payload.inputs, request.user)
    services.item_transition(actor=request.user, item=item, name=payload.action,
                             expected_version=payload.expected_version, source="api", **inputs)
    return _item_out(selectors.item_get_for_user(request.user, pk))


class CalibrationIn(_Strict):
    calibrated_on: datetime.date
    next_due_on: datetime.date


@router.post("/items/{pk}/calibration", response=dict, operation_id="record_property_calibration")
def record_calibration(request, pk: Id, payload: CalibrationIn):
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    return _item_out(services.item_calibrated(actor=request.user, item=item, source="api", **payload.dict()))


class LoanIn(_Strict):
    purpose: str
    borrow_from: datetime.date
    expected_return_on: datetime.date
    department_id: Id | None = None


@router.post("/items/{pk}/loans", response={201: dict}, operation_id="request_property_loan",
             summary="Ask to borrow the item (one open loan per item)")
def request_loan(request, pk: Id, payload: LoanIn):
    _require(request.user, "add_loan")
    item = selectors.item_get_for_user(request.user, pk)
    loan = services.loan_request(actor=request.user, item=item, data=_relations(request.user, payload.dict()),
                                 source="api")
    return 201, _loan_out(loan)


class DamageIn(_Strict):
    kind: str
    description: str
    happened_on: datetime.date
    loan_id: Id | None = None


@router.post("/items/{pk}/damage-reports", response={201: dict}, operation_id="report_property_damage")
def report_damage(request, pk: Id, payload: DamageIn):
    _require(request.user, "add_damagereport")
    item = selectors.item_get_for_user(request.user, pk)
    data = payload.dict()
    loan_id = data.pop("loan_id", None)
    if loan_id is not None:
        data["loan"] = get_object_or_404(Loan.objects.filter(item=item), pk=loan_id)
    report = services.damage_report(actor=request.user, item=item, data=data, source="api")
    return 201, _damage_out(report)


def _photo_out(photo) -> dict[str, Any]:
    return {"id": photo.pk, "item_id": photo.item_id, "damage_report_id": photo.damage_report_id,
            "loan_id": photo.loan_id, "name": photo.name, "content_type": photo.content_type, "size": photo.size,
            "sha256": photo.sha256, "has_thumbnail": bool(photo.thumbnail.name)}


@router.get("/items/{pk}/photos", response=list[dict], operation_id="list_property_photos")
def list_photos(request, pk: Id):
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    return [_photo_out(p) for p in item.photos.all()]


@router.post("/items/{pk}/photos", response={201: list[dict]}, operation_id="add_property_photos",
             summary="Upload photos of the item, a damage report or a loan (multipart, field 'photos', repeatable)")
def add_photos(request, pk: Id, photos: list[UploadedFile] = File(...),  # noqa: B008
               damage_report_id: int | None = Form(None), loan_id: int | None = Form(None)):  # noqa: B008
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    report = get_object_or_404(item.damage_reports, pk=damage_report_id) if damage_report_id else None
    loan = get_object_or_404(item.loans, pk=loan_id) if loan_id else None
    rows = services.photos_add(actor=request.user, item=item, photos=photos, report=report, loan=loan, source="api")
    return Status(201, [_photo_out(p) for p in rows])


# -- loans and damage reports ----------------------------------------------------------------------------------------


class StatusListParams(Schema):
    status: str | None = None
    open: bool | None = None


@router.get("/loans", response=list[dict], operation_id="list_property_loans")
@paginate(BoundedPagination)
def list_loans(request, filters: Query[StatusListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_loan")
    return [_loan_out(loan) for loan in loans_filtered(request.user, request.GET)[0]]


@router.get("/loans/{pk}", response=dict, operation_id="get_property_loan")
def get_loan(request, pk: Id):
    _require(request.user, "view_loan")
    return _loan_out(selectors.loan_get_for_user(request.user, pk))


@router.post("/loans/{pk}/transitions", response=dict, operation_id="transition_property_loan",
             summary="approve, reject, issue, return, cancel")
def transition_loan(request, pk: Id, payload: PropertyTransitionIn):
    _require(request.user, "view_loan")
    loan = selectors.loan_get_for_user(request.user, pk)
    inputs = _inputs(LOAN_TABLE, loan, payload.action, payload.inputs, request.user)
    services.loan_transition(actor=request.user, loan=loan, name=payload.action,
                             expected_version=payload.expected_version, source="api", **inputs)
    return _loan_out(selectors.loan_get_for_user(request.user, pk))


@router.get("/damage-reports", response=list[dict], operation_id="list_property_damage_reports")
@paginate(BoundedPagination)
def list_damage(request, filters: Query[StatusListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_damagereport")
    return [_damage_out(r) for r in damage_filtered(request.user, request.GET)[0]]


@router.get("/damage-reports/{pk}", response=dict, operation_id="get_property_damage_report")
def get_damage(request, pk: Id):
    _require(request.user, "view_damagereport")
    return _damage_out(selectors.damage_get_for_user(request.user, pk))


@router.post("/damage-reports/{pk}/transitions", response=dict, operation_id="transition_property_damage_report",
             summary="record_remedy, notify_customer, record_answer, book_cost, close_without_cost")
def transition_damage(request, pk: Id, payload: PropertyTransitionIn):
    _require(request.user, "view_damagereport")
    report = selectors.damage_get_for_user(request.user, pk)
    inputs = _inputs(DAMAGE_TABLE, report, payload.action, payload.inputs, request.user)
    services.damage_transition(actor=request.user, report=report, name=payload.action,
                               expected_version=payload.expected_version, source="api", **inputs)
    return _damage_out(selectors.damage_get_for_user(request.user, pk))


@router.post("/damage-reports/{pk}/actions", response={201: dict}, operation_id="raise_property_damage_action",
             summary="Raise a corrective action through the CAPA service")
def raise_damage_action(request, pk: Id):
    if not request.user.has_perm("capa.add_correctiveaction"):
        raise PermissionDenied
    report = selectors.damage_get_for_user(request.user, pk)
    action = services.damage_action_raise(actor=request.user, report=report, source="api")
    return 201, {"id": action.pk, "number": action.number}


# -- customer information kept as property (issue 19 §7) --------------------------------------------------------


def _information_out(record) -> dict[str, Any]:
    return {"id": record.pk, "customer_id": record.customer_id, "title": record.title, "kind": record.kind,
            "description": record.description, "kept_at": record.kept_at,
            "confidentiality": record.confidentiality, "access_roles": record.access_role_list,
            "access_user_ids": [u.pk for u in record.access_users.all()],
            "registered_by_id": record.registered_by_id}


@router.get("/customers/{pk}/information", response=dict, operation_id="list_property_customer_information",
            summary="A customer's confidential information the caller may see, and its contacts' personal data as "
                    "the privacy rule shows it to the caller")
def list_customer_information(request, pk: Id):
    from kesu.core.privacy import masked_instance_values

    _require(request.user, "view_propertyitem")
    try:
        customer = visible_record(Customer, request.user, pk, "customer")
    except ValidationError:
        raise Http404 from None
    records = selectors.information_visible_to(request.user).filter(customer=customer).prefetch_related(
        "access_users")
    return {"information": [_information_out(r) for r in records],
            "contacts": [{"id": c.pk, **masked_instance_values(c, request.user)}
                         for c in customer.contacts.all().order_by("-is_primary", "id")],
            "personal_data_roles": selectors.personal_data_rule()["roles"]}


class InformationIn(_Strict):
    customer_id: Id
    title: str
    kind: str
    description: str = ""
    kept_at: str = ""
    confidentiality: str = "confidential"
    access_roles: list[str] = []
    access_user_ids: list[Id] = []


@router.post("/information", response={201: dict}, operation_id="register_property_customer_information")
def register_information(request, payload: InformationIn):
    _require(request.user, "add_customerinformation")
    data = payload.dict()
    customer = visible_record(Customer, request.user, data.pop("customer_id"), "customer_id")
    users = [visible_record(User, request.user, u, "access_user_ids") for u in data.pop("access_user_ids")]
    record = services.information_register(actor=request.user, company=customer.company,
                                           data={**data, "customer": customer}, users=users, source="api")
    return Status(201, _information_out(record))


@router.get("/information/{pk}", response=dict, operation_id="get_property_customer_information")
def get_information(request, pk: Id):
    _require(request.user, "view_propertyitem")
    return _information_out(selectors.information_get_for_user(request.user, pk))


# -- the drawing register --------------------------------------------------------------------------------------------


@router.get("/documents", response=list[dict], operation_id="list_property_documents")
@paginate(BoundedPagination)
def list_documents(request):
    _require(request.user, "view_externaldocument")
    return [_document_out(d) for d in selectors.documents_visible_to(request.user).prefetch_related(
        "revisions__copies").order_by("customer__code", "number")]


class DocumentIn(_Strict):
    customer_id: Id
    number: str
    kind: str = "drawing"
    title: str
    item_id: Id | None = None
    revision: str
    pages: int = 1
    received_on: datetime.date
    part_ids: list[Id] = []


@router.post("/documents", response={201: dict}, operation_id="register_property_document")
def register_document(request, payload: DocumentIn):
    _require(request.user, "add_externaldocument")
    body = payload.dict()
    customer = visible_record(Customer, request.user, body["customer_id"], "customer_id")
    item = selectors.item_get_for_user(request.user, body["item_id"]) if body.get("item_id") else None
    parts = [visible_record(Part, request.user, pk, "part_ids") for pk in body["part_ids"]]
    document = services.document_register(
        actor=request.user, company=customer.company,
        data={"number": body["number"], "kind": body["kind"], "customer": customer, "title": body["title"],
              "item": item},
        revision=body["revision"], received_on=body["received_on"], pages=body["pages"], parts=parts, source="api")
    return 201, _document_out(document)


@router.get("/documents/{pk}", response=dict, operation_id="get_property_document")
def get_document(request, pk: Id):
    _require(request.user, "view_externaldocument")
    return _document_out(selectors.document_get_for_user(request.user, pk))


class RevisionIn(_Strict):
    revision: str
    pages: int = 1
    received_on: datetime.date


@router.post("/documents/{pk}/revisions", response={201: dict}, operation_id="add_property_revision",
             summary="A new revision supersedes the current one and recalls its copies")
def add_revision(request, pk: Id, payload: RevisionIn):
    _require(request.user, "add_externaldocument")
    document = selectors.document_get_for_user(request.user, pk)
    services.revision_add(actor=request.user, document=document, source="api", **payload.dict())
    return 201, _document_out(selectors.document_get_for_user(request.user, pk))


class CopiesIn(_Strict):
    department_ids: list[Id]


@router.post("/documents/{pk}/copies", response={201: dict}, operation_id="issue_property_copies",
             summary="Issue controlled copies of the current revision to departments")
def issue_copies(request, pk: Id, payload: CopiesIn):
    _require(request.user, "add_controlledcopy")
    document = selectors.document_get_for_user(request.user, pk)
    current = document.revisions.filter(status="current").first()
    departments = [visible_record(Department, request.user, d, "department_ids") for d in payload.department_ids]
    services.copies_issue(actor=request.user, revision=current, departments=departments, source="api")
    return 201, _document_out(selectors.document_get_for_user(request.user, pk))


@router.post("/copies/{pk}/transitions", response=dict, operation_id="transition_property_copy",
             summary="recall, confirm_returned, confirm_destroyed")
def transition_copy(request, pk: Id, payload: PropertyTransitionIn):
    _require(request.user, "view_controlledcopy")
    copy = selectors.copy_get_for_user(request.user, pk)
    inputs = _inputs(COPY_TABLE, copy, payload.action, payload.inputs, request.user)
    copy = services.copy_transition(actor=request.user, copy=copy, name=payload.action,
                                    expected_version=payload.expected_version, source="api", **inputs)
    return _copy_out(copy)


# -- inventory checks ------------------------------------------------------------------------------------------------


def _check_out(check: InventoryCheck) -> dict[str, Any]:
    return {"id": check.pk, "year": check.year, "status": check.status,
            "lines": [{"id": line.pk, "item_id": line.item_id, "department_id": line.department_id,
                       "result": line.result, "condition_note": line.condition_note,
                       "damage_report_id": line.damage_report_id} for line in check.lines.all()]}


class InventoryIn(_Strict):
    year: int = Field(ge=2000, le=2100)


@router.post("/inventory-checks", response={201: dict}, operation_id="start_property_inventory")
def start_inventory(request, payload: InventoryIn):
    _require(request.user, "add_inventorycheck")
    if request.user.company is None:
        raise PermissionDenied  # an inventory check belongs to one company: a user of none starts none
    return 201, _check_out(services.inventory_start(actor=request.user, company=request.user.company,
                                                    year=payload.year, source="api"))


@router.get("/inventory-checks/{pk}", response=dict, operation_id="get_property_inventory")
def get_inventory(request, pk: Id):
    _require(request.user, "view_inventorycheck")
    return _check_out(selectors.inventory_get_for_user(request.user, pk))


class InventoryConfirmIn(_Strict):
    result: str
    condition_note: str = ""


@router.post("/inventory-checks/{pk}/lines/{line_pk}", response=dict, operation_id="confirm_property_inventory_line")
def confirm_line(request, pk: Id, line_pk: Id, payload: InventoryConfirmIn):
    _require(request.user, "view_inventorycheck")
    check = selectors.inventory_get_for_user(request.user, pk)
    line = get_object_or_404(check.lines, pk=line_pk)
    services.inventory_confirm(actor=request.user, line=line, source="api", **payload.dict())
    return _check_out(check)


@router.post("/inventory-checks/{pk}/close", response=dict, operation_id="close_property_inventory")
def close_inventory(request, pk: Id):
    _require(request.user, "add_inventorycheck")
    check = selectors.inventory_get_for_user(request.user, pk)
    return _check_out(services.inventory_close(actor=request.user, check=check, source="api"))
