"""The escalation job: overdue deadlines climb the company's chain."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
