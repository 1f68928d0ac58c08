"""The service plan's workflow as data (issue 21 §1; seed 002 §5.2.1 《客户服务年度计划表》).

draft ─submit→ submitted ─approve (by the sales head, not whoever prepared it)→ approved;
submitted ─return (reason)→ draft. ``services.plans`` is the only code that applies this table.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.workflow import CheckResult, Table, Transition, refuse_own_proposal, register_table

from .choices import PlanStatus, QualityReportStatus
from .permissions import GM, PLANNERS, REPORT_BACK, SALES_HEAD

P = PlanStatus
PLAN_ROWS: tuple[Transition, ...] = (
    Transition("submit", (P.DRAFT,), P.SUBMITTED, PLANNERS, _("Submit the plan to the sales head"),
               optional=("note",), checks=("has_lines",)),
    Transition("approve", (P.SUBMITTED,), P.APPROVED, SALES_HEAD, _("Approve the plan"), optional=("note",),
               checks=("not_own_plan",)),
    Transition("return", (P.SUBMITTED,), P.DRAFT, SALES_HEAD, _("Return the plan for rework"),
               required=("reason",)),
)


def _has_lines(plan, inputs, actor) -> CheckResult:
    if not plan.lines.exists():
        return "", _("The plan has no customers.")
    return None


def _not_own_plan(plan, inputs, actor) -> CheckResult:
    return refuse_own_proposal(actor, plan.prepared_by_id)


PLAN_CHECKS = {"has_lines": _has_lines, "not_own_plan": _not_own_plan}
PLAN_TABLE = register_table(
    "service.plan", Table(PLAN_ROWS, PLAN_CHECKS, dry_checks=frozenset(PLAN_CHECKS)),
    "service.ServicePlan", changes="service.PlanChange")

INPUT_LABELS: dict[str, Any] = {"note": _("note"), "reason": _("reason")}


def label_of(name: str) -> str:
    return str(INPUT_LABELS.get(name, name))


# Product quality report to the GM (issue 21 §5): sent ─analyse (cause analysis)→ analysed ─report_back (what the
# customers were told)→ closed.
Q = QualityReportStatus
QUALITY_ROWS: tuple[Transition, ...] = (
    Transition("analyse", (Q.SENT,), Q.ANALYSED, GM, _("Record the cause analysis"), required=("cause_analysis",)),
    Transition("report_back", (Q.ANALYSED,), Q.CLOSED, REPORT_BACK, _("Report the result to the customers"),
               required=("customer_reply",)),
)
QUALITY_TABLE = register_table(
    "service.quality_report", Table(QUALITY_ROWS, {}, plain_inputs=frozenset({"note"})),
    "service.QualityReport", changes="service.QualityReportChange")
INPUT_LABELS.update({"cause_analysis": _("cause analysis"), "customer_reply": _("result reported to the customers")})
