"""The records hanging off one complaint: status changes, proposals, dispositions, meetings, deadlines, escalations, timeline, attachments, search text."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields

from ..choices import (
    Channel,
    CustomerDecision,
    DeadlineKind,
    Direction,
    DispositionKind,
    EscalationStep,
    InspectionResult,
    Status,
    TimelineKind,
    VerificationResult,
)
from .base import USER
from .complaint import Complaint


class ComplaintChild(CompanyScopedModel):
    """Base of the records hanging off one complaint; they share its company."""

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.complaint_id and self.company_id and self.complaint.company_id != self.company_id:
            raise ValidationError({"complaint": _("It must belong to the same company.")})


class StatusChange(ComplaintChild, StatusChangeBase):
    """One move through the workflow: old → new, by whom, why (conventions habit 3)."""

    RECORD_FIELD = "complaint"

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="status_changes")
    old_status, new_status = status_fields(Status.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["complaint", "at", "id"]


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
    lot_number = models.CharField(_("lot / batch / serial number"), max_length=100, blank=True)
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


class DeliveryVerification(ComplaintChild):
    """QA and sales check a later delivery of the affected part to the customer (004 §5.2(3): "对后续销售产品跟踪验证
    2次以上"): which shipment, when, by whom, and whether the problem recurred."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="delivery_verifications")
    shipment = models.ForeignKey("customers.Shipment", verbose_name=_("shipment"), on_delete=models.PROTECT,
                                 related_name="+")
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(USER, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=VerificationResult.choices)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("delivery verification")
        verbose_name_plural = _("delivery verifications")
        ordering = ["complaint", "checked_on", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "shipment"], name="delivery_verified_once")]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.get_result_display()}"


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
        indexes = [
            models.Index(fields=["met_at", "cancelled_at", "due_at"], name="deadline_open_idx"),
            # A complaint's open deadlines, earliest first: what a list row's deadline state reads
            # (selectors.with_deadline_state), from the index alone on PostgreSQL.
            models.Index(fields=["complaint", "due_at"], include=["started_at"],
                         condition=models.Q(met_at__isnull=True, cancelled_at__isnull=True),
                         name="deadline_open_complaint_idx"),
        ]

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
    # Issue 18 §12: a level set to reassign hands the complaint to its person; who had it before is kept.
    reassigned_to = models.ForeignKey(USER, verbose_name=_("reassigned to"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    reassigned_from = models.ForeignKey(USER, verbose_name=_("reassigned from"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
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


def _thumbnail_path(instance, filename: str) -> str:
    # Beside the original (issue 17 §8), so moving or backing up a folder keeps both together.
    folder = instance.file.name.rsplit("/", 1)[0] if "/" in instance.file.name else ""
    return f"{folder}/{filename}" if folder else filename


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
    thumbnail = models.FileField(_("thumbnail"), upload_to=_thumbnail_path, max_length=220, blank=True)
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
