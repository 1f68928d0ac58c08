"""Stable values of satisfaction surveys (labels are translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: choosing recipients")
    OPEN = "open", _("Open: collecting answers")
    CLOSED = "closed", _("Closed")


class AnswerChannel(models.TextChoices):
    LINK = "link", _("Personal link")
    WRITTEN = "written", _("Written form")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    IMPORT = "import", _("Excel import")


class Grade(models.TextChoices):
    BEST = "best", _("Best")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class InclusionReason(models.TextChoices):
    SHIPPED = "shipped", _("Shipments in the period")
    TOP_SALES = "top_sales", _("Among the top customers by sales")
    ADDED = "added", _("Added by hand")
    REMOVED = "removed", _("Removed by hand")
    NO_BUSINESS = "no_business", _("No shipments in the period")


class TriggerKind(models.TextChoices):
    BELOW_THRESHOLD = "below_threshold", _("Answer below the threshold")
    CRITICAL_ZERO = "critical_zero", _("An item of a critical section scored zero")
    TARGET_MISSED = "target_missed", _("Campaign missed the yearly target")


class ImprovementStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")
