"""Periodic jobs of complaint handling, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("complaints.escalate_overdue", every=datetime.timedelta(minutes=5))
def escalate_overdue_job() -> None:
    """Escalate overdue complaint deadlines one step up the chain (idempotent)."""
    from .services import escalate_overdue

    escalate_overdue()
