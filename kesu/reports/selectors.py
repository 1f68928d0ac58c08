"""Reads of the reports app's own rows (settings, targets, snapshots, alerts, departmental reports).

The analyses themselves are in :mod:`.analyses`, the indicators in :mod:`.kpis`, the monthly summary in
:mod:`.summary`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import DepartmentReport, KpiTarget, MonthlySnapshot, ReportSettings, TrendAlert


def report_settings_for(company) -> ReportSettings:
    """The company's analysis settings, or unsaved defaults when it has none yet."""
    company_id = getattr(company, "pk", company)
    return ReportSettings.objects.filter(company_id=company_id).first() or ReportSettings(company_id=company_id)


def report_settings_map(company_ids: Iterable[int]) -> dict[int, ReportSettings]:
    """Settings of several companies in one query (defaults where a company has none)."""
    company_ids = list(company_ids)
    found = {row.company_id: row for row in ReportSettings.objects.filter(company_id__in=company_ids)}
    return {pk: found.get(pk) or ReportSettings(company_id=pk) for pk in company_ids}


def targets_for(company_id: int, year: int) -> dict[str, KpiTarget]:
    return {row.kpi: row for row in KpiTarget.objects.filter(company_id=company_id, year=year)}


def snapshots_for(company_id: int, months: Iterable) -> dict:
    """The company's snapshots of the given months (firsts of month), by month."""
    return {row.month: row for row in MonthlySnapshot.objects.filter(company_id=company_id, month__in=list(months))}


def alerts_visible_to(user) -> QuerySet[TrendAlert]:
    return TrendAlert.objects.visible_to(user).select_related("company", "department", "action")


def department_reports_visible_to(user) -> QuerySet[DepartmentReport]:
    return DepartmentReport.objects.visible_to(user).select_related(
        "company", "department", "submitted_by", "approved_by")


def department_report_get_for_user(user, pk: int) -> DepartmentReport:
    """One report for a page or endpoint; 404 for another company's."""
    return get_object_or_404(department_reports_visible_to(user), pk=pk)
