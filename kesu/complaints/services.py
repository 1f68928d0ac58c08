"""The one write path for complaint handling (conventions habits 1, 3, 4).

Every service is atomic, keyword-only and runs as the acting user so the audit
trail (written by model signals inside the same transaction) names who did
it. Side effects for other modules go out as signals after commit.
"""

from __future__ import annotations

import calendar as pycalendar
import contextlib
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.core.calendar import Deadline as CalendarDeadline
from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.uploads import check_upload, file_sha256

from . import permissions, signals
from .choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    AcceptanceDecision,
    Channel,
    CustomerDecision,
    DeadlineKind,
    Direction,
    DispositionKind,
    EscalationStep,
    Exclusion,
    InspectionResult,
    Severity,
    Status,
    TimelineKind,
    WarningClass,
    WindowKind,
    WindowStatus,
)
from .models import (
    AdHocMeeting,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    Deadline,
    DispositionLine,
    Escalation,
    NumberSequence,
    RemedyProposal,
    StatusChange,
    TimelineEntry,
)
from .search import search_document_append, search_document_rebuild
from .selectors import EffectiveSettings, effective_settings, overdue_deadlines, settings_for
from .workflow import ACTIONS, CHECKS, INPUT_LABELS, TRANSITIONS, CheckContext, Transition


class TransitionRefused(Exception):
    """A workflow step that is not allowed now, with a translated message saying why.

    ``code`` is one of the class constants; ``field`` names the missing or
    offending field when there is one (pages put the message next to it, the
    API returns it as ``loc``).
    """

    WRONG_STATE = "wrong_state"
    WRONG_ROLE = "wrong_role"
    MISSING_FIELD = "missing_field"
    PRECONDITION = "precondition"
    STALE = "stale"
    UNKNOWN_ACTION = "unknown_action"
    UNEXPECTED_FIELD = "unexpected_field"

    HTTP_STATUS = {WRONG_STATE: 409, STALE: 409, WRONG_ROLE: 403}

    def __init__(self, code: str, message: Any, field: str = "") -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field

    @property
    def http_status(self) -> int:
        return self.HTTP_STATUS.get(self.code, 422)

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.field or "__all__": self.message}, code=self.code)


def _require_role(actor, roles, company_id: int) -> None:
    if actor is None:
        return  # the system itself (worker, portal intake) acts with its own checks
    if not (actor.is_superuser or company_id in actor.visible_company_ids()):
        raise PermissionDenied
    if not actor.has_role(*roles):
        raise PermissionDenied(_("Your role may not do this."))


