"""The customer claim, its items, documents, negotiation rounds and status changes (issue 5 §1–§2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.audit import money
from kesu.core.models import AuditedModel, CompanyScopedModel, StatusChangeBase, status_fields
from kesu.customers.choices import Currency

from ..choices import (
    Answer,
    ClaimStatus,
    DocumentKind,
    ItemKind,
    Outcome,
    ResponsibleParty,
    SettlementMethod,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Claim(CompanyScopedModel):
    """One customer claim (索赔), usually from a complaint, from collection to payment or withdrawal."""

    # Who may see its amounts, in the audit trail as on the pages (kesu.core.audit.money).
    audit_money_rule = "kesu.claims.permissions.sees_claim_money"

    number = models.CharField(_("claim number"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.COLLECTING)
    version = models.PositiveIntegerField(_("version"), default=0)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="claims")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the customer claims"), max_length=10000)
    customer_reference = models.CharField(_("customer's claim reference"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    owner = models.ForeignKey(USER, verbose_name=_("salesperson"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    exchange_rate = models.DecimalField(_("exchange rate to the base currency"), max_digits=14, decimal_places=6,
                                        default=Decimal("1"), validators=[MinValueValidator(Decimal("0.000001"))])
    claimed_amount = money(models.DecimalField(_("claimed amount"), default=Decimal("0"), **MONEY))
    # The vice GM's initial analysis and proposed settlement (seed 000 §4.2.2).
    analysis = models.TextField(_("initial analysis"), blank=True, max_length=10000)
    proposed_outcome = models.CharField(_("proposed outcome"), max_length=10, choices=Outcome.choices, blank=True)
    proposed_amount = money(models.DecimalField(_("proposed settlement"), null=True, blank=True,
                                                validators=NOT_NEGATIVE, **MONEY))
    analysed_by = models.ForeignKey(USER, verbose_name=_("analysed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Issue 18 §1: approved by the vice GM under the company's delegation, not by the GM (seed 000 §4.2.2).
    approved_by_delegation = models.BooleanField(_("approved by delegation"), default=False)
    # What the customer agreed to (the last accepted round).
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    agreed_amount = money(models.DecimalField(_("agreed amount"), null=True, blank=True, **MONEY))
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    agreement_note = models.TextField(_("customer's written agreement"), blank=True, max_length=5000)
    # The responsibility meeting (seed 000 §4.2.4).
    responsible_party = models.CharField(_("responsible party"), max_length=20, choices=ResponsibleParty.choices,
                                         blank=True)
    responsible_department = models.ForeignKey("accounts.Department", verbose_name=_("responsible department"),
                                               null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responsible_salesperson = models.ForeignKey(USER, verbose_name=_("responsible salesperson"), null=True,
                                                blank=True, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("customers.Supplier", verbose_name=_("responsible supplier"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    supplier_share = models.DecimalField(_("supplier's share (per cent)"), max_digits=5, decimal_places=2, null=True,
                                         blank=True, validators=[MinValueValidator(Decimal("0")),
                                                                 MaxValueValidator(Decimal("100"))])
    meeting_attendees = models.ManyToManyField(USER, verbose_name=_("meeting attendees"), blank=True,
                                               related_name="+")
    meeting_conclusion = models.TextField(_("meeting conclusion"), blank=True, max_length=5000)
    meeting_at = models.DateTimeField(_("meeting held"), null=True, blank=True)
    # Finance (seed 000 §3.6, §4.2.4).
    compensation_amount = money(models.DecimalField(_("compensation"), null=True, blank=True, **MONEY))
    settlement_method = models.CharField(_("paid as"), max_length=10, choices=SettlementMethod.choices, blank=True)
    settled_on = models.DateField(_("paid or credited on"), null=True, blank=True)
    settlement_reference = models.CharField(_("voucher or credit note number"), max_length=100, blank=True)
    settled_by = models.ForeignKey(USER, verbose_name=_("settled by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # Root cause after settlement (seed 000 §4.2.6, issue 18 §2): the corrective action raised at settlement, or
    # why none is needed, which QA must accept before the claim is closed.
    capa = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    no_capa_reason = models.TextField(_("why no corrective action is needed"), blank=True, max_length=5000)
    no_capa_accepted_by = models.ForeignKey(USER, verbose_name=_("reason accepted by"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    no_capa_accepted_at = models.DateTimeField(_("reason accepted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="claim_number_unique"),
            models.CheckConstraint(condition=models.Q(claimed_amount__gte=0), name="claim_claimed_not_negative"),
            models.CheckConstraint(condition=models.Q(exchange_rate__gt=0), name="claim_rate_positive"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "received_on"], name="claim_company_status_idx"),
            models.Index(fields=["company", "customer", "received_on"], name="claim_company_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        super().clean()
        for name in ("customer", "part", "complaint", "supplier"):
            related = getattr(self, name) if getattr(self, f"{name}_id", None) else None
            if related is not None and self.company_id and related.company_id != self.company_id:
                raise ValidationError({name: _("Choose a record of the claim's company.")})
        if self.complaint_id and self.customer_id and self.complaint.customer_id != self.customer_id:
            raise ValidationError({"complaint": _("The complaint is of another customer.")})


class ClaimItem(AuditedModel):
    """One line of what is claimed, and what finance settles for it."""

    # Who may see its amounts, in the audit trail as on the pages (kesu.core.audit.money).
    audit_money_rule = "kesu.claims.permissions.sees_claim_money"

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit_price = money(models.DecimalField(_("unit price"), validators=NOT_NEGATIVE, **MONEY))
    claimed_amount = money(models.DecimalField(_("claimed"), **MONEY))
    settled_amount = money(models.DecimalField(_("settled"), null=True, blank=True, validators=NOT_NEGATIVE,
                                               **MONEY))

    class Meta:
        verbose_name = _("claim item")
        verbose_name_plural = _("claim items")
        ordering = ["claim", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(claimed_amount__gte=0), name="claim_item_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description}".strip()


def _document_path(instance: ClaimDocument, filename: str) -> str:
    return f"claims/{instance.claim.company_id}/{instance.claim_id}/{filename}"


def _thumbnail_path(instance: ClaimDocument, filename: str) -> str:
    # Beside the original (issue 17 §8).
    return f"claims/{instance.claim.company_id}/{instance.claim_id}/{filename}"


class ClaimDocument(AuditedModel):
    """A document or invoice sales collected (checked type and size, content hash kept)."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_thumbnail_path, max_length=220, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["claim", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class NegotiationRound(AuditedModel):
    """One offer made to the customer and the customer's answer (the loop repeats until agreement)."""

    # Who may see its amounts, in the audit trail as on the pages (kesu.core.audit.money).
    audit_money_rule = "kesu.claims.permissions.sees_claim_money"

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="rounds")
    round_no = models.PositiveSmallIntegerField(_("round"))
    outcome = models.CharField(_("offered outcome"), max_length=10, choices=Outcome.choices)
    offered_amount = money(models.DecimalField(_("offered amount"), **MONEY))
    offered_at = models.DateTimeField(_("offered at"))
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("customer's answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answer_note = models.TextField(_("customer's reason or remarks"), blank=True, max_length=5000)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        ordering = ["claim", "round_no"]
        constraints = [models.UniqueConstraint(fields=["claim", "round_no"], name="negotiation_round_unique")]

    def __str__(self) -> str:
        return f"{self.claim} #{self.round_no}"


class ClaimChange(StatusChangeBase):
    """One status change of a claim (old → new, who, why, when)."""

    RECORD_FIELD = "claim"
    audit_enabled = False  # the row is the history itself; claims never audited it (money stays out of the trail)

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(ClaimStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("claim status change")
        verbose_name_plural = _("claim status changes")
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.claim}: {self.old_status} → {self.new_status}"
