"""Periodic jobs of customer property, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("property.remind", every=datetime.timedelta(hours=1))
def remind_job() -> None:
    """Remind of overdue loans and escalate them, of calibrations coming due (working days), and open the yearly
    inventory check in December (idempotent)."""
    from .services import calibrations_remind, inventories_start_yearly, loans_remind

    loans_remind()
    calibrations_remind()
    inventories_start_yearly()