def _is_person(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def _actor_or_none(actor):
    return actor if _is_person(actor) else None


# -- settings and categories -----------------------------------------------------------

DEFAULT_CATEGORIES = (
    ("appearance", gettext_lazy("Appearance"), WindowKind.WORKING_DAYS, 3),
    ("model_quantity", gettext_lazy("Model and quantity"), WindowKind.WORKING_DAYS, 3),
    ("performance", gettext_lazy("Performance and parameters"), WindowKind.WARRANTY_MONTHS, None),
)


def complaint_categories_ensure_defaults(*, actor=None, company) -> list[ComplaintCategory]:
    """Create the three categories of seed 004 §5.1 where missing (idempotent)."""
    from django.conf import settings as django_settings
    from django.utils import translation

    made = []
    with acting_as(actor, "system"), transaction.atomic(), translation.override(django_settings.LANGUAGE_CODE):
        for code, name, kind, value in DEFAULT_CATEGORIES:
            category, _created = ComplaintCategory.objects.get_or_create(
                company=company, code=code, defaults={"name": str(name), "window_kind": kind, "window_value": value}
            )
            made.append(category)
    return made


# -- numbering ------------------------------------------------------------------------


def _next_number(company, now: datetime.datetime) -> str:
    """Take the next number from the company's sequence. Must run inside the creating transaction.

    The sequence row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the one write lock), so
    concurrent creations queue here and each gets its own number. The number
    is taken in the same transaction as the complaint: a failed creation rolls
    the counter back too, so a yearly sequence has no gaps. A number already
    used (a pattern changed mid-year) is skipped, never reused.
    """
    cfg = settings_for(company)
    pattern = cfg.number_pattern
    year = now.astimezone(company.tz).year
    # Without a yearly reset the counter runs on forever under the key 0.
    seq_year = year if cfg.gap_free_per_year else 0
    NumberSequence.objects.get_or_create(company=company, year=seq_year)
    seq = NumberSequence.objects.select_for_update().get(company=company, year=seq_year)
    for _attempt in range(10000):
        seq.last_value += 1
        number = pattern.format(year=year, seq=seq.last_value, company=company.code)
        if not Complaint.objects.filter(company=company, number=number).exists():
            break
    else:  # pragma: no cover - would need 10,000 collisions
        raise ValidationError({"number": _("No free complaint number could be found; check the number pattern.")})
    seq.save(update_fields=["last_value", "updated_at"])
    return number


# -- acceptance check -------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def acceptance_check(complaint: Complaint, calendar: WorkingCalendar | None = None
                     ) -> tuple[str, str, datetime.date | None]:
    """Is the complaint inside its category's acceptance window, and why (seed 004 §5.1)?

    Working-day windows count from the customer's receipt of the goods (the
    shipment's receipt date, else the delivery date on the form); a window of
    N working days ends with the N-th working day after receipt, counted as
    design §11 does (a receipt outside working time counts from the next
    working day). Warranty windows count months from receipt, else shipping.
    Returns (window status, reason, last day of the window).
    """
    category = complaint.category
    if complaint.exclusion and complaint.exclusion != Exclusion.NONE:
        return WindowStatus.EXCLUDED, _("Excluded: %(exclusion)s is not covered (004 §5.1).") % {
            "exclusion": complaint.get_exclusion_display()}, None
    if category is None:
        return WindowStatus.UNKNOWN, _("No category chosen yet."), None
    if category.window_kind == WindowKind.NONE:
        return WindowStatus.INSIDE, _("The category “%(category)s” has no acceptance window.") % {
            "category": category.name}, None
    company = complaint.company
    received_on = timezone.localtime(complaint.received_at, company.tz).date()
    shipment = complaint.shipment
    receipt = (shipment.receipt_date if shipment else None) or complaint.delivery_date
    if category.window_kind == WindowKind.WORKING_DAYS:
        if receipt is None:
            return WindowStatus.UNKNOWN, _(
                "The customer's receipt date is unknown: enter the delivery date or link the shipment."), None
        calendar = calendar or WorkingCalendar(company)
        start = datetime.datetime.combine(receipt, company.work_start, tzinfo=company.tz)
        last_day = calendar.add_working_days(start, category.window_value or 0).at.date()
        params = {"received": received_on.isoformat(), "receipt": receipt.isoformat(), "days": category.window_value,
                  "last": last_day.isoformat(), "category": category.name}
        if received_on <= last_day:
            return WindowStatus.INSIDE, _(
                "Received on %(received)s, within %(days)s working days of the customer's receipt on %(receipt)s "
                "(last day %(last)s, %(category)s).") % params, last_day
        return WindowStatus.OUTSIDE, _(
            "Received on %(received)s, after the %(days)s working days from the customer's receipt on "
            "%(receipt)s (last day was %(last)s, %(category)s).") % params, last_day
    # Warranty months: the category's own length, else the part's warranty (default 12).
    months = category.window_value or (complaint.part.warranty_months if complaint.part_id else 12)
    start_day = receipt or (shipment.ship_date if shipment else None)
    if start_day is None:
        return WindowStatus.UNKNOWN, _(
            "The delivery date is unknown: enter it or link the shipment to check the %(months)s-month warranty."
        ) % {"months": months}, None
    last_day = _add_months(start_day, months)
    params = {"received": received_on.isoformat(), "start": start_day.isoformat(), "months": months,
              "last": last_day.isoformat()}
    if received_on <= last_day:
        return WindowStatus.INSIDE, _(
            "Received on %(received)s, within the %(months)s-month warranty from %(start)s (until %(last)s)."
        ) % params, last_day
    return WindowStatus.OUTSIDE, _(
        "Received on %(received)s, after the %(months)s-month warranty from %(start)s ended on %(last)s."
    ) % params, last_day


def _apply_acceptance(complaint: Complaint) -> None:
    complaint.window_status, complaint.window_reason, complaint.window_last_day = acceptance_check(complaint)
    complaint.window_reason = complaint.window_reason[:500]


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
    raise ValueError(kind)


def _schedule(complaint: Complaint, kind: str, now: datetime.datetime, eff, calendar) -> Deadline:
    _cancel(complaint, (kind,), now)  # a fresh duty replaces an open one of the same kind
    start, due = deadline_due(kind, complaint, now, eff, calendar)
    # A deadline counted from receipt may already lie before "now"; it stays as computed (it is overdue).
    return Deadline.objects.create(
        company_id=complaint.company_id, complaint=complaint, kind=kind, started_at=min(start, due.at),
        due_at=due.at, provisional=due.provisional,
    )


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
              direction: str = "", channel: str = "") -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        company_id=complaint.company_id, complaint=complaint, kind=kind, summary=summary[:20000],
        internal=internal, direction=direction, channel=channel, actor=_actor_or_none(actor), at=now,
    )
    search_document_append(complaint, entry.summary)
    return entry


