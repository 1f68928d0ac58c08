"""REST endpoints for complaints under /api/v1/complaints: the same filters, forms and services as the pages.

A refused workflow step answers with the refusal's own status (403 wrong
role, 409 wrong state or stale, 422 otherwise) and
``{"detail": [{"loc": [...], "msg": ...}], "code": ...}``, ``loc`` naming the
field when the refusal names one.
"""


import datetime
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from ninja import Body, Query, Router, Schema, Status
from ninja.orm import create_schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict, create_model

from . import selectors, services
from .filters import ComplaintFilter, complaints_filtered
from .forms import ComplaintForm, ComplaintUpdateForm, transition_inputs
from .models import Complaint
from .services import FORM_FIELDS, UPDATE_FIELDS, TransitionRefused
from .workflow import TRANSITIONS

router = Router(tags=["complaints"])

_OUT_FIELDS = ["id", *[f.name for f in Complaint._meta.concrete_fields if not f.primary_key]]
ComplaintOut = create_schema(Complaint, name="ComplaintOut", fields=_OUT_FIELDS)
_RELATIONS = {f.name for f in Complaint._meta.concrete_fields if f.is_relation}


def _in_schema(name: str, names) -> type[Schema]:
    """Input fields as JSON names: relations travel as ``<name>_id``; unknown keys are an error."""
    fields: dict[str, Any] = {}
    for field_name in names:
        key = f"{field_name}_id" if field_name in _RELATIONS else field_name
        fields[key] = (Any, None)
    schema = create_model(name, __base__=Schema, **fields)
    schema.model_config["extra"] = "forbid"
    schema.model_rebuild(force=True)
    return schema


ComplaintIn = _in_schema("ComplaintIn", FORM_FIELDS)
ComplaintPatch = _in_schema("ComplaintPatch", UPDATE_FIELDS)
ListParams = create_model("ComplaintListParams", __base__=Schema, q=(str, ""),
                          **{name: (str | None, None) for name in ComplaintFilter.base_filters})


class TransitionIn(Schema):
    """An action of the workflow table, its note and the fields it takes (e.g. ``category_id``, ``severity``)."""

    model_config = ConfigDict(extra="allow")
    action: str
    note: str = ""
    expected_version: int | None = None


class TransitionOut(Schema):
    id: int
    number: str
    status: str
    status_display: str
    version: int


class ErrorOut(Schema):
    detail: list[dict[str, Any]]
    code: str


class TimelineOut(Schema):
    id: int
    at: datetime.datetime
    kind: str
    direction: str
    channel: str
    summary: str
    internal: bool
    actor_id: int | None
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


def _form_errors(form) -> ValidationError:
    return ValidationError({
        (f"{name}_id" if name in _RELATIONS else name): list(errors) for name, errors in form.errors.items()
    })


@router.get("/complaints", response=list[ComplaintOut], by_alias=True, summary="List complaints",
            operation_id="list_complaints")
@paginate(LimitOffsetPagination)
def list_complaints(request, filters: Query[ListParams]):  # type: ignore[valid-type]
    _require(request.user, "view")
    qs, _filterset = complaints_filtered(request.user, request.GET)
    return qs


@router.get("/complaints/{pk}", response=ComplaintOut, by_alias=True, summary="Get one complaint",
            operation_id="get_complaint")
def get_complaint(request, pk: int):
    _require(request.user, "view")
    return selectors.complaint_get_for_user(request.user, pk)


@router.post("/complaints", response={201: ComplaintOut}, by_alias=True, summary="Record a complaint",
             operation_id="create_complaint")
def create_complaint(request, payload: ComplaintIn = Body(...)):  # type: ignore[valid-type]  # noqa: B008
    _require(request.user, "add")
    form = ComplaintForm(data=_form_data(payload.model_dump(exclude_unset=True)), user=request.user)
    if not form.is_valid():
        raise _form_errors(form)
    return Status(201, services.complaint_create(actor=request.user, company=request.user.company,
                                          data=form.service_data(), source="api"))


@router.patch("/complaints/{pk}", response=ComplaintOut, by_alias=True, summary="Change a complaint's form",
              operation_id="update_complaint")
def update_complaint(request, pk: int, payload: ComplaintPatch = Body(...)):  # type: ignore[valid-type]  # noqa: B008
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
             response={200: TransitionOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Take a workflow step", operation_id="transition_complaint")
def transition_complaint(request, pk: int, payload: TransitionIn):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    # The action's own fields vary by action; they are read from the JSON body as sent (extra keys).
    body = json.loads(request.body or b"{}")
    extra = {k: v for k, v in body.items() if k not in TransitionIn.model_fields} if isinstance(body, dict) else {}
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
def complaint_timeline(request, pk: int):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    # Every API user is staff: internal notes are included (the customer portal passes include_internal=False).
    return [
        {"id": e.pk, "at": e.at, "kind": e.kind, "direction": e.direction, "channel": e.channel,
         "summary": e.summary, "internal": e.internal, "actor_id": e.actor_id,
         "actor_name": str(e.actor) if e.actor_id else ""}
        for e in selectors.timeline_for(complaint, include_internal=True)
    ]
