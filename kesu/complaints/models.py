"""Complaint handling records (design §2, issue 3).

Every record is company-scoped and audited. Rows are written only by
``services.py``; status changes only by ``services.complaint_transition``
against the table in ``workflow.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel
from kesu.customers.models import same_company

from .choices import (
    AcceptanceDecision,
    Channel,
    CustomerDecision,
    DeadlineKind,
    Direction,
    DispositionKind,
    EscalationStep,
    Exclusion,
    InspectionResult,
    Responsibility,
    Severity,
    Status,
    TimelineKind,
    WarningClass,
    WindowKind,
    WindowStatus,
    YesNoUnknown,
)

USER = settings.AUTH_USER_MODEL


def _user_same_company(record: models.Model, *fields: str) -> None:
    errors = {}
    for field in fields:
        user = getattr(record, field, None)
        if user is not None and not user.is_superuser and user.company_id != record.company_id:
            errors[field] = _("It must belong to the same company.")
    if errors:
        raise ValidationError(errors)


class ComplaintCategory(CompanyScopedModel):
    """A defect category with its acceptance window (seed 004 §5.1), configurable per company."""

    code = models.CharField(_("category code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    window_kind = models.CharField(
        _("acceptance window"), max_length=20, choices=WindowKind.choices, default=WindowKind.WORKING_DAYS
    )
    window_value = models.PositiveSmallIntegerField(
        _("window length"), null=True, blank=True,
        help_text=_("Working days, or warranty months; for warranty, empty means the part's own warranty."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="complaint_category_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.window_kind == WindowKind.WORKING_DAYS and not self.window_value:
            raise ValidationError({"window_value": _("Give the number of working days of the window.")})


DEFAULT_NUMBER_PATTERN = "KS-{year}-{seq:04d}"


def validate_number_pattern(value: str) -> None:
    if "{seq" not in value:
        raise ValidationError(_("The pattern must contain {seq}, e.g. KS-{year}-{seq:04d}."))
    try:
        value.format(year=2026, seq=1, company="A")
    except (KeyError, ValueError, IndexError) as error:
        raise ValidationError(
            _("The pattern is not valid (%(error)s); use {year}, {seq} and {company}."), params={"error": error}
        ) from error


class ComplaintSettings(CompanyScopedModel):
    """Per-company numbering and deadline durations (issue 3 §1, §4; design §11)."""

    number_pattern = models.CharField(
        _("number pattern"), max_length=60, default=DEFAULT_NUMBER_PATTERN, validators=[validate_number_pattern],
        help_text=_("Placeholders: {year}, {seq} (e.g. {seq:04d}), {company}."),
    )
    gap_free_per_year = models.BooleanField(
        _("gap-free numbers within a year"), default=True,
        help_text=_("Numbers restart at 1 each year and no number is skipped."),
    )
    pass_on_working_days = models.PositiveSmallIntegerField(_("pass on within (working days)"), default=1)
    reply_hours = models.PositiveSmallIntegerField(_("reply to the customer within (hours)"), default=24)
    sales_remedy_hours = models.PositiveSmallIntegerField(_("sales remedy within (hours)"), default=48)
    hours_are_working_hours = models.BooleanField(
        _("count hour limits in working hours"), default=False,
        help_text=_("Design §11: hour limits are calendar hours unless the company sets working hours."),
    )
    qa_opinion_minor_wd = models.PositiveSmallIntegerField(_("QA opinion, minor (working days)"), default=1)
    qa_opinion_severe_wd = models.PositiveSmallIntegerField(_("QA initial opinion, severe (working days)"), default=2)
    department_answer_wd = models.PositiveSmallIntegerField(_("department answer (working days)"), default=2)
    initial_report_approval_wd = models.PositiveSmallIntegerField(
        _("initial report approval (working days)"), default=1
    )
    at_risk_fraction = models.DecimalField(
        _("at risk when this share of the time is left"), max_digits=3, decimal_places=2, default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    verification_shipments = models.PositiveSmallIntegerField(
        _("later shipments to verify a severe complaint"), default=2
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("repeat complaint window (days)"), default=180)
    escalation_chain = models.JSONField(
        _("escalation chain"), default=list, blank=True,
        help_text=_("Steps in order: owner, department_head, director, gm."),
    )
    escalation_interval_hours = models.PositiveSmallIntegerField(
        _("hours between escalation steps"), default=24
    )

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")
        constraints = [
            models.UniqueConstraint(fields=["company"], name="complaint_settings_one_per_company"),
            models.CheckConstraint(
                condition=models.Q(at_risk_fraction__gte=0) & models.Q(at_risk_fraction__lte=1),
                name="complaint_settings_at_risk_fraction_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Complaint settings"))

    def clean(self) -> None:
        if self.gap_free_per_year and "{year" not in (self.number_pattern or ""):
            raise ValidationError(
                {"number_pattern": _("A yearly gap-free sequence needs {year} in the pattern.")}
            )
        valid = {step.value for step in EscalationStep}
        chain = self.escalation_chain or []
        if not isinstance(chain, list) or any(step not in valid for step in chain):
            raise ValidationError(
                {"escalation_chain": _("Use only these steps: %(steps)s.") % {"steps": ", ".join(sorted(valid))}}
            )

    @property
    def chain(self) -> list[str]:
        return list(self.escalation_chain or [EscalationStep.OWNER, EscalationStep.DEPARTMENT_HEAD,
                                              EscalationStep.DIRECTOR])


# Durations a customer may override (issue 3 §4: configurable per company and per customer).
OVERRIDABLE_DURATIONS = (
    "pass_on_working_days", "reply_hours", "sales_remedy_hours", "qa_opinion_minor_wd",
    "qa_opinion_severe_wd", "department_answer_wd", "initial_report_approval_wd", "verification_shipments",
)


class CustomerDeadlineOverride(CompanyScopedModel):
    """Durations agreed with one customer; an empty field keeps the company's value."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    pass_on_working_days = models.PositiveSmallIntegerField(_("pass on within (working days)"), null=True, blank=True)
    reply_hours = models.PositiveSmallIntegerField(_("reply to the customer within (hours)"), null=True, blank=True)
    sales_remedy_hours = models.PositiveSmallIntegerField(_("sales remedy within (hours)"), null=True, blank=True)
    qa_opinion_minor_wd = models.PositiveSmallIntegerField(_("QA opinion, minor (working days)"), null=True, blank=True)
    qa_opinion_severe_wd = models.PositiveSmallIntegerField(
        _("QA initial opinion, severe (working days)"), null=True, blank=True
    )
    department_answer_wd = models.PositiveSmallIntegerField(
        _("department answer (working days)"), null=True, blank=True
    )
    initial_report_approval_wd = models.PositiveSmallIntegerField(
        _("initial report approval (working days)"), null=True, blank=True
    )
    verification_shipments = models.PositiveSmallIntegerField(
        _("later shipments to verify a severe complaint"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("customer deadline override")
        verbose_name_plural = _("customer deadline overrides")
        constraints = [models.UniqueConstraint(fields=["customer"], name="customer_deadline_override_unique")]

    def __str__(self) -> str:
        return str(self.customer)

    def clean(self) -> None:
        same_company(self, "customer")


class NumberSequence(CompanyScopedModel):
    """The last complaint number handed out per company and year; locked row by row while numbering."""

    audit_enabled = False  # every complaint's own audit entry already shows its number

    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("complaint number sequence")
        verbose_name_plural = _("complaint number sequences")
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="complaint_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


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
    # Who and where.
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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
            models.Index(fields=["company", "customer"], name="complaint_company_customer_idx"),
            models.Index(fields=["company", "received_at"], name="complaint_company_received_idx"),
            models.Index(fields=["owner", "status"], name="complaint_owner_status_idx"),
            models.Index(fields=["customer", "part", "category", "received_at"], name="complaint_repeat_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        same_company(
            self, "customer", "contact", "contract", "shipment", "part", "category",
            "responsible_department", "responsible_supplier", "department",
        )
        _user_same_company(self, "owner")
        errors: dict[str, str] = {}
        customer_id = self.customer_id
        if customer_id:
            if self.contact_id and self.contact.customer_id != customer_id:
                errors["contact"] = _("The contact must be a contact of the complaint's customer.")
            if self.contract_id and self.contract.customer_id != customer_id:
                errors["contract"] = _("The contract must be a contract of the complaint's customer.")
            if self.shipment_id and self.shipment.customer_id != customer_id:
                errors["shipment"] = _("The shipment must be a shipment to the complaint's customer.")
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
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class ComplaintChild(CompanyScopedModel):
    """Base of the records hanging off one complaint; they share its company."""

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.complaint_id and self.company_id and self.complaint.company_id != self.company_id:
            raise ValidationError({"complaint": _("It must belong to the same company.")})


class StatusChange(ComplaintChild):
    """One move through the workflow: old → new, by whom, why (conventions habit 3)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="status_changes")
    action = models.CharField(_("action"), max_length=40)
    old_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.TextField(_("note"), blank=True, max_length=5000)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["complaint", "at", "id"]

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status}"


class RemedyProposal(ComplaintChild):
    """One round of the propose → customer decides loop (000 §4.1.2, §4.1.4)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="remedies")
    round = models.PositiveSmallIntegerField(_("round"), validators=[MinValueValidator(1)])
    text = models.TextField(_("remedy"), max_length=20000)
    proposed_by = models.ForeignKey(USER, verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    customer_decision = models.CharField(_("customer's decision"), max_length=10, choices=CustomerDecision.choices,
                                         default=CustomerDecision.PENDING)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=5000)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remedy proposal")
        verbose_name_plural = _("remedy proposals")
        ordering = ["complaint", "round"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "round"], name="remedy_round_unique"),
            models.CheckConstraint(condition=models.Q(round__gte=1), name="remedy_round_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.round}"

    def clean(self) -> None:
        super().clean()
        if self.customer_decision == CustomerDecision.REJECTED and not self.decision_reason.strip():
            raise ValidationError({"decision_reason": _("Say why the customer rejected the remedy.")})


class DispositionLine(ComplaintChild):
    """What happens to the goods (004 §7); mis-order returns need approval and inspection (004 §6.6)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="dispositions")
    kind = models.CharField(_("disposition"), max_length=20, choices=DispositionKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note"), blank=True, max_length=2000)
    mis_order = models.BooleanField(_("customer mis-order"), default=False)
    regional_manager_approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by regional manager"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    regional_manager_approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    incoming_inspection_result = models.CharField(
        _("incoming inspection"), max_length=10, choices=InspectionResult.choices, default=InspectionResult.PENDING
    )
    restocked_at = models.DateTimeField(_("restocked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disposition line")
        verbose_name_plural = _("disposition lines")
        ordering = ["complaint", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="disposition_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(restocked_at__isnull=True) | models.Q(incoming_inspection_result="pass"),
                name="disposition_restock_needs_passed_inspection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.quantity}"

    def clean(self) -> None:
        super().clean()
        if self.mis_order and self.kind != DispositionKind.RETURN:
            raise ValidationError({"mis_order": _("Only a return can be marked as a customer mis-order.")})
        if self.restocked_at and self.incoming_inspection_result != InspectionResult.PASS:
            raise ValidationError(
                {"restocked_at": _("Returned goods go back to stock only after passing incoming inspection.")}
            )


class AdHocMeeting(ComplaintChild):
    """The ad-hoc meeting a major quality problem needs (000 §4.1.3 a)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="meetings")
    held_at = models.DateTimeField(_("held at"))
    attendees = models.ManyToManyField(USER, verbose_name=_("attendees"), related_name="+")
    departments = models.ManyToManyField("accounts.Department", verbose_name=_("departments"), related_name="+")
    conclusions = models.TextField(_("conclusions"), max_length=20000)
    actions = models.TextField(_("actions"), blank=True, max_length=20000)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("ad-hoc meeting")
        verbose_name_plural = _("ad-hoc meetings")
        ordering = ["complaint", "held_at"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d}"


class Deadline(ComplaintChild):
    """One timed duty on a complaint (004 §6, design §11) with its escalation progress."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="deadlines")
    kind = models.CharField(_("deadline"), max_length=30, choices=DeadlineKind.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The deadline reaches into a year whose statutory calendar is not loaded yet."),
    )
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("no longer needed since"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    last_escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["complaint", "due_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_at__gte=models.F("started_at")),
                                   name="deadline_due_after_start"),
        ]
        indexes = [models.Index(fields=["met_at", "cancelled_at", "due_at"], name="deadline_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None


class Escalation(ComplaintChild):
    """An overdue deadline brought to the next person up the chain (issue 3 §4)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="escalations")
    deadline = models.ForeignKey(Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE,
                                 related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    step = models.CharField(_("step"), max_length=20, choices=EscalationStep.choices)
    recipients = models.ManyToManyField(USER, verbose_name=_("recipients"), related_name="+", blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["complaint", "at"]
        constraints = [models.UniqueConstraint(fields=["deadline", "level"], name="escalation_level_once")]

    def __str__(self) -> str:
        return f"{self.deadline_id} L{self.level}"


class TimelineEntry(ComplaintChild):
    """Everything that happened on a complaint, in order (issue 3 §5); internal entries never reach the customer."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="timeline")
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    summary = models.TextField(_("summary"), max_length=20000)
    internal = models.BooleanField(_("internal"), default=True)
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["complaint", "at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="timeline_complaint_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if self.kind == TimelineKind.COMMUNICATION:
            errors = {}
            if not self.direction:
                errors["direction"] = _("Say whether the customer or we communicated.")
            if not self.channel:
                errors["channel"] = _("Choose the channel.")
            if self.internal:
                errors["internal"] = _("A communication with the customer is not internal.")
            if errors:
                raise ValidationError(errors)


def _attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    # The stored name is the content hash, never the uploader's file name (no path tricks, no clashes).
    return f"complaints/{instance.company_id}/{instance.sha256[:2]}/{instance.sha256}"


class ComplaintAttachment(ComplaintChild):
    """A photo, PDF or Office file of a complaint or of one timeline entry (issue 3 §1, §5).

    The SHA-256 of the content is kept and checked again on every download,
    so a file changed on disk behind the system's back is refused, not served.
    """

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="attachments")
    entry = models.ForeignKey(TimelineEntry, verbose_name=_("timeline entry"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64)
    internal = models.BooleanField(_("internal"), default=True)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["complaint", "uploaded_at", "id"]
        indexes = [models.Index(fields=["complaint", "uploaded_at"], name="attachment_complaint_idx")]

    def __str__(self) -> str:
        return self.name


class ComplaintSearchDocument(models.Model):
    """The searchable text of one complaint in indexed form (see ``search.py``); not audited, derived data."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, primary_key=True,
                                     related_name="search_document")
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.complaint_id)
