"""Choices of corrective and preventive action (design §3, issue 4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective action")
    PREVENTIVE = "preventive", _("Preventive action")


class ActionFormat(models.TextChoices):
    EIGHT_D = "8d", _("8D report")
    SIMPLE = "simple", _("Simple CAPA form")


class SourceKind(models.TextChoices):
    """What raised the action (any module raises through ``services.action_raise``)."""

    COMPLAINT = "complaint", _("Complaint")
    CLAIM = "claim", _("Claim")
    SURVEY = "survey", _("Satisfaction survey")
    TREND = "trend", _("Trend alert")
    AUDIT = "audit", _("Audit finding")
    MANUAL = "manual", _("Raised by hand")


class ActionStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
    IMPLEMENTING = "implementing", _("Approved, being implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    EFFECTIVENESS = "effectiveness", _("Effectiveness check")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(s for s in ActionStatus.values if s not in (ActionStatus.CLOSED, ActionStatus.CANCELLED))
# "At least approved" (issue 4): a complaint that needs corrective action may close from here on.
APPROVED_STATUSES = frozenset({ActionStatus.IMPLEMENTING, ActionStatus.IMPLEMENTED, ActionStatus.EFFECTIVENESS,
                               ActionStatus.CLOSED})


class Step(models.TextChoices):
    """The steps that carry an owner and a due date: the eight disciplines, or the simple form's four."""

    D0 = "d0", _("D0 Emergency response")
    D1 = "d1", _("D1 Team")
    D2 = "d2", _("D2 Problem description")
    D3 = "d3", _("D3 Containment")
    D4 = "d4", _("D4 Root cause")
    D5 = "d5", _("D5 Permanent corrective actions")
    D6 = "d6", _("D6 Implementation and validation")
    D7 = "d7", _("D7 Prevent recurrence")
    D8 = "d8", _("D8 Closure and recognition")
    PROBLEM = "problem", _("Problem")
    CAUSE = "cause", _("Cause")
    ACTION = "action", _("Action")
    VERIFICATION = "verification", _("Verification")


EIGHT_D_STEPS = (Step.D0, Step.D1, Step.D2, Step.D3, Step.D4, Step.D5, Step.D6, Step.D7, Step.D8)
SIMPLE_STEPS = (Step.PROBLEM, Step.CAUSE, Step.ACTION, Step.VERIFICATION)
STEPS_BY_FORMAT = {ActionFormat.EIGHT_D: EIGHT_D_STEPS, ActionFormat.SIMPLE: SIMPLE_STEPS}

# English headings of the 8D report, printed beside the Chinese ones whatever the reader's language.
STEP_ENGLISH = {
    Step.D0: "D0 Emergency Response Action", Step.D1: "D1 Team", Step.D2: "D2 Problem Description",
    Step.D3: "D3 Containment Actions", Step.D4: "D4 Root Cause Analysis",
    Step.D5: "D5 Permanent Corrective Actions", Step.D6: "D6 Implementation & Validation",
    Step.D7: "D7 Prevent Recurrence", Step.D8: "D8 Closure & Recognition",
}

# Working days from raising the action to each step's due date (companies and customers change them).
DEFAULT_STEP_DAYS = {
    Step.D0: 1, Step.D1: 1, Step.D2: 2, Step.D3: 2, Step.D4: 7, Step.D5: 10, Step.D6: 20, Step.D7: 30, Step.D8: 40,
    Step.PROBLEM: 1, Step.CAUSE: 5, Step.ACTION: 10, Step.VERIFICATION: 30,
}


class ContainmentLocation(models.TextChoices):
    CUSTOMER = "customer", _("Stock at the customer")
    IN_TRANSIT = "in_transit", _("In transit")
    IN_HOUSE = "in_house", _("In house")
    SUPPLIER = "supplier", _("At the supplier")


class WhyChain(models.TextChoices):
    OCCURRENCE = "occurrence", _("Why it happened")
    ESCAPE = "escape", _("Why it was not detected")


class ItemKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent corrective action (D5/D6)")
    PREVENTION = "prevention", _("Prevention (D7)")


class NcrStatus(models.TextChoices):
    ISSUED = "issued", _("Issued to the department")
    ANSWERED = "answered", _("Answered")
    VERIFIED = "verified", _("Verified")
    CANCELLED = "cancelled", _("Cancelled")


class NcrDisposition(models.TextChoices):
    REWORK = "rework", _("Rework")
    REPAIR = "repair", _("Repair")
    SORT = "sort", _("Sort (full inspection)")
    CONCESSION = "concession", _("Use as is (concession)")
    RETURN_TO_SUPPLIER = "return_to_supplier", _("Return to the supplier")
    SCRAP = "scrap", _("Scrap")


class VerificationResult(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")
