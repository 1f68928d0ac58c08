"""Overdue action steps climb the company's escalation chain (the same chain as complaints, issue 4 §4)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kesu.complaints.choices import EscalationAction
from kesu.complaints.selectors import settings_for as complaint_settings_for
from kesu.core.context import acting_as
from kesu.core.escalation import chain_recipients, step_due

from .. import signals
from ..models import ActionEscalation, ActionStep, CorrectiveAction
from ..selectors import overdue_steps


def _reassign(row: ActionStep, escalation: ActionEscalation, recipients: list) -> None:
    """Issue 18 §12: a level set to reassign makes the level's person (the first named) the step's owner; the
    escalation keeps who had it, and the change is audited as the system's."""
    candidates = [u for u in recipients if u.is_active]
    if not candidates or candidates[0].pk == row.owner_id:
        return
    with acting_as(None, "system"):
        step = ActionStep.objects.select_for_update().get(pk=row.pk)
        old_owner, step.owner = step.owner, candidates[0]
        step.save(update_fields=["owner", "updated_at"])
        escalation.reassigned_to, escalation.reassigned_from = candidates[0], old_owner
        escalation.save(update_fields=["reassigned_to", "reassigned_from", "updated_at"])


def action_escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Bring every overdue step one level up its company's chain; idempotent (compare-and-set on the level).

    A level the company set to reassign also hands the step to the level's person (issue 18 §12)."""
    now = now or timezone.now()
    done = 0
    chains: dict[int, tuple[list[str], int]] = {}
    cfg_by_company: dict[int, Any] = {}
    for row in list(overdue_steps(now)):
        action = row.action
        if action.company_id not in chains:
            cfg = cfg_by_company[action.company_id] = complaint_settings_for(action.company)
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
            if cfg_by_company[action.company_id].level_action(level + 1) == EscalationAction.REASSIGN:
                _reassign(row, escalation, recipients)
            transaction.on_commit(lambda e=escalation, a=action: signals.action_escalated.send(
                CorrectiveAction, action=a, escalation=e))
        done += 1
    return done
