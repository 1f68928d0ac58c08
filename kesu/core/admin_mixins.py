"""Admin helpers: the Django admin obeys the same company scope as pages and API."""

from __future__ import annotations

from django.contrib import admin


class CompanyScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see and link only records of companies they can see."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if request.user.is_superuser or field is None:
            return field
        related = db_field.related_model
        if related._meta.label == "accounts.Company":
            field.queryset = field.queryset.filter(pk__in=request.user.visible_company_ids())
        elif hasattr(related.objects, "visible_to"):
            field.queryset = related.objects.visible_to(request.user)
        return field


class ReadOnlyInline(admin.TabularInline):
    """Records of a case shown beside it; they change only through the module's services."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyCaseAdmin(CompanyScopedAdmin):
    """A case (complaint, action, …) for administrators to look at: the services alone change it."""

    show_full_result_count = False  # millions of rows: no COUNT(*) on every page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
