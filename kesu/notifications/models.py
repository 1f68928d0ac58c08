"""In-app notifications, the e-mail outbox and who is told of what (issue 3 §6).

Mail is never sent inside a request: a row is written to the outbox in the
same transaction as the notification and ``kesu worker`` sends it, retrying
with growing pauses, so nothing is lost while the mail server is down.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel

from .choices import Audience, Event, MailStatus


class NotificationRule(CompanyScopedModel):
    """Per company and event: who is told, in the inbox and/or by e-mail."""

    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    audience = models.JSONField(_("who is told"), default=list,
                                help_text=_("Any of: owner, creator, department_head, escalation, leadership."))
    send_inbox = models.BooleanField(_("in-app inbox"), default=True)
    send_email = models.BooleanField(_("e-mail"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        ordering = ["company", "event"]
        constraints = [models.UniqueConstraint(fields=["company", "event"], name="notification_rule_unique")]

    def __str__(self) -> str:
        return self.get_event_display()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [a for a in (self.audience or []) if a not in Audience.values]
        if not isinstance(self.audience, list) or unknown:
            raise ValidationError({"audience": _("Unknown audience: %(names)s.") % {"names": ", ".join(map(str, unknown))}})


class Notification(models.Model):
    """One message in one person's inbox."""

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.title


class OutboxMail(models.Model):
    """An e-mail waiting to be sent by the worker (or sent, or given up after the last retry)."""

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
