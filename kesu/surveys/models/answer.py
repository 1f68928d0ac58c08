"""Answers (one per recipient and campaign), their item scores, and the analysis-and-improvement form."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import AuditedModel, CompanyScopedModel
from kesu.core.privacy import NAME, personal

from ..choices import AnswerChannel, Grade, ImprovementStatus
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


class Improvement(AuditedModel):
    """One line of the analysis-and-improvement form (《客户满意度调查分析改善表》)."""

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
                              default=ImprovementStatus.OPEN)
    action = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return self.area
