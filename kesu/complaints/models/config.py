"""Per-company configuration: categories and their acceptance windows, settings, per-customer deadlines, number sequences."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel
from kesu.core.numbering import validate_pattern
from kesu.customers.models import same_company

from ..choices import (
    EscalationAction,
    EscalationStep,
    WindowKind,
)


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


class DefectType(CompanyScopedModel):
    """The second level of the category tree (category → defect type, seed 004 §5.1: appearance → dents,
    scratches, deformation, paint). Codes are shared across a group's companies, so analyses add them up."""

    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="defect_types"
    )
    code = models.CharField(_("defect type code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("defect type")
        verbose_name_plural = _("defect types")
        ordering = ["category", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="defect_type_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        same_company(self, "category")


DEFAULT_NUMBER_PATTERN = "KS-{year}-{seq:04d}"


def validate_number_pattern(value: str) -> None:
    validate_pattern(value)


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
        _("later shipments to verify a severe or major complaint"), default=2
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("repeat complaint window (days)"), default=180)
    escalation_chain = models.JSONField(
        _("escalation chain"), default=list, blank=True,
        help_text=_("Steps in order: owner, department_head, director, gm."),
    )
    escalation_actions = models.JSONField(
        _("what each escalation level does"), default=list, blank=True,
        help_text=_("One per level of the chain, in order: notify or reassign (a missing one notifies)."),
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
        actions = self.escalation_actions or []
        valid_actions = {a.value for a in EscalationAction}
        if not isinstance(actions, list) or any(a not in valid_actions for a in actions):
            raise ValidationError({"escalation_actions": _("Use only these actions: %(actions)s.") % {
                "actions": ", ".join(sorted(valid_actions))}})
        if len(actions) > len(self.chain):
            raise ValidationError({"escalation_actions": _(
                "Give at most one action per level of the chain (%(levels)s levels).") % {"levels": len(self.chain)}})

    def level_action(self, level: int) -> str:
        """What level ``level`` (1 = the chain's first step) does: notify (the default) or reassign."""
        actions = self.escalation_actions or []
        return actions[level - 1] if 0 < level <= len(actions) else EscalationAction.NOTIFY

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
        _("later shipments to verify a severe or major complaint"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("customer deadline override")
        verbose_name_plural = _("customer deadline overrides")
        constraints = [models.UniqueConstraint(fields=["customer"], name="customer_deadline_override_unique")]

    def __str__(self) -> str:
        return str(self.customer)

    def clean(self) -> None:
        same_company(self, "customer")

