"""Admin: rules editable; inbox rows visible for support; the outbox with its resend and give-up actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
    """The outbox for support: status, attempts, last error; resend and give up through the services (audited).

    The body stays hidden: a password-reset mail's link would let its reader sign in as that user.
    """

    list_display = ["subject", "to", "status", "attempts", "next_attempt_at", "claimed_at", "sent_at", "last_error"]
    list_filter = ["status", "company"]
    search_fields = ["to", "subject", "message_id"]
    exclude = ["body"]
    readonly_fields = ["message_id"]
    show_full_result_count = False
    actions = ["resend", "give_up"]

    def get_queryset(self, request):
        from .services import outbox_visible_to

        return outbox_visible_to(request.user).defer("body")

    def has_view_permission(self, request, obj=None) -> bool:
        from .services import may_manage_outbox

        return may_manage_outbox(request.user)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _move(self, request, queryset, service, done: str) -> None:
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        moved = 0
        for mail in queryset:
            try:
                service(actor=request.user, mail=mail, source="admin")
            except ValidationError as error:
                self.message_user(request, f"{mail.to}: {' '.join(error.messages)}", messages.WARNING)
            else:
                moved += 1
        self.message_user(request, done % {"count": moved}, messages.SUCCESS)

    @admin.action(description=_("Resend the selected mail"))
    def resend(self, request, queryset) -> None:
        from .services import outbox_resend

        self._move(request, queryset, outbox_resend, _("%(count)s mail will be sent again."))

    @admin.action(description=_("Give up the selected mail"))
    def give_up(self, request, queryset) -> None:
        from .services import outbox_give_up

        self._move(request, queryset, outbox_give_up, _("%(count)s mail given up."))
