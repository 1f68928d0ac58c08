"""The departmental monthly report's workflow as data (seed 001 §5.1.2: each department hands its written
analysis to the general office by the 8th; the general manager accepts it or sends it back).

draft or returned ─submit→ submitted ─approve→ approved
                             submitted ─return (with the reason)→ returned

``services.department.department_report_transition`` is the only code that applies these tables. Who writes
which report is :data:`kesu.reports.permissions.WRITE_REPORT` (by kind); who approves is
:data:`~kesu.reports.permissions.APPROVE_REPORT`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.core.workflow import CheckResult, Table, Transition, refuse_own_proposal, register_table

from .choices import ReportKind, ReportStatus
from .permissions import APPROVE_REPORT, WRITE_REPORT

S = ReportStatus


def _rows(writers: frozenset[str]) -> tuple[Transition, ...]:
    return (
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, writers, _("Submit to the general office"),
                   optional=("note",), checks=("analysis_written",)),
        Transition("approve", (S.SUBMITTED,), S.APPROVED, APPROVE_REPORT, _("Approve"), optional=("note",),
                   checks=("not_own_report",)),
        Transition("return", (S.SUBMITTED,), S.RETURNED, APPROVE_REPORT, _("Return for rework"),
                   required=("reason",)),
    )


INPUT_LABELS: dict[str, Any] = {"note": _("note"), "reason": _("reason for returning")}


def _analysis_written(report, inputs, actor) -> CheckResult:
    if not report.analysis.strip():
        return "analysis", _("Write the department's analysis before submitting the report.")
    return None


def _not_own_report(report, inputs, actor) -> CheckResult:
    # Design §11: whoever submitted the report does not approve it.
    return refuse_own_proposal(actor, report.submitted_by_id)


CHECKS = {"analysis_written": _analysis_written, "not_own_report": _not_own_report}

# One table per kind: the rows are the same, the writers differ (a salesperson never submits the after-sales
# report), so a refused writer is told "your role may not" like any other refused step.
TABLES: dict[str, Table] = {
    kind: register_table(f"reports.department_report.{kind}",
                         Table(_rows(frozenset(WRITE_REPORT[kind])), CHECKS, dry_checks=frozenset(CHECKS)),
                         "reports.DepartmentReport", changes="reports.ReportChange", where={"kind": str(kind)})
    for kind in ReportKind
}
ACTIONS = ("submit", "approve", "return")


def table_for(report) -> Table:
    return TABLES[ReportKind(report.kind)]


def writers_of(kind: str) -> frozenset[str]:
    """The roles that write, refresh and submit a report of ``kind``."""
    return frozenset(WRITE_REPORT.get(ReportKind(kind), frozenset()))


def available(report, user) -> list[Transition]:
    """The steps the user may take on the report now (pages show them as buttons)."""
    return table_for(report).available(report, user)


def next_roles(report, status: str) -> set[str]:
    """Who takes the next step once the report is in ``status`` (its writers after a return)."""
    return {str(role) for row in table_for(report).rows if status in row.sources for role in row.roles}
