"""Customer satisfaction (顾客满意度): templates, campaigns, recipients, invitations, answers, improvements,
meetings, the yearly report."""

from .answer import Answer, AnswerItem, CustomerReport, Improvement, ImprovementChange, ImprovementMeeting
from .campaign import DIMENSIONS, Campaign, CampaignChange, CompetitorRating, Invitation, Recipient
from .report import ReportReceipt, SatisfactionReport, SatisfactionReportChange
from .template import GradeBand, SurveySettings, SurveyTemplate, TemplateItem, TemplateSection

__all__ = ["DIMENSIONS", "Answer", "AnswerItem", "Campaign", "CampaignChange", "CompetitorRating", "CustomerReport",
           "GradeBand", "Improvement", "ImprovementChange", "ImprovementMeeting", "Invitation", "Recipient",
           "ReportReceipt", "SatisfactionReport", "SatisfactionReportChange", "SurveySettings", "SurveyTemplate",
           "TemplateItem", "TemplateSection"]
