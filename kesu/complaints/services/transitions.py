"""Moving a complaint through the transition table (workflow.py): the only way its status changes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as

from .. import signals
from ..choices import (
    AcceptanceDecision,
    Channel,
    CustomerDecision,
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
from ..workflow import ACTIONS, CHECKS, INPUT_LABELS, TRANSITIONS, CheckContext, Transition
from .base import TransitionRefused, _actor_or_none, _cancel, _first_response, _meet, _schedule, _timeline
from .intake import _apply_acceptance, _validate

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
        summary = transition_summary(row, old, new, inputs.get("reason") or inputs.get("note"))
        _timeline(locked, TimelineKind.TRANSITION, summary, actor=actor, now=now)
        transaction.on_commit(lambda: signals.complaint_transitioned.send(
            Complaint, complaint=locked, action=action, old_status=old, new_status=new, actor=actor,
            note=inputs.get("note", ""),
        ))
    complaint.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_state")})
    return locked


def transition_summary(row: Transition, old: str, new: str, detail: str | None = None) -> str:
    """The timeline text of a step: "<action>: <from> → <to>" and the note or reason given."""
    summary = str(row.label)
    if old != new:
        summary = f"{summary}: {Status(old).label} → {Status(new).label}"
    return f"{summary}\n{detail}" if detail else summary


def acknowledgement_text(number: str) -> str:
    """What the customer is told on acknowledgement (issue 3 §1: the number is quoted)."""
    return _("Receipt acknowledged; complaint number %(number)s.") % {"number": number}




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
        text = acknowledgement_text(c.number)
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
