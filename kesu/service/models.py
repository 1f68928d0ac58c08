"""Customer service records: visits and return visits (issue 21 §2)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields

from .choices import (
    Confirmation,
    JobKind,
    MarketKind,
    MarkKind,
    PlanReason,
    PlanStatus,
    QualityReportStatus,
    ReportPeriod,
    VisitKind,
    VisitPurpose,
)

USER = settings.AUTH_USER_MODEL


class Visit(CompanyScopedModel):
    """An on-site visit or a phone return visit (《顾客回访信息表》, 《电话回访登记表》)."""

    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.ONSITE)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="service_visits")
    contacts = models.ManyToManyField("customers.Contact", verbose_name=_("contacts met"), blank=True,
                                      related_name="service_visits")
    contacts_text = models.CharField(_("other people met"), max_length=300, blank=True)
    visited_by = models.ForeignKey(USER, verbose_name=_("who went"), on_delete=models.PROTECT, related_name="+")
    companions = models.CharField(_("accompanied by"), max_length=200, blank=True)
    visited_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=VisitPurpose.choices,
                               default=VisitPurpose.ROUTINE)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint followed up"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="service_follow_ups")
    view_quality = models.TextField(_("quality"), blank=True, max_length=2000)
    view_delivery = models.TextField(_("delivery"), blank=True, max_length=2000)
    view_service = models.TextField(_("service"), blank=True, max_length=2000)
    view_price = models.TextField(_("price"), blank=True, max_length=2000)
    view_needs = models.TextField(_("new needs"), blank=True, max_length=2000)
    findings = models.TextField(_("findings"), blank=True, max_length=5000)
    negative = models.BooleanField(
        _("negative view"), default=False, db_index=True,
        help_text=_("The customer's view is negative / dissatisfied (read by the complaint early warning)."))
    confirmation = models.CharField(_("improvement confirmed by the customer"), max_length=20, blank=True,
                                    choices=Confirmation.choices)
    confirmation_note = models.CharField(_("what the customer said"), max_length=500, blank=True)
    finding_complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint raised from the finding"),
                                          null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="service_findings")
    finding_action = models.ForeignKey("capa.CorrectiveAction",
                                       verbose_name=_("corrective action raised from the finding"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="service_findings")
    finding_signal = models.ForeignKey("prevention.WarningSignal",
                                       verbose_name=_("early-warning signal raised from the finding"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="service_findings")
    finding_review = models.ForeignKey("contracts.ContractReview",
                                       verbose_name=_("enquiry (informal order) raised from the finding"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="service_findings")
    quality_report = models.ForeignKey("service.QualityReport", verbose_name=_("quality report reported back"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="report_back_visits")
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["company", "visited_on"], name="service_visit_company_day_idx"),
                   models.Index(fields=["customer", "visited_on"], name="service_visit_customer_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer} {self.visited_on:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.purpose == VisitPurpose.AFTER_CLOSURE and not self.complaint_id:
            errors["complaint"] = _("Name the closed complaint this visit follows up.")
        if self.confirmation and not self.complaint_id:
            errors["confirmation"] = _("Only a visit that follows up a complaint records the customer's confirmation.")
        if errors:
            raise ValidationError(errors)


MONTHS = [MinValueValidator(1), MaxValueValidator(12)]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ServiceRules(CompanyScopedModel):
    """The company's rules for next year's service plan (defaults from seed 002 §5.2.1)."""

    existing_visit_every = models.PositiveSmallIntegerField(
        _("existing customers: a visit every … months"), default=6, validators=MONTHS)
    existing_survey_every = models.PositiveSmallIntegerField(
        _("existing customers: a satisfaction survey every … months"), default=6, validators=MONTHS)
    potential_visit_every = models.PositiveSmallIntegerField(
        _("potential customers: a visit every … months"), default=1, validators=MONTHS)
    top_customers = models.PositiveSmallIntegerField(
        _("top customers by last year's sales always in the plan"), default=5, validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("service plan rules")
        verbose_name_plural = _("service plan rules")
        constraints = [models.UniqueConstraint(fields=["company"], name="service_rules_one_per_company")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ServicePlan(CompanyScopedModel):
    """The yearly customer service plan (《客户服务年度计划表》): customers × months, planned ★ and actual ☆."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2200)])
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    prepared_by = models.ForeignKey(USER, verbose_name=_("prepared by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    ranking_note = models.CharField(_("how the top customers were found"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("customer service plan")
        verbose_name_plural = _("customer service plans")
        ordering = ["-year", "company"]
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="service_plan_company_year")]

    def __str__(self) -> str:
        return f"{self.year} {self._meta.verbose_name}"


