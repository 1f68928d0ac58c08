"""The escalation job: overdue deadlines climb the company's chain."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.escalation import chain_recipients, step_due

from .. import signals
from ..choices import (
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

# -- escalation job ----------------------------------------------------------------------------


def _escalation_recipients(step: str, complaint: Complaint) -> list:
    from kesu.accounts.roles import Role

    # Sales handles non-escalated complaints, so its director is next; QA's work goes to the GM.
    return chain_recipients(step, company_id=complaint.company_id, owner=complaint.owner,
                            department=complaint.department,
                            director_role=None if complaint.escalated_to_qa else Role.SALES_DIRECTOR)


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
            transaction.on_commit(lambda e=escalation, c=complaint: signals.complaint_escalated.send(
                Complaint, complaint=c, escalation=e))
        done += 1
    return done
