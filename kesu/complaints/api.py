"""REST endpoints for complaints under /api/v1/complaints: the same filters, forms and services as the pages.

A refused workflow step answers with the refusal's own status (403 wrong
role, 409 wrong state or stale, 422 otherwise) and
``{"detail": [{"loc": [...], "msg": ...}], "code": ...}``, ``loc`` naming the
field when the refusal names one.
"""


import datetime
import json
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from ninja import Body, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.orm import create_schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field, create_model

from kesu.api.errors import ApiError
from kesu.api.lean import LeanList, conditional
from kesu.api.modelschema import input_schema
from kesu.api.paging import BoundedPagination
from kesu.api.types import Count, Id, Instant, JsonScalar, Version
from kesu.core.listing import api_ordering
from kesu.customers.models import Contract, Customer, Part

from . import exports, printouts, selectors, services
from .filters import ComplaintFilter, complaints_queried
from .forms import ComplaintForm, ComplaintUpdateForm, HistoryForm, transition_inputs
from .models import Complaint
from .records import record_submit
from .services import FORM_FIELDS, UPDATE_FIELDS, TransitionRefused
from .views import LIST_SPEC
from .workflow import TRANSITIONS

router = Router(tags=["complaints"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_OUT_FIELDS = ["id", *[f.name for f in Complaint._meta.concrete_fields if not f.primary_key]]
ComplaintOut = create_schema(Complaint, name="ComplaintOut", fields=_OUT_FIELDS)


class ComplaintDetailOut(ComplaintOut):  # type: ignore[misc,valid-type]
    """One complaint with its repeat flag (ISO 10002 §8.5, issue 22 §4; kesu.prevention flags it): the rule, the
    window in days and the earlier complaints, or null when it is no repeat."""

    repeat: dict[str, Any] | None = None

    @staticmethod
    def resolve_repeat(obj) -> dict[str, Any] | None:
        from django.core.exceptions import ObjectDoesNotExist

        try:
            flag = obj.repeat_flag
        except ObjectDoesNotExist:
            return None
        return {"rule": flag.rule, "rule_display": str(flag.get_rule_display()), "window_days": flag.window_days,
                "earlier": [{"id": c.pk, "number": c.number} for c in flag.earlier.order_by("received_at", "id")]}


class ComplaintRowOut(ComplaintOut):  # type: ignore[misc,valid-type]
    """A list row: the complaint and the state of its earliest open deadline."""

    next_due_at: datetime.datetime | None = None
    deadline_state: str | None = None

    @staticmethod
    def resolve_deadline_state(obj) -> str | None:
        return selectors.row_deadline_state(obj)
_RELATIONS = {f.name for f in Complaint._meta.concrete_fields if f.is_relation}


def _code_or_id(model, code_field: str):
    """A customer, part or contract is named by its code (as on the page) or by its id."""
    length = model._meta.get_field(code_field).max_length
    return Id | Annotated[str, Field(min_length=1, max_length=length)]


# The page's form fields, each typed and bounded as its column (issue 15: a list for received_at was a 500).
_CODES = {"customer": _code_or_id(Customer, "code"), "part": _code_or_id(Part, "part_no"),
          "contract": _code_or_id(Contract, "number")}


class _ByCode(Schema):
    """Codes as a person types them, instead of the ids (issue 17 §1): one of the two, never both."""

    customer_code: Annotated[str, Field(min_length=1, max_length=Customer._meta.get_field("code").max_length)] | None = (
        Field(None, title="customer code"))
    part_code: Annotated[str, Field(min_length=1, max_length=Part._meta.get_field("part_no").max_length)] | None = (
        Field(None, title="part number"))


# The code key, the id key, the model and its code field.
_BY_CODE = (("customer_code", "customer_id", Customer, "code"), ("part_code", "part_id", Part, "part_no"))
ComplaintIn = input_schema(Complaint, "ComplaintIn", FORM_FIELDS, overrides=_CODES, base=_ByCode)
ComplaintPatch = input_schema(Complaint, "ComplaintPatch", UPDATE_FIELDS, overrides=_CODES)
ListParams = create_model("ComplaintListParams", __base__=Schema, q=(str, ""), sort=(str, ""),
                          **{name: (str | None, None) for name in ComplaintFilter.base_filters})


class ComplaintTransitionIn(Schema):
    """An action of the workflow table, its note and the fields it takes (e.g. ``category_id``, ``severity``)."""

    model_config = ConfigDict(extra="allow")
    # The step's own fields are one value each; the step's form types them.
    __pydantic_extra__: dict[str, JsonScalar]  # type: ignore[assignment]
    action: str
    note: str = ""
    expected_version: Version | None = None


class TransitionOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    version: int


class TimelineOut(Schema):
    id: int
    at: datetime.datetime
    kind: str
    direction: str
    channel: str
    summary: str
    internal: bool
    actor_id: Id | None
    actor_name: str


def _require(user, action: str) -> None:
    if not user.has_perm(f"complaints.{action}_complaint"):
        raise PermissionDenied


def _form_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for key, value in payload.items():
        name = key[:-3] if key.endswith("_id") and key[:-3] in _RELATIONS else key
        data[name] = "" if value is None else value
    return data


def _codes_to_ids(user, payload: dict[str, Any]) -> dict[str, Any]:
    """``customer_code`` / ``part_code`` → the visible record's id; both keys of a pair, or no customer, refused."""
    errors: dict[str, list[str]] = {}
    for code_key, id_key, model, code_field in _BY_CODE:
        code = payload.pop(code_key, None)
        if code is not None and payload.get(id_key) is not None:
            errors[code_key] = [gettext("Give %(id)s or %(code)s, not both.") % {"id": id_key, "code": code_key}]
        elif code is not None:
            found = model.objects.visible_to(user).filter(**{code_field: code.strip()}).values_list("pk", flat=True)
            if not found:
                errors[code_key] = [gettext("No record with code “%(code)s”.") % {"code": code}]
            else:
                payload[id_key] = found[0]
    if "customer_id" not in errors and "customer_code" not in errors and payload.get("customer_id") is None:
        errors["customer_id"] = [gettext("Give %(id)s or %(code)s.") % {"id": "customer_id", "code": "customer_code"}]
    if errors:
        raise ValidationError(errors)
    return payload


def _form_errors(form) -> ValidationError:
    return ValidationError({
        (f"{name}_id" if name in _RELATIONS else name): list(errors) for name, errors in form.errors.items()
    })


# fields=, cursor pages (issue 24 §4): kesu.api.lean.
ROWS = LeanList(ComplaintRowOut)


@router.get("/complaints", response=ROWS.response, by_alias=True, exclude_unset=True, summary="List complaints",
            operation_id="list_complaints",
            description="Newest first by default; `fields` picks the keys of each row, `cursor` pages deep lists "
                        "by the previous page's `next_cursor` (kesu.api.lean).")
@ROWS.paginate
def list_complaints(request, filters: Query[ListParams]):  # type: ignore[valid-type]
    _require(request.user, "view")
    qs = complaints_queried(request.user, request.GET)
    # The page's sortable columns and its refusals (issue 17 §7): kesu.core.listing.
    return qs.order_by(*api_ordering(LIST_SPEC, request.GET.get("sort", ""), qs))


@router.get("/complaints/export.xlsx", operation_id="export_complaints", response={200: None},
            summary="The filtered list as an Excel file (same filters as the list)")
def export_complaints(request, filters: Query[ListParams]):  # type: ignore[valid-type]
    _require(request.user, "view")
    qs = complaints_queried(request.user, request.GET)
    handle, name = exports.complaints_xlsx(exports.list_rows(qs), exports.LIST_COLUMNS,
                                           gettext("Complaints"), "complaints")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


@router.get("/complaints/my-work", response=list[ComplaintRowOut], by_alias=True, operation_id="my_work",
            summary="Open complaints I (scope=mine) or my department (scope=department) own, overdue first",
            description="Deprecated: a list of owned complaints, not of work. What waits for someone (every "
                        "module, with the action, the assignee and the deadline) is `/api/v1/work`; "
                        "`/api/v1/work?module=complaints` gives the complaints' work items.",
            deprecated=True)
@paginate(BoundedPagination)
def my_work(request, scope: Literal["mine", "department"] = "mine"):
    _require(request.user, "view")
    return selectors.my_work(request.user, scope)


class HistoryRowOut(Schema):
    id: int
    number: str
    received_at: datetime.datetime
    part_id: Id | None
    category_id: Id | None
    defect_location: str
    defect_nature: str
    quantity_defective: int | None
    root_cause: str
    responsibility: str
    status: str
    accepted_remedies: list[str]
    dispositions: list[dict[str, Any]]

    @staticmethod
    def resolve_accepted_remedies(obj) -> list[str]:
        return [r.text for r in obj.accepted_remedies]

    @staticmethod
    def resolve_dispositions(obj) -> list[dict[str, Any]]:
        return [{"kind": d.kind, "quantity": d.quantity} for d in obj.dispositions.all()]


@router.get("/complaints/defect-history", response=list[HistoryRowOut], operation_id="defect_history",
            summary="The complaint defect history (客诉不良履历表) of a customer and/or a part")
@paginate(BoundedPagination)
def defect_history(request, customer_code: str = "", part_no: str = ""):
    _require(request.user, "view")
    form = HistoryForm({"customer": customer_code, "part": part_no}, user=request.user)
    if not form.is_valid():
        raise ValidationError({{"customer": "customer_code", "part": "part_no"}.get(k, k): v
                               for k, v in form.errors.items()})
    return selectors.defect_history(request.user, customer=form.cleaned_data.get("customer"),
                                    part=form.cleaned_data.get("part"))


def _detail_version(request, pk) -> list | None:
    """What the detail's answer changes with: the row (its version and change time) and its repeat flag."""
    if not request.user.has_perm("complaints.view_complaint"):
        return None  # the endpoint answers its 403
    found = (Complaint.objects.visible_to(request.user).filter(pk=pk)
             .values_list("version", "updated_at", "repeat_flag__id", "repeat_flag__flagged_at")[:1])
    return list(found[0]) if found else None


@router.get("/complaints/{pk}", response=ComplaintDetailOut, by_alias=True, summary="Get one complaint",
            operation_id="get_complaint",
            description="Answers an `ETag`; with `If-None-Match` naming it, 304 without a body while the complaint "
                        "is unchanged.")
@conditional(_detail_version, label="complaint")
def get_complaint(request, pk: Id):
    _require(request.user, "view")
    return selectors.complaint_get_for_user(request.user, pk)


@router.post("/complaints", response={201: ComplaintOut}, by_alias=True, summary="Record a complaint",
             operation_id="create_complaint")
def create_complaint(request, payload: ComplaintIn = Body(...)):  # type: ignore[valid-type]  # noqa: B008
    _require(request.user, "add")
    given = _codes_to_ids(request.user, payload.model_dump(exclude_unset=True))
    form = ComplaintForm(data=_form_data(given), user=request.user)
    if not form.is_valid():
        raise _form_errors(form)
    return Status(201, services.complaint_create(actor=request.user, company=request.user.company,
                                          data=form.service_data(), source="api"))


@router.patch("/complaints/{pk}", response=ComplaintOut, by_alias=True, summary="Change a complaint's form",
              operation_id="update_complaint")
def update_complaint(request, pk: Id, payload: ComplaintPatch = Body(...)):  # type: ignore[valid-type]  # noqa: B008
    _require(request.user, "change")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    given = _form_data(payload.model_dump(exclude_unset=True))
    # The form sees the whole record (what the payload leaves out stays) but only given fields are written.
    merged = {k: ("" if v is None else v) for k, v in model_to_dict(complaint, fields=UPDATE_FIELDS).items()}
    merged.update(given)
    form = ComplaintUpdateForm(data=merged, instance=complaint, user=request.user)
    if not form.is_valid():
        raise _form_errors(form)
    return services.complaint_update(actor=request.user, complaint=complaint, data=form.service_data(given),
                                     source="api")


@router.post("/complaints/{pk}/transitions",
             response={200: TransitionOut, 403: ApiError, 409: ApiError, 422: ApiError},
             summary="Take a workflow step", operation_id="transition_complaint")
def transition_complaint(request, pk: Id, payload: ComplaintTransitionIn):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    # The action's own fields vary by action; they are read from the JSON body as sent (extra keys).
    body = json.loads(request.body or b"{}")
    extra = {k: v for k, v in body.items() if k not in ComplaintTransitionIn.model_fields} if isinstance(body, dict) else {}
    # JSON names relations "<name>_id"; the table names them without the suffix.
    fields = {(k[:-3] if k.endswith("_id") and k[:-3] in _RELATIONS else k): v for k, v in extra.items()}
    row = TRANSITIONS.get((complaint.status, payload.action))
    try:
        inputs = transition_inputs(row=row, user=request.user, data=fields)
        done = services.complaint_transition(
            actor=request.user, complaint=complaint, action=payload.action, note=payload.note,
            expected_version=payload.expected_version, source="api", **inputs,
        )
    except TransitionRefused as refused:
        loc = ["body", refused.field] if refused.field else ["body"]
        return Status(refused.http_status,
                      {"detail": [{"loc": loc, "msg": refused.message}], "code": refused.code})
    return Status(200, {"id": done.pk, "number": done.number, "status": done.status,
                 "status_display": str(done.get_status_display()), "version": done.version})


@router.get("/complaints/{pk}/timeline", response=list[TimelineOut], summary="A complaint's timeline",
            operation_id="complaint_timeline")
def complaint_timeline(request, pk: Id):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    # Every API user is staff: internal notes are included (the customer portal passes include_internal=False).
    return [_timeline_out(e) for e in selectors.timeline_for(complaint, include_internal=True)]


# -- records: communications, notes, files, assignment, meetings, dispositions ---------------------


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CommunicationIn(_Strict):
    direction: str
    channel: str
    summary: str
    at: Instant | None = None


class NoteIn(_Strict):
    text: str


class AssignIn(_Strict):
    owner_id: Id
    department_id: Id | None = None
    # Issue 18 §11: required when the owner caused the nonconformity or is the part's responsible engineer.
    override_reason: str = Field("", max_length=500)


class PriorityIn(_Strict):
    """QA's override of the derived priority (1 urgent … 4 low) with its reason; null goes back to the rule."""

    priority: Literal[1, 2, 3, 4] | None = None
    reason: str = Field("", max_length=500)


class MeetingIn(_Strict):
    held_at: Instant
    attendee_ids: list[Id]
    department_ids: list[Id]
    conclusions: str
    actions: str = ""


class DispositionIn(_Strict):
    kind: str
    quantity: Count
    lot_number: str = Field("", max_length=100)
    mis_order: bool = False
    note: str = ""


class InspectionIn(_Strict):
    result: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    internal: bool
    entry_id: Id | None
    uploaded_by_id: Id | None
    uploaded_at: datetime.datetime


class MeetingOut(Schema):
    id: int
    held_at: datetime.datetime
    conclusions: str
    actions: str


class DispositionOut(Schema):
    id: int
    kind: str
    quantity: Count
    lot_number: str
    mis_order: bool
    note: str
    regional_manager_approved_by_id: Id | None
    regional_manager_approved_at: datetime.datetime | None
    incoming_inspection_result: str
    restocked_at: datetime.datetime | None


# JSON names of the record forms' fields (relations travel as ids).
_RECORD_KEYS = {"shipment_id": "shipment", "checked_by_id": "checked_by",
                "owner_id": "owner", "department_id": "department", "attendee_ids": "attendees",
                "department_ids": "departments"}
_RECORD_KEYS_BACK = {v: k for k, v in _RECORD_KEYS.items()}


def _record(request, pk: Id, kind: str, data: dict, files=None, line_id: Id | None = None):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    data = {_RECORD_KEYS.get(k, k): v for k, v in data.items()}
    if line_id is not None:
        data["line"] = line_id
    try:
        return record_submit(kind, user=request.user, complaint=complaint, data=data, files=files,
                             source="api", prefixed=False)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError({("line_id" if k == "line" else _RECORD_KEYS_BACK.get(k, k)): v
                                   for k, v in error.message_dict.items()}) from error
        raise


def _timeline_out(e) -> dict:
    return {"id": e.pk, "at": e.at, "kind": e.kind, "direction": e.direction, "channel": e.channel,
            "summary": e.summary, "internal": e.internal, "actor_id": e.actor_id,
            "actor_name": str(e.actor) if e.actor_id else ""}


@router.post("/complaints/{pk}/communications", response={201: TimelineOut}, operation_id="log_communication",
             summary="Log a call, e-mail, letter or visit with the customer")
def log_communication(request, pk: Id, payload: CommunicationIn):
    return Status(201, _timeline_out(_record(request, pk, "communication", payload.model_dump(exclude_unset=True))))


@router.post("/complaints/{pk}/notes", response={201: TimelineOut}, operation_id="add_note",
             summary="Add an internal note (never shown to the customer)")
def add_note(request, pk: Id, payload: NoteIn):
    return Status(201, _timeline_out(_record(request, pk, "note", payload.model_dump())))


@router.get("/complaints/{pk}/attachments", response=list[AttachmentOut], operation_id="list_attachments",
            summary="A complaint's files")
def list_attachments(request, pk: Id):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    return complaint.attachments.order_by("uploaded_at", "id")


@router.post("/complaints/{pk}/attachments", response={201: list[AttachmentOut]}, operation_id="add_attachments",
             summary="Upload photos, PDF or Office files (multipart, field 'files', repeatable)")
def add_attachments(request, pk: Id, files: list[UploadedFile] = File(...), internal: bool = Form(True),  # noqa: B008
                    note: str = Form("")):  # noqa: B008
    data = {"internal": "on" if internal else "", "note": note}
    return Status(201, _record(request, pk, "attachment", data, files=MultiValueDict({"attachment-files": files})))


@router.get("/complaints/{pk}/attachments/{attachment_id}/content", operation_id="download_attachment",
            response={200: None, 409: ApiError}, summary="Download a file (its content hash is checked first)")
def download_attachment(request, pk: Id, attachment_id: Id):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    attachment = get_object_or_404(complaint.attachments, pk=attachment_id)
    try:
        handle = services.attachment_open(attachment)
    except services.AttachmentDamaged:
        return Status(409, {"detail": [{"loc": ["path", "attachment_id"], "msg": gettext(
            "The stored file does not match its recorded content hash; it is not served.")}], "code": "damaged"})
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/complaints/{pk}/assignment", response=ComplaintOut, by_alias=True, operation_id="assign_complaint",
             summary="Give the complaint a new owner")
def assign_complaint(request, pk: Id, payload: AssignIn):
    return _record(request, pk, "assign", payload.model_dump(exclude_none=True))


@router.post("/complaints/{pk}/priority", response=ComplaintOut, by_alias=True, operation_id="override_priority",
             summary="Override the derived priority with a reason (QA), or go back to the rule (priority null)")
def override_priority(request, pk: Id, payload: PriorityIn):
    data = payload.model_dump()
    data["priority"] = "" if data["priority"] is None else data["priority"]
    return _record(request, pk, "priority", data)


@router.post("/complaints/{pk}/meetings", response={201: MeetingOut}, operation_id="record_meeting",
             summary="Record an ad-hoc meeting (major quality problem)")
def record_meeting(request, pk: Id, payload: MeetingIn):
    return Status(201, _record(request, pk, "meeting", payload.model_dump()))


@router.get("/complaints/{pk}/dispositions", response=list[DispositionOut], operation_id="list_dispositions",
            summary="A complaint's disposition lines")
def list_dispositions(request, pk: Id):
    _require(request.user, "view")
    return selectors.complaint_get_for_user(request.user, pk).dispositions.order_by("id")


@router.post("/complaints/{pk}/dispositions", response={201: DispositionOut}, operation_id="add_disposition",
             summary="Add a disposition line (return, repair, exchange, …) with its quantity")
def add_disposition(request, pk: Id, payload: DispositionIn):
    data = payload.model_dump()
    data["mis_order"] = "on" if data["mis_order"] else ""
    return Status(201, _record(request, pk, "disposition", data))


@router.post("/complaints/{pk}/dispositions/{line_id}/mis-order-approval", response=DispositionOut,
             operation_id="approve_mis_order_return", summary="Regional manager approves a mis-order return")
def approve_mis_order_return(request, pk: Id, line_id: Id):
    return _record(request, pk, "mis_order_approval", {}, line_id=line_id)


@router.post("/complaints/{pk}/dispositions/{line_id}/inspection", response=DispositionOut,
             operation_id="record_inspection", summary="Record the incoming inspection of returned goods")
def record_inspection(request, pk: Id, line_id: Id, payload: InspectionIn):
    return _record(request, pk, "inspection", payload.model_dump(), line_id=line_id)


@router.post("/complaints/{pk}/dispositions/{line_id}/restock", response=DispositionOut,
             operation_id="restock_return", summary="Put returned goods back in stock")
def restock_return(request, pk: Id, line_id: Id):
    return _record(request, pk, "restock", {}, line_id=line_id)


@router.get("/complaints/{pk}/printouts/{kind}.pdf", operation_id="complaint_printout", response={200: None},
            summary="A form as PDF: kind=feedback (质量信息反馈单) or explanation (书面说明, once written)")
def complaint_printout(request, pk: Id, kind: Literal["feedback", "explanation"]):
    _require(request.user, "view")
    return printouts.printout_response(selectors.complaint_get_for_user(request.user, pk), kind)


# -- verification on later deliveries (004 §5.2(3)) -----------------------------------------------------


class DeliveryVerificationIn(_Strict):
    shipment_id: Id
    checked_on: datetime.date
    result: Literal["ok", "not_ok"]
    checked_by_id: Id | None = None
    note: str = ""


class DeliveryVerificationOut(Schema):
    id: int
    shipment_id: Id
    delivery_no: str
    ship_date: datetime.date | None
    checked_on: datetime.date
    checked_by_id: Id
    result: str
    note: str
    recorded_by_id: Id | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_delivery_no(obj) -> str:
        return obj.shipment.delivery_no

    @staticmethod
    def resolve_ship_date(obj):
        return obj.shipment.ship_date


class DeliveryVerificationsOut(Schema):
    """The verifications of a complaint and how many OK ones on later shipments count towards closing."""

    needed: int
    verified: int
    recurrences: int
    items: list[DeliveryVerificationOut]


@router.get("/complaints/{pk}/delivery-verifications", response=DeliveryVerificationsOut,
            operation_id="list_delivery_verifications",
            summary="Verifications on later deliveries (severe and major complaints: 004 §5.2(3))")
def list_delivery_verifications(request, pk: Id):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    return {"needed": selectors.verification_needed(complaint), "verified": selectors.verified_delivery_count(complaint),
            "recurrences": complaint.recurrence_count, "items": list(selectors.delivery_verifications(complaint))}


@router.post("/complaints/{pk}/delivery-verifications", response={201: DeliveryVerificationOut},
             operation_id="record_delivery_verification",
             summary="Record the check of a later delivery of the part; not OK sends the complaint back to QA")
def record_delivery_verification(request, pk: Id, payload: DeliveryVerificationIn):
    data = payload.model_dump(exclude_none=True)
    return Status(201, _record(request, pk, "delivery_verification", data))
