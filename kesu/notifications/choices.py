"""Events people are told about, and who may be told (issue 3 §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    COMPLAINT_CREATED = "complaint_created", _("Complaint recorded")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Complaint assigned")
    COMPLAINT_TRANSITIONED = "complaint_transitioned", _("Complaint moved on")
    COMPLAINT_ESCALATED = "complaint_escalated", _("Overdue complaint escalated")
    EARLY_WARNING = "early_warning", _("Early warning A or B")


class Audience(models.TextChoices):
    OWNER = "owner", _("the complaint's owner")
    CREATOR = "creator", _("who recorded the complaint")
    DEPARTMENT_HEAD = "department_head", _("head of the owning department")
    ESCALATION = "escalation", _("the escalation's recipients")
    LEADERSHIP = "leadership", _("the leadership group (GM, vice GM, sales director, QA)")


class MailStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
