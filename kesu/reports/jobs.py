"""Scheduled work of analysis and management review, run by ``kesu worker`` (issue 7 §7). Each job is one
idempotent service call: running it twice, or in two workers at once, does no harm."""

import datetime

from kesu.core.jobs import register


@register("reports.monthly_snapshot", every=datetime.timedelta(hours=6))
def monthly_snapshot_job() -> None:
    """Keep each closed month's indicators (only months without a snapshot are computed)."""
    from .services.snapshots import snapshots_take_due

    snapshots_take_due()


@register("reports.trend_alerts", every=datetime.timedelta(hours=24))
def trend_alerts_job() -> None:
    """Raise a rectification request for each abnormal rise not raised before (c-chart, once per month)."""
    from .services.alerts import trend_alerts_raise

    trend_alerts_raise()


@register("reports.department_reports", every=datetime.timedelta(hours=1))
def department_reports_job() -> None:
    """Draft last month's departmental reports when missing and remind their writers once before the 8th."""
    from .services.department import department_reports_prepare

    department_reports_prepare()


@register("reports.rollups", every=datetime.timedelta(minutes=1))
def rollups_job() -> None:
    """Rebuild the complaint rollup of each month changed since the last run (the dashboards read it)."""
    from .services.rollups import rollups_refresh

    rollups_refresh()
