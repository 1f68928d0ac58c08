"""Shared by the complaint services: who may act, deadlines on the working calendar, the timeline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kesu.core.calendar import Deadline as CalendarDeadline
from kesu.core.calendar import WorkingCalendar
from kesu.core.services import TransitionRefused, actor_or_none, is_person, require_role  # noqa: F401

from ..choices import (
    OPEN_STATUSES,
    DeadlineKind,
    Severity,
)
from ..models import (
    Complaint,
    Deadline,
    TimelineEntry,
)
from ..search import search_document_append
from ..selectors import EffectiveSettings, effective_settings

# Shared with the other workflow modules (kesu.core.services); the old private names stay for this package.
_require_role = require_role
_is_person = is_person
_actor_or_none = actor_or_none


# -- deadlines -------------------------------------------------------------------------


def _hours(calendar: WorkingCalendar, eff: EffectiveSettings, start: datetime.datetime,
           hours: int) -> CalendarDeadline:
    if eff.hours_are_working_hours:
        return calendar.add_working_hours(start, hours)
    return CalendarDeadline(at=start + datetime.timedelta(hours=hours), provisional=False)


def deadline_due(kind: str, complaint: Complaint, now: datetime.datetime,
                 eff: EffectiveSettings | None = None, calendar: WorkingCalendar | None = None
                 ) -> tuple[datetime.datetime, CalendarDeadline]:
    """(start, due) of a deadline kind for this complaint, from the company calendar (design §11)."""
    eff = eff or effective_settings(complaint.company, complaint.customer)
    calendar = calendar or WorkingCalendar(complaint.company)
    received = complaint.received_at
    if kind == DeadlineKind.PASS_ON:
        return received, calendar.add_working_days(received, eff.pass_on_working_days)
    if kind == DeadlineKind.REPLY:
        return received, _hours(calendar, eff, received, eff.reply_hours)
    if kind == DeadlineKind.SALES_REMEDY:
        # 000 §4.1.2: 48 hours from receiving the complaint, not from the assessment.
        return received, _hours(calendar, eff, received, eff.sales_remedy_hours)
    if kind == DeadlineKind.QA_OPINION:
        severe = complaint.severity in (Severity.MAJOR, Severity.SEVERE)
        days = eff.qa_opinion_severe_wd if severe else eff.qa_opinion_minor_wd
        return now, calendar.add_working_days(now, days)
    if kind == DeadlineKind.DEPARTMENT_ANSWER:
        return now, calendar.add_working_days(now, eff.department_answer_wd)
    if kind == DeadlineKind.INITIAL_REPORT_APPROVAL:
        return now, calendar.add_working_days(now, eff.initial_report_approval_wd)
    if kind == DeadlineKind.CLOSURE:
        from .handling import closure_due

        return received, closure_due(complaint, calendar, eff.closure_target_days)
    raise ValueError(kind)


def _schedule(complaint: Complaint, kind: str, now: datetime.datetime, eff, calendar) -> Deadline:
    _cancel(complaint, (kind,), now)  # a fresh duty replaces an open one of the same kind
    start, due = deadline_due(kind, complaint, now, eff, calendar)
    # A deadline counted from receipt may already lie before "now"; it stays as computed (it is overdue).
    return Deadline.objects.create(
        company_id=complaint.company_id, complaint=complaint, kind=kind, started_at=min(start, due.at),
        due_at=due.at, provisional=due.provisional,
    )


def _first_deadlines(complaint: Complaint, kinds, now: datetime.datetime, eff, calendar) -> dict[str, Deadline]:
    """The first deadlines of a complaint being created, kind → deadline, computed before the complaint is written
    (its closure target goes into the complaint's own INSERT) and then written in one INSERT with ``insert_all``,
    which sends the save signals (the audit entries) as ``_schedule`` would.

    A new complaint has no open deadline a fresh one would replace, so nothing is read first (``_schedule``
    cancels one).
    """
    deadlines = {}
    for kind in kinds:
        start, due = deadline_due(kind, complaint, now, eff, calendar)
        deadlines[kind] = Deadline(
            company_id=complaint.company_id, complaint=complaint, kind=kind, started_at=min(start, due.at),
            due_at=due.at, provisional=due.provisional,
        )
    return deadlines


def _open(complaint: Complaint, kinds) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(complaint=complaint, kind__in=kinds, met_at__isnull=True,
                                   cancelled_at__isnull=True)


def _meet(complaint: Complaint, kinds, now: datetime.datetime) -> None:
    for deadline in _open(complaint, kinds):
        deadline.met_at = now
        deadline.save(update_fields=["met_at", "updated_at"])


def _cancel(complaint: Complaint, kinds, now: datetime.datetime) -> None:
    for deadline in _open(complaint, kinds):
        deadline.cancelled_at = now
        deadline.save(update_fields=["cancelled_at", "updated_at"])


# -- timeline helpers ----------------------------------------------------------------------


def _timeline(complaint: Complaint, kind: str, summary: str, *, actor, now, internal: bool = True,
              direction: str = "", channel: str = "", indexed: bool = True) -> TimelineEntry:
    """Write a timeline entry and add its text to the complaint's search document (``indexed=False``: the
    caller writes the document afterwards, e.g. a creation, whose document does not exist yet)."""
    entry = TimelineEntry.objects.create(
        company_id=complaint.company_id, complaint=complaint, kind=kind, summary=summary[:20000],
        internal=internal, direction=direction, channel=channel, actor=_actor_or_none(actor), at=now,
    )
    if indexed:
        search_document_append(complaint, entry.summary)
    return entry


def _first_response(complaint: Complaint, actor, now) -> bool:
    """Design §11: the first response by a person stops the reply clock; an automatic one does not."""
    if complaint.first_response_at is None and _is_person(actor):
        complaint.first_response_at = now
        _meet(complaint, (DeadlineKind.REPLY,), now)
        return True
    return False

def _lock_open(complaint: Complaint) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError({"status": _("The complaint is %(status)s; it can no longer be changed.") % {
            "status": locked.get_status_display()}})
    return locked
