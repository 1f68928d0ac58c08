"""Portal identities of customer contacts, kept apart from staff users (issue 23 §1).

A portal account is not an ``accounts.User``: it holds no position, role or permission, so no staff check can
ever pass for it, and ``kesu.portal.middleware`` answers 404 to a portal session anywhere outside the portal.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import AuditedModel, CompanyScopedModel


class PortalSettings(AuditedModel):
    """A company's portal rules: whether contacts confirm every sign-in with a code sent by e-mail, and whether
    they see the 8D reports of their complaints."""

    company = models.OneToOneField("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                   related_name="portal_settings")
    two_factor_email = models.BooleanField(
        _("sign-in code by e-mail"), default=False,
        help_text=_("Contacts confirm each sign-in with a one-time code sent to their e-mail address."))
    share_eight_d = models.BooleanField(
        _("share 8D reports with customers"), default=False,
        help_text=_("Contacts download the customer's copy of the 8D report of an action raised from their "
                    "complaint."))

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return str(self.company)


class PortalAccount(CompanyScopedModel):
    """The portal sign-in of one customer contact; sees only the contact's own customer's records."""

    contact = models.OneToOneField("customers.Contact", verbose_name=_("contact"), on_delete=models.CASCADE,
                                   related_name="portal_account")
    email = models.EmailField(_("e-mail"), unique=True)
    # Named like Django's own fields so the audit trail never copies them (kesu.core.audit.SKIPPED_FIELDS).
    password = models.CharField(_("password"), max_length=128, blank=True)
    last_login = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    invited_by = models.ForeignKey("accounts.User", verbose_name=_("invited by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def customer_id(self) -> int:
        return self.contact.customer_id

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)


class PortalToken(AuditedModel):
    """A token for the portal API (a customer's own system filing and following complaints); shown once."""

    PREFIX = "kesup_"

    account = models.ForeignKey(PortalAccount, verbose_name=_("portal account"), on_delete=models.CASCADE,
                                related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("starts with"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal API token")
        verbose_name_plural = _("portal API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
