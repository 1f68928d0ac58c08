"""Periodic jobs of customer service, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("service.quality_reports", every=datetime.timedelta(hours=6))
def quality_reports_job() -> None:
    """The product quality reports of the last month (quarter, year) for each company's GM (idempotent)."""
    from .services import quality_reports_generate

    quality_reports_generate()


@register("service.visit_reminders", every=datetime.timedelta(hours=6))
def visit_reminders_job() -> None:
    """SERVICE_DUE: this month's planned visits without a visit, once per planned visit and month."""
    from .services.reminders import visit_reminders_send

    visit_reminders_send()
