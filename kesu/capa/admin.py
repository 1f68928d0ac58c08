"""Admin for corrective actions: settings and customer rules are edited here; actions and reports are
shown read-only (they change only through the services: numbering, workflow table, steps, audit)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin, ReadOnlyInline

from .models import (
    ActionChange,
    ActionItem,
    ActionLink,
    ActionStep,
    CapaSettings,
    ContainmentRow,
    CorrectiveAction,
    CustomerCapaRule,
    NonconformingReport,
    TeamMember,
)


@admin.register(CapaSettings)
class CapaSettingsAdmin(CompanyScopedAdmin):
    list_display = ["company", "number_pattern", "default_format", "approval_days", "effectiveness_shipments"]


@admin.register(CustomerCapaRule)
class CustomerCapaRuleAdmin(CompanyScopedAdmin):
    list_display = ["customer", "format", "effectiveness_shipments", "company"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "company"]


class StepInline(ReadOnlyInline):
    model = ActionStep
    fields = ["step", "owner", "due_at", "done_at", "escalation_level"]


class LinkInline(ReadOnlyInline):
    model = ActionLink
    fields = ["kind", "label", "linked_at"]


class TeamInline(ReadOnlyInline):
    model = TeamMember
    fields = ["user", "department", "is_leader", "responsibility"]


class ContainmentInline(ReadOnlyInline):
    model = ContainmentRow
    fields = ["location", "quantity_checked", "quantity_bad", "effective_on", "note"]


class ItemInline(ReadOnlyInline):
    model = ActionItem
    fields = ["kind", "text", "owner", "due_on", "implemented_on", "validation"]


class ChangeInline(ReadOnlyInline):
    model = ActionChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "title", "format", "status", "responsible_department", "owner", "raised_at", "company"]
    list_filter = ["company", "status", "format", "kind", "origin"]
    search_fields = ["number", "title"]
    list_select_related = ["responsible_department", "owner", "company"]
    date_hierarchy = "raised_at"
    inlines = [StepInline, LinkInline, TeamInline, ContainmentInline, ItemInline, ChangeInline]


@admin.register(NonconformingReport)
class NonconformingReportAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "status", "disposition", "responsible_department", "issued_at", "company"]
    list_filter = ["company", "status", "disposition"]
    search_fields = ["number"]
    list_select_related = ["responsible_department", "company"]
