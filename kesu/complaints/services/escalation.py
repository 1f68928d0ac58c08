"""The escalation job: overdue deadlines climb the company's chain."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.escalation import chain_recipients, step_due

from .. import signals
from ..choices import (
    EscalationAction,
    EscalationStep,
    TimelineKind,
)
from ..models import (
    Complaint,
    Deadline,
    Escalation,
)
from ..selectors import overdue_deadlines, settings_for
from .base import _timeline
from .handling import assignment_conflicts

# -- escalation job ----------------------------------------------------------------------------


def _escalation_recipients(step: str, complaint: Complaint) -> list:
    from kesu.accounts.roles import Role

    # Sales handles non-escalated complaints, so its director is next; QA's work goes to the GM.
    return chain_recipients(step, company_id=complaint.company_id, owner=complaint.owner,
                            department=complaint.department,
                            director_role=None if complaint.escalated_to_qa else Role.SALES_DIRECTOR)


def _reassign(complaint: Complaint, escalation: Escalation, recipients: list, now: datetime.datetime) -> None:
    """Issue 18 §12: a level set to reassign hands the complaint to the level's person (the first named, e.g. the
    department head), recorded on the escalation, the timeline and (as the system) in the audit trail. Nobody at
    the level, the owner already, or a conflict of interest (ISO 10002 §6.4): the level only notifies."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    candidates = [u for u in recipients if u.is_active and not assignment_conflicts(locked, u)]
    if not candidates or locked.owner_id == candidates[0].pk:
        return
    new_owner, old_owner = candidates[0], locked.owner
    with acting_as(None, "system"):
        locked.owner = new_owner
        locked.department = new_owner.department or locked.department
        locked.version += 1
        locked.save()
        escalation.reassigned_to, escalation.reassigned_from = new_owner, old_owner
        escalation.save(update_fields=["reassigned_to", "reassigned_from", "updated_at"])
    _timeline(locked, TimelineKind.ASSIGNMENT, _("Reassigned by escalation from %(old)s to %(new)s.") % {
        "old": old_owner or "—", "new": new_owner}, actor=None, now=now)
    complaint.owner, complaint.department = locked.owner, locked.department
    transaction.on_commit(lambda: signals.complaint_assigned.send(
        Complaint, complaint=locked, owner=new_owner, actor=None))


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Bring every overdue deadline one step up its company's chain (issue 3 §4). Idempotent.

    A level the company set to reassign (``ComplaintSettings.escalation_actions``) also makes the level's person
    the complaint's owner (issue 18 §12); the others only notify.

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
        level = deadline.escalation_level
        step = step_due(cfg.chain, level, deadline.last_escalated_at, cfg.escalation_interval_hours, now)
        if step is None:
            continue
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
            if cfg.level_action(level + 1) == EscalationAction.REASSIGN:
                _reassign(complaint, escalation, recipients, now)
            transaction.on_commit(lambda e=escalation, c=complaint: signals.complaint_escalated.send(
                Complaint, complaint=c, escalation=e))
        done += 1
    return done
