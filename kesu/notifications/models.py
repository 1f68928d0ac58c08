"""In-app notifications, the e-mail outbox and who is told of what (issue 3 §6).

Mail is never sent inside a request: a row is written to the outbox in the
same transaction as the notification and ``kesu worker`` sends it, retrying
with growing pauses (without end, until an administrator gives up), so
nothing is lost while the mail server is down.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel

from .choices import Audience, Event, MailStatus


class NotificationRule(CompanyScopedModel):
    """Per company and event: who is told, in the inbox and/or by e-mail."""

    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    audience = models.JSONField(_("who is told"), default=list,
                                help_text=_("Any of: owner, creator, department_head, escalation, leadership, next_step, "
                                            "next_actor, pass_on, qa_head, gm, members."))
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


def new_message_id() -> str:
    """A Message-ID fixed when an outbox row is made, so every attempt of one mail carries the same one.

    ``make_msgid`` with an explicit domain: without one it asks the DNS for the
    machine's name, which can hang for seconds on a factory intranet.
    """
    from email.utils import make_msgid, parseaddr

    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "kesu.localhost"
    return make_msgid(idstring=uuid.uuid4().hex, domain=domain)


class OutboxMail(models.Model):
    """An e-mail the worker sends, retrying with growing pauses until it is sent or an administrator gives up.

    The worker claims a row by moving it to "sending" with a compare-and-set on
    ``attempts`` and pushing ``next_attempt_at`` past the sending timeout; a
    worker killed mid-send leaves the row "sending", and it is claimed again
    once that time has passed — with the same ``message_id``, so a mail the
    server had already accepted reaches the reader as a duplicate the mail
    client recognises, never as a second, different message.
    """

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, default=new_message_id,
                                  editable=False)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Failed attempts since the mail was queued or last resent: what the back-off grows with.
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            # The send rate counts the attempts of the current minute.
            models.Index(fields=["claimed_at"], name="outbox_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Digest(models.Model):
    """The daily digest sent to one user on one day (issue 16 §3): at most one per user and local day.

    The row is written in the same transaction as the digest's outbox mail, and the unique constraint makes a
    second worker (or a second run of the job the same day) send nothing.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="+")
    day = models.DateField(_("day"))
    items = models.PositiveIntegerField(_("items waiting"), default=0)
    overdue = models.PositiveIntegerField(_("items overdue"), default=0)
    mail = models.ForeignKey(OutboxMail, verbose_name=_("e-mail"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        ordering = ["-day", "recipient"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class AnnouncedWork(models.Model):
    """What one record was last announced as waiting for: the (person, action) pairs told at its last hand-off.

    A hand-off tells only the people it gives new work (issue 16 §3: each actor once): someone still waiting for
    the same action after a step — the department whose answer is due while the GM approves the report — is not
    told again, and someone whose work returns after a gap is. This is a log of what was announced, not a second
    copy of the work: the work itself is always read from the records through the registry (kesu/core/work.py).
    A record that waits for no one has no row.
    """

    record = models.CharField(_("record"), max_length=100, unique=True)  # "app_label.model:pk"
    waiting = models.JSONField(_("waiting"), default=list)  # ["user_pk:action", …]
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("announced work")
        verbose_name_plural = _("announced work")

    def __str__(self) -> str:
        return self.record
