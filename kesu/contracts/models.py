"""Contract, order and tender review (《合同评审单》), change notices (《合同变更通知单》) and their history (seed 002).

Why a new app beside ``kesu.customers``: ``Contract``/``ContractLine`` there are master data that shipments and
complaints point at; a review is a workflow record with its own numbering (``YY-N``), sign-offs, changes and
retention (three years, seed 002). A review may link to a master contract; the master data stays where the other
modules read it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields
from kesu.core.numbering import validate_pattern
from kesu.customers.choices import Currency

from .choices import (
    Answer,
    ChangeStatus,
    Confirmation,
    Dept,
    PlanStatus,
    ReviewMode,
    ReviewStatus,
    ReviewType,
)

USER = settings.AUTH_USER_MODEL


class ReviewRules(CompanyScopedModel):
    """How one company chooses the review mode (seed 002 §6 are the defaults) and who signs what."""

    number_pattern = models.CharField(_("review number pattern"), max_length=60, default="{year2}-{seq}",
                                      help_text=_("Seed 002: AA-B, AA the year's last two digits, B the serial."))
    tender_threshold = models.DecimalField(
        _("tenders from this amount go to central review"), max_digits=16, decimal_places=2,
        default=Decimal("3000000.00"), validators=[MinValueValidator(Decimal("0"))])
    mode_contract = models.CharField(_("formal contract"), max_length=20, choices=ReviewMode.choices,
                                     default=ReviewMode.DEPARTMENT)
    mode_order = models.CharField(_("order"), max_length=20, choices=ReviewMode.choices,
                                  default=ReviewMode.DEPARTMENT)
    mode_agreement = models.CharField(_("technical / quality agreement"), max_length=20,
                                      choices=ReviewMode.choices, default=ReviewMode.DEPARTMENT)
    mode_tender_below = models.CharField(_("tender below the threshold"), max_length=20,
                                         choices=ReviewMode.choices, default=ReviewMode.BRANCH)
    mode_tender_above = models.CharField(_("tender at or above the threshold"), max_length=20,
                                         choices=ReviewMode.choices, default=ReviewMode.CENTRAL)
    mode_foreign_trade = models.CharField(_("foreign-trade contract"), max_length=20, choices=ReviewMode.choices,
                                          default=ReviewMode.CENTRAL)
    mode_informal = models.CharField(_("informal order"), max_length=20, choices=ReviewMode.choices,
                                     default=ReviewMode.SELF)
    signoff_days = models.PositiveSmallIntegerField(_("working days for each department's sign-off"), default=2)
    receipt_days = models.PositiveSmallIntegerField(_("working days to confirm a change notice"), default=1)
    branch_head = models.ForeignKey(USER, verbose_name=_("branch factory head"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    gm_proxy = models.ForeignKey(USER, verbose_name=_("GM's authorised proxy"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text=_("Seed 002 §4.3: the GM or an authorised proxy approves contracts."))

    class Meta:
        verbose_name = _("contract review rules")
        verbose_name_plural = _("contract review rules")
        constraints = [models.UniqueConstraint(fields=["company"], name="contract_rules_one_per_company")]

    def __str__(self) -> str:
        return str(self.company)

    def clean(self) -> None:
        super().clean()
        validate_pattern(self.number_pattern.replace("{year2}", "{year}"))


class ContractReview(CompanyScopedModel):
    """One review record (《合同评审单》) of a contract, order, tender, agreement or informal order."""

    number = models.CharField(_("review number"), max_length=30, editable=False)
    review_type = models.CharField(_("type"), max_length=20, choices=ReviewType.choices)
    mode = models.CharField(_("review mode"), max_length=20, choices=ReviewMode.choices, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    revision = models.PositiveSmallIntegerField(_("contract version"), default=1, editable=False)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    contract = models.ForeignKey("customers.Contract", verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reviews")
    title = models.CharField(_("subject"), max_length=200)
    customer_reference = models.CharField(_("customer's reference"), max_length=60, blank=True)
    received_on = models.DateField(_("received on"))
    owner = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, on_delete=models.PROTECT,
                              related_name="+")
    created_by = models.ForeignKey(USER, verbose_name=_("created by"), null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    # Money: in the contract's currency, converted at the rate recorded on the review (kesu.claims.money).
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, default=Decimal("0.00"),
                                 validators=[MinValueValidator(Decimal("0"))])
    exchange_rate = models.DecimalField(_("rate to the base currency"), max_digits=14, decimal_places=6,
                                        default=Decimal("1"), validators=[MinValueValidator(Decimal("0.000001"))])
    amount_base = models.DecimalField(_("amount in base currency"), max_digits=16, decimal_places=2,
                                      default=Decimal("0.00"), editable=False)
    # The review items (seed 002 §6 and the 合同评审单 form).
    product_name = models.CharField(_("product name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=200, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    quality_requirements = models.TextField(_("quality requirements"), blank=True, max_length=5000)
    technical_requirements = models.TextField(_("technical requirements"), blank=True, max_length=5000)
    acceptance_criteria = models.TextField(_("acceptance criteria"), blank=True, max_length=5000)
    price_terms = models.CharField(_("price"), max_length=200, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True)
    packaging = models.CharField(_("packaging"), max_length=200, blank=True)
    special_requirements = models.TextField(_("customer special requirements"), blank=True, max_length=5000)
    process_requirements = models.TextField(_("production process requirements"), blank=True, max_length=5000)
    test_requirements = models.TextField(_("test requirements"), blank=True, max_length=5000)
    material_needs = models.TextField(_("material needs"), blank=True, max_length=5000)
    # The departments whose sign-off is still pending, as ",engineering,qa," (the work queue reads it in SQL).
    waiting_on = models.CharField(max_length=120, blank=True, default="", editable=False)
    signoff_due_at = models.DateTimeField(_("sign-offs due"), null=True, blank=True, editable=False)
    # When the departments still waiting were last reminded of an overdue sign-off (the job reminds once per round).
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    # Informal orders (seed 002 §6.4): the customer's confirmation of the written-down requirements.
    confirmation_method = models.CharField(_("customer confirmed by"), max_length=20, choices=Confirmation.choices,
                                           blank=True)
    confirmation_note = models.TextField(_("customer's confirmation"), blank=True, max_length=2000)
    concluded_by = models.ForeignKey(USER, verbose_name=_("concluded by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True, editable=False)
    conclusion = models.CharField(_("conclusion"), max_length=30, blank=True, editable=False)
    change_note = models.TextField(_("changes agreed with the customer"), blank=True, max_length=5000)
    gm_decision = models.TextField(_("GM's decision"), blank=True, max_length=5000)
    approver = models.ForeignKey(USER, verbose_name=_("approver"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_as_proxy = models.BooleanField(_("approved as the GM's proxy"), default=False, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contract review")
        verbose_name_plural = _("contract reviews")
        ordering = ["-received_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="contract_review_number_unique")]
        indexes = [models.Index(fields=["company", "status"], name="contract_review_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def waiting_depts(self) -> list[str]:
        return [d for d in self.waiting_on.split(",") if d]


class Signoff(CompanyScopedModel):
    """One department's answer on a review round (can / cannot meet, comment, name, time, working-day deadline)."""

    review = models.ForeignKey(ContractReview, verbose_name=_("contract review"), on_delete=models.CASCADE,
                               related_name="signoffs")
    change = models.ForeignKey("contracts.ChangeNotice", verbose_name=_("change notice"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="signoffs")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    dept = models.CharField(_("department"), max_length=20, choices=Dept.choices)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(USER, verbose_name=_("signed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # False once a later round (after a change agreed with the customer) asks the department again.
    current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("department sign-off")
        verbose_name_plural = _("department sign-offs")
        ordering = ["review", "change", "round", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.dept} {self.answer}"


class Revision(CompanyScopedModel):
    """The review items as they stood at each version of the contract (a change notice makes the next)."""

    review = models.ForeignKey(ContractReview, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("version"))
    items = models.JSONField(_("review items"))
    at = models.DateTimeField(_("at"))
    change = models.ForeignKey("contracts.ChangeNotice", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="contract_revision_unique")]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.number}"


class ReviewChange(StatusChangeBase):
    RECORD_FIELD = "review"
    review = models.ForeignKey(ContractReview, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(ReviewStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("contract review history")
        verbose_name_plural = _("contract review history")


class ChangeNotice(CompanyScopedModel):
    """A change of a reviewed contract or order (《合同变更通知单》): re-reviewed by the departments it affects, then
    sent to every department concerned, each confirming receipt (seed 002 §7 records)."""

    review = models.ForeignKey(ContractReview, verbose_name=_("contract review"), on_delete=models.PROTECT,
                               related_name="notices")
    number = models.CharField(_("change notice number"), max_length=40, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    description = models.TextField(_("what changes"), max_length=5000)
    new_values = models.JSONField(_("new values of the review items"), default=dict, blank=True)
    affected = models.JSONField(_("departments to re-review"), default=list)
    concerned = models.JSONField(_("departments to notify"), default=list)
    waiting_on = models.CharField(max_length=120, blank=True, default="", editable=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, editable=False)
    owner = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, on_delete=models.PROTECT,
                              related_name="+")
    created_by = models.ForeignKey(USER, verbose_name=_("created by"), null=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    issued_at = models.DateTimeField(_("notice sent at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="change_notice_number_unique")]

    def __str__(self) -> str:
        return self.number

    @property
    def customer(self):
        return self.review.customer

    def waiting_depts(self) -> list[str]:
        return [d for d in self.waiting_on.split(",") if d]


class Receipt(CompanyScopedModel):
    """One department's confirmation that it received a change notice."""

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="receipts")
    dept = models.CharField(_("department"), max_length=20, choices=Dept.choices)
    confirmed_by = models.ForeignKey(USER, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("change notice receipt")
        verbose_name_plural = _("change notice receipts")
        ordering = ["notice", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "dept"], name="change_receipt_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.dept}"


class NoticeChange(StatusChangeBase):
    RECORD_FIELD = "notice"
    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(ChangeStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("change notice history")
        verbose_name_plural = _("change notice history")


class DeliveryPlan(CompanyScopedModel):
    """A customer's order taken to a delivery plan (顾客需求管理程序): the order (formal or a note), clarified with the
    customer when unclear, entered on the production notice (《生产通知表》); engineering checks the capability, the
    warehouse the materials, production the capacity; outsourced, when needed, to an approved outsourcer with its
    confirmed date; the delivery plan (《交货计划表》) approved by the vice GM and confirmed by the customer, then
    distributed to the departments, who sign for it. Scheduling stays in the ERP, which reads the approved plan."""

    number = models.CharField(_("delivery plan number"), max_length=40, editable=False)
    review = models.ForeignKey(ContractReview, verbose_name=_("contract review"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="plans")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    order_reference = models.CharField(_("customer order"), max_length=60)
    order_text = models.TextField(_("order content"), max_length=5000)
    clarification = models.TextField(_("clarified with the customer"), blank=True, max_length=5000)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True, blank=True)
    due_on = models.DateField(_("delivery date asked"), null=True, blank=True)
    waiting_on = models.CharField(max_length=120, blank=True, default="", editable=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, editable=False)
    checks = models.JSONField(_("checks"), default=dict, blank=True, editable=False)
    outsourcer = models.ForeignKey("customers.Supplier", verbose_name=_("outsourcer"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    outsource_date = models.DateField(_("outsourcer's confirmed date"), null=True, blank=True)
    plan = models.TextField(_("delivery plan"), blank=True, max_length=5000)
    first_delivery = models.DateField(_("first delivery"), null=True, blank=True)
    last_delivery = models.DateField(_("last delivery"), null=True, blank=True)
    proposed_by = models.ForeignKey(USER, verbose_name=_("planned by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    customer_confirmation = models.TextField(_("customer's confirmation"), blank=True, max_length=2000)
    confirmed_at = models.DateTimeField(_("confirmed by the customer at"), null=True, blank=True, editable=False)
    receipts = models.JSONField(_("signed for"), default=dict, blank=True, editable=False)
    owner = models.ForeignKey(USER, verbose_name=_("planner"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery plan")
        verbose_name_plural = _("delivery plans")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="delivery_plan_number_unique")]

    def __str__(self) -> str:
        return self.number

    def waiting_depts(self) -> list[str]:
        return [d for d in self.waiting_on.split(",") if d]


class DeliveryPlanChange(StatusChangeBase):
    RECORD_FIELD = "plan"
    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(PlanStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("delivery plan history")
        verbose_name_plural = _("delivery plan history")


class ApprovedOutsourcer(CompanyScopedModel):
    """One line of the approved-outsourcer list (《外包加工商清单》, 顾客需求管理程序 §5.4.2: outsourced work goes
    only to a qualified outsourcer on the list, managed under 《外包加工商管理程序》): which supplier, for what
    work, approved by whom, until when; withdrawn with the reason, never deleted."""

    supplier = models.ForeignKey("customers.Supplier", verbose_name=_("outsourcer"), on_delete=models.PROTECT,
                                 related_name="+")
    scope = models.CharField(_("approved for"), max_length=200, blank=True)
    approved_on = models.DateField(_("approved on"))
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=2000, editable=False)

    class Meta:
        verbose_name = _("approved outsourcer")
        verbose_name_plural = _("approved-outsourcer list")
        ordering = ["supplier__code"]
        constraints = [models.UniqueConstraint(fields=["company", "supplier"], name="approved_outsourcer_unique")]

    def __str__(self) -> str:
        return str(self.supplier)

    def approved_on_day(self, day) -> bool:
        """On the list that day: approved by then, not withdrawn, not expired."""
        return (self.approved_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)
                and (self.valid_until is None or self.valid_until >= day))


class ReviewMeeting(CompanyScopedModel):
    """The record of a central review meeting (集中评审, seed 002 §6: tenders at or above the threshold and
    foreign-trade contracts; 合同评审会议 "并进行相关记录"): when and where, who chaired and attended, what was
    decided and who does what next. Linked to its review and printed with it."""

    review = models.ForeignKey(ContractReview, verbose_name=_("contract review"), on_delete=models.CASCADE,
                               related_name="meetings")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chaired_by = models.ForeignKey(USER, verbose_name=_("chaired by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(USER, verbose_name=_("attendees"), related_name="+")
    other_attendees = models.CharField(_("other attendees"), max_length=500, blank=True,
                                       help_text=_("People not in Kesu, e.g. the customer's representatives."))
    decisions = models.TextField(_("decisions"), max_length=5000)
    actions = models.TextField(_("actions agreed"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("central review meeting")
        verbose_name_plural = _("central review meetings")
        ordering = ["review", "held_at", "id"]

    def __str__(self) -> str:
        return f"{self.review.number} {self.held_at:%Y-%m-%d}"
