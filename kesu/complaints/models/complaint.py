"""The complaint itself: the Quality Information Feedback form plus assessment, responsibility and status."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel
from kesu.customers.models import same_company

from ..choices import (
    OPEN_STATUSES,
    AcceptanceDecision,
    Channel,
    Exclusion,
    Priority,
    Responsibility,
    Severity,
    Status,
    WarningClass,
    WindowStatus,
    YesNoUnknown,
)
from .base import USER, _user_same_company
from .config import ComplaintCategory, DefectType


class Complaint(CompanyScopedModel):
    """A customer complaint: the Quality Information Feedback form (质量信息反馈单, 000 §4.1.1, 004 §5.2)."""

    number = models.CharField(_("complaint number"), max_length=60)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    contact = models.ForeignKey(
        "customers.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="complaints",
    )
    contract = models.ForeignKey(
        "customers.Contract", verbose_name=_("contract"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    shipment = models.ForeignKey(
        "customers.Shipment", verbose_name=_("shipment"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    part = models.ForeignKey(
        "customers.Part", verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    # ISO 10002 §7.2 / traceability (IATF 16949 §8.5.2): which lot, batch or serial numbers are affected.
    lot_number = models.CharField(_("lot / batch / serial number"), max_length=100, blank=True)
    # The Quality Information Feedback form (design §2, 004 §5.2(1)).
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    quantity_shipped = models.PositiveIntegerField(_("quantity shipped"), null=True, blank=True)
    quantity_defective = models.PositiveIntegerField(_("quantity defective"), null=True, blank=True)
    defect_location = models.CharField(_("defect location"), max_length=200, blank=True)
    defect_nature = models.CharField(_("defect nature"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("defect occurred at"), null=True, blank=True)
    operated_as_instructed = models.CharField(
        _("operated and maintained as instructed"), max_length=10, choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    customer_request = models.TextField(_("customer's request"), blank=True, max_length=5000)
    description = models.TextField(_("description"), max_length=20000)
    # Acceptance check (seed 004 §5.1).
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    defect_type = models.ForeignKey(
        DefectType, verbose_name=_("defect type"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    exclusion = models.CharField(_("exclusion"), max_length=20, choices=Exclusion.choices, default=Exclusion.NONE)
    window_status = models.CharField(
        _("acceptance window"), max_length=10, choices=WindowStatus.choices, default=WindowStatus.UNKNOWN
    )
    window_reason = models.CharField(_("why"), max_length=500, blank=True)
    window_last_day = models.DateField(_("last day of the window"), null=True, blank=True)
    acceptance_decision = models.CharField(
        _("acceptance decision"), max_length=20, choices=AcceptanceDecision.choices, blank=True
    )
    acceptance_note = models.TextField(_("acceptance note"), blank=True, max_length=2000)
    # Initial assessment.
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    safety_or_regulatory_impact = models.BooleanField(_("safety or regulatory impact"), default=False)
    warning_class = models.CharField(_("early-warning class"), max_length=10, choices=WarningClass.choices, blank=True)
    # ISO 10002 §7.3: derived from severity, safety impact and the customer's importance (services.priority);
    # QA may override it with a reason, which stays until cleared.
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    priority_override_reason = models.CharField(_("why the priority was overridden"), max_length=500, blank=True)
    priority_overridden_by = models.ForeignKey(
        USER, verbose_name=_("priority overridden by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    closure_due_at = models.DateTimeField(_("to be closed by"), null=True, blank=True)
    escalated_to_qa = models.BooleanField(_("escalated to QA"), default=False)
    cause_hard_to_find = models.BooleanField(_("cause hard to find"), default=False)
    # Investigation and responsibility.
    responsibility = models.CharField(
        _("responsibility"), max_length=20, choices=Responsibility.choices, blank=True
    )
    responsible_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("responsible department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    responsible_supplier = models.ForeignKey(
        "customers.Supplier", verbose_name=_("responsible supplier"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints",
    )
    needs_corrective_action = models.BooleanField(_("needs corrective action"), default=False)
    root_cause = models.TextField(_("root cause"), blank=True, max_length=10000)
    initial_report = models.TextField(_("initial analysis report"), blank=True, max_length=20000)
    initial_report_submitted_at = models.DateTimeField(_("initial report submitted at"), null=True, blank=True)
    initial_report_approved_by = models.ForeignKey(
        USER, verbose_name=_("initial report approved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    initial_report_approved_at = models.DateTimeField(_("initial report approved at"), null=True, blank=True)
    explanation = models.TextField(_("written explanation"), blank=True, max_length=20000)
    explanation_evidence = models.TextField(_("evidence"), blank=True, max_length=10000)
    # 003 §5.4.2: QA prepares the written explanation, someone else approves it, then sales sends it.
    explanation_prepared_by = models.ForeignKey(
        USER, verbose_name=_("explanation prepared by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    explanation_prepared_at = models.DateTimeField(_("explanation prepared at"), null=True, blank=True)
    explanation_approved_by = models.ForeignKey(
        USER, verbose_name=_("explanation approved by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    explanation_approved_at = models.DateTimeField(_("explanation approved at"), null=True, blank=True)
    # ISO 10002 §6.4 (objectivity): who made the nonconformity may not investigate it.
    responsible_person = models.ForeignKey(
        USER, verbose_name=_("person who caused the nonconformity"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Who and where.
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment_override_reason = models.CharField(
        _("why the conflict of interest was accepted"), max_length=500, blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    version = models.PositiveIntegerField(_("version"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    remedy_done_at = models.DateTimeField(_("remedy carried out at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # 004 §5.2(3): a later delivery on which the problem came back sends the complaint back to investigation.
    recurrence_count = models.PositiveSmallIntegerField(_("recurrences on later deliveries"), default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [("transition_complaint", _("Can move complaints through their workflow"))]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="complaint_number_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity_shipped__gte=0) | models.Q(quantity_shipped__isnull=True),
                name="complaint_quantity_shipped_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_defective__gte=0) | models.Q(quantity_defective__isnull=True),
                name="complaint_quantity_defective_not_negative",
            ),
            models.CheckConstraint(condition=~models.Q(number=""), name="complaint_number_not_empty"),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="complaint_company_status_idx"),
            # One customer's complaints newest first (the list filtered by customer, a customer's history): the
            # page's 50 are the index's first entries instead of all of the customer's complaints read and sorted
            # (a customer with 20,000 complaints: 60 ms → under 1 ms); its first two columns serve what the
            # (company, customer) index it replaces served.
            models.Index(fields=["company", "customer", "-received_at", "-id"], name="complaint_co_cust_received_idx"),
            # The same for one part's complaints (the analyses' drill-down by part, an engineer's look at a part's
            # history): a part with 60,000 complaints at ten million was counted through two bitmaps (220 ms) and
            # its newest 50 found by walking the company's complaints (80 ms).
            models.Index(fields=["company", "part", "-received_at", "-id"], name="complaint_co_part_received_idx"),
            # And one owner's (a manager's look at one person's complaints): 895,500 of them at ten million were
            # counted by a parallel scan of the table (90 ms) and the newest 50 found by walking the company's.
            models.Index(fields=["company", "owner", "-received_at", "-id"], name="complaint_co_own_received_idx"),
            # Also the analyses' scan (kesu/reports/analyses.py): on PostgreSQL the columns they group and count
            # ride along in the index, so a year of a group's complaints is read from the index alone.
            models.Index(fields=["company", "received_at"], name="complaint_company_received_idx",
                         include=["status", "customer", "part", "category", "responsibility", "quantity_defective",
                                  "closed_at", "first_response_at", "reopen_count", "defect_nature"]),
            # The newest first across several companies (a group's view): walked in order, stops at one page.
            models.Index(fields=["-received_at", "-id"], name="complaint_received_idx"),
            models.Index(fields=["owner", "status"], name="complaint_owner_status_idx"),
            # The open complaints of every company, a few among millions: the work queues' sources that reach a
            # complaint's status through another table (returned goods) start here instead of scanning them all.
            models.Index(fields=["status"], condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                         name="complaint_open_idx"),
            # The list's default view (open complaints, newest first), for one company or a group: walked in
            # order, it stops at one page however many complaints are open (72 → 3 ms at ten million).
            models.Index(fields=["-received_at", "-id"], condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                         name="complaint_open_received_idx"),
            # The same for one company (a salesperson's or quality engineer's default list): PostgreSQL read the
            # company's open complaints through the status indexes and sorted them (1,870 at a million, 1.9 ms);
            # here it walks the company's newest open ones to the page's 50 (0.1–0.3 ms).
            models.Index(fields=["company", "-received_at", "-id"], condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                         name="complaint_co_open_received_idx"),
            # The list's count when filtered by severity and/or early-warning class (an index-only scan).
            models.Index(fields=["company", "severity", "warning_class"], name="complaint_company_severity_idx"),
            models.Index(fields=["customer", "part", "category", "received_at"], name="complaint_repeat_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        same_company(
            self, "customer", "contact", "contract", "shipment", "part", "category",
            "responsible_department", "responsible_supplier", "department", "defect_type",
        )
        _user_same_company(self, "owner", "responsible_person")
        errors: dict[str, str] = {}
        customer_id = self.customer_id
        if customer_id:
            if self.contact_id and self.contact.customer_id != customer_id:
                errors["contact"] = _("The contact must be a contact of the complaint's customer.")
            if self.contract_id and self.contract.customer_id != customer_id:
                errors["contract"] = _("The contract must be a contract of the complaint's customer.")
            if self.shipment_id and self.shipment.customer_id != customer_id:
                errors["shipment"] = _("The shipment must be a shipment to the complaint's customer.")
        if self.defect_type_id and self.defect_type.category_id != self.category_id:
            errors["defect_type"] = _("The defect type must be one of the chosen category's.")
        if self.shipment_id and self.part_id and self.shipment.part_id != self.part_id:
            errors["part"] = _("The part must be the shipment's part.")
        if (
            self.quantity_defective is not None and self.quantity_shipped is not None
            and self.quantity_defective > self.quantity_shipped
        ):
            errors["quantity_defective"] = _("More parts cannot be defective than were shipped.")
        if self.received_at and self.delivery_date and self.delivery_date > self.received_at.date() + datetime.timedelta(days=1):
            errors["delivery_date"] = _("The delivery date cannot be after the complaint was received.")
        if self.responsibility == Responsibility.OURS and not self.responsible_department_id:
            errors["responsible_department"] = _("Name the responsible department when the responsibility is ours.")
        if self.responsibility == Responsibility.SUPPLIER and not self.responsible_supplier_id:
            errors["responsible_supplier"] = _("Name the responsible supplier.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        from ..choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES
