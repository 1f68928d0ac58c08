"""Overdue action steps climb the company's escalation chain (the same chain as complaints, issue 4 §4)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from kesu.complaints.selectors import settings_for as complaint_settings_for
from kesu.core.escalation import chain_recipients, step_due

from .. import signals
from ..models import ActionEscalation, ActionStep, CorrectiveAction
from ..selectors import overdue_steps


def action_escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Bring every overdue step one level up its company's chain; idempotent (compare-and-set on the level)."""
    now = now or timezone.now()
    done = 0
    chains: dict[int, tuple[list[str], int]] = {}
    for row in list(overdue_steps(now)):
        action = row.action
        if action.company_id not in chains:
            cfg = complaint_settings_for(action.company)
            chains[action.company_id] = (cfg.chain, cfg.escalation_interval_hours)
        chain, interval = chains[action.company_id]
        level = row.escalation_level
        chain_step = step_due(chain, level, row.last_escalated_at, interval, now)
        if chain_step is None:
            continue
        with transaction.atomic():
            claimed = ActionStep.objects.filter(pk=row.pk, escalation_level=level).update(
                escalation_level=level + 1, last_escalated_at=now)
            if not claimed:
                continue
            escalation = ActionEscalation.objects.create(
                company_id=action.company_id, action=action, step=row, level=level + 1, chain_step=chain_step, at=now)
            recipients = [u for u in chain_recipients(chain_step, company_id=action.company_id, owner=row.owner,
                                                      department=action.responsible_department) if u is not None]
            escalation.recipients.set(recipients)
            transaction.on_commit(lambda e=escalation, a=action: signals.action_escalated.send(
                CorrectiveAction, action=a, escalation=e))
        done += 1
    return done