def _first_response(complaint: Complaint, actor, now) -> bool:
    """Design §11: the first response by a person stops the reply clock; an automatic one does not."""
    if complaint.first_response_at is None and _is_person(actor):
        complaint.first_response_at = now
        _meet(complaint, (DeadlineKind.REPLY,), now)
        return True
    return False


# -- create and update ------------------------------------------------------------------

FORM_FIELDS = (
    "channel", "received_at", "customer", "contact", "contract", "shipment", "part", "delivery_date",
    "quantity_shipped", "quantity_defective", "defect_location", "defect_nature", "occurred_at",
    "operated_as_instructed", "customer_request", "description", "category", "exclusion", "owner", "department",
)
RELATIONS = {"customer", "contact", "contract", "shipment", "part", "category", "owner", "department"}
UPDATE_FIELDS = tuple(f for f in FORM_FIELDS if f != "customer") + ("acceptance_decision", "acceptance_note")


def _assign_fields(complaint: Complaint, data: dict[str, Any], allowed) -> None:
    names = set(allowed) | {f"{name}_id" for name in allowed if name in RELATIONS}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in data.items():
        setattr(complaint, name, value)


def _validate(complaint: Complaint, exclude: list[str] | None = None) -> None:
    try:
        complaint.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def complaint_create(*, actor, company, data: dict[str, Any], source: str = "web") -> Complaint:
    """Register a complaint from any channel (issue 3 §1): number, acceptance check, first deadlines.

    ``data`` holds form fields (relations as objects or ``<name>_id``).
    ``actor`` None means the system (e.g. portal intake by a customer).
    """
    _require_role(actor, permissions.CREATE, company.pk)
    now = timezone.now()
    complaint = Complaint(company=company, status=Status.RECEIVED)
    _assign_fields(complaint, data, FORM_FIELDS)
    if complaint.received_at is None:
        complaint.received_at = now
    if complaint.received_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": _("A complaint cannot be received in the future.")})
    if complaint.owner_id is None:
        customer_owner = complaint.customer.owner if complaint.customer_id else None
        complaint.owner = customer_owner or _actor_or_none(actor)
    if complaint.department_id is None and complaint.owner_id:
        complaint.department_id = complaint.owner.department_id
    if complaint.part_id is None and complaint.shipment_id:
        complaint.part_id = complaint.shipment.part_id
    if complaint.delivery_date is None and complaint.shipment_id:
        complaint.delivery_date = complaint.shipment.receipt_date or complaint.shipment.ship_date
    if complaint.quantity_shipped is None and complaint.shipment_id:
        complaint.quantity_shipped = complaint.shipment.quantity
    complaint.created_by = _actor_or_none(actor)
    _validate(complaint, exclude=["number"])
    _apply_acceptance(complaint)
    with acting_as(actor, source), transaction.atomic():
        complaint.number = _next_number(company, now)
        complaint.save()
        StatusChange.objects.create(
            company=company, complaint=complaint, action="create", old_status="", new_status=Status.RECEIVED,
            actor=_actor_or_none(actor), at=now,
        )
        _timeline(complaint, TimelineKind.COMMUNICATION, complaint.description, actor=actor, now=now,
                  internal=False, direction=Direction.IN, channel=complaint.channel)
        eff = effective_settings(company, complaint.customer)
        calendar = WorkingCalendar(company)
        for kind in (DeadlineKind.PASS_ON, DeadlineKind.REPLY):
            _schedule(complaint, kind, now, eff, calendar)
        search_document_rebuild(complaint)
        transaction.on_commit(lambda: signals.complaint_created.send(Complaint, complaint=complaint, actor=actor))
    return complaint


