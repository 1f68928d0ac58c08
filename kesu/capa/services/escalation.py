"""Overdue action steps climb the company's escalation chain (the same chain as complaints, issue 4 §4)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from kesu.complaints.choices import EscalationAction
from kesu.complaints.selectors import settings_for as complaint_settings_for
from kesu.core.context import acting_as
from kesu.core.escalation import chain_recipients, step_due

from .. import signals
from ..models import ActionEscalation, ActionLink, ActionStep, CorrectiveAction
from ..selectors import overdue_steps


def conflicted_user_ids(action: CorrectiveAction) -> set[int]:
    """Who should not take over the action's work (ISO 10002 §6.4 objectivity, the rule complaints apply on
    assignment): the responsible engineers of its parts, and for the complaints that raised it the person who
    caused the nonconformity and the responsible engineer of the complaint's part."""
    from kesu.complaints.models import Complaint

    ids = set(action.parts.exclude(responsible_engineer=None).values_list("responsible_engineer_id", flat=True))
    complaint_ids = ActionLink.objects.filter(
        action=action, content_type=ContentType.objects.get_for_model(Complaint)).values_list("object_id", flat=True)
    for person_id, engineer_id in Complaint.objects.filter(pk__in=list(complaint_ids)).values_list(
            "responsible_person_id", "part__responsible_engineer_id"):
        ids |= {person_id, engineer_id}
    ids.discard(None)
    return ids


def _reassign(row: ActionStep, escalation: ActionEscalation, recipients: list) -> None:
    """Issue 18 §12: a level set to reassign makes the level's person (the first named without a conflict of
    interest) the step's owner; the escalation keeps who had it, and the change is audited as the system's.
    Nobody left at the level, or the owner already: the level only notifies."""
    conflicted = conflicted_user_ids(row.action)
    candidates = [u for u in recipients if u.is_active and u.pk not in conflicted]
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
