"""Admin: rules editable; inbox rows and the outbox visible for support (mail that failed, and why)."""

from django.contrib import admin

from kesu.core.admin_mixins import CompanyScopedAdmin

from .models import Notification, NotificationRule, OutboxMail


@admin.register(NotificationRule)
class NotificationRuleAdmin(CompanyScopedAdmin):
    list_display = ["event", "company", "send_inbox", "send_email", "is_active"]
    list_filter = ["company", "event"]


class _ReadOnly(admin.ModelAdmin):
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(company_id__in=request.user.visible_company_ids())

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(_ReadOnly):
    list_display = ["title", "recipient", "event", "created_at", "read_at"]
    list_filter = ["event"]
    list_select_related = ["recipient"]
    show_full_result_count = False


@admin.register(OutboxMail)
class OutboxMailAdmin(_ReadOnly):
    list_display = ["subject", "to", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status"]
    show_full_result_count = False
