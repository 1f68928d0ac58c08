"""The nonconforming product handling form: QA issues, the department answers, QA verifies (003 §5.4.1)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import actor_or_none, require_role

from .. import permissions, signals
from ..choices import NcrStatus, VerificationResult
from ..models import NonconformingReport
from ..selectors import capa_settings_for
from .actions import _full_clean

COUNTER_KEY = "ncr"
ISSUE_FIELDS = ("complaint", "action", "part", "quantity", "description", "disposition", "responsible_department")


def _announce(ncr: NonconformingReport, actor, name: str) -> None:
    transaction.on_commit(lambda: signals.ncr_changed.send(NonconformingReport, ncr=ncr, actor=actor, name=name))


def ncr_issue(*, actor, company, data: dict[str, Any], source: str = "web") -> NonconformingReport:
    """QA issues the form to the responsible department, which must answer within the company's working days."""
    require_role(actor, permissions.NCR_ISSUE, company.pk)
    unknown = sorted(set(data) - set(ISSUE_FIELDS) - {f"{n}_id" for n in ISSUE_FIELDS})
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    now = timezone.now()
    cfg = capa_settings_for(company)
    ncr = NonconformingReport(company=company, issued_by=actor_or_none(actor), issued_at=now, **data)
    ncr.answer_due_at = WorkingCalendar(company).add_working_days(now, cfg.ncr_answer_days).at
    _full_clean(ncr, exclude=["number"])
    with acting_as(actor, source), transaction.atomic():
        ncr.number = next_number(company, COUNTER_KEY, cfg.ncr_number_pattern, now, taken=lambda n: (
            NonconformingReport.objects.filter(company=company, number=n).exists()))
        ncr.save()
        _announce(ncr, actor, "issued")
    return ncr


def _locked(ncr: NonconformingReport, status: str, expected_version: int | None) -> NonconformingReport:
    locked = NonconformingReport.objects.select_for_update().get(pk=ncr.pk)
    if locked.status != status or (expected_version is not None and locked.version != expected_version):
        raise ValidationError({"status": _("This report is “%(status)s” now; reload it.") % {
            "status": locked.get_status_display()}})
    return locked


def ncr_answer(*, actor, ncr: NonconformingReport, cause: str, measures: str, expected_version: int | None = None,
               source: str = "web") -> NonconformingReport:
    """The responsible department answers with the cause and its corrective and preventive measures."""
    require_role(actor, permissions.NCR_ANSWER, ncr.company_id)
    if not (actor is None or actor.is_superuser or actor.has_role("qa")
            or actor.department_id == ncr.responsible_department_id):
        raise PermissionDenied(_("Only the responsible department answers this report."))
    errors = {}
    if not (cause or "").strip():
        errors["cause"] = _("Give the cause.")
    if not (measures or "").strip():
        errors["measures"] = _("Give the corrective and preventive measures.")
    if errors:
        raise ValidationError(errors)
    with acting_as(actor, source), transaction.atomic():
        locked = _locked(ncr, NcrStatus.ISSUED, expected_version)
        locked.cause, locked.measures = cause.strip(), measures.strip()
        locked.answered_by, locked.answered_at = actor_or_none(actor), timezone.now()
        locked.status, locked.version = NcrStatus.ANSWERED, locked.version + 1
        _full_clean(locked)
        locked.save()
        _announce(locked, actor, "answered")
    return locked


def ncr_verify_refusal(ncr: NonconformingReport, actor):
    """Why ``actor`` may not verify ``ncr`` as it stands, or None: whoever answered it never verifies their own
    answer (design §11, segregation of duties; QA may answer for the department). The page asks this too."""
    from kesu.core.workflow import refuse_own_proposal

    failure = refuse_own_proposal(actor, ncr.answered_by_id)
    return failure[1] if failure is not None else None


def ncr_verify(*, actor, ncr: NonconformingReport, result: str, note: str = "", expected_version: int | None = None,
               source: str = "web") -> NonconformingReport:
    """QA verifies: effective closes the report; not effective sends it back for a new answer."""
    require_role(actor, permissions.NCR_ISSUE, ncr.company_id)
    if result not in VerificationResult.values:
        raise ValidationError({"result": _("Say whether the measures were effective.")})
    if result == VerificationResult.NOT_EFFECTIVE and not (note or "").strip():
        raise ValidationError({"verification_note": _("Say why the measures are not effective.")})
    with acting_as(actor, source), transaction.atomic():
        locked = _locked(ncr, NcrStatus.ANSWERED, expected_version)
        refusal = ncr_verify_refusal(locked, actor)
        if refusal is not None:
            raise ValidationError(refusal, code="own_answer")
        locked.result, locked.verification_note = result, (note or "").strip()
        locked.verified_by, locked.verified_at = actor_or_none(actor), timezone.now()
        locked.status = NcrStatus.VERIFIED if result == VerificationResult.EFFECTIVE else NcrStatus.ISSUED
        locked.version += 1
        locked.save()
        _announce(locked, actor, "verified" if locked.status == NcrStatus.VERIFIED else "returned")
    return locked


def ncr_cancel(*, actor, ncr: NonconformingReport, note: str, source: str = "web") -> NonconformingReport:
    require_role(actor, permissions.NCR_ISSUE, ncr.company_id)
    if not (note or "").strip():
        raise ValidationError({"verification_note": _("Say why the report is cancelled.")})
    with acting_as(actor, source), transaction.atomic():
        locked = NonconformingReport.objects.select_for_update().get(pk=ncr.pk)
        if locked.status in (NcrStatus.VERIFIED, NcrStatus.CANCELLED):
            raise ValidationError({"status": _("This report is “%(status)s” now; reload it.") % {
                "status": locked.get_status_display()}})
        locked.status, locked.verification_note, locked.version = NcrStatus.CANCELLED, note.strip(), locked.version + 1
        locked.save()
        _announce(locked, actor, "cancelled")
    return locked
