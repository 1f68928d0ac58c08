"""Choices of the mail intake (issue 23 §2): stable lowercase values, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    """How Kesu talks to the IMAP server."""

    SSL = "ssl", _("TLS (IMAPS, usually port 993)")
    STARTTLS = "starttls", _("STARTTLS (usually port 143)")
    PLAIN = "plain", _("Plain text (local servers only)")


class Outcome(models.TextChoices):
    """Where a fetched mail went. Every fetched mail has exactly one row, whatever became of it (never lost)."""

    COMPLAINT = "complaint", _("New complaint")
    REPLY = "reply", _("Added to a complaint")
    TRIAGE = "triage", _("Waiting in triage")
    MADE = "made", _("Complaint made from triage")
    ATTACHED = "attached", _("Attached to a complaint from triage")
    DISCARDED = "discarded", _("Discarded")


class Reason(models.TextChoices):
    """Why a mail went to triage instead of becoming a complaint by itself."""

    UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
    AMBIGUOUS_SENDER = "ambiguous_sender", _("Sender matches several customers")
    MALFORMED = "malformed", _("Malformed mail")
    OVERSIZED = "oversized", _("Larger than the mailbox's limit")
    REFUSED_ATTACHMENT = "refused_attachment", _("Attachment refused")
    NOT_REGISTERED = "not_registered", _("Could not be registered")
    FOREIGN_REPLY = "foreign_reply", _("Quotes a complaint of another customer")


OPEN_OUTCOMES = frozenset({Outcome.TRIAGE})
