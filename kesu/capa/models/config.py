"""Per-company CAPA settings and per-customer rules (8D deadlines differ by customer)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel
from kesu.core.numbering import validate_pattern
from kesu.customers.models import same_company

from ..choices import DEFAULT_STEP_DAYS, ActionFormat, Step


def validate_step_days(value) -> None:
    """``{"d4": 5, …}``: known steps, whole numbers of working days from 0 to 365."""
    if not isinstance(value, dict):
        raise ValidationError(_("Give the working days per step, e.g. {\"d4\": 5}."))
    for key, days in value.items():
        if key not in Step.values:
            raise ValidationError(_("Unknown step: %(step)s.") % {"step": key})
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise ValidationError(_("%(step)s: give a whole number of working days from 0 to 365.")
                                  % {"step": key})


class CapaSettings(CompanyScopedModel):
    """How a company runs corrective actions: numbers, the usual format, deadlines, effectiveness."""

    number_pattern = models.CharField(_("action number pattern"), max_length=60, default="CA-{year}-{seq:04d}",
                                      validators=[validate_pattern])
    ncr_number_pattern = models.CharField(_("nonconforming report number pattern"), max_length=60,
                                          default="NCR-{year}-{seq:04d}", validators=[validate_pattern])
    default_format = models.CharField(_("usual format"), max_length=10, choices=ActionFormat.choices,
                                      default=ActionFormat.EIGHT_D)
    step_days = models.JSONField(_("working days per step"), default=dict, blank=True,
                                 validators=[validate_step_days],
                                 help_text=_("From raising the action to each step's due date; empty means the default."))
    approval_days = models.PositiveSmallIntegerField(_("QA approval of a plan (working days)"), default=2)
    ncr_answer_days = models.PositiveSmallIntegerField(_("department answer to a nonconforming report (working days)"),
                                                       default=2)
    effectiveness_shipments = models.PositiveSmallIntegerField(
        _("later shipments to prove effectiveness"), default=2)

    class Meta:
        verbose_name = _("CAPA settings")
        verbose_name_plural = _("CAPA settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="capa_settings_one_per_company")]

    def __str__(self) -> str:
        return str(self.company)

    def days_for(self, step: str) -> int:
        return int((self.step_days or {}).get(step, DEFAULT_STEP_DAYS[step]))


class CustomerCapaRule(CompanyScopedModel):
    """A customer's own demands: the format it expects, its 8D deadlines, its effectiveness proof."""

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    format = models.CharField(_("format"), max_length=10, choices=ActionFormat.choices, blank=True,
                              help_text=_("Empty: the company's usual format."))
    step_days = models.JSONField(_("working days per step"), default=dict, blank=True,
                                 validators=[validate_step_days])
    effectiveness_shipments = models.PositiveSmallIntegerField(_("later shipments to prove effectiveness"),
                                                               null=True, blank=True)

    class Meta:
        verbose_name = _("customer CAPA rule")
        verbose_name_plural = _("customer CAPA rules")
        constraints = [models.UniqueConstraint(fields=["customer"], name="customer_capa_rule_unique")]

    def __str__(self) -> str:
        return str(self.customer)

    def clean(self) -> None:
        same_company(self, "customer")
