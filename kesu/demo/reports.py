"""Demo step: analysis and management review (issue 7), made through the services.

Per company: KPI targets for this year and last, the monthly snapshots of the last twelve closed months (as
the worker keeps them), the trend alerts the worker would raise now, and the departments' monthly reports —
the month before last submitted and approved, last month's marketing analysis submitted and the after-sales
analysis still a draft. The step makes the same small set of rows whatever the ``--scale`` (the snapshots and
alerts read whatever the earlier steps made).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.reports.analyses import add_months, first_of_month
from kesu.reports.choices import Kpi, ReportKind
from kesu.reports.services.alerts import trend_alerts_raise
from kesu.reports.services.department import (
    department_report_draft,
    department_report_transition,
    department_report_update,
)
from kesu.reports.services.snapshots import snapshots_take_due
from kesu.reports.services.targets import kpi_target_set

from .base import DemoContext
from .complaints import LANGUAGE, _anchor, _clock

# What a factory of this kind aims for in a year (money in the ledger's base currency).
TARGETS = {
    Kpi.PPM: "300", Kpi.ON_TIME: "95", Kpi.EXTRA_FREIGHT_LINES: "24", Kpi.EXTRA_FREIGHT_COST: "60000",
    Kpi.RETURN_RATE: "0.3", Kpi.CHURN: "5", Kpi.COMPLAINTS_PER_MILLION: "60", Kpi.CLAIMS_AMOUNT: "150000",
    Kpi.QUALITY_COST: "400000", Kpi.SATISFACTION: "85", Kpi.OPEN_ACTIONS: "30", Kpi.OVERDUE_ACTIONS: "0",
}
ANALYSES = {
    ReportKind.MARKETING: ("本月合同额与上月基本持平，主要增长来自齿轮泵系列；准时交付率受春节后产能影响略有下降。",
                           "与生产部协调周排产，对重点客户提前备库。"),
    ReportKind.AFTER_SALES: ("本月维修主要集中在外观划伤与异响两类，一次修复率保持稳定。",
                             "包装增加防护角；对异响问题组织技术部专项分析。"),
}


def create_reports(ctx: DemoContext) -> None:
    ctx.sync_ids()
    anchor = _anchor(ctx)
    today = anchor.date()
    this_month = first_of_month(today)
    with translation.override(LANGUAGE):
        for company in ctx.companies:
            people = {role: User.objects.select_related("position", "company", "department").get(pk=user.pk)
                      for role, user in ctx.users[company.pk].items()}
            qa = people.get(Role.QA)
            with _clock(anchor):
                for year in (today.year - 1, today.year):
                    for kpi, target in TARGETS.items():
                        kpi_target_set(actor=qa, company=company, year=year, kpi=kpi, target=Decimal(target))
            _monthly_reports(company, people, add_months(this_month, -2), approve=True, anchor=anchor)
            _monthly_reports(company, people, add_months(this_month, -1), approve=False, anchor=anchor)
    snapshots_take_due(today=today)
    with _clock(anchor):
        trend_alerts_raise(now=anchor)


def _monthly_reports(company, people, month, *, approve: bool, anchor) -> None:
    writers = {ReportKind.MARKETING: people.get(Role.SALES_DIRECTOR), ReportKind.AFTER_SALES: people.get(Role.QA)}
    approver = people.get(Role.GM)
    with _clock(anchor):
        for kind, writer in writers.items():
            report = department_report_draft(company=company, kind=kind, month=month, actor=writer)
            if writer is None or (not approve and kind == ReportKind.AFTER_SALES):
                continue
            analysis, proposals = ANALYSES[kind]
            report = department_report_update(actor=writer, report=report,
                                              data={"analysis": analysis, "proposals": proposals})
            report = department_report_transition(actor=writer, report=report, action="submit", inputs={})
            if approve and approver is not None:
                department_report_transition(actor=approver, report=report, action="approve", inputs={})
