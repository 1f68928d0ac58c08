"""Customer satisfaction (顾客满意度): templates, campaigns, recipients, invitations, answers, improvements."""

from .answer import Answer, AnswerItem, Improvement
from .campaign import Campaign, CompetitorRating, Invitation, Recipient
from .template import SurveySettings, SurveyTemplate, TemplateItem, TemplateSection

__all__ = ["Answer", "AnswerItem", "Campaign", "CompetitorRating", "Improvement", "Invitation", "Recipient",
           "SurveySettings", "SurveyTemplate", "TemplateItem", "TemplateSection"]
