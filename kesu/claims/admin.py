"""Admin for claims: settings and exchange rates are edited here; claims, supplier claims and the ledger
are shown read-only (they change only through the services: numbering, workflow table, ledger booking)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin, ReadOnlyInline

from .models import (
    Claim,
    ClaimChange,
    ClaimDocument,
    ClaimItem,
    ClaimSettings,
    CostEntry,
    ExchangeRate,
    NegotiationRound,
    SupplierClaim,
    SupplierClaimChange,
)


@admin.register(ClaimSettings)
class ClaimSettingsAdmin(CompanyScopedAdmin):
    list_display = ["company", "number_pattern", "base_currency", "vice_gm_delegation", "vice_gm_limit"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(CompanyScopedAdmin):
    list_display = ["currency", "valid_from", "rate", "company"]
    list_filter = ["company", "currency"]


class ItemInline(ReadOnlyInline):
    model = ClaimItem
    fields = ["kind", "description", "quantity", "unit_price", "claimed_amount", "settled_amount"]


class DocumentInline(ReadOnlyInline):
    model = ClaimDocument
    fields = ["kind", "name", "size", "sha256", "uploaded_by", "uploaded_at"]


class RoundInline(ReadOnlyInline):
    model = NegotiationRound
    fields = ["round_no", "outcome", "offered_amount", "offered_at", "answer", "answer_note", "answered_at"]


class ChangeInline(ReadOnlyInline):
    model = ClaimChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "title", "customer", "status", "currency", "claimed_amount", "received_on", "company"]
    list_filter = ["company", "status", "currency"]
    search_fields = ["number", "title"]
    list_select_related = ["customer", "company"]
    date_hierarchy = "received_on"
    inlines = [ItemInline, DocumentInline, RoundInline, ChangeInline]


class SupplierChangeInline(ReadOnlyInline):
    model = SupplierClaimChange
    fields = ["at", "name", "old_status", "new_status", "actor", "note"]


@admin.register(SupplierClaim)
class SupplierClaimAdmin(ReadOnlyCaseAdmin):
    list_display = ["number", "supplier", "status", "amount", "recovered_amount", "raised_at", "company"]
    list_filter = ["company", "status"]
    search_fields = ["number"]
    list_select_related = ["supplier", "company"]
    inlines = [SupplierChangeInline]


@admin.register(CostEntry)
class CostEntryAdmin(ReadOnlyCaseAdmin):
    list_display = ["booked_on", "kind", "category", "bearer", "currency", "amount", "customer", "company"]
    list_filter = ["company", "kind", "category", "bearer"]
    list_select_related = ["customer", "company"]
    date_hierarchy = "booked_on"
