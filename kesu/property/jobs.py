"""Periodic jobs of customer property, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("property.remind", every=datetime.timedelta(hours=1))
def remind_job() -> None:
    """Remind of overdue loans and escalate them, and of calibrations coming due, in working days (idempotent)."""
    from .services import calibrations_remind, loans_remind

    loans_remind()
    calibrations_remind()
