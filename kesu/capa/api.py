"""REST endpoints for corrective actions (/api/v1/actions) and nonconforming reports (/api/v1/ncrs).

Same filters, services and permissions as the pages. Relations travel as ``<name>_id``; unknown keys are
refused (422 naming the key); a refused workflow step answers 403 / 409 / 422 with ``code``.
"""


import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, create_model

from kesu.accounts.models import Department, User
from kesu.api.paging import BoundedPagination
from kesu.api.types import Count, Id, Instant, JsonScalar, SmallCount, Version
from kesu.complaints.models import Complaint, ComplaintCategory
from kesu.core.importexport import rows_xlsx
from kesu.core.selectors import visible_record
from kesu.customers.models import Customer, Part

from . import exports, printouts, selectors, services
from .choices import SourceKind, Step
from .filters import ActionFilter, NcrFilter, actions_filtered, ncrs_filtered
from .models import CorrectiveAction, NonconformingReport
from .sections import SECTIONS
from .workflow import NCR_TABLE

router = Router(tags=["corrective actions"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"capa.{perm}"):
        raise PermissionDenied


_visible = visible_record


class ActionRowOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    format: str
    origin: str
    status: str
    status_display: str
    customer_id: Id | None
    responsible_department_id: Id
    owner_id: Id
    raised_at: datetime.datetime
    closed_at: datetime.datetime | None
    has_overdue: bool = False

    @staticmethod
    def resolve_status_display(obj) -> str:
        return str(obj.get_status_display())


ListParams = create_model("ActionListParams", __base__=Schema,
                          **{name: (str | None, None) for name in ActionFilter.base_filters})


@router.get("/actions", response=list[ActionRowOut], operation_id="list_actions", summary="List corrective actions")
@paginate(BoundedPagination)
def list_actions(request, filters: Query[ListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_correctiveaction")
    return actions_filtered(request.user, request.GET)[0]


@router.get("/actions/export.xlsx", operation_id="export_actions", response={200: None},
            summary="The filtered action list as an Excel file")
def export_actions(request, filters: Query[ListParams]):  # type: ignore[valid-type]
    _require(request.user, "view_correctiveaction")
    qs = actions_filtered(request.user, request.GET)[0]
    handle, name = rows_xlsx(qs.iterator(chunk_size=2000), exports.ACTION_COLUMNS, "actions", "actions")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


# -- settings and customer rules (QA, GM) ----------------------------------------------------------


class CapaSettingsOut(Schema):
    number_pattern: str
    ncr_number_pattern: str
    default_format: str
    step_days: dict[str, int]
    approval_days: int
    ncr_answer_days: int
    effectiveness_shipments: int


class CapaSettingsIn(_Strict):
    number_pattern: str | None = None
    ncr_number_pattern: str | None = None
    default_format: str | None = None
    step_days: dict[str, SmallCount] | None = None
    approval_days: SmallCount | None = None
    ncr_answer_days: SmallCount | None = None
    effectiveness_shipments: SmallCount | None = None


@router.get("/actions/settings", response=CapaSettingsOut, operation_id="get_capa_settings",
            summary="My company's CAPA settings")
def get_settings(request):
    _require(request.user, "view_correctiveaction")
    return selectors.capa_settings_for(request.user.company)


@router.put("/actions/settings", response=CapaSettingsOut, operation_id="update_capa_settings",
            summary="Change my company's CAPA settings (QA, GM): patterns, usual format, step days, effectiveness")
def update_settings(request, payload: CapaSettingsIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return services.capa_settings_update(actor=request.user, company=request.user.company, data=data, source="api")


class CapaRuleOut(Schema):
    customer_id: Id
    format: str
    step_days: dict[str, int]
    effectiveness_shipments: int | None


class CapaRuleIn(_Strict):
    format: str = ""
    step_days: dict[str, SmallCount] = {}
    effectiveness_shipments: SmallCount | None = None


@router.get("/actions/customer-rules", response=list[CapaRuleOut], operation_id="list_customer_capa_rules",
            summary="Customers' own CAPA rules")
def list_rules(request):
    _require(request.user, "view_correctiveaction")
    from .models import CustomerCapaRule

    return CustomerCapaRule.objects.visible_to(request.user).order_by("customer_id")


@router.put("/actions/customer-rules/{customer_id}", response=CapaRuleOut, operation_id="set_customer_capa_rule",
            summary="Set a customer's format, 8D step days and effectiveness shipments (QA, GM)")
def set_rule(request, customer_id: Id, payload: CapaRuleIn):
    customer = _visible(Customer, request.user, customer_id, "customer_id")
    return services.customer_capa_rule_set(actor=request.user, customer=customer, data=payload.dict(), source="api")


@router.delete("/actions/customer-rules/{customer_id}", response={204: None}, operation_id="delete_customer_capa_rule",
               summary="Remove a customer's rule (the company's settings apply again)")
def delete_rule(request, customer_id: Id):
    customer = _visible(Customer, request.user, customer_id, "customer_id")
    services.customer_capa_rule_delete(actor=request.user, customer=customer, source="api")
    return 204, None


# -- actions ---------------------------------------------------------------------------------------


class ActionIn(_Strict):
    title: str = ""
    problem: str = ""
    kind: str = "corrective"
    format: str = ""
    customer_id: Id | None = None
    category_id: Id | None = None
    responsible_department_id: Id | None = None
    owner_id: Id | None = None
    qa_owner_id: Id | None = None
    part_ids: list[Id] = []
    complaint_ids: list[Id] = []


def _detail(action: CorrectiveAction) -> dict[str, Any]:
    effect = selectors.effectiveness(action) if action.verified_at else None
    return {
        "id": action.pk, "number": action.number, "title": action.title, "kind": action.kind,
        "format": action.format, "origin": action.origin, "status": action.status,
        "status_display": str(action.get_status_display()), "version": action.version, "cycle": action.cycle,
        "customer_id": action.customer_id, "category_id": action.category_id,
        "responsible_department_id": action.responsible_department_id, "owner_id": action.owner_id,
        "qa_owner_id": action.qa_owner_id, "raised_at": action.raised_at, "problem": action.problem,
        "part_ids": [p.pk for p in action.parts.all()],
        "fields": {name: getattr(action, name) for s in SECTIONS.values() if action.format in s.formats
                   for name in s.fields},
        "team": [{"user_id": m.user_id, "department_id": m.department_id, "is_leader": m.is_leader,
                  "responsibility": m.responsibility} for m in action.team.all()],
        "containment": [{"location": c.location, "quantity_checked": c.quantity_checked,
                         "quantity_bad": c.quantity_bad, "effective_on": c.effective_on, "note": c.note}
                        for c in action.containment.all()],
        "whys": [{"chain": w.chain, "position": w.position, "answer": w.answer} for w in action.whys.all()],
        "items": [{"id": i.pk, "kind": i.kind, "text": i.text, "owner_id": i.owner_id, "due_on": i.due_on,
                   "implemented_on": i.implemented_on, "validation": i.validation} for i in action.items.all()],
        "steps": [{"step": s.step, "owner_id": s.owner_id, "due_at": s.due_at, "done_at": s.done_at,
                   "state": state, "escalation_level": s.escalation_level}
                  for s, state in selectors.steps_with_state(action)],
        "links": [{"kind": link.kind, "label": link.label, "object_id": link.object_id} for link in action.links.all()],
        "effectiveness": None if effect is None else {
            "needed": effect.needed, "shipments": effect.shipments, "recurrences": effect.recurrences,
            "passed": effect.passed},
        "approved_at": action.approved_at, "verified_at": action.verified_at, "closed_at": action.closed_at,
    }


@router.post("/actions", response={201: dict}, operation_id="raise_action",
             summary="Raise an action by hand or from complaints (their facts fill what is not given)")
def raise_action(request, payload: ActionIn):
    _require(request.user, "add_correctiveaction")
    user = request.user
    complaints = [_visible(Complaint, user, pk, "complaint_ids") for pk in payload.complaint_ids]
    parts = [_visible(Part, user, pk, "part_ids") for pk in payload.part_ids]
    data: dict[str, Any] = {k: v for k, v in {
        "title": payload.title, "problem": payload.problem, "kind": payload.kind, "format": payload.format,
        "customer": _visible(Customer, user, payload.customer_id, "customer_id"),
        "category": _visible(ComplaintCategory, user, payload.category_id, "category_id"),
        "responsible_department": _visible(Department, user, payload.responsible_department_id,
                                           "responsible_department_id"),
        "owner": _visible(User, user, payload.owner_id, "owner_id"),
        "qa_owner": _visible(User, user, payload.qa_owner_id, "qa_owner_id"),
    }.items() if v not in (None, "")}
    if complaints:
        first = complaints[0]
        action = services.action_raise_from_complaint(actor=user, complaint=first, data=data, source="api")
        for other in complaints[1:]:
            services.action_link(actor=user, action=action, kind=SourceKind.COMPLAINT, obj=other, source="api")
        if parts:
            action.parts.set(parts)
    else:
        action = services.action_raise(actor=user, company=user.company, data=data, parts=parts, source="api")
    return 201, _detail(selectors.action_get_for_user(user, action.pk))


@router.get("/actions/{pk}", response=dict, operation_id="get_action",
            summary="One action: sections, rows, steps with their state, sources, effectiveness")
def get_action(request, pk: Id):
    _require(request.user, "view_correctiveaction")
    return _detail(selectors.action_get_for_user(request.user, pk))


_ROW_RELATIONS = {"user", "department", "owner"}


# A section's fields are one value each; its rows (team, containment, whys, items) are lists of flat objects.
SectionValue = JsonScalar | list[dict[str, JsonScalar]]


@router.put("/actions/{pk}/sections/{section}", response=dict, operation_id="save_action_section",
            summary="Save a section (d0…d8, plan, verification): its fields and its rows, replaced as a whole")
def save_section(request, pk: Id, section: Literal[tuple(SECTIONS)],  # type: ignore[valid-type]
                 payload: dict[str, SectionValue] = Body(...)):  # noqa: B008
    _require(request.user, "change_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    data = dict(payload)
    complete = bool(data.pop("complete", False))
    version = data.pop("expected_version", None)
    for name, value in list(data.items()):
        if isinstance(value, list):  # rows: "<relation>_id" keys are the model's own attribute names
            data[name] = [dict(row) if isinstance(row, dict) else row for row in value]
            if any(not isinstance(row, dict) for row in data[name]):
                raise ValidationError({name: _("Each row is an object.")})
    services.action_section_save(actor=request.user, action=action, section=section, data=data, complete=complete,
                                 expected_version=version, source="api")
    return _detail(selectors.action_get_for_user(request.user, pk))


class CapaStepIn(_Strict):
    owner_id: Id
    due_at: Instant


@router.put("/actions/{pk}/steps/{step}", response=dict, operation_id="update_action_step",
            summary="Give a step another owner or due date (QA, GM)")
def update_step(request, pk: Id, step: Literal[tuple(Step.values)], payload: CapaStepIn):  # type: ignore[valid-type]
    _require(request.user, "change_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    services.action_step_update(actor=request.user, action=action, step=step,
                                owner=_visible(User, request.user, payload.owner_id, "owner_id"),
                                due_at=payload.due_at, source="api")
    return _detail(selectors.action_get_for_user(request.user, pk))


class ActionTransitionIn(_Strict):
    action: str
    note: str = ""
    reason: str = ""
    effectiveness_evidence: str = ""
    effectiveness_reason: str = ""
    expected_version: Version | None = None


@router.post("/actions/{pk}/transitions", response=dict, operation_id="transition_action",
             summary="Take a workflow step: submit_plan, approve_plan, return_plan, report_implemented, verify, "
                     "reject_implementation, close, not_effective, cancel")
def transition_action(request, pk: Id, payload: ActionTransitionIn):
    _require(request.user, "view_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    inputs = {k: v for k, v in payload.dict().items() if k not in ("action", "expected_version") and v}
    services.action_transition(actor=request.user, action=action, name=payload.action,
                               expected_version=payload.expected_version, source="api", **inputs)
    return _detail(selectors.action_get_for_user(request.user, pk))


class LinkIn(_Strict):
    complaint_id: Id


@router.post("/actions/{pk}/links", response=dict, operation_id="link_action",
             summary="Link another complaint to the action (a recurrence shares it)")
def link_action(request, pk: Id, payload: LinkIn):
    _require(request.user, "add_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    complaint = _visible(Complaint, request.user, payload.complaint_id, "complaint_id")
    services.action_link(actor=request.user, action=action, kind=SourceKind.COMPLAINT, obj=complaint, source="api")
    return _detail(selectors.action_get_for_user(request.user, pk))


@router.get("/actions/{pk}/report.pdf", operation_id="action_report", response={200: None},
            summary="The 8D report (or the simple CAPA form) as PDF")
def action_report(request, pk: Id):
    _require(request.user, "view_correctiveaction")
    return printouts.action_pdf(selectors.action_get_for_user(request.user, pk))


# -- nonconforming reports ----------------------------------------------------------------------


class NcrOut(Schema):
    id: int
    number: str
    status: str
    complaint_id: Id | None
    action_id: Id | None
    part_id: Id | None
    quantity: int
    description: str
    disposition: str
    responsible_department_id: Id
    issued_at: datetime.datetime
    answer_due_at: datetime.datetime
    cause: str
    measures: str
    answered_at: datetime.datetime | None
    result: str
    verification_note: str
    verified_at: datetime.datetime | None
    version: int


class NcrChangeOut(Schema):
    name: str
    old_status: str
    new_status: str
    actor_id: Id | None
    note: str
    at: datetime.datetime


class NcrDetailOut(NcrOut):
    """One report with its history (one row per step, the issue first) and the steps the caller may take now."""

    changes: list[NcrChangeOut]
    next_steps: list[str]


NcrParams = create_model("NcrListParams", __base__=Schema,
                         **{name: (str | None, None) for name in NcrFilter.base_filters})


@router.get("/ncrs", response=list[NcrOut], operation_id="list_ncrs", summary="List nonconforming reports")
@paginate(BoundedPagination)
def list_ncrs(request, filters: Query[NcrParams]):  # type: ignore[valid-type]
    _require(request.user, "view_nonconformingreport")
    return ncrs_filtered(request.user, request.GET)[0]


@router.get("/ncrs/export.xlsx", operation_id="export_ncrs", response={200: None},
            summary="The filtered report list as an Excel file")
def export_ncrs(request, filters: Query[NcrParams]):  # type: ignore[valid-type]
    _require(request.user, "view_nonconformingreport")
    handle, name = rows_xlsx(ncrs_filtered(request.user, request.GET)[0].iterator(chunk_size=2000),
                             exports.NCR_COLUMNS, "ncr", "ncr")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


class NcrIn(_Strict):
    complaint_id: Id | None = None
    action_id: Id | None = None
    part_id: Id | None = None
    quantity: Count
    description: str
    disposition: str
    responsible_department_id: Id


@router.post("/ncrs", response={201: NcrOut}, operation_id="issue_ncr",
             summary="QA issues a nonconforming product report to the responsible department")
def issue_ncr(request, payload: NcrIn):
    _require(request.user, "add_nonconformingreport")
    user = request.user
    data = {
        "complaint": _visible(Complaint, user, payload.complaint_id, "complaint_id"),
        "action": _visible(CorrectiveAction, user, payload.action_id, "action_id"),
        "part": _visible(Part, user, payload.part_id, "part_id"),
        "responsible_department": _visible(Department, user, payload.responsible_department_id,
                                           "responsible_department_id"),
        "quantity": payload.quantity, "description": payload.description, "disposition": payload.disposition,
    }
    ncr = services.ncr_issue(actor=user, company=user.company, data={k: v for k, v in data.items() if v is not None},
                             source="api")
    return 201, ncr


def _ncr(request, pk: Id) -> NonconformingReport:
    return get_object_or_404(selectors.ncrs_visible_to(request.user), pk=pk)


@router.get("/ncrs/{pk}", response=NcrDetailOut, operation_id="get_ncr",
            summary="One nonconforming report with its history")
def get_ncr(request, pk: Id):
    _require(request.user, "view_nonconformingreport")
    ncr = _ncr(request, pk)
    ncr.next_steps = [row.name for row in NCR_TABLE.offer(ncr, request.user)[0]]
    return ncr


class NcrAnswerIn(_Strict):
    cause: str
    measures: str
    expected_version: Version | None = None


@router.post("/ncrs/{pk}/answer", response=NcrOut, operation_id="answer_ncr",
             summary="The responsible department answers with cause and measures")
def answer_ncr(request, pk: Id, payload: NcrAnswerIn):
    _require(request.user, "change_nonconformingreport")
    return services.ncr_answer(actor=request.user, ncr=_ncr(request, pk), source="api", **payload.dict())


class NcrVerifyIn(_Strict):
    result: str
    note: str = ""
    expected_version: Version | None = None


@router.post("/ncrs/{pk}/verify", response=NcrOut, operation_id="verify_ncr",
             summary="QA verifies: effective closes it, not effective sends it back")
def verify_ncr(request, pk: Id, payload: NcrVerifyIn):
    _require(request.user, "change_nonconformingreport")
    return services.ncr_verify(actor=request.user, ncr=_ncr(request, pk), source="api", **payload.dict())


class NcrCancelIn(_Strict):
    note: str


@router.post("/ncrs/{pk}/cancel", response=NcrOut, operation_id="cancel_ncr", summary="QA cancels a report")
def cancel_ncr(request, pk: Id, payload: NcrCancelIn):
    _require(request.user, "change_nonconformingreport")
    return services.ncr_cancel(actor=request.user, ncr=_ncr(request, pk), note=payload.note, source="api")


@router.get("/ncrs/{pk}/form.pdf", operation_id="ncr_form", response={200: None},
            summary="《不合格品处理单》 as PDF")
def ncr_form(request, pk: Id):
    _require(request.user, "view_nonconformingreport")
    ncr = _ncr(request, pk)
    return printouts.pdf_response(printouts.ncr_pdf(ncr), ncr.number)
