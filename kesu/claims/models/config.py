"""Per-company claim settings (numbers, the vice GM delegation, required documents) and exchange rates."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.audit import money
from kesu.core.models import CompanyScopedModel
from kesu.core.numbering import validate_pattern
from kesu.customers.choices import Currency

from ..choices import DEFAULT_REQUIRED_DOCUMENTS, DocumentKind


def validate_documents(value) -> None:
    if not isinstance(value, list) or any(v not in DocumentKind.values for v in value):
        raise ValidationError(_("Give a list of document kinds, e.g. [\"claim_letter\", \"invoice\"]."))


def default_documents() -> list[str]:
    return list(DEFAULT_REQUIRED_DOCUMENTS)


class ClaimSettings(CompanyScopedModel):
    """How a company runs claims: numbering, who approves which amounts, what must be collected."""

    # Who may see its amounts, in the audit trail as on the pages (kesu.core.audit.money).
    audit_money_rule = "kesu.claims.permissions.sees_claim_money"

    number_pattern = models.CharField(_("claim number pattern"), max_length=60, default="CL-{year}-{seq:04d}",
                                      validators=[validate_pattern])
    supplier_number_pattern = models.CharField(_("supplier claim number pattern"), max_length=60,
                                               default="SC-{year}-{seq:04d}", validators=[validate_pattern])
    base_currency = models.CharField(_("base currency"), max_length=3, choices=Currency.choices,
                                     default=Currency.CNY)
    # Seed 000 §4.2.2: the general manager approves every proposal. A company may delegate approvals to the vice
    # GM up to a limit (issue 18 §1); off by default.
    vice_gm_delegation = models.BooleanField(
        _("delegate claim approvals to the vice GM"), default=False,
        help_text=_("Off: the general manager approves every proposed settlement (seed 000 §4.2.2)."))
    vice_gm_limit = money(models.DecimalField(
        _("vice GM may approve up to"), max_digits=14, decimal_places=2, default=Decimal("20000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Under the delegation: proposed settlements up to this amount in the base currency, a “not "
                    "ours” proposal of 0 included; above it, the general manager. A limit of 0 delegates nothing.")))
    required_documents = models.JSONField(_("documents every claim needs"), default=default_documents,
                                          blank=True, validators=[validate_documents])

    class Meta:
        verbose_name = _("claim settings")
        verbose_name_plural = _("claim settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="claim_settings_one_per_company")]

    def __str__(self) -> str:
        return str(_("Claim settings of %(company)s") % {"company": self.company})


class ExchangeRate(CompanyScopedModel):
    """Base-currency units per unit of ``currency`` from ``valid_from`` on (finance keeps it)."""

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(_("rate to the base currency"), max_digits=14, decimal_places=6,
                               validators=[MinValueValidator(Decimal("0.000001"))])

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["company", "currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["company", "currency", "valid_from"], name="exchange_rate_unique_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.valid_from})"
