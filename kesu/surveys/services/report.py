"""The yearly satisfaction analysis report as a record: written by sales, approved by the sales head,
countersigned by the heads of engineering and QA, distributed to every department, each confirming receipt
(seed 000 §4.3.3.3). The figures stay computed from the data (:mod:`kesu.surveys.report`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department, DepartmentKind
from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role
from kesu.core.workflow import run_transition

from .. import permissions, signals
from ..choices import ReportStatus
from ..models import ReportReceipt, SatisfactionReport, SatisfactionReportChange
from ..workflow import REPORT_TABLE, label_of


def _department(company, kind: str) -> Department | None:
    return Department.objects.filter(company=company, kind=kind).order_by("code").first()


def report_draft(*, actor, company, year: int, source: str = "web") -> SatisfactionReport:
    """The company's report of ``year`` (created as a draft the first time; the same record afterwards)."""
    require_role(actor, permissions.REPORT_WRITERS, company.pk)
    with acting_as(actor, source), transaction.atomic():
        report, created = SatisfactionReport.objects.get_or_create(
            company=company, year=year, defaults={
                "written_by": actor_or_none(actor),
                "engineering_department": _department(company, DepartmentKind.ENGINEERING),
                "qa_department": _department(company, DepartmentKind.QA)})
        if created:
            SatisfactionReportChange.write(report, name="draft", old="", new=report.status,
                                           actor=actor_or_none(actor), at=timezone.now())
    return report


def report_update(*, actor, report: SatisfactionReport, conclusions: str, source: str = "web"
                  ) -> SatisfactionReport:
    """Write the report's conclusions and main areas of dissatisfaction (while it is a draft)."""
    require_role(actor, permissions.REPORT_WRITERS, report.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = SatisfactionReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.DRAFT:
            raise ValidationError({"conclusions": _("The report is changed only while it is a draft.")})
        locked.conclusions = (conclusions or "").strip()
        locked.written_by = actor_or_none(actor) or locked.written_by
        locked.save()
    return locked


def report_transition(*, actor, report: SatisfactionReport, name: str, expected_version: int | None = None,
                      source: str = "web", **inputs: Any) -> SatisfactionReport:
    """Submit, approve, countersign, distribute or return the report (``workflow.REPORT_TABLE``)."""

    def effects(locked, row, inputs, now):
        who = actor_or_none(actor)
        if row.name == "approve":
            locked.approved_by, locked.approved_at = who, now
        elif row.name == "countersign_engineering":
            locked.engineering_signed_by, locked.engineering_signed_at = who, now
        elif row.name == "countersign_qa":
            locked.qa_signed_by, locked.qa_signed_at = who, now
        elif row.name == "return":
            locked.approved_by = locked.approved_at = None
            locked.engineering_signed_by = locked.engineering_signed_at = None
            locked.qa_signed_by = locked.qa_signed_at = None
        elif row.name == "distribute":
            # Seed 000 §4.3.3.3 分发到各部门: one copy per department, each confirmed by the department.
            locked.distributed_at = now
            departments = Department.objects.filter(company=locked.company).order_by("code")
            ReportReceipt.objects.bulk_create([ReportReceipt(company=locked.company, report=locked, department=d)
                                               for d in departments], ignore_conflicts=True)

    def announce(locked, row, old, note, now):
        transaction.on_commit(lambda: signals.report_transitioned.send(
            SatisfactionReport, report=locked, name=row.name, old_status=old, new_status=locked.status,
            actor=actor, note=note))

    return run_transition(table=REPORT_TABLE, obj=report, name=name, actor=actor, inputs=inputs,
                          noun=SatisfactionReport._meta.verbose_name, label_of=label_of, effects=effects,
                          changes=SatisfactionReportChange, announce=announce,
                          related=("company", "engineering_department", "qa_department"),
                          expected_version=expected_version, source=source)


def report_receipt_confirm(*, actor, receipt: ReportReceipt, source: str = "web") -> ReportReceipt:
    """Someone of the department (its head, or anyone in it) confirms the department received the report."""
    if actor is None or not (actor.is_superuser or actor.department_id == receipt.department_id):
        raise ValidationError({"department": _("Only someone of %(department)s confirms its receipt.") % {
            "department": receipt.department.name}})
    with acting_as(actor, source), transaction.atomic():
        locked = ReportReceipt.objects.select_for_update().get(pk=receipt.pk)
        if locked.confirmed_at is not None:
            raise ValidationError({"department": _("The receipt has already been confirmed.")})
        locked.confirmed_by, locked.confirmed_at = actor, timezone.now()
        locked.save()
    return locked
