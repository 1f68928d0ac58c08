"""Customer master data (issue 2 §4): customers, contacts, parts, contracts with lines, shipments, suppliers.

Every record belongs to one company; codes are unique within the company.
Shipments are the base of delivered-quality PPM, on-time delivery and the
"verified on two later shipments" rule (design §2, §11), hence their indexes.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.lookups import initials_field
from kesu.core.models import CompanyScopedModel
from kesu.core.privacy import EMAIL, NAME, PHONE, TEXT, personal

from .choices import ContractKind, ContractStatus, Currency, CustomerStatus, CustomerType, Importance


def same_company(record: models.Model, *fields: str) -> None:
    """Model-level rule: linked records must belong to the record's own company."""
    errors = {}
    for field in fields:
        related = getattr(record, field, None)
        if related is not None and record.company_id and related.company_id != record.company_id:
            errors[field] = _("It must belong to the same company.")
    if errors:
        raise ValidationError(errors)


class Supplier(CompanyScopedModel):
    """A supplier (供应商); the party of a supplier claim (charge-back) when it is responsible."""

    code = models.CharField(_("supplier code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_initials = initials_field()  # pinyin initials of the names, for lookups (kesu.core.lookups)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="supplier_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.short_name or self.name}"


class Customer(CompanyScopedModel):
    """A customer. The internal code (客户代码) is what the factory floor sees, for confidentiality."""

    code = models.CharField(_("customer code"), max_length=30)
    name = models.CharField(_("full name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    customer_type = models.CharField(_("type"), max_length=20, choices=CustomerType.choices, default=CustomerType.OEM)
    status = models.CharField(_("status"), max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.EXISTING)
    region = models.CharField(_("region"), max_length=100, blank=True)
    sales_region = models.ForeignKey(
        "accounts.SalesRegion", verbose_name=_("sales region"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="owned_customers",
    )
    importance = models.CharField(_("importance"), max_length=1, choices=Importance.choices, default=Importance.B)
    sales_rank = models.PositiveIntegerField(_("yearly sales rank"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    search_initials = initials_field()  # pinyin initials of the names, for lookups (kesu.core.lookups)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="customer_code_unique")]
        indexes = [
            models.Index(fields=["company", "status"], name="customer_company_status_idx"),
            models.Index(fields=["company", "owner"], name="customer_company_owner_idx"),
            models.Index(fields=["company", "name"], name="customer_company_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.short_name or self.name}"

    def clean(self) -> None:
        same_company(self, "sales_region")
        if self.owner_id and self.company_id and self.owner.company_id != self.company_id:
            raise ValidationError({"owner": _("It must belong to the same company.")})


class Contact(CompanyScopedModel):
    """A person at a customer. Personal data: customer property too (design §6, seed 002)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts")
    # Personal data (issue 18 §13): shown in full only by kesu.core.privacy's rule, masked for everyone else.
    name = personal(models.CharField(_("name"), max_length=100), NAME)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    phone = personal(models.CharField(_("phone"), max_length=50, blank=True), PHONE)
    mobile = personal(models.CharField(_("mobile"), max_length=50, blank=True), PHONE)
    email = personal(models.EmailField(_("e-mail"), blank=True), EMAIL)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = personal(models.TextField(_("notes"), blank=True, max_length=2000), TEXT)
    search_initials = initials_field()  # pinyin initials of the name, for lookups (kesu.core.lookups)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "name", "email"], name="contact_unique_per_customer"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        same_company(self, "customer")


class Part(CompanyScopedModel):
    """A product or part, identified by its part number (料号)."""

    part_no = models.CharField(_("part number"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("model"), max_length=100, blank=True)
    specification = models.CharField(_("specification"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="PCS")
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), default=12, help_text=_("Seed 004 §5.1: performance problems are accepted within the warranty.")
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="parts", help_text=_("Set when the part is made for one customer."),
    )
    customer_part_no = models.CharField(_("customer part number"), max_length=50, blank=True)
    # ISO 10002 §6.4: the product's responsible engineer does not investigate complaints about it.
    responsible_engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible engineer"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_initials = initials_field()  # pinyin initials of the name, for lookups (kesu.core.lookups)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["part_no"]
        constraints = [models.UniqueConstraint(fields=["company", "part_no"], name="part_no_unique")]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"

    def clean(self) -> None:
        same_company(self, "customer")
        if self.responsible_engineer_id and self.company_id and self.responsible_engineer.company_id != self.company_id:
            # Not keyed on the field: a form without it (the part form, the API) moving a part to another company
            # gets this as its refusal instead of a server error.
            raise ValidationError(_("It must belong to the same company."))


class Contract(CompanyScopedModel):
    """A contract or order with a customer; contract review (design §7) builds on it."""

    number = models.CharField(_("contract number"), max_length=50)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts")
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices, default=ContractKind.CONTRACT)
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    customer_po = models.CharField(_("customer PO number"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="contract_number_unique")]
        indexes = [models.Index(fields=["company", "customer", "signed_on"], name="contract_customer_idx")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        same_company(self, "customer")
        if self.owner_id and self.company_id and self.owner.company_id != self.company_id:
            raise ValidationError({"owner": _("It must belong to the same company.")})


class ContractLine(CompanyScopedModel):
    """One line of a contract: a part, a quantity, a price and a due date."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"), validators=[MinValueValidator(1)])
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="contract_lines")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "line_no"], name="contract_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="contract_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The contract number and line, how people and spreadsheets name a line."""
        return f"{self.contract.number}/{self.line_no}" if self.contract_id else f"?/{self.line_no}"

    def clean(self) -> None:
        same_company(self, "contract", "part")


class Shipment(CompanyScopedModel):
    """One delivery line (发货/交付): the base of PPM, on-time delivery and verification on later shipments."""

    delivery_no = models.CharField(_("delivery number"), max_length=50)
    line_no = models.PositiveIntegerField(_("line"), default=1, validators=[MinValueValidator(1)])
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="shipments")
    contract_line = models.ForeignKey(
        ContractLine, verbose_name=_("contract line"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="shipments",
    )
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="shipments")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    due_date = models.DateField(_("due date"), null=True, blank=True)
    ship_date = models.DateField(_("ship date"))
    receipt_date = models.DateField(_("customer receipt date"), null=True, blank=True)
    is_split = models.BooleanField(_("split delivery"), default=False)
    extra_freight_cost = models.DecimalField(
        _("extra freight cost"), max_digits=14, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-ship_date", "delivery_no", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["company", "delivery_no", "line_no"], name="shipment_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="shipment_quantity_positive"),
            models.CheckConstraint(condition=models.Q(extra_freight_cost__gte=0), name="shipment_freight_not_negative"),
        ]
        indexes = [
            models.Index(fields=["company", "ship_date"], name="shipment_company_date_idx"),
            models.Index(fields=["customer", "ship_date"], name="shipment_customer_date_idx"),
            models.Index(fields=["part", "ship_date"], name="shipment_part_date_idx"),
            # On-time delivery counts the lines due in a period (design §11).
            models.Index(fields=["company", "due_date"], name="shipment_company_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_no}/{self.line_no}"

    def clean(self) -> None:
        same_company(self, "customer", "part", "contract_line")
        errors = {}
        if self.contract_line_id and self.part_id and self.contract_line.part_id != self.part_id:
            errors["part"] = _("The part must be the contract line's part.")
        if self.contract_line_id and self.customer_id and self.contract_line.contract.customer_id != self.customer_id:
            errors["customer"] = _("The customer must be the contract's customer.")
        if self.receipt_date and self.ship_date and self.receipt_date < self.ship_date:
            errors["receipt_date"] = _("The customer cannot receive goods before they are shipped.")
        if errors:
            raise ValidationError(errors)