def complaint_update(*, actor, complaint: Complaint, data: dict[str, Any], expected_version: int | None = None,
                     source: str = "web") -> Complaint:
    """Edit the feedback form of an open complaint; the acceptance check is computed again."""
    _require_role(actor, permissions.EDIT, complaint.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status in FINAL_STATUSES:
            raise ValidationError({"status": _("A closed, rejected or cancelled complaint cannot be edited.")})
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError({"version": _("Someone else changed this complaint meanwhile; reload it.")})
        _assign_fields(locked, data, UPDATE_FIELDS)
        _validate(locked, exclude=["number"])
        _apply_acceptance(locked)
        locked.version += 1
        locked.save()
        search_document_rebuild(locked)
    return locked


# -- transitions ---------------------------------------------------------------------------

_EMPTY = (None, "")


def _label(name: str) -> str:
    if name in INPUT_LABELS:
        return str(INPUT_LABELS[name])
    try:
        return str(Complaint._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - any unknown name is shown as is
        return name


def _role_names(roles) -> str:
    from kesu.accounts.roles import Role

    return "、".join(str(Role(r).label) for r in sorted(roles))


def complaint_transition(*, actor, complaint: Complaint, action: str, note: str = "",
                         expected_version: int | None = None, source: str = "web", **fields: Any) -> Complaint:
    """Move a complaint one step through the table in ``workflow.py``; the only way its status changes.

    Refusals raise :class:`TransitionRefused` (wrong state, wrong role,
    missing field, failed precondition, or changed by someone else
    meanwhile). The status change, its timeline entry, deadlines and the
    audit entries are written in one transaction.
    """
    if action not in ACTIONS:
        raise TransitionRefused(TransitionRefused.UNKNOWN_ACTION, _("Unknown action “%(action)s”.") % {"action": action})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        # Lock the row: of two users acting at once, the second waits here and
        # then sees the status the first one left (refused as stale below).
        locked = Complaint.objects.select_for_update().select_related("company", "customer").get(pk=complaint.pk)
        if actor is not None and not (actor.is_superuser or locked.company_id in actor.visible_company_ids()):
            raise PermissionDenied
        if locked.status != complaint.status or (expected_version is not None and locked.version != expected_version):
            raise TransitionRefused(TransitionRefused.STALE, _(
                "Someone else changed this complaint meanwhile (it is now “%(status)s”); reload it and try again."
            ) % {"status": locked.get_status_display()})
        row = TRANSITIONS.get((locked.status, action))
        if row is None:
            raise TransitionRefused(TransitionRefused.WRONG_STATE, _(
                "“%(action)s” is not possible while the complaint is “%(status)s”."
            ) % {"action": _action_label(action), "status": locked.get_status_display()})
        roles = row.allowed_roles(locked)
        if actor is not None and not actor.has_role(*roles):
            raise TransitionRefused(TransitionRefused.WRONG_ROLE, _(
                "Only these roles may “%(action)s” here: %(roles)s."
            ) % {"action": row.label, "roles": _role_names(roles)})
        inputs = dict(fields)
        if note:
            inputs["note"] = note
        accepted = set(row.required) | set(row.optional)
        unexpected = sorted(k for k in inputs if k not in accepted)
        if unexpected:
            raise TransitionRefused(TransitionRefused.UNEXPECTED_FIELD, _(
                "“%(field)s” cannot be given when you “%(action)s”."
            ) % {"field": _label(unexpected[0]), "action": row.label}, field=unexpected[0])
        model_inputs = {k: v for k, v in inputs.items() if k not in INPUT_LABELS}
        for name, value in model_inputs.items():
            setattr(locked, name, value)
        for name in row.required:
            value = inputs.get(name) if name in INPUT_LABELS else getattr(locked, name)
            if value in _EMPTY or (isinstance(value, str) and not value.strip()):
                raise TransitionRefused(TransitionRefused.MISSING_FIELD, _(
                    "%(field)s is required to “%(action)s”."
                ) % {"field": _label(name).capitalize(), "action": row.label}, field=name)
        if "channel" in inputs and inputs["channel"] not in Channel.values:
            raise ValidationError({"channel": _("Choose a valid channel.")})
        if {"category", "exclusion"} & set(model_inputs):
            _apply_acceptance(locked)
        eff = effective_settings(locked.company, locked.customer)
        ctx = CheckContext(settings=eff, now=now, extra=inputs)
        _before_checks(locked, row, inputs, actor, now)
        # The step's own rules first: "not possible because …" says more than a field error would.
        for check in row.checks:
            failure = CHECKS[check](locked, ctx)
            if failure is not None:
                field, message = failure
                raise TransitionRefused(TransitionRefused.PRECONDITION, message, field=field)
        if model_inputs:
            _validate(locked, exclude=["number"])

        old = locked.status
        new = row.target or old
        # Compare-and-set: the row only moves if nobody moved it since we read it.
        moved = Complaint.objects.filter(pk=locked.pk, status=old, version=locked.version).update(
            status=new, version=F("version") + 1
        )
        if not moved:  # pragma: no cover - the row lock makes this a second line of defence
            raise TransitionRefused(TransitionRefused.STALE, _("Someone else changed this complaint meanwhile."))
        locked.status = new
        locked.version += 1
        _effects(locked, row, inputs, actor, now)
        calendar = WorkingCalendar(locked.company)
        _meet(locked, row.meets, now)
        _cancel(locked, row.cancels, now)
        for kind in row.schedules:
            _schedule(locked, kind, now, eff, calendar)
        locked.save()
        StatusChange.objects.create(
            company_id=locked.company_id, complaint=locked, action=action, old_status=old, new_status=new,
            actor=_actor_or_none(actor), note=inputs.get("note", "") or inputs.get("reason", ""), at=now,
        )
        summary = str(row.label)
        if old != new:
            summary = f"{summary}: {Status(old).label} → {Status(new).label}"
        detail = inputs.get("reason") or inputs.get("note")
        if detail:
            summary = f"{summary}\n{detail}"
        _timeline(locked, TimelineKind.TRANSITION, summary, actor=actor, now=now)
        transaction.on_commit(lambda: signals.complaint_transitioned.send(
            Complaint, complaint=locked, action=action, old_status=old, new_status=new, actor=actor,
            note=inputs.get("note", ""),
        ))
    complaint.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_state")})
    return locked


def _action_label(action: str) -> str:
    for (_source, name), row in TRANSITIONS.items():
        if name == action:
            return str(row.label)
    return action


def _latest_proposal(complaint: Complaint) -> RemedyProposal | None:
    return complaint.remedies.order_by("-round").first()


def _before_checks(c: Complaint, row: Transition, inputs: dict, actor, now) -> None:
    """Field changes an action implies before its preconditions are judged."""
    if row.action == "assess":
        if not c.acceptance_decision and c.window_status in (WindowStatus.INSIDE, WindowStatus.UNKNOWN):
            # Inside the window (or not yet knowable) it is accepted; outside, a person decides (004 §5.1).
            c.acceptance_decision = AcceptanceDecision.ACCEPTED


def _effects(c: Complaint, row: Transition, inputs: dict, actor, now) -> None:
    """What an action does besides moving the status (the table says which action; this says how)."""
    action = row.action
    if action == "acknowledge":
        c.acknowledged_at = now
        _first_response(c, actor, now)
        text = _("Receipt acknowledged; complaint number %(number)s.") % {"number": c.number}
        if inputs.get("note"):
            text = f"{text}\n{inputs['note']}"
        _timeline(c, TimelineKind.COMMUNICATION, text, actor=actor, now=now, internal=False,
                  direction=Direction.OUT, channel=inputs["channel"])
    elif action == "assess":
        if c.warning_class in (WarningClass.A, WarningClass.B):
            # Seed 001: A and B early warnings go to the leadership group at once.
            warning = c.warning_class
            transaction.on_commit(lambda: signals.early_warning_raised.send(
                Complaint, complaint=c, warning_class=warning))
    elif action == "escalate_to_qa":
        c.escalated_to_qa = True
    elif action == "submit_initial_report":
        c.initial_report_submitted_at = now
    elif action == "approve_initial_report":
        c.initial_report_approved_by = _actor_or_none(actor)
        c.initial_report_approved_at = now
    elif action == "propose_remedy":
        last = c.remedies.aggregate(m=Max("round"))["m"] or 0
        RemedyProposal.objects.create(
            company_id=c.company_id, complaint=c, round=last + 1, text=inputs["remedy_text"],
            proposed_by=_actor_or_none(actor), proposed_at=now,
        )
    elif action == "approve_remedy":
        proposal = _latest_proposal(c)
        proposal.approved_by = _actor_or_none(actor)
        proposal.approved_at = now
        proposal.save()
    elif action in ("customer_accepts", "customer_rejects"):
        proposal = _latest_proposal(c)
        proposal.customer_decision = (
            CustomerDecision.ACCEPTED if action == "customer_accepts" else CustomerDecision.REJECTED
        )
        proposal.decision_reason = inputs.get("reason", "") or inputs.get("note", "")
        proposal.decided_at = now
        proposal.save()
    elif action == "complete_remedy":
        c.remedy_done_at = now
    elif action == "send_explanation":
        _first_response(c, actor, now)
        _timeline(c, TimelineKind.COMMUNICATION, c.explanation, actor=actor, now=now, internal=False,
                  direction=Direction.OUT, channel=inputs.get("channel") or c.channel)
    elif action in ("close", "customer_acknowledges"):
        c.closed_at = now
    elif action == "reopen":
        c.reopen_count += 1
        c.closed_at = None


# -- thin wrappers over the table ---------------------------------------------------------


def remedy_propose(*, actor, complaint: Complaint, text: str, note: str = "", **kw) -> Complaint:
    return complaint_transition(actor=actor, complaint=complaint, action="propose_remedy", remedy_text=text,
                                note=note, **kw)


def remedy_approve(*, actor, complaint: Complaint, note: str = "", **kw) -> Complaint:
    return complaint_transition(actor=actor, complaint=complaint, action="approve_remedy", note=note, **kw)


def customer_decision_record(*, actor, complaint: Complaint, accepted: bool, reason: str = "", note: str = "",
                             **kw) -> Complaint:
    if accepted:
        return complaint_transition(actor=actor, complaint=complaint, action="customer_accepts", note=note, **kw)
    return complaint_transition(actor=actor, complaint=complaint, action="customer_rejects", reason=reason,
                                note=note, **kw)


# -- other writes ------------------------------------------------------------------------------


def _lock_open(complaint: Complaint) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError({"status": _("The complaint is %(status)s; it can no longer be changed.") % {
            "status": locked.get_status_display()}})
    return locked


def complaint_assign(*, actor, complaint: Complaint, owner, department=None, source: str = "web") -> Complaint:
    """Give the complaint a new owner (and department); recorded on the timeline."""
    _require_role(actor, permissions.ASSIGN, complaint.company_id)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        locked.owner = owner
        locked.department = department or owner.department
        _validate(locked, exclude=["number"])
        locked.version += 1
        locked.save()
        _timeline(locked, TimelineKind.ASSIGNMENT, _("Assigned to %(owner)s.") % {"owner": owner}, actor=actor, now=now)
        transaction.on_commit(lambda: signals.complaint_assigned.send(
            Complaint, complaint=locked, owner=owner, actor=actor))
    return locked


def communication_log(*, actor, complaint: Complaint, direction: str, channel: str, summary: str,
                      at: datetime.datetime | None = None, files=(), source: str = "web") -> TimelineEntry:
    """Record a call, e-mail, letter or visit with the customer (issue 3 §5). Outgoing ones stop the reply clock."""
    _require_role(actor, permissions.COMMUNICATE, complaint.company_id)
    errors = {}
    if direction not in Direction.values:
        errors["direction"] = _("Say whether the customer or we communicated.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose a valid channel.")
    if not (summary or "").strip():
        errors["summary"] = _("Write what was said.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("A communication cannot lie in the future.")})
    checked = _check_files(files)
    with acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored:
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        entry = _timeline(locked, TimelineKind.COMMUNICATION, summary, actor=actor, now=at, internal=False,
                          direction=direction, channel=channel)
        if direction == Direction.OUT and _first_response(locked, actor, at):
            locked.save(update_fields=["first_response_at", "updated_at"])
        stored += _store_files(locked, checked, entry=entry, internal=False, actor=actor, now=now)
    return entry


def note_add(*, actor, complaint: Complaint, text: str, files=(), source: str = "web") -> TimelineEntry:
    """An internal note, with files if any: never shown to the customer."""
    _require_role(actor, permissions.NOTE, complaint.company_id)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the note.")})
    checked = _check_files(files)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored:
        entry = _timeline(complaint, TimelineKind.NOTE, text, actor=actor, now=now, internal=True)
        stored += _store_files(complaint, checked, entry=entry, internal=True, actor=actor, now=now)
    return entry


# -- attachments -----------------------------------------------------------------------------


def _check_files(files) -> list:
    """Every file checked before anything is written: one bad file refuses them all, naming it."""
    files = list(files or ())
    limit = settings.KESU_ATTACHMENTS_PER_UPLOAD
    if len(files) > limit:
        raise ValidationError({"files": _("At most %(limit)s files at a time.") % {"limit": limit}})
    return [(f, check_upload(f, field="files")) for f in files]


def _store_files(complaint: Complaint, checked, *, entry, internal: bool, actor, now) -> list:
    rows = []
    for file, info in checked:
        row = ComplaintAttachment(
            company_id=complaint.company_id, complaint=complaint, entry=entry, name=info.name,
            content_type=info.content_type, size=info.size, sha256=info.sha256, internal=internal,
            uploaded_by=_actor_or_none(actor), uploaded_at=now,
        )
        row.file.save(info.sha256, file, save=False)
        row.save()
        rows.append(row)
    return rows


@contextlib.contextmanager
def _stored_on_failure_removed():
    """Files written inside a transaction that then fails are deleted again (nothing half-saved)."""
    stored: list[ComplaintAttachment] = []
    try:
        yield stored
    except BaseException:
        for row in stored:
            row.file.delete(save=False)  # each upload has its own stored file (the storage never overwrites)
        raise


def attachment_add(*, actor, complaint: Complaint, files, internal: bool = True, note: str = "",
                   source: str = "web") -> list[ComplaintAttachment]:
    """Attach photos, PDFs or Office files to a complaint (issue 3 §1); shown on the timeline."""
    _require_role(actor, permissions.NOTE, complaint.company_id)
    checked = _check_files(files)
    if not checked:
        raise ValidationError({"files": _("Choose at least one file.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored:
        names = "、".join(info.name for _file, info in checked)
        summary = _("Attached: %(names)s") % {"names": names}
        if note.strip():
            summary = f"{summary}\n{note.strip()}"
        entry = _timeline(complaint, TimelineKind.NOTE, summary, actor=actor, now=now, internal=internal)
        stored += _store_files(complaint, checked, entry=entry, internal=internal, actor=actor, now=now)
    return stored


class AttachmentDamaged(Exception):
    """The stored file no longer has the content hash recorded at upload: it is not served."""


def attachment_open(attachment: ComplaintAttachment):
    """The attachment's file, opened, after checking its content hash against the recorded one."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise AttachmentDamaged(attachment.name) from error
    if file_sha256(handle) != attachment.sha256:
        handle.close()
        raise AttachmentDamaged(attachment.name)
    return handle


def meeting_record(*, actor, complaint: Complaint, held_at: datetime.datetime, attendees, departments,
                   conclusions: str, actions: str = "", source: str = "web") -> AdHocMeeting:
    """The ad-hoc meeting for a major quality problem (000 §4.1.3 a): who came, what was concluded."""
    _require_role(actor, permissions.MEETING, complaint.company_id)
    attendees, departments = list(attendees), list(departments)
    errors = {}
    if not attendees:
        errors["attendees"] = _("Name at least one attendee.")
    elif any(not u.is_superuser and u.company_id != complaint.company_id for u in attendees):
        errors["attendees"] = _("Attendees must belong to the same company.")
    if not departments:
        errors["departments"] = _("Name the departments that took part.")
    elif any(d.company_id != complaint.company_id for d in departments):
        errors["departments"] = _("Departments must belong to the same company.")
    if not (conclusions or "").strip():
        errors["conclusions"] = _("Write the conclusions.")
    if held_at and held_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["held_at"] = _("A meeting record cannot lie in the future.")
    if errors:
        raise ValidationError(errors)
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        meeting = AdHocMeeting.objects.create(
            company_id=locked.company_id, complaint=locked, held_at=held_at, conclusions=conclusions,
            actions=actions, recorded_by=_actor_or_none(actor),
        )
        meeting.attendees.set(attendees)
        meeting.departments.set(departments)
        _timeline(locked, TimelineKind.NOTE, _("Ad-hoc meeting held: %(conclusions)s") % {"conclusions": conclusions},
                  actor=actor, now=timezone.now())
    return meeting


def disposition_add(*, actor, complaint: Complaint, kind: str, quantity: int, note: str = "",
                    mis_order: bool = False, source: str = "web") -> DispositionLine:
    """What happens to the goods (004 §7)."""
    _require_role(actor, permissions.DISPOSITION_ADD, complaint.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        line = DispositionLine(company_id=locked.company_id, complaint=locked, kind=kind, quantity=quantity,
                               note=note, mis_order=mis_order)
        try:
            line.full_clean(validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        line.save()
        _timeline(locked, TimelineKind.NOTE, _("Disposition: %(kind)s × %(quantity)s") % {
            "kind": line.get_kind_display(), "quantity": quantity}, actor=actor, now=timezone.now())
    return line


def disposition_approve_mis_order(*, actor, line: DispositionLine, source: str = "web") -> DispositionLine:
    """004 §6.6: a return for a customer's mis-order needs a regional manager or above."""
    _require_role(actor, permissions.MIS_ORDER_APPROVE, line.company_id)
    if not line.mis_order or line.kind != DispositionKind.RETURN:
        raise ValidationError({"mis_order": _("Only a mis-order return needs this approval.")})
    with acting_as(actor, source), transaction.atomic():
        line = DispositionLine.objects.select_for_update().get(pk=line.pk)
        if line.regional_manager_approved_at is None:
            line.regional_manager_approved_by = _actor_or_none(actor)
            line.regional_manager_approved_at = timezone.now()
            line.save()
    return line


def disposition_record_inspection(*, actor, line: DispositionLine, result: str, source: str = "web"
                                  ) -> DispositionLine:
    _require_role(actor, permissions.INSPECTION, line.company_id)
    if result not in (InspectionResult.PASS, InspectionResult.FAIL):
        raise ValidationError({"incoming_inspection_result": _("Record pass or fail.")})
    with acting_as(actor, source), transaction.atomic():
        line = DispositionLine.objects.select_for_update().get(pk=line.pk)
        if line.restocked_at:
            raise ValidationError({"incoming_inspection_result": _("The goods are already back in stock.")})
        line.incoming_inspection_result = result
        line.save()
    return line


def disposition_restock(*, actor, line: DispositionLine, source: str = "web") -> DispositionLine:
    """Returned goods go back to stock only after approval (mis-orders) and a passed inspection (004 §6.6)."""
    _require_role(actor, permissions.RESTOCK, line.company_id)
    with acting_as(actor, source), transaction.atomic():
        line = DispositionLine.objects.select_for_update().get(pk=line.pk)
        if line.kind != DispositionKind.RETURN:
            raise ValidationError({"kind": _("Only returned goods go back to stock.")})
        if line.mis_order and line.regional_manager_approved_at is None:
            raise ValidationError({"regional_manager_approved_by": _("The regional manager has not approved the return.")})
        if line.incoming_inspection_result != InspectionResult.PASS:
            raise ValidationError({"incoming_inspection_result": _("The goods have not passed incoming inspection.")})
        if line.restocked_at is None:
            line.restocked_at = timezone.now()
            line.save()
    return line


# -- escalation job ----------------------------------------------------------------------------


def _escalation_recipients(step: str, complaint: Complaint) -> list:
    from kesu.accounts.models import User
    from kesu.accounts.roles import Role

    def by_role(role: str) -> list:
        return list(User.objects.filter(company_id=complaint.company_id, is_active=True, position__role=role))

    if step == EscalationStep.OWNER:
        return [complaint.owner] if complaint.owner_id else []
    if step == EscalationStep.DEPARTMENT_HEAD:
        department = complaint.department or (complaint.owner.department if complaint.owner_id else None)
        return [department.head] if department is not None and department.head_id else []
    if step == EscalationStep.DIRECTOR:
        # Sales handles non-escalated complaints, so its director is next; QA's work goes to the GM.
        if not complaint.escalated_to_qa:
            directors = by_role(Role.SALES_DIRECTOR)
            if directors:
                return directors
        return by_role(Role.GM)
    if step == EscalationStep.GM:
        return by_role(Role.GM)
    return []


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Bring every overdue deadline one step up its company's chain (issue 3 §4). Idempotent.

    The first step happens as soon as a deadline is overdue, each further one
    after ``escalation_interval_hours`` more. A step is claimed with a
    compare-and-set on ``escalation_level``, so two workers running at once
    (or one run twice) record each step exactly once.
    """
    now = now or timezone.now()
    done = 0
    settings_cache: dict[int, Any] = {}
    for deadline in list(overdue_deadlines(now)):
        complaint = deadline.complaint
        cfg = settings_cache.get(complaint.company_id)
        if cfg is None:
            cfg = settings_cache[complaint.company_id] = settings_for(complaint.company)
        chain = cfg.chain
        level = deadline.escalation_level
        if level >= len(chain):
            continue
        if level > 0 and deadline.last_escalated_at and (
            now - deadline.last_escalated_at < datetime.timedelta(hours=cfg.escalation_interval_hours)
        ):
            continue
        step = chain[level]
        with transaction.atomic():
            claimed = Deadline.objects.filter(pk=deadline.pk, escalation_level=level).update(
                escalation_level=level + 1, last_escalated_at=now
            )
            if not claimed:
                continue
            escalation = Escalation.objects.create(
                company_id=complaint.company_id, complaint=complaint, deadline=deadline, level=level + 1,
                step=step, at=now,
            )
            recipients = [u for u in _escalation_recipients(step, complaint) if u is not None]
            escalation.recipients.set(recipients)
            names = "、".join(str(u) for u in recipients) or _("nobody (no one holds this position)")
            _timeline(complaint, TimelineKind.ESCALATION, _(
                "Overdue: %(deadline)s (due %(due)s). Escalated to %(step)s: %(names)s."
            ) % {"deadline": deadline.get_kind_display(),
                 "due": timezone.localtime(deadline.due_at, complaint.company.tz).strftime("%Y-%m-%d %H:%M"),
                 "step": EscalationStep(step).label, "names": names}, actor=None, now=now)
            transaction.on_commit(lambda e=escalation, c=complaint: signals.complaint_escalated.send(
                Complaint, complaint=c, escalation=e))
        done += 1
    return done
