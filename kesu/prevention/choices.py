"""Choices of the prevention module (seed 001 投诉预警; seed 004 §6; ISO 10002 §8.5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    """Seed 001 §六: the three bodies of complaint prevention."""

    LEADERSHIP = "leadership", _("Prevention leadership group")
    WORKING = "working", _("Prevention working group")
    OFFICE = "office", _("Prevention office")


class MemberPosition(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy")
    MEMBER = "member", _("Member")


class SignalSource(models.TextChoices):
    """Who saw or heard the sign (issue 22 §1)."""

    SALES = "sales", _("Sales")
    CALL_CENTRE = "call_centre", _("Call centre")
    SERVICE_ENGINEER = "service_engineer", _("Service engineer")
    VISIT = "visit", _("Customer visit")
    MARKET = "market", _("Market information")
    MEDIA = "media", _("Media")
    MONITORING = "monitoring", _("Automatic monitoring")


class SignalClass(models.TextChoices):
    """Seed 001 §五: the three classes of prevention information."""

    A = "a", _("A")
    B = "b", _("B")
    C = "c", _("C")


CLASS_GUIDANCE = {
    SignalClass.A: _("A: the user is seriously dissatisfied and tends to complain to the media or to provincial or "
                     "higher authorities, or to petition."),
    SignalClass.B: _("B: the user is dissatisfied, complains to regional or lower authorities or tends to drastic "
                     "action; if mishandled it may become A."),
    SignalClass.C: _("C: the user is dissatisfied, but timely service or ordinary goodwill can solve it; or "
                     "information that could cause dissatisfaction."),
}
LEADERSHIP_CLASSES = (SignalClass.A, SignalClass.B)


class SignalStatus(models.TextChoices):
    """Seed 001 §三: monitoring → identifying → diagnosing → preventing (预控) → closed."""

    IDENTIFYING = "identifying", _("To be identified")
    DIAGNOSING = "diagnosing", _("Diagnosing")
    PREVENTING = "preventing", _("Preventing")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (SignalStatus.IDENTIFYING, SignalStatus.DIAGNOSING, SignalStatus.PREVENTING)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    COMPLAINT = "complaint", _("Became a complaint")
    NO_RISK = "no_risk", _("No further risk")


class AutoCause(models.TextChoices):
    """What the monitoring job raises a signal for (issue 22 §3)."""

    COMPLAINT_RATE = "complaint_rate", _("Complaints above the customer's own norm")
    OVERDUE_DEADLINE = "overdue_deadline", _("Overdue complaint deadline")
    LOW_SURVEY = "low_survey", _("Survey answer below threshold")
    LATE_DELIVERIES = "late_deliveries", _("Late delivery streak")
    NEGATIVE_VISIT = "negative_visit", _("Visit finding marked negative")


class RepeatRule(models.TextChoices):
    SAME_CUSTOMER = "same_customer", _("Same customer, same category and defect")
    SAME_PART = "same_part", _("Same part at any customer, same category and defect")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("To be confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
