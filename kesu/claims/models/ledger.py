"""The quality cost ledger (质量成本): external failure costs and supplier recoveries (issue 5 §4)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.audit import money
from kesu.core.models import CompanyScopedModel
from kesu.customers.choices import Currency

from ..choices import Bearer, CostCategory, EntryKind
from ..money import cents_to_money
from .claim import MONEY, Claim
from .supplier import SupplierClaim

USER = settings.AUTH_USER_MODEL


class CostEntry(CompanyScopedModel):
    """One booked cost or recovery, in its own currency and, at the recorded rate, in the base currency.

    Amounts are positive; ``kind`` says whether the company spent (cost) or got
    back (recovery from a supplier). Net cost = costs − recoveries. ``period``
    is the first day of the booking month, so totals per month group on one column.
    """

    # Who may see its amounts, in the audit trail as on the pages (kesu.core.audit.money).
    audit_money_rule = "kesu.claims.permissions.sees_ledger"

    booked_on = models.DateField(_("booked on"))
    period = models.DateField(_("period"))
    kind = models.CharField(_("entry"), max_length=10, choices=EntryKind.choices, default=EntryKind.COST)
    category = models.CharField(_("cost category"), max_length=20, choices=CostCategory.choices)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey(Claim, verbose_name=_("claim"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="cost_entries")
    supplier_claim = models.ForeignKey(SupplierClaim, verbose_name=_("supplier claim"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="cost_entries")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    bearer = models.CharField(_("borne by"), max_length=20, choices=Bearer.choices, default=Bearer.COMPANY)
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    salesperson = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("customers.Supplier", verbose_name=_("supplier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    amount = money(models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY))
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=14, decimal_places=6, default=Decimal("1"))
    # In cents: SQLite sums NUMERIC columns in binary floating point; whole numbers it sums exactly.
    amount_base_cents = money(models.BigIntegerField(_("amount in the base currency (cents)")))
    description = models.CharField(_("description"), max_length=300, blank=True)
    booked_by = models.ForeignKey(USER, verbose_name=_("booked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("quality cost entry")
        verbose_name_plural = _("quality cost entries")
        ordering = ["-booked_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="cost_entry_amount_positive"),
            models.CheckConstraint(condition=models.Q(amount_base_cents__gte=0), name="cost_entry_base_not_negative"),
        ]
        indexes = [
            models.Index(fields=["company", "period"], name="cost_company_period_idx"),
            models.Index(fields=["company", "customer", "period"], name="cost_company_customer_idx"),
            models.Index(fields=["company", "supplier", "period"], name="cost_company_supplier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.currency} {self.amount}"

    @property
    def amount_base(self) -> Decimal:
        return cents_to_money(self.amount_base_cents)

    def clean(self) -> None:
        super().clean()
        for name in ("complaint", "claim", "supplier_claim", "customer", "part", "supplier", "department"):
            related = getattr(self, name) if getattr(self, f"{name}_id", None) else None
            if related is not None and self.company_id and related.company_id != self.company_id:
                raise ValidationError({name: _("Choose a record of the entry's company.")})
        needs = {Bearer.DEPARTMENT: "department", Bearer.SALESPERSON: "salesperson", Bearer.SUPPLIER: "supplier",
                 Bearer.CUSTOMER: "customer"}.get(self.bearer)
        if needs and not getattr(self, f"{needs}_id"):
            raise ValidationError({needs: _("Name who bears the cost.")})
