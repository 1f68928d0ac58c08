"""Answers (one per recipient and campaign), their item scores, and the analysis-and-improvement form."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields
from kesu.core.privacy import NAME, personal

from ..choices import AnswerChannel, Grade, ImprovementStatus, ReportChannel
from .campaign import Campaign, Invitation, Recipient
from .template import SurveyTemplate, TemplateItem

USER = settings.AUTH_USER_MODEL


class Answer(CompanyScopedModel):
    """A customer's answered questionnaire, scored 0–100 against the template version it was given on."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="answers")
    recipient = models.OneToOneField(Recipient, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                     related_name="answer")
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
                                 related_name="+")
    invitation = models.OneToOneField(Invitation, verbose_name=_("invitation"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="answer")
    channel = models.CharField(_("channel"), max_length=10, choices=AnswerChannel.choices)
    respondent = personal(models.CharField(_("answered by"), max_length=100, blank=True), NAME)  # issue 18 §13
    entered_by = models.ForeignKey(USER, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"))
    remarks = models.TextField(_("customer's remarks"), blank=True, max_length=5000)
    points = models.PositiveIntegerField(_("points"))
    max_points = models.PositiveIntegerField(_("maximum points"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    critical_zero = models.BooleanField(_("a critical item scored zero"), default=False)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["campaign", "-answered_at", "id"]
        indexes = [models.Index(fields=["campaign", "score"], name="survey_answer_score_idx")]

    def __str__(self) -> str:
        return f"{self.recipient.customer}: {self.score}"


class AnswerItem(models.Model):
    answer = models.ForeignKey(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(TemplateItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    option = models.CharField(_("answer"), max_length=100)
    points = models.PositiveSmallIntegerField(_("points"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("answer item")
        verbose_name_plural = _("answer items")
        ordering = ["answer", "item__section__position", "item__position"]
        constraints = [models.UniqueConstraint(fields=["answer", "item"], name="survey_answer_item_unique")]

    def __str__(self) -> str:
        return f"{self.item}: {self.points}"


class ImprovementMeeting(CompanyScopedModel):
    """The improvement meeting an answer below a template's meeting band calls (seed 002 §5.2.3.3.3: below 85 the
    quality, engineering and production units meet); what it decides raises the corrective action."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="meetings")
    answer = models.OneToOneField(Answer, verbose_name=_("answer"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="meeting")
    called_at = models.DateTimeField(_("called at"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    attendees = models.TextField(_("attendees"), blank=True, max_length=2000)
    analysis = models.TextField(_("analysis"), blank=True, max_length=5000)
    decisions = models.TextField(_("decisions"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("improvement meeting")
        verbose_name_plural = _("improvement meetings")
        ordering = ["campaign", "called_at", "id"]

    def __str__(self) -> str:
        return str(_("Improvement meeting: %(about)s") % {
            "about": self.answer.recipient.customer if self.answer_id else self.campaign})


class Improvement(CompanyScopedModel):
    """One line of the analysis-and-improvement form (《客户满意度调查分析改善表》), approved before it is carried
    out and its result reported to the customer (seed 003 §5.3.2.1–5.3.2.2)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="improvements")
    answer = models.ForeignKey(Answer, verbose_name=_("answer"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="improvements")
    area = models.CharField(_("area of dissatisfaction"), max_length=200)
    analysis = models.TextField(_("cause analysis"), blank=True, max_length=5000)
    measures = models.TextField(_("improvement measures"), max_length=5000)
    department = models.ForeignKey("accounts.Department", verbose_name=_("responsible department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    result = models.TextField(_("result and verification"), blank=True, max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=ImprovementStatus.choices,
                              default=ImprovementStatus.PROPOSED)
    version = models.PositiveIntegerField(_("version"), default=0)
    action = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return self.area


class ImprovementChange(StatusChangeBase):
    """One status change of an improvement line (proposed → approved → done → verified → reported)."""

    RECORD_FIELD = "improvement"

    improvement = models.ForeignKey(Improvement, verbose_name=_("improvement"), on_delete=models.CASCADE,
                                    related_name="changes")
    old_status, new_status = status_fields(ImprovementStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("improvement status change")
        verbose_name_plural = _("improvement status changes")
        ordering = ["improvement", "at", "id"]


class CustomerReport(CompanyScopedModel):
    """The improvement's result reported to the customer: a logged communication (seed 003 §5.3.2.1
    "将改善结果报告顾客")."""

    improvement = models.ForeignKey(Improvement, verbose_name=_("improvement"), on_delete=models.CASCADE,
                                    related_name="customer_reports")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=ReportChannel.choices)
    told = models.CharField(_("told to"), max_length=100, blank=True)
    summary = models.TextField(_("what the customer was told"), max_length=5000)
    reported_by = models.ForeignKey(USER, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("report to the customer")
        verbose_name_plural = _("reports to the customer")
        ordering = ["improvement", "reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.improvement}: {self.get_channel_display()}"
