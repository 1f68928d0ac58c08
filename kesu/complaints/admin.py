"""Admin for complaint handling.

Configuration (categories, company settings, per-customer deadlines) is
edited here. Complaints and their records are shown read-only: every change
to a case goes through the services (numbering, workflow table, deadlines,
audit), so the admin never saves one itself.
"""

import json
import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.core.admin_mixins import CompanyScopedAdmin, ReadOnlyCaseAdmin, ReadOnlyInline

from .choices import EscalationAction
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


class WordListField(forms.CharField):
    """A list of words typed as "owner, department_head" (commas, 、 or spaces; a JSON list is read too) and
    shown the same way; empty is the empty list (a raw JSON box left empty was a NOT NULL error)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(word) for word in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text.startswith("["):
            try:
                words = json.loads(text)
            except ValueError:
                words = None
            if isinstance(words, list):
                return [str(word) for word in words]
        return [word for word in re.split(r"[\s,，、;；\[\]\"']+", text) if word]


def _field_label(name: str):
    return ComplaintSettings._meta.get_field(name).verbose_name


class ComplaintSettingsForm(forms.ModelForm):
    """The escalation chain and what each of its levels does (issue 18 §12), typed as words in order; the model's
    ``clean`` judges them and names the field."""

    escalation_chain = WordListField(
        label=_field_label("escalation_chain"), required=False,
        help_text=_("Steps in order, separated by commas: owner, department_head, director, gm. Empty: owner, "
                    "department_head, director."))
    escalation_actions = WordListField(label=_field_label("escalation_actions"), required=False)

    class Meta:
        model = ComplaintSettings
        fields = "__all__"  # noqa: DJ007 - the admin edits every setting, those added later too

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["escalation_actions"].help_text = _(
            "One per level of the chain, in order, separated by commas: notify (%(notify)s) or reassign "
            "(%(reassign)s). A level without one only notifies."
        ) % {"notify": EscalationAction.NOTIFY.label, "reassign": EscalationAction.REASSIGN.label}


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(CompanyScopedAdmin):
    form = ComplaintSettingsForm
    list_display = ["company", "number_pattern", "pass_on_working_days", "reply_hours", "sales_remedy_hours",
                    "escalation_chain", "escalation_actions"]


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
