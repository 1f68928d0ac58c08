"""REST endpoints of this module, mounted under /api/v1/prevention/ (signals, actions, groups, board, repeats,
assessments). Same selectors, services and messages as the pages; outsiders get 404, a wrong role 403."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import ConfigDict

from kesu.api.paging import Limit, Offset
from kesu.api.types import Id, Version
from kesu.complaints.models import Complaint
from kesu.core.selectors import visible_record
from kesu.customers.models import Customer, Part

from . import selectors, services
from .assessment_view import drill_down
from .models import PreventionGroup, PreventiveAction
from .views import signals_filtered

router = Router(tags=["prevention"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"prevention.{perm}"):
        raise PermissionDenied


def _signal_out(s) -> dict[str, Any]:
    return {
        "id": s.pk, "number": s.number, "status": s.status, "status_display": str(s.get_status_display()),
        "warning_class": s.warning_class, "source": s.source, "customer_id": s.customer_id, "part_id": s.part_id,
        "observed": s.observed, "raised_at": s.raised_at.isoformat(), "owner_id": s.owner_id,
        "decider_id": s.decider_id, "identification": s.identification, "causes": s.causes,
        "development": s.development, "outcome": s.outcome, "closing_note": s.closing_note,
        "complaint_id": s.complaint_id, "auto_cause": s.auto_cause, "why": s.why, "version": s.version,
        "actions": [{"id": a.pk, "description": a.description, "owner_id": a.owner_id,
                     "due_at": a.due_at.isoformat(), "done_at": a.done_at.isoformat() if a.done_at else None,
                     "result": a.result} for a in s.actions.all()],
    }


@router.get("/signals", response=list[dict], summary="Early-warning signals (filters as the list page)")
def list_signals(request, q: str = "", warning_class: str = "", status: str = "", open: str = "",
                 customer_code: str = "", limit: Limit = 100, offset: Offset = 0):
    _require(request.user, "view_warningsignal")
    params = {k: v for k, v in {"q": q, "warning_class": warning_class, "status": status, "open": open,
                                "customer_code": customer_code}.items() if v}
    qs, _f = signals_filtered(request.user, params)
    return [_signal_out(s) for s in qs.prefetch_related("actions")[offset:offset + min(limit, 200)]]


class WarningSignalIn(_Strict):
    source: str
    customer_id: Id
    part_id: Id | None = None
    observed: str
    warning_class: str
    raised_at: datetime.datetime | None = None


@router.post("/signals", response={201: dict}, summary="Record a signal")
def create_signal(request, payload: WarningSignalIn):
    _require(request.user, "add_warningsignal")
    customer = visible_record(Customer, request.user, payload.customer_id, "customer_id")
    data: dict[str, Any] = payload.dict(exclude={"customer_id", "part_id"}, exclude_none=True)
    data["customer"] = customer
    if payload.part_id is not None:
        data["part"] = visible_record(Part, request.user, payload.part_id, "part_id")
    signal = services.signal_create(actor=request.user, company=customer.company, data=data, source="api")
    return 201, _signal_out(signal)


@router.get("/signals/{pk}", response=dict)
def get_signal(request, pk: Id):
    _require(request.user, "view_warningsignal")
    return _signal_out(selectors.signal_get_for_user(request.user, pk))


class PreventionTransitionIn(_Strict):
    action: str
    expected_version: Version | None = None
    inputs: dict[str, str] = {}


@router.post("/signals/{pk}/transitions", response=dict,
             summary="Take a step: identify, diagnose, close_resolved, to_complaint, close_no_risk")
def transition_signal(request, pk: Id, payload: PreventionTransitionIn):
    _require(request.user, "view_warningsignal")
    signal = selectors.signal_get_for_user(request.user, pk)
    _require(request.user, "change_warningsignal")
    services.signal_transition(actor=request.user, signal=signal, name=payload.action,
                               expected_version=payload.expected_version, source="api", **payload.inputs)
    return _signal_out(selectors.signal_get_for_user(request.user, pk))


class PreventiveActionIn(_Strict):
    description: str
    owner_id: Id
    working_days: int


@router.post("/signals/{pk}/actions", response={201: dict})
def add_action(request, pk: Id, payload: PreventiveActionIn):
    _require(request.user, "view_warningsignal")
    signal = selectors.signal_get_for_user(request.user, pk)
    _require(request.user, "add_preventiveaction")
    from kesu.accounts.models import User

    owner = visible_record(User, request.user, payload.owner_id, "owner_id")
    services.action_add(actor=request.user, signal=signal, description=payload.description, owner=owner,
                        working_days=payload.working_days, source="api")
    return 201, _signal_out(selectors.signal_get_for_user(request.user, pk))


class DoneIn(_Strict):
    result: str


@router.post("/signals/{pk}/actions/{action}/done", response=dict)
def action_done(request, pk: Id, action: Id, payload: DoneIn):
    _require(request.user, "view_warningsignal")
    signal = selectors.signal_get_for_user(request.user, pk)
    row = get_object_or_404(PreventiveAction, pk=action, signal=signal)
    services.action_done(actor=request.user, action=row, result=payload.result, source="api")
    return _signal_out(selectors.signal_get_for_user(request.user, pk))


@router.get("/board", response=dict, summary="Open signals by class and age in days")
def board(request):
    _require(request.user, "view_warningsignal")
    data = selectors.board(request.user)
    return {"buckets": [list(b) for b in data["buckets"]],
            "rows": {cls.value: [[s.pk for s in cell] for cell in cells] for cls, cells in data["rows"]}}


@router.get("/groups", response=list[dict], summary="The prevention groups of the user's companies, with members")
def groups(request):
    _require(request.user, "view_preventiongroup")
    rows = PreventionGroup.objects.visible_to(request.user).prefetch_related("members", "meetings__attendees")
    return [{"id": g.pk, "company_id": g.company_id, "kind": g.kind, "duties": g.duties,
             "members": [{"user_id": m.user_id, "position": m.position} for m in g.members.all()],
             "meetings": [{"id": m.pk, "held_at": m.held_at.isoformat(), "topic": m.topic, "decisions": m.decisions,
                           "attendee_ids": [a.pk for a in m.attendees.all()], "signal_id": m.signal_id}
                          for m in g.meetings.all()]} for g in rows]


@router.get("/repeats/{complaint_id}", response=dict, summary="The repeat flag of a complaint (ISO 10002 §8.5)")
def repeat_of(request, complaint_id: Id):
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=complaint_id)
    flag = getattr(complaint, "repeat_flag", None) if hasattr(complaint, "repeat_flag") else None
    if flag is None:
        return {"complaint_id": complaint.pk, "is_repeat": False, "rule": "", "window_days": None, "earlier": []}
    return {"complaint_id": complaint.pk, "is_repeat": True, "rule": flag.rule, "window_days": flag.window_days,
            "earlier": [{"id": c.pk, "number": c.number} for c in flag.earlier.all()]}


def _assessment_out(a) -> dict[str, Any]:
    return {"id": a.pk, "salesperson_id": a.salesperson_id, "period_start": a.period_start.isoformat(),
            "period_end": a.period_end.isoformat(), "status": a.status, "version": a.version,
            "director_comment": a.director_comment, "confirmed_by_id": a.confirmed_by_id,
            "figures": {s["key"]: {"clause": s["clause"], "count": s["count"], "total": s["total"],
                                   "records": s["records"]} for s in drill_down(a)}}


@router.get("/assessments", response=list[dict], summary="After-sales assessments (a salesperson: their own)")
def list_assessments(request):
    _require(request.user, "view_assessment")
    return [_assessment_out(a) for a in selectors.assessments_for(request.user)[:200]]


@router.get("/assessments/{pk}", response=dict)
def get_assessment(request, pk: Id):
    _require(request.user, "view_assessment")
    return _assessment_out(selectors.assessment_get_for_user(request.user, pk))


@router.post("/assessments/{pk}/transitions", response=dict, summary="The sales director confirms: confirm")
def transition_assessment(request, pk: Id, payload: PreventionTransitionIn):
    _require(request.user, "view_assessment")
    obj = selectors.assessment_get_for_user(request.user, pk)
    services.assessment_transition(actor=request.user, assessment=obj, name=payload.action,
                                   expected_version=payload.expected_version, source="api", **payload.inputs)
    return _assessment_out(selectors.assessment_get_for_user(request.user, pk))


class MemberIn(_Strict):
    user_id: Id
    position: str = "member"


@router.post("/groups/{pk}/members", response={201: dict}, summary="Put a person in a group (or change position)")
def set_member(request, pk: Id, payload: MemberIn):
    group = get_object_or_404(PreventionGroup.objects.visible_to(request.user), pk=pk)
    _require(request.user, "change_groupmember")
    from kesu.accounts.models import User

    user = visible_record(User, request.user, payload.user_id, "user_id")
    member = services.group_member_set(actor=request.user, group=group, user=user, position=payload.position,
                                       source="api")
    return 201, {"group_id": group.pk, "user_id": member.user_id, "position": member.position}


class SpecialMeetingIn(_Strict):
    held_at: datetime.datetime
    topic: str
    attendee_ids: list[Id]
    decisions: str
    signal_id: Id | None = None


@router.post("/groups/{pk}/meetings", response={201: dict}, summary="Record a special meeting")
def record_meeting(request, pk: Id, payload: SpecialMeetingIn):
    group = get_object_or_404(PreventionGroup.objects.visible_to(request.user), pk=pk)
    _require(request.user, "add_specialmeeting")
    from kesu.accounts.models import User

    attendees = [visible_record(User, request.user, uid, "attendee_ids") for uid in payload.attendee_ids]
    signal = selectors.signal_get_for_user(request.user, payload.signal_id) if payload.signal_id else None
    meeting = services.meeting_record(actor=request.user, group=group, held_at=payload.held_at, topic=payload.topic,
                                      attendees=attendees, decisions=payload.decisions, signal=signal, source="api")
    return 201, {"id": meeting.pk, "topic": meeting.topic}


class RepeatSettingsIn(_Strict):
    window_days: int = 180
    same_customer: bool = True
    same_part: bool = True


@router.get("/repeat-settings", response=dict, summary="The repeat-complaint rules of the user's company")
def get_repeat_settings(request):
    from .repeats import settings_for

    _require(request.user, "view_repeatsettings")
    cfg = settings_for(request.user.company)
    return {"window_days": cfg.window_days, "same_customer": cfg.same_customer, "same_part": cfg.same_part}


@router.put("/repeat-settings", response=dict, summary="Change the repeat-complaint rules (QA, GM)")
def put_repeat_settings(request, payload: RepeatSettingsIn):
    _require(request.user, "change_repeatsettings")
    row = services.repeat_settings_save(actor=request.user, company=request.user.company, source="api",
                                        **payload.dict())
    return {"window_days": row.window_days, "same_customer": row.same_customer, "same_part": row.same_part}
