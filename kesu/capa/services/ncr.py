"""The nonconforming product handling form: QA issues, the department answers, QA verifies (003 §5.4.1).

Every step after the issue runs on the core runner (``workflow.NCR_TABLE``, ``"capa.ncr"``): lock, version,
roles, the named checks and one :class:`~kesu.capa.models.NcrChange` row per move (the issue writes the first,
from ""). The public functions keep their names, signatures and refusals: a step the table refuses for the
actor's role, or because they are not of the responsible department, is a ``PermissionDenied``; any other
refusal a ``ValidationError`` naming the field ("status" when the report moved on meanwhile), in the words
the pages and the API showed before the move.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import TransitionRefused, actor_or_none, require_role
from kesu.core.workflow import run_transition

from .. import permissions, signals
from ..choices import VerificationResult
from ..models import NcrChange, NonconformingReport
from ..selectors import capa_settings_for
from ..workflow import NCR_INPUT_LABELS, NCR_TABLE
from .actions import _full_clean

COUNTER_KEY = "ncr"
ISSUE_FIELDS = ("complaint", "action", "part", "quantity", "description", "disposition", "responsible_department")


# The step as the ``ncr_changed`` signal names it (receivers and older listeners read these words).
SIGNAL_NAMES = {"answer": "answered", "verify": "verified", "return": "returned", "cancel": "cancelled"}


def _announce(ncr: NonconformingReport, actor, name: str, *, old_status: str = "", note: str = "") -> None:
    transaction.on_commit(lambda: signals.ncr_changed.send(
        NonconformingReport, ncr=ncr, actor=actor, name=name, old_status=old_status, new_status=ncr.status,
        note=note))


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
        NcrChange.write(ncr, name="issue", old="", new=ncr.status, actor=actor_or_none(actor), at=now)
        _announce(ncr, actor, "issued")
    return ncr


def _label(name: str) -> str:
    return str(NCR_INPUT_LABELS.get(name) or NonconformingReport._meta.get_field(name).verbose_name)


def _refusal(refused: TransitionRefused) -> Exception:
    """The runner's refusal as the report's services have always raised it (see the module docstring)."""
    if refused.code == TransitionRefused.WRONG_ROLE or refused.field == "responsible_department":
        return PermissionDenied(refused.message)
    if refused.code in (TransitionRefused.WRONG_STATE, TransitionRefused.STALE):
        return ValidationError({"status": refused.message}, code=refused.code)
    if refused.field:
        return ValidationError({refused.field: refused.message}, code=refused.code)
    return ValidationError(refused.message, code=refused.code)


def _effects(actor):
    person = actor_or_none(actor)

    def apply(ncr: NonconformingReport, row, inputs: dict[str, Any], now) -> None:
        if row.name == "answer":
            ncr.cause, ncr.measures = inputs["cause"].strip(), inputs["measures"].strip()
            ncr.answered_by, ncr.answered_at = person, now
            _full_clean(ncr)
        elif row.name in ("verify", "return"):
            ncr.result = VerificationResult.EFFECTIVE if row.name == "verify" else VerificationResult.NOT_EFFECTIVE
            ncr.verification_note = (inputs.get("note") or "").strip()
            ncr.verified_by, ncr.verified_at = person, now
        elif row.name == "cancel":
            ncr.verification_note = inputs["note"].strip()
    return apply


def _announce_step(actor):
    def announce(ncr: NonconformingReport, row, old: str, note: str, now) -> None:
        _announce(ncr, actor, SIGNAL_NAMES[row.name], old_status=old, note=note)
    return announce


def ncr_transition(*, actor, ncr: NonconformingReport, name: str, expected_version: int | None = None,
                   source: str = "web", **inputs: Any) -> NonconformingReport:
    """Move a report one step through ``workflow.NCR_TABLE``; the only way its status changes."""
    try:
        return run_transition(table=NCR_TABLE, obj=ncr, name=name, actor=actor, inputs=inputs,
                              noun=NonconformingReport._meta.verbose_name, label_of=_label, effects=_effects(actor),
                              changes=NcrChange, announce=_announce_step(actor), expected_version=expected_version,
                              source=source)
    except TransitionRefused as refused:
        raise _refusal(refused) from refused


def ncr_answer(*, actor, ncr: NonconformingReport, cause: str, measures: str, expected_version: int | None = None,
               source: str = "web") -> NonconformingReport:
    """The responsible department answers with the cause and its corrective and preventive measures."""
    return ncr_transition(actor=actor, ncr=ncr, name="answer", cause=cause or "", measures=measures or "",
                          expected_version=expected_version, source=source)


def ncr_verify_refusal(ncr: NonconformingReport, actor):
    """Why ``actor`` may not verify ``ncr`` as it stands, or None: whoever answered it never verifies their own
    answer (design §11, segregation of duties; QA may answer for the department) — the table's own check."""
    failure = NCR_TABLE.checks["not_own_answer"](ncr, {}, actor)
    return failure[1] if failure is not None else None


def ncr_verify(*, actor, ncr: NonconformingReport, result: str, note: str = "", expected_version: int | None = None,
               source: str = "web") -> NonconformingReport:
    """QA verifies: effective closes the report (step "verify"); not effective sends it back for a new answer
    (step "return", with the reason)."""
    require_role(actor, permissions.NCR_ISSUE, ncr.company_id)
    if result not in VerificationResult.values:
        raise ValidationError({"result": _("Say whether the measures were effective.")})
    name = "verify" if result == VerificationResult.EFFECTIVE else "return"
    return ncr_transition(actor=actor, ncr=ncr, name=name, note=note or "", expected_version=expected_version,
                          source=source)


def ncr_cancel(*, actor, ncr: NonconformingReport, note: str, source: str = "web") -> NonconformingReport:
    """QA cancels a report still open (issued or answered), saying why."""
    return ncr_transition(actor=actor, ncr=ncr, name="cancel", note=note or "", source=source)
