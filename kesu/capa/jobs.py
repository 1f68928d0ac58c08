"""Periodic jobs of corrective actions, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("capa.escalate_overdue", every=datetime.timedelta(minutes=5))
def escalate_overdue_job() -> None:
    """Escalate overdue 8D / CAPA steps one level up the chain (idempotent)."""
    from .services import action_escalate_overdue

    action_escalate_overdue()