class PlanChange(StatusChangeBase):
    """One status change of a service plan."""

    RECORD_FIELD = "plan"

    plan = models.ForeignKey(ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(PlanStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("service plan status change")
        verbose_name_plural = _("service plan status changes")
        ordering = ["plan", "at", "id"]


class PlanLine(CompanyScopedModel):
    """One customer of the plan: why it is in and whose it is."""

    plan = models.ForeignKey(ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    salesperson = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(_("why in the plan"), default=list, blank=True)

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["plan", "customer__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "customer"], name="service_plan_line_unique")]

    def __str__(self) -> str:
        return str(self.customer)

    def reason_labels(self) -> list[str]:
        return [str(PlanReason(r).label) for r in self.reasons if r in PlanReason.values]


class PlanMark(CompanyScopedModel):
    """A planned ★: a visit or a survey of the line's customer in one month (the actual ☆ is never stored)."""

    line = models.ForeignKey(PlanLine, verbose_name=_("plan line"), on_delete=models.CASCADE, related_name="marks")
    plan = models.ForeignKey(ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="marks")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    salesperson = models.ForeignKey(USER, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=MarkKind.choices)
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTHS)
    starts_on = models.DateField(_("month starts"))
    due_on = models.DateField(_("month ends"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("planned mark")
        verbose_name_plural = _("planned marks")
        ordering = ["line", "month", "kind"]
        constraints = [models.UniqueConstraint(fields=["line", "kind", "month"], name="service_mark_unique")]
        indexes = [models.Index(fields=["company", "kind", "starts_on"], name="service_mark_due_idx")]

    def __str__(self) -> str:
        return f"{self.customer} {self.plan.year}-{self.month:02d} {self.get_kind_display()}"


class ServiceJob(CompanyScopedModel):
    """One after-sales repair or service job (seed 001 §5.1.2 b: the base of 产品维修率 and 维修一次成功率)."""

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices, default=JobKind.REPAIR)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="service_jobs")
    part = models.ForeignKey("customers.Part", verbose_name=_("product / part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="service_jobs")
    serial_or_lot = models.CharField(_("serial or lot number"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("units"), default=1, validators=[MinValueValidator(1)])
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="service_jobs")
    fault = models.TextField(_("fault"), max_length=3000)
    work_done = models.TextField(_("work done"), blank=True, max_length=3000)
    first_time_fixed = models.BooleanField(_("fixed at the first visit"), default=True)
    parts_used = models.CharField(_("parts used"), max_length=500, blank=True)
    engineer = models.ForeignKey(USER, verbose_name=_("engineer"), on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("service job")
        verbose_name_plural = _("service jobs")
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["company", "done_on"], name="service_job_company_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer} {self.done_on:%Y-%m-%d}"


class QualityReport(CompanyScopedModel):
    """A product quality report of sold products to the company's GM (售出产品质量报告; issue 21 §5)."""

    period = models.CharField(_("period"), max_length=10, choices=ReportPeriod.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=QualityReportStatus.choices,
                              default=QualityReportStatus.SENT)
    version = models.PositiveIntegerField(_("version"), default=0)
    gm = models.ForeignKey(USER, verbose_name=_("general manager"), null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    cause_analysis = models.TextField(_("cause analysis"), blank=True, max_length=5000)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    action = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    customer_reply = models.TextField(_("result reported to the customers"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("product quality report")
        verbose_name_plural = _("product quality reports")
        ordering = ["-period_start", "period"]
        constraints = [models.UniqueConstraint(fields=["company", "period", "period_start"],
                                               name="service_quality_report_unique")]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self._meta.verbose_name} {self.period_start:%Y-%m}"


class QualityReportChange(StatusChangeBase):
    RECORD_FIELD = "report"

    report = models.ForeignKey(QualityReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="changes")
    old_status, new_status = status_fields(QualityReportStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("quality report status change")
        verbose_name_plural = _("quality report status changes")
        ordering = ["report", "at", "id"]


class MarketEntry(CompanyScopedModel):
    """Customer and market information (seed 002 对顾客的意见的处理程序; issue 21 §3): reported by anyone in sales,
    tagged, searchable, summarised monthly for marketing."""

    kind = models.CharField(_("kind"), max_length=20, choices=MarketKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("information"), max_length=5000)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Separated by spaces or commas."))
    reported_on = models.DateField(_("date"))
    reported_by = models.ForeignKey(USER, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+")
    # Competitor ratings per dimension (seed 000 §4.3.1), read by the yearly satisfaction report's competitor
    # comparison beside the ratings entered on a survey campaign (issue 21 §3).
    rating_cost = models.DecimalField(_("competitor's cost (0–100)"), max_digits=5, decimal_places=2, null=True,
                                      blank=True, validators=PERCENT)
    rating_quality = models.DecimalField(_("competitor's quality (0–100)"), max_digits=5, decimal_places=2,
                                         null=True, blank=True, validators=PERCENT)
    rating_delivery = models.DecimalField(_("competitor's delivery (0–100)"), max_digits=5, decimal_places=2,
                                          null=True, blank=True, validators=PERCENT)
    rating_technology = models.DecimalField(_("competitor's technology (0–100)"), max_digits=5, decimal_places=2,
                                            null=True, blank=True, validators=PERCENT)

    class Meta:
        verbose_name = _("market information")
        verbose_name_plural = _("market information")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["company", "reported_on"], name="service_market_company_day_idx")]

    def __str__(self) -> str:
        return self.title

    def tag_list(self) -> list[str]:
        import re

        return [t for t in re.split(r"[\s,，、;；]+", self.tags) if t]

    def has_rating(self) -> bool:
        return any(getattr(self, f"rating_{d}") is not None for d in RATING_DIMENSIONS)


RATING_DIMENSIONS = ("cost", "quality", "delivery", "technology")


class CustomerYield(CompanyScopedModel):
    """The customer's processing yield of our parts in a period (顾客加工合格率; 满意度控制程序 §3.3, §4.1):
    how many of the parts the customer processed passed, as the customer reports it (issue 21 §6)."""

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="service_yields")
    part = models.ForeignKey("customers.Part", verbose_name=_("product / part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    processed = models.PositiveIntegerField(_("parts processed"), validators=[MinValueValidator(1),
                                                                            MaxValueValidator(10**9)])
    passed = models.PositiveIntegerField(_("parts passed"), validators=[MaxValueValidator(10**9)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("customer processing yield")
        verbose_name_plural = _("customer processing yields")
        ordering = ["-period_start", "-id"]
        indexes = [models.Index(fields=["company", "period_start"], name="service_yield_company_day_idx")]

    def __str__(self) -> str:
        return f"{self.customer} {self.period_start:%Y-%m}"

    @property
    def yield_percent(self):
        from decimal import ROUND_HALF_UP, Decimal

        if not self.processed:
            return None
        return (Decimal(self.passed) * 100 / Decimal(self.processed)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.processed is not None and self.passed is not None and self.passed > self.processed:
            errors["passed"] = _("More parts passed than were processed.")
        if errors:
            raise ValidationError(errors)


class CustomerAudit(CompanyScopedModel):
    """An audit of us by the customer (满意度控制程序 §4.1; issue 21 §6): when, what, what they found, the score,
    what we do about it."""

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="service_audits")
    audited_on = models.DateField(_("audit date"))
    scope = models.CharField(_("scope"), max_length=300)
    auditors = models.CharField(_("auditors"), max_length=200, blank=True)
    findings = models.TextField(_("findings"), blank=True, max_length=5000)
    score = models.DecimalField(_("score (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                validators=PERCENT)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    actions = models.TextField(_("our actions"), blank=True, max_length=5000)
    action = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("customer audit")
        verbose_name_plural = _("customer audits")
        ordering = ["-audited_on", "-id"]
        indexes = [models.Index(fields=["company", "audited_on"], name="service_audit_company_day_idx")]

    def __str__(self) -> str:
        return f"{self.customer} {self.audited_on:%Y-%m-%d}"
