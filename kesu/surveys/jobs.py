"""Periodic jobs of surveys, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("surveys.remind", every=datetime.timedelta(hours=1))
def remind_job() -> None:
    """Remind contacts who have not answered after the company's working days (idempotent)."""
    from .services import invitations_remind

    invitations_remind()
