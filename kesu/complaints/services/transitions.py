"""Moving a complaint through the transition table (workflow.py): the only way its status changes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kesu.core import events
from kesu.core.calendar import WorkingCalendar
from kesu.core.workflow import run_transition

from .. import signals
from ..choices import (
    AcceptanceDecision,
    Channel,
    CustomerDecision,
    DeadlineKind,
    Direction,
    Status,
    TimelineKind,
    WarningClass,
    WindowStatus,
)
from ..models import (
    Complaint,
    RemedyProposal,
    StatusChange,
)
from ..selectors import effective_settings
from ..workflow import INPUT_LABELS, TABLE, CheckContext, Transition
from .base import _actor_or_none, _cancel, _first_response, _meet, _schedule, _timeline
from .handling import apply_priority
from .intake import _apply_acceptance, _validate


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

    Runs on the core runner (:func:`kesu.core.workflow.run_transition`). Refusals raise
    :class:`TransitionRefused` (wrong state, wrong role, missing field, failed precondition, or changed
    by someone else meanwhile). The status change, its timeline entry, deadlines and the audit entries
    are written in one transaction.
    """
    inputs = dict(fields)
    if note:
        inputs["note"] = note
    state: dict[str, Any] = {}

    def prepare(c: Complaint, row: Transition, given: dict[str, Any], who, now) -> CheckContext:
        if "channel" in given and given["channel"] not in Channel.values:
            raise ValidationError({"channel": _("Choose a valid channel.")})
        if {"category", "exclusion"} & set(_model_inputs(given)):
            _apply_acceptance(c)
        state["settings"] = eff = effective_settings(c.company, c.customer)
        _before_checks(c, row, given, who, now)
        return CheckContext(settings=eff, now=now, extra=given)

    def effects(c: Complaint, row: Transition, given: dict[str, Any], now) -> None:
        if _model_inputs(given):
            _validate(c, exclude=["number"])
            apply_priority(c)
        # The effects see the step's new status, as they did when complaints had a runner of their own.
        c.status = row.target or c.status
        _effects(c, row, given, actor, now)
        calendar = WorkingCalendar(c.company)
        _meet(c, row.meets, now)
        _cancel(c, row.cancels, now)
        for kind in row.schedules:
            _schedule(c, kind, now, state["settings"], calendar)

    def announce(c: Complaint, row: Transition, old: str, _note: str, now) -> None:
        new = c.status
        # Both the reason and the note when both are given (a rejection in the portal has the customer's reason
        # and the note saying who recorded it there); a step taken in the portal carries that channel.
        detail = "\n".join(text for text in (inputs.get("reason"), inputs.get("note")) if text)
        summary = transition_summary(row, old, new, detail)
        _timeline(c, TimelineKind.TRANSITION, summary, actor=actor, now=now,
                  channel=Channel.PORTAL if source == "portal" else "")
        # The version the step left goes with the event: a worker handing it on later may find the complaint
        # moved on again.
        events.publish("complaints.transitioned", c, actor=actor, source=source, action=action, old_status=old,
                       new_status=new, note=inputs.get("note", ""), version=c.version)

    return run_transition(table=TABLE, obj=complaint, name=action, actor=actor, inputs=inputs,
                          noun=Complaint._meta.verbose_name, label_of=_label, prepare=prepare, effects=effects,
                          changes=StatusChange, announce=announce, related=("company", "customer"),
                          expected_version=expected_version, source=source)


def _model_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if k not in INPUT_LABELS}


def transition_summary(row: Transition, old: str, new: str, detail: str | None = None) -> str:
    """The timeline text of a step: "<action>: <from> → <to>" and the note or reason given."""
    summary = str(row.label)
    if old != new:
        summary = f"{summary}: {Status(old).label} → {Status(new).label}"
    return f"{summary}\n{detail}" if detail else summary


def acknowledgement_text(number: str) -> str:
    """What the customer is told on acknowledgement (issue 3 §1: the number is quoted)."""
    return _("Receipt acknowledged; complaint number %(number)s.") % {"number": number}




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
        text = acknowledgement_text(c.number)
        if inputs.get("note"):
            text = f"{text}\n{inputs['note']}"
        _timeline(c, TimelineKind.COMMUNICATION, text, actor=actor, now=now, internal=False,
                  direction=Direction.OUT, channel=inputs["channel"])
    elif action == "assess":
        if c.safety_or_regulatory_impact:
            # Issue 18 §11: a safety or regulatory impact goes to the QA head and the GM at once.
            transaction.on_commit(lambda: signals.safety_flagged.send(Complaint, complaint=c, actor=actor))
        if c.warning_class in (WarningClass.A, WarningClass.B):
            # Seed 001: A and B early warnings go to the leadership group at once.
            warning = c.warning_class
            transaction.on_commit(lambda: signals.early_warning_raised.send(
                Complaint, complaint=c, warning_class=warning))
    elif action == "escalate_to_qa":
        c.escalated_to_qa = True
    if DeadlineKind.PASS_ON in row.meets:
        # 004 §6.1: within one working day the salesperson tells the superior and the sales assistant; the
        # notification rule tells them (Audience.PASS_ON), the timeline keeps who it was.
        from ..selectors import pass_on_recipients

        names = "、".join(str(u) for u in pass_on_recipients(c)) or _("nobody (no one holds this position)")
        _timeline(c, TimelineKind.NOTE, _("Passed on to the superior and the sales assistant: %(names)s.") % {
            "names": names}, actor=actor, now=now)
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
    elif action == "record_recurrence":
        # 004 §5.2(3): the problem came back on a later delivery; QA investigates again.
        c.recurrence_count += 1
        c.escalated_to_qa = True
    elif action == "prepare_explanation":
        # A new or changed explanation needs a fresh approval.
        c.explanation_prepared_by = _actor_or_none(actor)
        c.explanation_prepared_at = now
        c.explanation_approved_by = None
        c.explanation_approved_at = None
    elif action == "approve_explanation":
        c.explanation_approved_by = _actor_or_none(actor)
        c.explanation_approved_at = now
    elif action == "customer_disputes":
        # The customer disputes it: QA investigates again, and a new explanation is prepared and approved.
        c.explanation_prepared_by = c.explanation_approved_by = None
        c.explanation_prepared_at = c.explanation_approved_at = None
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
