"""ISO 10002 handling items (issue 18 §11): the priority, its override by QA, the closure target, the
conflict-of-interest check on assignment and the safety/regulatory flag's rule.

The priority is derived from the complaint's severity, its safety or regulatory impact and the customer's
importance (ISO 10002 §7.3: "complaints should be addressed promptly in accordance with their urgency"); QA may
override it with a reason, and the override stays until QA clears it. The closure target is the company's
"close complaints within (working days)" (one setting, also read by the closure-time analysis), counted on the
working calendar from receipt.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as

from .. import permissions
from ..choices import Priority, Severity, TimelineKind
from ..models import Complaint
from .base import _actor_or_none, _lock_open, _require_role, _timeline

# Points of each factor; the sum gives the priority (see PRIORITY_BY_SCORE). A complaint not yet assessed counts
# as general. Worked examples (tests/test_handling.py): severe from an A customer 3+2 = 5 → urgent; major with a
# safety impact from a C customer 2+3+0 = 5 → urgent; major from a B customer 2+1 = 3 → high; general from a B
# customer 1+1 = 2 → normal; minor from a C customer 0 → low.
SEVERITY_POINTS = {Severity.MINOR: 0, Severity.GENERAL: 1, Severity.MAJOR: 2, Severity.SEVERE: 3, "": 1}
IMPORTANCE_POINTS = {"a": 2, "b": 1, "c": 0}
SAFETY_POINTS = 3
DEFAULT_CLOSURE_TARGET_WD = 10  # reports.ReportSettings' default: "close complaints within 10 working days"


def derived_priority(*, severity: str, safety: bool, importance: str) -> int:
    """The priority the rule gives (1 urgent … 4 low)."""
    score = SEVERITY_POINTS.get(severity or "", 1) + IMPORTANCE_POINTS.get(importance or "", 1)
    if safety:
        score += SAFETY_POINTS
    if score >= 5:
        return Priority.URGENT
    if score >= 3:
        return Priority.HIGH
    if score >= 1:
        return Priority.NORMAL
    return Priority.LOW


def apply_priority(complaint: Complaint) -> None:
    """Set the derived priority unless QA has overridden it (the override stays until cleared)."""
    if complaint.priority_override_reason:
        return
    importance = complaint.customer.importance if complaint.customer_id else ""
    complaint.priority = derived_priority(severity=complaint.severity, safety=complaint.safety_or_regulatory_impact,
                                          importance=importance)


def complaint_priority_override(*, actor, complaint: Complaint, priority: int | None, reason: str = "",
                                source: str = "web") -> Complaint:
    """QA sets the priority by hand with a reason (audited, on the timeline); ``priority`` None goes back to the
    derived one."""
    _require_role(actor, permissions.PRIORITY, complaint.company_id)
    reason = (reason or "").strip()
    if priority is not None:
        if priority not in Priority.values:
            raise ValidationError({"priority": _("Choose a valid priority.")})
        if not reason:
            raise ValidationError({"reason": _("Say why the priority is overridden.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        if priority is None:
            locked.priority_override_reason = ""
            locked.priority_overridden_by = None
            apply_priority(locked)
            text = _("Priority back to the rule: %(priority)s.") % {"priority": Priority(locked.priority).label}
        else:
            locked.priority = priority
            locked.priority_override_reason = reason[:500]
            locked.priority_overridden_by = _actor_or_none(actor)
            text = _("Priority set to %(priority)s: %(reason)s") % {"priority": Priority(priority).label,
                                                                    "reason": reason}
        locked.version += 1
        locked.save()
        _timeline(locked, TimelineKind.NOTE, text, actor=actor, now=now)
    return locked


def closure_target_days(company) -> int:
    """The company's target for closing a complaint, in working days (reports' "close complaints within")."""
    from kesu.reports.models import ReportSettings

    days = ReportSettings.objects.filter(company=company).values_list(
        "closure_target_working_days", flat=True).first()
    return days or DEFAULT_CLOSURE_TARGET_WD


def closure_due(complaint: Complaint, calendar: WorkingCalendar | None = None, target_days: int | None = None):
    """When the complaint should be closed: the target's working days after receipt (design §11 counting);
    ``target_days`` when the caller read the company's target already (0 or None: the default applies)."""
    calendar = calendar or WorkingCalendar(complaint.company)
    days = closure_target_days(complaint.company) if target_days is None else (target_days or DEFAULT_CLOSURE_TARGET_WD)
    return calendar.add_working_days(complaint.received_at, days)


# -- conflict of interest (ISO 10002 §6.4 objectivity) ----------------------------------------------------------


def assignment_conflicts(complaint: Complaint, owner) -> list[str]:
    """Why ``owner`` should not investigate this complaint: they made the nonconformity, or they are the
    product's responsible engineer. Empty when there is no conflict."""
    if owner is None:
        return []
    reasons = []
    if complaint.responsible_person_id and complaint.responsible_person_id == owner.pk:
        reasons.append(_("%(user)s caused the nonconformity") % {"user": owner})
    part = complaint.part if complaint.part_id else None
    if part is not None and part.responsible_engineer_id and part.responsible_engineer_id == owner.pk:
        reasons.append(_("%(user)s is the responsible engineer of %(part)s") % {"user": owner, "part": part.part_no})
    return reasons


def conflict_refusal(reasons: list[str]) -> ValidationError:
    return ValidationError({"override_reason": _(
        "Conflict of interest: %(reasons)s. Choose someone else, or give the reason to assign anyway."
    ) % {"reasons": "; ".join(reasons)}})
