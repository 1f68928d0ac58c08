"""Periodic jobs of surveys, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("surveys.remind", every=datetime.timedelta(hours=1))
def remind_job() -> None:
    """Remind contacts who have not answered after the company's working days (idempotent)."""
    from .services import invitations_remind

    invitations_remind()


@register("surveys.close_complaint_surveys", every=datetime.timedelta(hours=1))
def close_complaint_surveys_job() -> None:
    """Close post-closure surveys left unanswered past the company's days (idempotent)."""
    from .complaint_survey import complaint_surveys_close_unanswered

    complaint_surveys_close_unanswered()
