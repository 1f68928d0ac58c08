"""Every write of satisfaction surveys (issue 6)."""

from .answers import LinkRefused, answer_submit, improvement_save, invitation_from_token, raise_once
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
)
from .config import survey_settings_update
from .imports import answers_import, answers_template
from .templates import template_create, template_revise, templates_ensure_seeded

__all__ = ["LinkRefused", "answer_submit", "answers_import", "answers_template", "campaign_close",
           "campaign_create", "campaign_open", "campaign_recompute", "competitor_rating_set", "improvement_save",
           "invitation_from_token", "invitation_token", "invitation_url", "invitations_remind", "raise_once",
           "recipient_set", "survey_settings_update", "template_create", "template_revise",
           "templates_ensure_seeded"]
