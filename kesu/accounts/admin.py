"""Admin for organization and people: where administrators maintain companies, departments, positions, users."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.admin_mixins import CompanyScopedAdmin

from .forms import ThrottledAdminAuthenticationForm
from .models import ApiToken, Company, Department, Position, SalesRegion, User

# The admin's sign-in is throttled like the sign-in page and shares its counters (issue 15 §3).
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "parent", "time_zone", "work_start", "work_end", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_filter = ["is_active"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(pk__in=request.user.visible_company_ids())


@admin.register(Department)
class DepartmentAdmin(CompanyScopedAdmin):
    list_display = ["code", "name", "kind", "company", "head"]
    list_filter = ["company", "kind"]
    search_fields = ["code", "name"]


@admin.register(Position)
class PositionAdmin(CompanyScopedAdmin):
    list_display = ["name", "role", "scope", "company"]
    list_filter = ["company", "role", "scope"]
    search_fields = ["name"]


@admin.register(SalesRegion)
class SalesRegionAdmin(CompanyScopedAdmin):
    list_display = ["code", "name", "manager", "company"]
    list_filter = ["company"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(CompanyScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "company", "department", "position", "is_active", "last_login"]
    list_filter = ["company", "department", "position__role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    list_select_related = ["company", "department", "position"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organization"), {"fields": ("display_name", "company", "department", "position", "sales_region", "phone", "language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Organization"), {"fields": ("display_name", "company", "department", "position", "sales_region")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are created by their owner, who alone sees the raw value

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            count += 1
        messages.success(request, _("%(count)d tokens revoked.") % {"count": count})


@admin.action(description=_("Create the default departments and positions"))
def create_defaults(modeladmin, request, queryset):
    from .services import company_create_defaults

    for company in queryset:
        company_create_defaults(actor=request.user, company=company)
    messages.success(request, _("Default departments and positions created where missing."))


CompanyAdmin.actions = [create_defaults]
