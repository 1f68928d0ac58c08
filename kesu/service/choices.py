"""Choices of customer service (stable lowercase values, translated labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    ONSITE = "onsite", _("On-site visit")
    PHONE = "phone", _("Phone return visit")


class VisitPurpose(models.TextChoices):
    ROUTINE = "routine", _("Routine visit")
    AFTER_CLOSURE = "after_closure", _("After a complaint's closure")
    MAJOR_PROBLEM = "major_problem", _("After a major problem")
    SURVEY = "survey", _("Satisfaction survey")
    REPORT_BACK = "report_back", _("Quality report: result reported back")


class Confirmation(models.TextChoices):
    CONFIRMED = "confirmed", _("The customer confirms the improvement")
    NOT_CONFIRMED = "not_confirmed", _("The customer does not confirm the improvement")


# The customer's view by topic (《顾客回访信息表》): field name → label.
TOPICS = (
    ("view_quality", _("Quality")),
    ("view_delivery", _("Delivery")),
    ("view_service", _("Service")),
    ("view_price", _("Price")),
    ("view_needs", _("New needs")),
)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


class PlanReason(models.TextChoices):
    EXISTING = "existing", _("Existing customer")
    POTENTIAL = "potential", _("Potential customer")
    TOP = "top", _("Top customer by sales")
    ADDED = "added", _("Added by hand")


class MarkKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    SURVEY = "survey", _("Satisfaction survey")


class JobKind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    MAINTENANCE = "maintenance", _("Maintenance")
    COMMISSIONING = "commissioning", _("Installation and commissioning")
    TRAINING = "training", _("Training and advice")


class ReportPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class QualityReportStatus(models.TextChoices):
    SENT = "sent", _("Sent to the general manager")
    ANALYSED = "analysed", _("Cause analysed")
    CLOSED = "closed", _("Result reported to the customers")


class MarketKind(models.TextChoices):
    NEED = "need", _("Customer needs and their changes")
    COMPETITOR = "competitor", _("Competitor")
    REGIONAL = "regional", _("Regional market")
    FEEDBACK = "feedback", _("Market feedback and suggestions")
