"""Admin for customer master data (company-scoped for non-superuser staff)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin

from .models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier


@admin.register(Customer)
class CustomerAdmin(CompanyScopedAdmin):
    list_display = ["code", "name", "customer_type", "status", "importance", "owner", "company"]
    list_filter = ["company", "status", "customer_type", "importance"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["owner", "company"]
    raw_id_fields = ["owner"]


@admin.register(Contact)
class ContactAdmin(CompanyScopedAdmin):
    list_display = ["name", "customer", "phone", "email", "is_primary"]
    search_fields = ["name", "email", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(Part)
class PartAdmin(CompanyScopedAdmin):
    list_display = ["part_no", "name", "model", "warranty_months", "customer", "is_active"]
    search_fields = ["part_no", "name", "model"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    fields = ["company", "line_no", "part", "quantity", "unit_price", "due_date"]
    raw_id_fields = ["part"]
    extra = 0


@admin.register(Contract)
class ContractAdmin(CompanyScopedAdmin):
    inlines = [ContractLineInline]
    list_display = ["number", "customer", "kind", "status", "signed_on", "owner"]
    list_filter = ["company", "kind", "status"]
    search_fields = ["number", "customer__name", "customer_po"]
    list_select_related = ["customer", "owner"]
    raw_id_fields = ["customer", "owner"]


@admin.register(ContractLine)
class ContractLineAdmin(CompanyScopedAdmin):
    list_display = ["contract", "line_no", "part", "quantity", "due_date"]
    search_fields = ["contract__number", "part__part_no"]
    list_select_related = ["contract", "part"]
    raw_id_fields = ["contract", "part"]


@admin.register(Shipment)
class ShipmentAdmin(CompanyScopedAdmin):
    list_display = ["delivery_no", "line_no", "customer", "part", "quantity", "ship_date", "receipt_date", "is_split"]
    list_filter = ["company", "is_split"]
    search_fields = ["delivery_no", "customer__name", "part__part_no"]
    list_select_related = ["customer", "part"]
    raw_id_fields = ["customer", "part", "contract_line"]
    date_hierarchy = "ship_date"


@admin.register(Supplier)
class SupplierAdmin(CompanyScopedAdmin):
    list_display = ["code", "name", "contact_name", "phone", "is_active", "company"]
    list_filter = ["company", "is_active"]
    search_fields = ["code", "name", "short_name"]
