"""The supplier claim (charge-back): the share of a claim's cost asked back from the responsible supplier."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.audit import money
from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields
from kesu.customers.choices import Currency

from ..choices import SupplierClaimStatus
from .claim import MONEY, NOT_NEGATIVE, Claim

USER = settings.AUTH_USER_MODEL


class SupplierClaim(CompanyScopedModel):
    """A charge-back raised when a supplier is responsible (seed 000 §3.5, §4.2.4), handled by purchasing."""

    # Who may see its amounts, in the audit trail as on the pages (kesu.core.audit.money).
    audit_money_rule = "kesu.claims.permissions.sees_supplier_money"

    number = models.CharField(_("supplier claim number"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=SupplierClaimStatus.choices,
                              default=SupplierClaimStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    claim = models.ForeignKey(Claim, verbose_name=_("customer claim"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="supplier_claims")
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("customers.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="+")
    description = models.TextField(_("what is charged back and why"), max_length=10000)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    share_percent = models.DecimalField(_("supplier's share (per cent)"), max_digits=5, decimal_places=2,
                                        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    amount = money(models.DecimalField(_("amount charged back"), validators=NOT_NEGATIVE, **MONEY))
    agreed_amount = money(models.DecimalField(_("amount the supplier agreed"), null=True, blank=True,
                                              validators=NOT_NEGATIVE, **MONEY))
    recovered_amount = money(models.DecimalField(_("amount recovered"), null=True, blank=True,
                                                 validators=NOT_NEGATIVE, **MONEY))
    recovered_on = models.DateField(_("recovered on"), null=True, blank=True)
    recovery_reference = models.CharField(_("debit note or receipt number"), max_length=100, blank=True)
    handler = models.ForeignKey(USER, verbose_name=_("handled by (purchasing)"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    negotiator = models.ForeignKey(USER, verbose_name=_("negotiated by (vice GM)"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(USER, verbose_name=_("raised by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True, max_length=5000)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier claim")
        verbose_name_plural = _("supplier claims")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="supplier_claim_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="supplier_claim_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["company", "supplier", "status"], name="supplier_claim_supplier_idx")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        super().clean()
        for name in ("claim", "complaint", "supplier"):
            related = getattr(self, name) if getattr(self, f"{name}_id", None) else None
            if related is not None and self.company_id and related.company_id != self.company_id:
                raise ValidationError({name: _("Choose a record of the claim's company.")})


class SupplierClaimChange(StatusChangeBase):
    """One status change of a supplier claim."""

    RECORD_FIELD = "supplier_claim"
    audit_enabled = False  # as ClaimChange

    supplier_claim = models.ForeignKey(SupplierClaim, verbose_name=_("supplier claim"), on_delete=models.CASCADE,
                                       related_name="changes")
    old_status, new_status = status_fields(SupplierClaimStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("supplier claim status change")
        verbose_name_plural = _("supplier claim status changes")
        ordering = ["supplier_claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.supplier_claim}: {self.old_status} → {self.new_status}"
