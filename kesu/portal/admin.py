"""Administration of the portal: each company's portal settings; accounts shown, switched on and off."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin

from .models import PortalAccount, PortalSettings


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ("company", "two_factor_email", "share_eight_d")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(company_id__in=request.user.visible_company_ids())


@admin.register(PortalAccount)
class PortalAccountAdmin(CompanyScopedAdmin):
    list_display = ("email", "contact", "company", "is_active", "last_login", "invited_at")
    list_filter = ("is_active",)
    search_fields = ("email",)
    fields = ("email", "is_active", "invited_at", "last_login")
    readonly_fields = ("email", "invited_at", "last_login")

    def has_add_permission(self, request):
        return False  # accounts come from an invitation (kesu.portal.services.portal_invite)
