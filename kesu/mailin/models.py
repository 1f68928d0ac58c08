"""Complaints by e-mail (issue 23 §2): the company's mailboxes and every mail fetched from them.

ISO 10002 §6.2/§7.2: complaints can be made easily, by e-mail too; nothing a customer sends is lost. Each fetched
mail gets one row, unique per (mailbox, UIDVALIDITY, UID), written in the same transaction as what it became (a
complaint, a timeline entry or a triage item), so a worker killed mid-fetch and started again never makes two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel

from .choices import Outcome, Reason, Security

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class Mailbox(CompanyScopedModel):
    """One IMAP mailbox of a company that Kesu reads (``kesu worker``, job ``mailin.fetch``).

    The password is stored as given (the IMAP server needs it in clear) and never shown back on a page or by the
    API; the audit trail skips it by name. ``uidvalidity`` and ``last_uid`` say how far the mailbox was read.
    """

    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("connection security"), max_length=10, choices=Security.choices,
                                default=Security.SSL)
    username = models.CharField(_("user name"), max_length=200)
    password = models.CharField(_("password"), max_length=500)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    max_bytes = models.PositiveIntegerField(
        _("largest mail accepted (bytes)"), default=DEFAULT_MAX_BYTES,
        help_text=_("A larger mail goes to triage with its headers; the whole mail stays on the mail server."))
    is_active = models.BooleanField(_("active"), default=True)
    # A mailbox set up on a folder with years of mail must not turn them all into complaints at once.
    read_existing = models.BooleanField(
        _("take in the mails already there"), default=False,
        help_text=_("Otherwise only mails arriving after the first reading are taken in."))
    # Reading position (RFC 3501 §2.3.1.1): a new UIDVALIDITY means the UIDs were reassigned.
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID read"), default=0)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    # A mailbox that is down: retried with growing pauses, its error on the page, the administrator told once.
    last_error = models.TextField(_("last error"), blank=True, max_length=2000)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failed attempts in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error_reported_at = models.DateTimeField(_("error reported at"), null=True, blank=True)
    # A compare-and-set lease, so two workers do not read one mailbox at the same time.
    leased_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["company", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="mailin_mailbox_name_unique")]

    def __str__(self) -> str:
        return self.name


class InboundMail(CompanyScopedModel):
    """One mail fetched from a mailbox, and what became of it (``outcome``); triage items are those waiting."""

    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT,
                                related_name="mails")
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"))
    uid = models.BigIntegerField(_("UID"))
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sender = models.CharField(_("sender"), max_length=300, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    body = models.TextField(_("text"), blank=True)
    attachment_names = models.JSONField(_("attachments"), default=list, blank=True)
    raw = models.FileField(_("original mail"), upload_to="mailin/%Y/%m/", blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    reason_detail = models.TextField(_("details"), blank=True, max_length=2000)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    discard_reason = models.TextField(_("why discarded"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("received mail")
        verbose_name_plural = _("received mails")
        ordering = ["-fetched_at", "-id"]
        constraints = [
            # Exactly once (issue 23 §2): the same message of the same mailbox is never taken in twice.
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], name="mailin_mail_once"),
        ]
        indexes = [models.Index(fields=["company", "outcome", "-fetched_at"], name="mailin_mail_outcome_idx")]

    def __str__(self) -> str:
        return self.subject or self.sender or f"#{self.pk}"
