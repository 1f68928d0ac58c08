"""Choices for analysis and management review (design §9): stable lowercase values, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kpi(models.TextChoices):
    """The indicators of the KPI dashboard (issue 7 §4; definitions in design §11)."""

    PPM = "ppm", _("Delivered PPM")
    ON_TIME = "on_time", _("On-time delivery (percent)")
    EXTRA_FREIGHT_LINES = "extra_freight_lines", _("Shipments with extra freight")
    EXTRA_FREIGHT_COST = "extra_freight_cost", _("Extra freight cost")
    RETURN_RATE = "return_rate", _("Return rate (percent)")
    CHURN = "churn", _("Customer churn (percent)")
    COMPLAINTS = "complaints", _("Complaints")
    COMPLAINTS_PER_MILLION = "complaints_per_million", _("Complaints per million parts shipped")
    CLAIMS_AMOUNT = "claims_amount", _("Claims")
    QUALITY_COST = "quality_cost", _("Quality cost")
    SATISFACTION = "satisfaction", _("Satisfaction score")
    # ISO 10002 §8.5 (issue 23 §4): the post-closure surveys' mean score, apart from the yearly surveys'.
    COMPLAINT_SATISFACTION = "complaint_satisfaction", _("Complaint handling satisfaction")
    OPEN_ACTIONS = "open_actions", _("Open corrective actions")
    OVERDUE_ACTIONS = "overdue_actions", _("Overdue corrective actions")


# Where more is better; for every other indicator a value at or below its target meets it.
HIGHER_IS_BETTER = frozenset({Kpi.ON_TIME, Kpi.SATISFACTION, Kpi.COMPLAINT_SATISFACTION})


class Dimension(models.TextChoices):
    """What a trend alert watches: one customer, one part or one complaint category (issue 7 §3)."""

    CUSTOMER = "customer", _("Customer")
    PART = "part", _("Part")
    CATEGORY = "category", _("Category")


class ReportKind(models.TextChoices):
    """The departments' monthly reports (seed 001 §5.1.2)."""

    MARKETING = "marketing", _("Marketing management analysis")
    AFTER_SALES = "after_sales", _("After-sales feedback analysis")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for rework")
