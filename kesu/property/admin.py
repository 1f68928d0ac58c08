"""Admin for customer property: the company's settings are edited here; the ledger, loans, damage reports, the
drawing register and inventory checks are shown read-only (they change only through the services)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin, ReadOnlyInline

from .models import (
    ControlledCopy,
    DamageReport,
    DamageReportChange,
    DrawingRevision,
    ExternalDocument,
    InventoryCheck,
    Loan,
    LoanChange,
    PropertyItem,
    PropertyItemChange,
    PropertySettings,
)


@admin.register(PropertySettings)
class PropertySettingsAdmin(CompanyScopedAdmin):
    list_display = ["company", "item_pattern", "loan_pattern", "damage_pattern", "calibration_notice_days",
                    "overdue_escalate_days"]


class ItemChangeInline(ReadOnlyInline):
    model = PropertyItemChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


@admin.register(PropertyItem)
class PropertyItemAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "description", "customer", "item_type", "keeper_department", "status", "company"]
    list_filter = ["company", "item_type", "status", "confidentiality"]
    search_fields = ["number", "description", "customer_reference"]
    list_select_related = ["customer", "keeper_department", "company"]
    inlines = [ItemChangeInline]


class LoanChangeInline(ReadOnlyInline):
    model = LoanChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


@admin.register(Loan)
class LoanAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "item", "requested_by", "expected_return_on", "status", "company"]
    list_filter = ["company", "status"]
    search_fields = ["number"]
    list_select_related = ["item", "requested_by", "company"]
    inlines = [LoanChangeInline]


class DamageChangeInline(ReadOnlyInline):
    model = DamageReportChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


@admin.register(DamageReport)
class DamageReportAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "item", "kind", "status", "reported_at", "company"]
    list_filter = ["company", "kind", "status"]
    search_fields = ["number"]
    list_select_related = ["item", "company"]
    inlines = [DamageChangeInline]


class RevisionInline(ReadOnlyInline):
    model = DrawingRevision
    fields = ["revision", "status", "pages", "received_on", "superseded_at"]


@admin.register(ExternalDocument)
class ExternalDocumentAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "title", "customer", "kind", "company"]
    list_filter = ["company", "kind"]
    search_fields = ["number", "title"]
    list_select_related = ["customer", "company"]
    inlines = [RevisionInline]


@admin.register(ControlledCopy)
class ControlledCopyAdmin(ReadOnlyCaseAdmin):
    list_display = ["revision", "copy_no", "department", "status", "issued_at", "confirmed_at", "company"]
    list_filter = ["company", "status"]
    list_select_related = ["revision", "revision__document", "department", "company"]


@admin.register(InventoryCheck)
class InventoryCheckAdmin(ReadOnlyCaseAdmin):
    list_display = ["year", "status", "started_at", "closed_at", "company"]
    list_filter = ["company", "status"]
