"""Admin for surveys: settings are edited here; templates, campaigns and answers are shown read-only (they
change only through the services: versions, recipients by rule, scoring)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin, ReadOnlyInline

from .models import (
    Answer,
    AnswerItem,
    Campaign,
    GradeBand,
    Recipient,
    SatisfactionReport,
    SurveySettings,
    SurveyTemplate,
    TemplateSection,
)


@admin.register(SurveySettings)
class SurveySettingsAdmin(CompanyScopedAdmin):
    list_display = ["company", "yearly_target", "top_customers", "reminder_working_days"]


class SectionInline(ReadOnlyInline):
    model = TemplateSection
    fields = ["position", "title", "is_critical"]


class BandInline(ReadOnlyInline):
    model = GradeBand
    fields = ["lower", "grade", "trigger"]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(ReadOnlyCaseAdmin):
    list_display = ["code", "version", "name", "is_current", "max_points", "company"]
    list_filter = ["company", "is_current"]
    inlines = [BandInline, SectionInline]


@admin.register(SatisfactionReport)
class SatisfactionReportAdmin(ReadOnlyCaseAdmin):
    list_display = ["year", "status", "approved_at", "distributed_at", "company"]
    list_filter = ["company", "status"]


class RecipientInline(ReadOnlyInline):
    model = Recipient
    fields = ["customer", "included", "reasons", "shipment_lines", "sales_rank", "note"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyCaseAdmin):
    list_display = ["name", "kind", "status", "send_month", "target_score", "score", "company"]
    list_filter = ["company", "status", "kind"]
    inlines = [RecipientInline]


class AnswerItemInline(ReadOnlyInline):
    model = AnswerItem
    fields = ["item", "option", "points", "comment"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyCaseAdmin):
    list_display = ["campaign", "recipient", "channel", "score", "grade", "answered_at", "company"]
    list_filter = ["company", "grade", "channel"]
    inlines = [AnswerItemInline]
