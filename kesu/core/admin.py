"""Admin for the working calendar and a strictly read-only audit trail."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import audit
from . import calendar as cal
from .admin_mixins import CompanyScopedAdmin
from .audit_selectors import audit_entries_visible_to, audit_mask_money
from .models import AuditEntry, CalendarYear, CompanyCalendarDay, StatutoryDay


class _RecordedAdmin(admin.ModelAdmin):
    """Statutory data is national, not an AuditedModel; an edit here still leaves an audit entry (issue 2 §5)."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            loaded = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit.snapshot(loaded) if loaded is not None else None
        super().save_model(request, obj, form, change)
        changes = audit.diff(obj, before)
        if changes or not change:
            audit._write(obj, "update" if change else "create", changes)

    def delete_model(self, request, obj):
        changes = {k: [v[1], None] for k, v in audit.diff(obj, None).items()}
        super().delete_model(request, obj)
        audit._write(obj, "delete", changes)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(_RecordedAdmin):
    list_display = ["year", "source", "loaded_at"]
    search_fields = ["source"]
    ordering = ["-year"]


@admin.register(StatutoryDay)
class StatutoryDayAdmin(_RecordedAdmin):
    list_display = ["date", "kind", "is_working", "name"]
    list_filter = ["kind", "is_working"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["-date"]


class CompanyCalendarDayAdminForm(forms.ModelForm):
    """The same rules as the pages and API (:func:`kesu.core.calendar.validate_company_day`)."""

    class Meta:
        model = CompanyCalendarDay
        fields = ["company", "date", "kind", "name"]

    def clean(self):
        data = super().clean()
        company, date, kind = data.get("company"), data.get("date"), data.get("kind")
        if company is not None and date is not None and kind:
            try:
                # Whether the day is worked follows from the kind, as on the pages.
                self.instance.is_working = cal.validate_company_day(
                    company=company, date=date, is_working=None, kind=kind,
                    name=data.get("name", ""), exclude_pk=self.instance.pk,
                )
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    self.add_error(field_name if field_name in self.fields else None, messages)
        return data


@admin.register(CompanyCalendarDay)
class CompanyCalendarDayAdmin(CompanyScopedAdmin):
    """Saved by ``Model.save()``, which the audit signals record with the admin user as actor."""

    form = CompanyCalendarDayAdminForm
    list_display = ["date", "company", "kind", "is_working", "name"]
    readonly_fields = ["is_working"]
    list_filter = ["company", "kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["company"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Append-only: viewable by those allowed, never added, changed or deleted here (design §10)."""

    list_display = ["at", "actor_name", "source", "action", "content_type", "object_repr", "company_id"]
    list_filter = ["action", "source", "content_type"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    actions = None

    def get_queryset(self, request):
        return audit_entries_visible_to(request.user)

    # Amounts of money masked as on the /audit/ page and the API (issue 15 §4): an administrator is not
    # finance either. The entries are masked in memory only; the trail itself is never changed.
    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.result_list = audit_mask_money(changelist.result_list, request.user)
        return changelist

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        return audit_mask_money([entry], request.user)[0] if entry is not None else None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RetentionPolicyForm(forms.ModelForm):
    """The record types a period can be set for are those kesu.core.retention knows (issue 18 §14)."""

    class Meta:
        from .models import RetentionPolicy

        model = RetentionPolicy
        fields = ["company", "record_type", "years"]

    def __init__(self, *args, **kwargs):
        from .retention import RECORD_TYPES

        super().__init__(*args, **kwargs)
        self.fields["record_type"] = forms.ChoiceField(
            label=self.fields["record_type"].label,
            choices=[(key, kind.label) for key, kind in RECORD_TYPES.items()])


def _register_retention() -> None:
    from .models import RetentionPolicy

    @admin.register(RetentionPolicy)
    class RetentionPolicyAdmin(CompanyScopedAdmin):
        """Per company and record type, the years kept after closure (three when no row says otherwise)."""

        form = RetentionPolicyForm
        list_display = ["company", "record_type", "years"]
        list_filter = ["company", "record_type"]


_register_retention()
