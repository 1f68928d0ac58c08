"""Every write of satisfaction surveys (issue 6)."""

from .answers import (
    LinkRefused,
    answer_submit,
    improvement_save,
    improvement_transition,
    invitation_from_token,
    meeting_record,
    raise_once,
)
from .campaigns import (
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_recompute,
    competitor_rating_set,
    invitation_token,
    invitation_url,
    invitations_remind,
    recipient_set,
    sales_ranking,
)
from .config import survey_settings_update
from .imports import answers_import, answers_template
from .report import report_draft, report_receipt_confirm, report_transition, report_update
from .templates import template_bands_set, template_create, template_revise, templates_ensure_seeded

__all__ = ["LinkRefused", "answer_submit", "answers_import", "answers_template", "campaign_close",
           "campaign_create", "campaign_open", "campaign_recompute", "competitor_rating_set", "improvement_save", "improvement_transition",
           "invitation_from_token", "invitation_token", "invitation_url", "invitations_remind", "meeting_record", "raise_once",
           "recipient_set", "report_draft", "report_receipt_confirm", "report_transition", "report_update",
           "sales_ranking", "survey_settings_update", "template_bands_set", "template_create", "template_revise",
           "templates_ensure_seeded"]
