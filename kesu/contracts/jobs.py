"""Periodic jobs of contract review, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("contracts.remind", every=datetime.timedelta(hours=1),
          description="Remind the departments whose contract review sign-off is past its working-day deadline")
def remind_job() -> None:
    from .services import signoffs_remind

    signoffs_remind()
