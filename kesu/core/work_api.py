"""The work queue API under /api/v1/work (issue 16 §6): the same items, filters and counts as the queue page,
read through :mod:`kesu.core.work`; claiming and reassigning through each module's assignment service."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema

from kesu.api.types import Id

from . import work
from .work_views import _may_reassign

router = Router(tags=["work"])

DueState = Literal["overdue", "today", "later", "none"]


class WorkCountsOut(Schema):
    """How many items wait, by due state (``later`` and ``none`` make up the rest of ``total``)."""

    total: int
    overdue: int
    today: int
    later: int
    none: int


class WorkPersonOut(Schema):
    id: int
    name: str


class WorkDepartmentOut(Schema):
    id: int
    name: str


class WorkItemOut(Schema):
    """One piece of work waiting for someone: what, by whom, by when, about what."""

    key: str = Field(description="module:record id:action, unique in a queue")
    source: str = Field(description="the registry source (module.model), for /work/assign")
    module: str
    module_label: str
    action: str
    label: str
    record_id: int
    number: str
    about: str
    subject: str = Field(description="for approvals: what is to be decided (report text, outcome and amount)")
    url: str
    company_id: int
    customer_id: int | None
    assignee: WorkPersonOut | None
    department: WorkDepartmentOut | None
    roles: list[str]
    due_at: datetime.datetime | None
    state: DueState
    time_left: str


class WorkQueueOut(Schema):
    scope: Literal["mine", "department", "team"]
    counts: WorkCountsOut
    by_module: dict[str, WorkCountsOut]
    items: list[WorkItemOut]


class WorkQueryIn(Schema):
    scope: Literal["mine", "department", "team"] = "mine"
    module: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list,
                                                                 description="only these modules (repeatable)")
    customer_id: Id | None = None
    due: DueState | None = None
    limit: Annotated[int, Field(ge=1, le=work.MAX_ROWS)] = work.ROWS_PER_SOURCE


class WorkAssignIn(Schema):
    source: Annotated[str, Field(max_length=80)]
    record_id: Id
    user_id: Id | None = Field(default=None, description="someone else (heads); leave out to take it yourself")


def _counts(counts: work.Counts) -> dict:
    return {"total": counts.total, "overdue": counts.overdue, "today": counts.today, "later": counts.later,
            "none": counts.none}


def _item(item: work.WorkItem) -> dict:
    return {
        "key": item.key, "source": item.source_key, "module": item.module, "module_label": str(item.module_label),
        "action": item.action, "label": str(item.label), "record_id": item.record_id, "number": item.number,
        "about": item.about, "subject": item.subject, "url": item.url, "company_id": item.company_id, "customer_id": item.customer_id,
        "assignee": {"id": item.assignee.pk, "name": str(item.assignee)} if item.assignee is not None else None,
        "department": ({"id": item.department.pk, "name": str(item.department)}
                       if item.department is not None else None),
        "roles": sorted(item.roles), "due_at": item.due_at, "state": item.state, "time_left": item.time_left,
    }


@router.get("/work", response=WorkQueueOut, operation_id="work_queue",
            summary="My work: mine, my department's or my team's, overdue first, with counts by due state")
def work_queue(request, params: Query[WorkQueryIn]):  # type: ignore[valid-type]
    user = request.user
    if params.scope == "team" and not (user.is_superuser or user.role in work.OVERSEEING_ROLES
                                       or user.headed_departments.exists()):
        raise PermissionDenied
    known = {key for key, _label in work.modules()}
    filters = work.Filters(modules=tuple(m for m in params.module if m in known) or
                           (("-",) if params.module else ()),
                           customer_id=params.customer_id, due=params.due)
    found = work.queue(user, params.scope, filters, limit=params.limit)
    return {"scope": params.scope, "counts": _counts(found.counts),
            "by_module": {key: _counts(value) for key, value in found.by_module.items()},
            "items": [_item(item) for item in found.items]}


@router.post("/work/assign", response=WorkItemOut | None, operation_id="work_assign",
             summary="Take an item (assign it to me) or, for heads, give it to someone")
def work_assign(request, payload: WorkAssignIn):
    from kesu.accounts.models import User

    source = work.source_by_key(payload.source)
    if source is None or source.assign is None:
        raise Http404
    record = source.model._default_manager.visible_to(request.user).filter(pk=payload.record_id).first()
    if record is None or not any(work.assignable(item) for item in work.waiting_for(record)):
        raise Http404
    target = request.user
    if payload.user_id is not None and payload.user_id != request.user.pk:
        if not _may_reassign(request.user, source):
            raise PermissionDenied
        target = User.objects.filter(pk=payload.user_id, is_active=True,
                                     company_id__in=request.user.visible_company_ids()).first()
        if target is None:
            raise Http404
    source.assign(actor=request.user, record=record, user=target)
    items = work.waiting_for(record)
    return _item(items[0]) if items else None
