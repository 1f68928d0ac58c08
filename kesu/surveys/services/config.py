"""Survey settings (general office, sales director, QA)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import require_role

from .. import permissions
from ..models import SurveySettings
from ..selectors import survey_settings_for
from .common import full_clean

FIELDS = ("threshold", "yearly_target", "grade_best", "grade_good", "grade_pass", "top_customers",
          "reminder_working_days", "link_valid_days", "require_total_100", "action_department",
          "complaint_template", "complaint_threshold", "complaint_close_days")


def survey_settings_update(*, actor, company, data: dict[str, Any], source: str = "web") -> SurveySettings:
    require_role(actor, permissions.MANAGE, company.pk)
    unknown = sorted(set(data) - set(FIELDS) - {"action_department_id", "complaint_template_id"})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    with acting_as(actor, source), transaction.atomic():
        cfg = SurveySettings.objects.select_for_update().get(pk=survey_settings_for(company).pk)
        for key, value in data.items():
            setattr(cfg, key, value)
        full_clean(cfg)
        if cfg.action_department_id and cfg.action_department.company_id != company.pk:
            raise ValidationError({"action_department": _("Choose a department of the company.")})
        if cfg.complaint_template_id and cfg.complaint_template.company_id != company.pk:
            raise ValidationError({"complaint_template": _("Choose a template of the campaign's company.")})
        cfg.save()
    return cfg
