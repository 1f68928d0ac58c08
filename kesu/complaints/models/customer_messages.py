"""Messages to the customer's contact (issue 23 §3): per-company templates, the company's choice of progress
milestones, and the log of each message, which makes every event send at most once.

ISO 10002 §7.3 (acknowledged at once), §8.4 (the complainant told the status), §7.8 (told the decision).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel

from ..choices import Status


class CustomerMessageKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
    PROGRESS = "progress", _("Progress")
    DECISION = "decision", _("Decision and remedy")
    CLOSURE = "closure", _("Closure")


class CustomerMessageOutcome(models.TextChoices):
    QUEUED = "queued", _("E-mail queued")
    NO_EMAIL = "no_email", _("Not sent: the contact has no e-mail address")


def default_progress_statuses() -> list[str]:
    # The steps a customer usually wants to hear of: the investigation starts, the remedy is carried out.
    return [Status.QA_INVESTIGATION.value, Status.REMEDY_DONE.value]


class CustomerMessageSettings(CompanyScopedModel):
    """Per company: whether messages go out at all, and at which status changes the customer hears of progress."""

    is_active = models.BooleanField(_("send messages to the customer"), default=True)
    progress_statuses = models.JSONField(_("progress is sent when the complaint reaches"),
                                         default=default_progress_statuses, blank=True)

    class Meta:
        verbose_name = _("customer message settings")
        verbose_name_plural = _("customer message settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="customer_message_settings_unique")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class CustomerMessageTemplate(CompanyScopedModel):
    """A company's own wording of one kind of message in one language; without one the shipped default is used."""

    kind = models.CharField(_("message"), max_length=20, choices=CustomerMessageKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=5000)

    class Meta:
        verbose_name = _("customer message template")
        verbose_name_plural = _("customer message templates")
        ordering = ["company", "kind", "language"]
        constraints = [models.UniqueConstraint(fields=["company", "kind", "language"],
                                               name="customer_message_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class CustomerMessage(CompanyScopedModel):
    """One message to the contact for one event of one complaint; ``key`` names the event, so it is sent once."""

    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="customer_messages")
    key = models.CharField(_("event"), max_length=60)
    kind = models.CharField(_("message"), max_length=20, choices=CustomerMessageKind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CustomerMessageOutcome.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    to = models.EmailField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    mail = models.ForeignKey("notifications.OutboxMail", verbose_name=_("e-mail"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    entry = models.ForeignKey("complaints.TimelineEntry", verbose_name=_("timeline entry"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("message to the customer")
        verbose_name_plural = _("messages to the customer")
        ordering = ["complaint", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "key"], name="customer_message_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.key}"
