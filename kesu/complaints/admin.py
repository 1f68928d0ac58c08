"""Admin for complaint handling.

Configuration (categories, company settings, per-customer deadlines) is
edited here. Complaints and their records are shown read-only: every change
to a case goes through the services (numbering, workflow table, deadlines,
audit), so the admin never saves one itself.
"""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin, ReadOnlyInline

from .models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintSettings,
    CustomerDeadlineOverride,
    Deadline,
    DispositionLine,
    Escalation,
    RemedyProposal,
    StatusChange,
    TimelineEntry,
)


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(CompanyScopedAdmin):
    list_display = ["code", "name", "window_kind", "window_value", "is_active", "company"]
    list_filter = ["company", "window_kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(CompanyScopedAdmin):
    list_display = ["company", "number_pattern", "pass_on_working_days", "reply_hours", "sales_remedy_hours"]


@admin.register(CustomerDeadlineOverride)
class CustomerDeadlineOverrideAdmin(CompanyScopedAdmin):
    list_display = ["customer", "reply_hours", "sales_remedy_hours", "qa_opinion_minor_wd", "company"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "company"]


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "kind", "direction", "channel", "internal", "actor", "summary"]


class RemedyInline(ReadOnlyInline):
    model = RemedyProposal
    fields = ["round", "text", "approved_by", "customer_decision", "decision_reason"]


class DispositionInline(ReadOnlyInline):
    model = DispositionLine
    fields = ["kind", "quantity", "mis_order", "incoming_inspection_result", "restocked_at"]


class DeadlineInline(ReadOnlyInline):
    model = Deadline
    fields = ["kind", "started_at", "due_at", "met_at", "cancelled_at", "escalation_level"]


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fields = ["at", "level", "step", "deadline"]


class AttachmentInline(ReadOnlyInline):
    model = ComplaintAttachment
    fields = ["name", "content_type", "size", "sha256", "internal", "uploaded_by", "uploaded_at"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyCaseAdmin):
    """Read-only view of cases for administrators (search, filters, all records of a case on one page)."""

    list_display = ["number", "received_at", "customer", "part", "status", "severity", "warning_class", "owner",
                    "company"]
    list_filter = ["company", "status", "severity", "warning_class", "channel", "responsibility"]
    search_fields = ["number", "customer__code", "customer__name"]
    list_select_related = ["customer", "part", "owner", "company"]
    date_hierarchy = "received_at"
    inlines = [StatusChangeInline, TimelineInline, RemedyInline, DispositionInline, DeadlineInline,
               EscalationInline, AttachmentInline]
