"""Customer property (顾客财产, seed 000 §4.4; design §6; issue 19).

The ledger (《顾客财产台帐》) of what customers hand over, kept by the department the seed names; loans on the
loan slip (《顾客财产借用单》); damage, loss or unsuitability reported to the customer (§4.4.3); the external
drawing and document register (《外来图纸及文件登记记录表》) with controlled copies; yearly inventory checks.
Every record belongs to one company; statuses move only through :mod:`kesu.property.workflow`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields

from .choices import (
    OPEN_LOAN_STATUSES,
    Condition,
    Confidentiality,
    CopyStatus,
    DamageKind,
    DamageStatus,
    DocumentKind,
    InformationKind,
    InventoryResult,
    InventoryStatus,
    ItemStatus,
    ItemType,
    LoanStatus,
    RevisionStatus,
    Terms,
)

USER = settings.AUTH_USER_MODEL


class PropertySettings(CompanyScopedModel):
    """A company's numbering patterns and reminder periods for customer property (one row per company)."""

    item_pattern = models.CharField(_("ledger number pattern"), max_length=50, default="CP-{year}-{seq:04d}")
    loan_pattern = models.CharField(_("loan slip number pattern"), max_length=50, default="JY-{year}-{seq:04d}")
    damage_pattern = models.CharField(_("damage report number pattern"), max_length=50,
                                      default="SS-{year}-{seq:04d}")
    calibration_notice_days = models.PositiveSmallIntegerField(
        _("remind of calibration this many working days before it is due"), default=5)
    overdue_escalate_days = models.PositiveSmallIntegerField(
        _("escalate an overdue loan to the department head after this many working days"), default=2)

    class Meta:
        verbose_name = _("customer property settings")
        verbose_name_plural = _("customer property settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="property_settings_one_per_company")]

    def __str__(self) -> str:
        return str(self.company)


class PropertyItem(CompanyScopedModel):
    """One line of the customer property ledger (《顾客财产台帐》, seed 000 §4.4.1)."""

    number = models.CharField(_("ledger number"), max_length=40)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="property_items")
    item_type = models.CharField(_("type"), max_length=20, choices=ItemType.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit = models.CharField(_("unit"), max_length=20, default="件")
    customer_reference = models.CharField(_("customer's reference or asset tag"), max_length=100, blank=True)
    serial_or_lot = models.CharField(_("serial or lot number"), max_length=100, blank=True)
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    received_from = models.CharField(_("handed over by"), max_length=100, blank=True)
    condition_on_receipt = models.TextField(_("condition on receipt"), max_length=2000, blank=True)
    keeper_department = models.ForeignKey("accounts.Department", verbose_name=_("keeping department"),
                                          on_delete=models.PROTECT, related_name="+")
    keeper = models.ForeignKey(USER, verbose_name=_("kept by"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    location = models.CharField(_("location"), max_length=100, blank=True)
    confidentiality = models.CharField(_("confidentiality"), max_length=20, choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    # Who may see a confidential or secret item besides its keepers and sales: role values, comma separated.
    access_roles = models.CharField(_("also visible to roles"), max_length=300, blank=True)
    terms = models.CharField(_("return or keep"), max_length=20, choices=Terms.choices, default=Terms.RETURN_BY)
    return_by = models.DateField(_("return by"), null=True, blank=True)
    loan_needs_consent = models.BooleanField(_("lending needs the customer's consent"), default=False)
    calibration_due_on = models.DateField(_("calibration due on"), null=True, blank=True)
    calibration_reminded_for = models.DateField(_("calibration reminder sent for"), null=True, blank=True)
    sales_owner = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(USER, verbose_name=_("registered by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    disposal_note = models.TextField(_("return or disposal note"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.RECEIVED)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("customer property item")
        verbose_name_plural = _("customer property ledger")
        ordering = ["-received_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="property_item_number_unique")]
        indexes = [models.Index(fields=["company", "status"], name="property_item_status_idx"),
                   models.Index(fields=["customer", "item_type"], name="property_item_customer_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    @property
    def restricted(self) -> bool:
        return self.confidentiality in (Confidentiality.CONFIDENTIAL, Confidentiality.SECRET)

    @property
    def access_role_list(self) -> list[str]:
        return [r for r in self.access_roles.split(",") if r]


class PropertyItemChange(StatusChangeBase):
    """One status change of a ledger item."""

    RECORD_FIELD = "item"
    item = models.ForeignKey(PropertyItem, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(ItemStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("customer property status change")
        verbose_name_plural = _("customer property status changes")


class Photo(CompanyScopedModel):
    """A photo of an item on receipt or of its damage (type, size and content checked; SHA-256 kept)."""

    item = models.ForeignKey(PropertyItem, on_delete=models.CASCADE, related_name="photos")
    damage_report = models.ForeignKey("DamageReport", null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="photos")
    loan = models.ForeignKey("Loan", null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="property/%Y/%m/", max_length=200)
    thumbnail = models.FileField(upload_to="property/thumbs/%Y/%m/", max_length=200, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("by"), null=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Loan(CompanyScopedModel):
    """A loan slip (《顾客财产借用单》, seed 000 §4.4.2): who borrows which item, why, until when.

    At most one open loan (requested, approved or issued) per item: the partial unique constraint is the
    guarantee when two requests arrive at once, whatever the pages checked before.
    """

    number = models.CharField(_("loan slip number"), max_length=40)
    item = models.ForeignKey(PropertyItem, verbose_name=_("customer property item"), on_delete=models.PROTECT,
                             related_name="loans")
    requested_by = models.ForeignKey(USER, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("borrowing department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    keeper_department = models.ForeignKey("accounts.Department", verbose_name=_("keeping department"),
                                          on_delete=models.PROTECT, related_name="+")
    sales_owner = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=300)
    borrow_from = models.DateField(_("borrow from"))
    expected_return_on = models.DateField(_("expected return"))
    due_at = models.DateTimeField(_("due back at"), null=True, blank=True)
    customer_consent = models.TextField(_("customer's consent"), max_length=2000, blank=True)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_by = models.ForeignKey(USER, verbose_name=_("handed out by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_condition = models.CharField(_("condition on return"), max_length=20, choices=Condition.choices,
                                        blank=True)
    return_note = models.TextField(_("condition check"), max_length=2000, blank=True)
    returned_late = models.BooleanField(_("returned late"), default=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.REQUESTED)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="property_loan_number_unique"),
            models.UniqueConstraint(fields=["item"], condition=Q(status__in=OPEN_LOAN_STATUSES),
                                    name="property_one_open_loan_per_item"),
        ]
        indexes = [models.Index(fields=["company", "status"], name="property_loan_status_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def customer(self):
        return self.item.customer


class LoanChange(StatusChangeBase):
    RECORD_FIELD = "loan"
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(LoanStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("loan status change")
        verbose_name_plural = _("loan status changes")


class DamageReport(CompanyScopedModel):
    """Damage, loss or unsuitability of customer property (seed 000 §4.4.3): reported at once, remedied,
    told to the customer in writing, the customer's answer, the cost with its bearer."""

    number = models.CharField(_("report number"), max_length=40)
    item = models.ForeignKey(PropertyItem, verbose_name=_("customer property item"), on_delete=models.PROTECT,
                             related_name="damage_reports")
    loan = models.ForeignKey(Loan, verbose_name=_("loan"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="damage_reports")
    kind = models.CharField(_("what happened"), max_length=20, choices=DamageKind.choices)
    description = models.TextField(_("what, when and how"), max_length=5000)
    happened_on = models.DateField(_("happened on"))
    reported_by = models.ForeignKey(USER, verbose_name=_("reported by"), null=True, on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(_("reported at"))
    keeper_department = models.ForeignKey("accounts.Department", verbose_name=_("keeping department"),
                                          on_delete=models.PROTECT, related_name="+")
    sales_owner = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    remedial_action = models.TextField(_("remedial action"), max_length=5000, blank=True)
    notice_language = models.CharField(_("notice language"), max_length=10, choices=settings.LANGUAGES,
                                       default="zh-hans")
    communication = models.TextField(_("how the customer was told"), max_length=2000, blank=True)
    notified_at = models.DateTimeField(_("customer notified at"), null=True, blank=True)
    customer_answer = models.TextField(_("customer's answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    bearer = models.CharField(_("borne by"), max_length=20, blank=True)
    cost_amount = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    cost_entry = models.ForeignKey("claims.CostEntry", verbose_name=_("quality cost entry"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    capa = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DamageStatus.choices,
                              default=DamageStatus.REPORTED)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("damage or loss report")
        verbose_name_plural = _("damage and loss reports")
        ordering = ["-reported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="property_damage_number_unique")]

    def __str__(self) -> str:
        return self.number

    @property
    def customer(self):
        return self.item.customer


class DamageReportChange(StatusChangeBase):
    RECORD_FIELD = "report"
    report = models.ForeignKey(DamageReport, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(DamageStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("damage report status change")
        verbose_name_plural = _("damage report status changes")


class ExternalDocument(CompanyScopedModel):
    """A customer drawing or document in the register (《外来图纸及文件登记记录表》, seed 000 §4.4.1)."""

    number = models.CharField(_("drawing or document number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.DRAWING)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField(_("title"), max_length=200)
    item = models.ForeignKey(PropertyItem, verbose_name=_("ledger item"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="documents")
    parts = models.ManyToManyField("customers.Part", verbose_name=_("part numbers"), blank=True, related_name="+")
    registered_by = models.ForeignKey(USER, verbose_name=_("registered by"), null=True, on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        verbose_name = _("external drawing or document")
        verbose_name_plural = _("external drawing and document register")
        ordering = ["customer", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "customer", "number"],
                                               name="property_document_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DrawingRevision(CompanyScopedModel):
    """One revision of a registered drawing or document; the newest one is current, the others superseded."""

    document = models.ForeignKey(ExternalDocument, verbose_name=_("drawing or document"), on_delete=models.CASCADE,
                                 related_name="revisions")
    revision = models.CharField(_("revision"), max_length=20)
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    received_on = models.DateField(_("received on"))
    status = models.CharField(_("status"), max_length=20, choices=RevisionStatus.choices,
                              default=RevisionStatus.CURRENT)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    registered_by = models.ForeignKey(USER, verbose_name=_("registered by"), null=True, on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["document", "-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "revision"], name="property_revision_unique"),
            models.UniqueConstraint(fields=["document"], condition=Q(status=RevisionStatus.CURRENT),
                                    name="property_one_current_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} {self.revision}"


class ControlledCopy(CompanyScopedModel):
    """A controlled copy of a revision held by a department; recalled when the revision is superseded."""

    revision = models.ForeignKey(DrawingRevision, verbose_name=_("revision"), on_delete=models.CASCADE,
                                 related_name="copies")
    department = models.ForeignKey("accounts.Department", verbose_name=_("holding department"),
                                   on_delete=models.PROTECT, related_name="+")
    copy_no = models.PositiveSmallIntegerField(_("copy number"))
    issued_by = models.ForeignKey(USER, verbose_name=_("distributed by"), null=True, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("distributed at"))
    recall_at = models.DateTimeField(_("recall requested at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(USER, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CopyStatus.choices, default=CopyStatus.ISSUED)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("controlled copy")
        verbose_name_plural = _("controlled copies")
        ordering = ["revision", "copy_no"]
        constraints = [models.UniqueConstraint(fields=["revision", "copy_no"], name="property_copy_no_unique")]

    def __str__(self) -> str:
        return f"{self.revision} #{self.copy_no}"

    @property
    def number(self) -> str:
        return f"{self.revision.document.number}/{self.revision.revision}-{self.copy_no}"

    @property
    def customer(self):
        return self.revision.document.customer


class ControlledCopyChange(StatusChangeBase):
    RECORD_FIELD = "copy"
    copy = models.ForeignKey(ControlledCopy, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(CopyStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("controlled copy status change")
        verbose_name_plural = _("controlled copy status changes")


class InventoryCheck(CompanyScopedModel):
    """The periodic (yearly by default) check of every item expected on site."""

    year = models.PositiveSmallIntegerField(_("year"))
    started_by = models.ForeignKey(USER, verbose_name=_("started by"), null=True, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=InventoryStatus.choices,
                              default=InventoryStatus.OPEN)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("inventory check")
        verbose_name_plural = _("inventory checks")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="property_inventory_year_unique")]

    def __str__(self) -> str:
        return str(self.year)


class InventoryCheckChange(StatusChangeBase):
    """One status change of an inventory check (started, closed)."""

    RECORD_FIELD = "check_run"
    check_run = models.ForeignKey(InventoryCheck, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(InventoryStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("inventory check status change")
        verbose_name_plural = _("inventory check status changes")


class InventoryLine(CompanyScopedModel):
    """One item of an inventory check, confirmed by its keeping department."""

    check_run = models.ForeignKey(InventoryCheck, verbose_name=_("inventory check"), on_delete=models.CASCADE,
                                  related_name="lines")
    item = models.ForeignKey(PropertyItem, verbose_name=_("customer property item"), on_delete=models.PROTECT,
                             related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("keeping department"),
                                   on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=20, choices=InventoryResult.choices, blank=True)
    condition_note = models.CharField(_("condition"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(USER, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    damage_report = models.ForeignKey(DamageReport, verbose_name=_("damage or loss report"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("inventory line")
        verbose_name_plural = _("inventory lines")
        ordering = ["department", "item"]
        constraints = [models.UniqueConstraint(fields=["check_run", "item"], name="property_inventory_item_unique")]

    def __str__(self) -> str:
        return f"{self.check_run} {self.item}"

    @property
    def number(self) -> str:
        return self.item.number

    @property
    def customer(self):
        return self.item.customer


class CustomerInformation(CompanyScopedModel):
    """A customer's confidential document or information kept as its property (issue 19 §7; seed 002 "保护客户信息:
    禁止无关人员访问和泄露"): what, whose, how confidential, and exactly who may see it — the roles and the people
    named here (and whoever registered it). Anyone else gets 404 from the page and the API."""

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="property_information")
    title = models.CharField(_("what"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=InformationKind.choices)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    kept_at = models.CharField(_("kept at"), max_length=200, blank=True)
    confidentiality = models.CharField(_("confidentiality"), max_length=20, choices=Confidentiality.choices,
                                       default=Confidentiality.CONFIDENTIAL)
    access_roles = models.CharField(_("visible to roles"), max_length=300, blank=True)
    access_users = models.ManyToManyField(USER, verbose_name=_("visible to people"), blank=True, related_name="+")
    registered_by = models.ForeignKey(USER, verbose_name=_("registered by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("customer confidential information")
        verbose_name_plural = _("customer confidential information")
        ordering = ["customer", "title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def access_role_list(self) -> list[str]:
        return [r for r in self.access_roles.split(",") if r]
