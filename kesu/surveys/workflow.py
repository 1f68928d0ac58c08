"""The survey workflows as data (issue 16 §0; seed 001 §4.2.2, seed 003 §5.3.2, seed 000 §4.3.3.3).

Campaign: draft ─open (the links go out)→ open ─close (scored; an action below the target)→ closed.

Improvement line of the analysis-and-improvement form (seed 003 §5.3.2.2: filled in by sales, approved 呈核准
before the departments carry it out, by someone other than who proposed it; §5.3.2.1: the result is reported to
the customer):
proposed ─approve→ open ─complete (result)→ done ─verify→ verified ─report_to_customer→ reported;
done ─reject_result (reason)→ open.

Yearly satisfaction report (seed 000 §4.3.3.3: written by sales, approved by the sales head, countersigned by the
heads of engineering and QA, then distributed to every department):
draft ─submit→ submitted ─approve→ approved (countersign_engineering, countersign_qa inside) ─distribute→
distributed; submitted or approved ─return (reason)→ draft.

``services.campaigns``, ``services.answers`` and ``services.report`` are the only code that applies these
tables.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.workflow import CheckResult, Table, Transition, refuse_own_proposal, register_table

from .choices import CampaignStatus, ImprovementStatus, ReportStatus
from .permissions import (
    APPROVE_IMPROVEMENT,
    CAMPAIGNS,
    IMPROVE,
    REPORT_TO_CUSTOMER,
    REPORT_WRITERS,
    VERIFY_IMPROVEMENT,
)

C = CampaignStatus
CAMPAIGN_ROWS: tuple[Transition, ...] = (
    Transition("open", (C.DRAFT,), C.OPEN, CAMPAIGNS, _("Open and send the links"), optional=("note",),
               checks=("has_recipients",)),
    Transition("close", (C.OPEN,), C.CLOSED, CAMPAIGNS, _("Close the campaign"), optional=("note",)),
)


def _has_recipients(campaign, inputs, actor) -> CheckResult:
    if not campaign.recipients.filter(included=True).exists():
        return "recipients", _("The campaign has no recipients.")
    return None


# The refusal wording the campaign services always used (kept when they moved onto the runner).
CAMPAIGN_STATE_TEXTS: dict[str, Any] = {
    "open": _("Only a draft campaign can be opened."),
    "close": _("Only an open campaign can be closed."),
}

CAMPAIGN_TABLE = register_table(
    "surveys.campaign", Table(CAMPAIGN_ROWS, {"has_recipients": _has_recipients},
                              dry_checks=frozenset({"has_recipients"})),
    "surveys.Campaign", changes="surveys.CampaignChange")

IS = ImprovementStatus
IMPROVEMENT_ROWS: tuple[Transition, ...] = (
    Transition("approve", (IS.PROPOSED,), IS.OPEN, APPROVE_IMPROVEMENT, _("Approve the improvement"),
               optional=("note",), checks=("not_own_proposal",)),
    Transition("complete", (IS.OPEN,), IS.DONE, IMPROVE, _("Report the improvement carried out"),
               required=("result",)),
    Transition("reject_result", (IS.DONE,), IS.OPEN, VERIFY_IMPROVEMENT, _("Send back: not effective"),
               required=("reason",)),
    Transition("verify", (IS.DONE,), IS.VERIFIED, VERIFY_IMPROVEMENT, _("Verify the improvement"),
               optional=("note",)),
    Transition("report_to_customer", (IS.VERIFIED,), IS.REPORTED, REPORT_TO_CUSTOMER,
               _("Report the result to the customer"), required=("channel", "summary"), optional=("told",)),
)


def _not_own_proposal(improvement, inputs, actor) -> CheckResult:
    # Seed 003 §5.3.2.2 呈核准 and design §11: whoever filled in the line does not approve it.
    return refuse_own_proposal(actor, improvement.recorded_by_id)


IMPROVEMENT_TABLE = register_table(
    "surveys.improvement", Table(IMPROVEMENT_ROWS, {"not_own_proposal": _not_own_proposal},
                                 dry_checks=frozenset({"not_own_proposal"})),
    "surveys.Improvement", changes="surveys.ImprovementChange")

R = ReportStatus
SALES_HEAD = frozenset({Role.SALES_DIRECTOR})
RETURNERS = frozenset({Role.SALES_DIRECTOR, Role.ENGINEERING, Role.QA})
REPORT_ROWS: tuple[Transition, ...] = (
    Transition("submit", (R.DRAFT,), R.SUBMITTED, REPORT_WRITERS, _("Submit to the sales head"), optional=("note",),
               checks=("conclusions_written",)),
    Transition("approve", (R.SUBMITTED,), R.APPROVED, SALES_HEAD, _("Approve the report"), optional=("note",),
               checks=("not_own_report",)),
    Transition("countersign_engineering", (R.APPROVED,), None, frozenset({Role.ENGINEERING}),
               _("Countersign for engineering"), optional=("note",),
               checks=("engineering_head", "engineering_unsigned")),
    Transition("countersign_qa", (R.APPROVED,), None, frozenset({Role.QA}), _("Countersign for QA"),
               optional=("note",), checks=("qa_head", "qa_unsigned")),
    Transition("distribute", (R.APPROVED,), R.DISTRIBUTED, REPORT_WRITERS, _("Distribute to every department"),
               optional=("note",), checks=("countersigned",)),
    Transition("return", (R.SUBMITTED, R.APPROVED), R.DRAFT, RETURNERS, _("Return for rework"),
               required=("reason",)),
)


def _conclusions_written(report, inputs, actor) -> CheckResult:
    if not report.conclusions.strip():
        return "conclusions", _("Write the conclusions and the main areas of dissatisfaction before submitting.")
    return None


def _not_own_report(report, inputs, actor) -> CheckResult:
    return refuse_own_proposal(actor, report.written_by_id)


def _head_of(department, actor, what) -> CheckResult:
    """The countersignature is the department head's (seed 000 §4.3.3.3 负责人会签); a department without a
    recorded head is signed by anyone of its role."""
    if actor is None or department is None or department.head_id is None or actor.is_superuser:
        return None
    if actor.pk != department.head_id:
        return "", _("Only the head of %(department)s countersigns the report.") % {"department": department.name}
    return None


def _engineering_head(report, inputs, actor) -> CheckResult:
    return _head_of(report.engineering_department, actor, "engineering")


def _qa_head(report, inputs, actor) -> CheckResult:
    return _head_of(report.qa_department, actor, "qa")


def _engineering_unsigned(report, inputs, actor) -> CheckResult:
    if report.engineering_signed_at is not None:
        return "", _("Engineering has already countersigned the report.")
    return None


def _qa_unsigned(report, inputs, actor) -> CheckResult:
    if report.qa_signed_at is not None:
        return "", _("QA has already countersigned the report.")
    return None


def _countersigned(report, inputs, actor) -> CheckResult:
    if report.engineering_signed_at is None or report.qa_signed_at is None:
        return "", _("The heads of engineering and QA countersign the report before it is distributed.")
    return None


REPORT_CHECKS = {"conclusions_written": _conclusions_written, "not_own_report": _not_own_report,
                 "engineering_head": _engineering_head, "qa_head": _qa_head,
                 "engineering_unsigned": _engineering_unsigned, "qa_unsigned": _qa_unsigned,
                 "countersigned": _countersigned}
REPORT_TABLE = register_table(
    "surveys.satisfaction_report", Table(REPORT_ROWS, REPORT_CHECKS, dry_checks=frozenset(REPORT_CHECKS)),
    "surveys.SatisfactionReport", changes="surveys.SatisfactionReportChange")

INPUT_LABELS: dict[str, Any] = {
    "note": _("note"), "reason": _("reason"), "result": _("result and verification"), "channel": _("channel"),
    "summary": _("what the customer was told"), "told": _("told to"),
}


def label_of(name: str) -> str:
    return str(INPUT_LABELS.get(name, name))


def next_roles(table: Table, status: str) -> set[str]:
    """The roles that take a step from ``status``."""
    return {str(role) for row in table.rows if status in row.sources for role in row.roles}
