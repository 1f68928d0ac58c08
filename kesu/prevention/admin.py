"""Admin for prevention: the company's repeat-complaint rules are edited here; signals, groups and assessments are
shown read-only (they change only through the services and their pages)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin

from .models import Assessment, PreventionGroup, RepeatFlag, RepeatSettings, WarningSignal


@admin.register(RepeatSettings)
class RepeatSettingsAdmin(CompanyScopedAdmin):
    list_display = ["company", "window_days", "same_customer", "same_part"]


@admin.register(WarningSignal)
class WarningSignalAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "warning_class", "customer", "status", "outcome", "raised_at"]
    list_filter = ["company", "warning_class", "status"]


@admin.register(PreventionGroup)
class PreventionGroupAdmin(ReadOnlyCaseAdmin):
    list_display = ["company", "kind"]


@admin.register(RepeatFlag)
class RepeatFlagAdmin(ReadOnlyCaseAdmin):
    list_display = ["complaint", "rule", "window_days", "flagged_at"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyCaseAdmin):
    list_display = ["salesperson", "period_start", "period_end", "status"]
