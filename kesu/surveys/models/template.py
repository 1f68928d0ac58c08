"""Survey templates (numbered sections, items with their own point scales), versioned; per-company settings."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import AuditedModel, CompanyScopedModel

from ..choices import BandTrigger, Grade

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class SurveySettings(CompanyScopedModel):
    """How a company follows up surveys (seed 001 §4.5, seed 002 §5.2.3.3).

    The score below which an answer raises an action belongs to each template's grade table
    (:class:`GradeBand`, design §11), not to the company; the grade percentages here are only the defaults a
    new template's grade table starts from.
    """

    yearly_target = models.DecimalField(_("yearly target score"), max_digits=5, decimal_places=2,
                                        default=Decimal("85"), validators=PERCENT)
    grade_best = models.DecimalField(_("new templates: best from (per cent of the maximum)"), max_digits=5, decimal_places=2,
                                     default=Decimal("100"), validators=PERCENT)
    grade_good = models.DecimalField(_("new templates: good from (per cent of the maximum)"), max_digits=5, decimal_places=2,
                                     default=Decimal("80"), validators=PERCENT)
    grade_pass = models.DecimalField(_("new templates: pass from (per cent of the maximum)"), max_digits=5, decimal_places=2,
                                     default=Decimal("60"), validators=PERCENT)
    top_customers = models.PositiveSmallIntegerField(_("always include the top customers by sales"), default=5)
    reminder_working_days = models.PositiveSmallIntegerField(_("remind after (working days)"), default=2)
    link_valid_days = models.PositiveSmallIntegerField(_("links valid for (days)"), default=30,
                                                       validators=[MinValueValidator(1)])
    require_total_100 = models.BooleanField(_("templates must total 100 points"), default=True)
    action_department = models.ForeignKey("accounts.Department", verbose_name=_("department that takes actions"),
                                          null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # ISO 10002 §8.5 (seed 000 §4.3.3.2): after a complaint is closed its contact is asked how it was handled.
    complaint_template = models.ForeignKey(
        "surveys.SurveyTemplate", verbose_name=_("survey after a complaint is closed"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Sent to the complaint's contact by link when the complaint is closed; empty sends none."))
    complaint_threshold = models.DecimalField(
        _("complaint survey: a score below this raises a corrective action"), max_digits=5, decimal_places=2,
        default=Decimal("80"), validators=PERCENT)
    # A post-closure survey is one question to one contact: left unanswered it closes by itself after these days
    # (kesu.surveys.complaint_survey.complaint_surveys_close), so open campaigns do not pile up.
    complaint_close_days = models.PositiveSmallIntegerField(
        _("complaint survey: close unanswered after (days)"), default=30, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="survey_settings_one_per_company")]

    def __str__(self) -> str:
        return str(_("Survey settings of %(company)s") % {"company": self.company})

    def clean(self) -> None:
        super().clean()
        if not self.grade_pass <= self.grade_good <= self.grade_best:
            raise ValidationError({"grade_good": _("The grades must rise: pass ≤ good ≤ best.")})


class SurveyTemplate(CompanyScopedModel):
    """One version of a questionnaire. Answers keep the version they were given on."""

    code = models.CharField(_("template code"), max_length=30)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    introduction = models.TextField(_("introduction to the customer"), blank=True, max_length=3000)
    is_current = models.BooleanField(_("current version"), default=True)
    max_points = models.PositiveIntegerField(_("maximum points"), default=0)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["company", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code", "version"], name="survey_template_version_unique"),
            models.UniqueConstraint(fields=["company", "code"], condition=models.Q(is_current=True),
                                    name="survey_template_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.name}"


class GradeBand(AuditedModel):
    """One row of a template's grade table: from this score up (to the next band) an answer gets ``grade`` and
    raises ``trigger`` (design §11: seed 001's form, below 80 → analysis and improvement; seed 002's form, below
    85 → an improvement meeting, which then raises the actions). Every table has a band from 0."""

    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.CASCADE,
                                 related_name="bands")
    lower = models.DecimalField(_("from score"), max_digits=5, decimal_places=2, validators=PERCENT)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    trigger = models.CharField(_("raises"), max_length=10, choices=BandTrigger.choices, default=BandTrigger.NONE)

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["template", "-lower"]
        constraints = [models.UniqueConstraint(fields=["template", "lower"], name="survey_grade_band_unique")]

    def __str__(self) -> str:
        return f"≥ {self.lower}: {self.get_grade_display()}"


class TemplateSection(AuditedModel):
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.CASCADE,
                                 related_name="sections")
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    is_critical = models.BooleanField(_("critical: a zero here raises an action"), default=False)

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "position"], name="survey_section_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


def validate_options(value) -> None:
    """``[{"label": "最佳", "points": 20}, …]``: at least two options, whole points from 0 to 100, labels unique."""
    if not isinstance(value, list) or len(value) < 2:
        raise ValidationError(_("Give at least two answer options."))
    labels = set()
    for option in value:
        if not isinstance(option, dict) or set(option) != {"label", "points"}:
            raise ValidationError(_("Each option has a label and points."))
        points = option["points"]
        if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 100:
            raise ValidationError(_("Points are whole numbers from 0 to 100."))
        label = str(option["label"]).strip()
        if not label or label in labels:
            raise ValidationError(_("Each option needs its own label."))
        labels.add(label)


class TemplateItem(AuditedModel):
    section = models.ForeignKey(TemplateSection, verbose_name=_("section"), on_delete=models.CASCADE,
                                related_name="items")
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("question"), max_length=300)
    options = models.JSONField(_("answer options and points"), validators=[validate_options])
    allow_comment = models.BooleanField(_("comment allowed"), default=True)

    class Meta:
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        ordering = ["section", "position"]
        constraints = [models.UniqueConstraint(fields=["section", "position"], name="survey_item_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def max_points(self) -> int:
        return max(int(o["points"]) for o in self.options)
