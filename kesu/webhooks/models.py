"""Webhook subscriptions of a company and the outbox of their deliveries (issue 23 §5).

A delivery row is written for each active subscription of the record's company that chose the event, after the
record's transaction committed (the apps' signals are sent on commit); ``kesu worker`` sends the rows, retrying
with growing pauses, so nothing is lost while the receiving system is down.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel

from .choices import DeliveryStatus

DEFAULT_DISABLE_AFTER = 10


class WebhookSettings(CompanyScopedModel):
    """Per company: after how many failed deliveries in a row a subscription is switched off."""

    disable_after = models.PositiveSmallIntegerField(
        _("switch a subscription off after this many failures in a row"), default=DEFAULT_DISABLE_AFTER,
        validators=[MinValueValidator(1), MaxValueValidator(1000)])

    class Meta:
        verbose_name = _("webhook settings")
        verbose_name_plural = _("webhook settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="webhook_settings_one_per_company")]

    def __str__(self) -> str:
        return str(_("webhook settings"))


class Subscription(CompanyScopedModel):
    """A receiving system's address and the events it is sent; the secret lives apart (never audited)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.CharField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    disabled_at = models.DateTimeField(_("switched off automatically at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["company", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        from .choices import WebhookEvent

        labels = dict(WebhookEvent.choices)
        return [str(labels.get(e, e)) for e in self.events or []]


class SubscriptionSecret(models.Model):
    """The signing secret of a subscription, kept out of the audited row (a secret is shown once, never logged)."""

    subscription = models.OneToOneField(Subscription, on_delete=models.CASCADE, related_name="secret")
    value = models.CharField(max_length=100)

    def __str__(self) -> str:
        return "••••"


class Delivery(models.Model):
    """One event for one subscription: the outbox row and, with its attempts, the delivery log."""

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="+")
    subscription = models.ForeignKey(Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(_("event"), max_length=40)
    event_id = models.CharField(_("event id"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    is_test = models.BooleanField(_("test"), default=False)
    replay_of = models.ForeignKey("self", verbose_name=_("replay of"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["company", "created_at"], name="webhook_delivery_company_idx"),
            models.Index(fields=["subscription", "created_at"], name="webhook_delivery_sub_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} #{self.pk}"


class DeliveryAttempt(models.Model):
    """One try to hand a delivery over: when, the answer's status code and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"))
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
    ok = models.BooleanField(_("delivered"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}"
