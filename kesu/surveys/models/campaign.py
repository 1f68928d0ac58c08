"""Campaigns, their recipients (with the reasons they are in or out), personal invitations, competitor ratings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields
from kesu.core.privacy import EMAIL, personal

from ..choices import CampaignKind, CampaignStatus, RankingBasis
from .template import PERCENT, SurveyTemplate

USER = settings.AUTH_USER_MODEL


class Campaign(CompanyScopedModel):
    """One survey round (yearly in December per seed 001, half-yearly per seed 002, or ad hoc)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices, default=CampaignKind.YEARLY)
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
                                 related_name="campaigns")
    period_start = models.DateField(_("business period from"))
    period_end = models.DateField(_("business period to"))
    send_month = models.DateField(_("month of the survey"))
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    target_score = models.DecimalField(_("target score"), max_digits=5, decimal_places=2, validators=PERCENT)
    top_customers = models.PositiveSmallIntegerField(_("top customers by sales always included"), default=5)
    owner = models.ForeignKey(USER, verbose_name=_("owner (receives the customers' remarks)"),
                              on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answers due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    score = models.DecimalField(_("campaign score"), max_digits=5, decimal_places=2, null=True, blank=True)
    # Seed 001 §4.2.2 3: how the customers were ranked by sales when the recipients were chosen (shown on the page).
    ranking_basis = models.CharField(_("ranking by sales"), max_length=10, choices=RankingBasis.choices,
                                     default=RankingBasis.AMOUNT)
    ranking_currency = models.CharField(_("ranking currency"), max_length=3, blank=True)
    unpriced_lines = models.PositiveIntegerField(_("shipment lines without a price or rate"), default=0)
    # A post-closure survey (kind "complaint") asks about one complaint's handling; one per complaint.
    complaint = models.OneToOneField("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="satisfaction_survey")

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-send_month", "-id"]
        indexes = [models.Index(fields=["company", "send_month"], name="campaign_company_month_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The name in the reader's language: a post-closure survey's is made from its complaint's number (the
        stored name is in the installation's language, which a zh-Hant or English contact does not read)."""
        if self.kind == CampaignKind.COMPLAINT and self.complaint_id:
            from django.utils.translation import gettext

            return gettext("Complaint %(number)s: handling satisfaction") % {"number": self.complaint.number}
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("The period ends before it starts.")})
        if self.template_id and self.company_id and self.template.company_id != self.company_id:
            raise ValidationError({"template": _("Choose a template of the campaign's company.")})


class CampaignChange(StatusChangeBase):
    """One status change of a campaign (draft → open → closed; who, when, note)."""

    RECORD_FIELD = "campaign"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="changes")
    old_status, new_status = status_fields(CampaignStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("campaign status change")
        verbose_name_plural = _("campaign status changes")
        ordering = ["campaign", "at", "id"]


class Recipient(CompanyScopedModel):
    """A customer considered for the campaign, with why it is in or out (the rule's result, explained)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="recipients")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    included = models.BooleanField(_("included"), default=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    shipment_lines = models.PositiveIntegerField(_("shipment lines in the period"), default=0)
    sales_amount = models.DecimalField(_("sales in the period"), max_digits=16, decimal_places=2,
                                       default=Decimal("0"))
    sales_rank = models.PositiveIntegerField(_("rank by sales"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("survey recipient")
        verbose_name_plural = _("survey recipients")
        ordering = ["campaign", "sales_rank", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="survey_recipient_unique")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.customer}"


class Invitation(CompanyScopedModel):
    """A contact's personal link: its id and key, signed with the secret key (an altered link fails the check)."""

    recipient = models.ForeignKey(Recipient, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="invitations")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    email = personal(models.EmailField(_("e-mail"), blank=True), EMAIL)  # issue 18 §13: masked by need
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    nonce = models.CharField(_("link key"), max_length=32)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["recipient", "id"]

    def __str__(self) -> str:
        return f"{self.recipient} → {self.email or self.contact}"


DIMENSIONS = ("cost", "quality", "delivery", "technology")


class CompetitorRating(CompanyScopedModel):
    """How a customer rates a named competitor in cost, quality, delivery and technology (seed 000 §4.3.1:
    competitiveness is compared per dimension), entered by sales for the report's comparison."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="competitor_ratings")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    competitor = models.CharField(_("competitor"), max_length=100)
    cost = models.DecimalField(_("cost (0–100)"), max_digits=5, decimal_places=2, validators=PERCENT, null=True,
                               blank=True)
    quality = models.DecimalField(_("quality (0–100)"), max_digits=5, decimal_places=2, validators=PERCENT,
                                  null=True, blank=True)
    delivery = models.DecimalField(_("delivery (0–100)"), max_digits=5, decimal_places=2, validators=PERCENT,
                                   null=True, blank=True)
    technology = models.DecimalField(_("technology (0–100)"), max_digits=5, decimal_places=2, validators=PERCENT,
                                     null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("competitor rating")
        verbose_name_plural = _("competitor ratings")
        ordering = ["campaign", "competitor", "customer"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer", "competitor"],
                                               name="competitor_rating_unique")]

    def __str__(self) -> str:
        return f"{self.competitor}: " + " / ".join(str(getattr(self, d) if getattr(self, d) is not None else "—")
                                                    for d in DIMENSIONS)

    def clean(self) -> None:
        super().clean()
        if all(getattr(self, d) is None for d in DIMENSIONS):
            raise ValidationError({"cost": _("Rate the competitor in at least one of cost, quality, delivery and "
                                             "technology.")})
