"""Records added to a complaint outside the workflow table: communications, notes, files, assignment,
meetings and disposition lines (issue 3 §1, §3, §5).

Each kind is a small form (what may be typed) and the one service that
writes it. The detail page and the REST API both go through
``record_submit``, so they accept and refuse the same input with the same
messages naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User
from kesu.core.uploads import MultipleFileField
from kesu.customers.models import Shipment

from . import permissions, services
from .choices import (
    Channel,
    Direction,
    DispositionKind,
    InspectionResult,
    Priority,
    Status,
    VerificationResult,
)
from .models import Complaint, DispositionLine

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _ComplaintRecordForm(forms.Form):
    """A record form knows its complaint (choices limited to the complaint's company) and the user."""

    def __init__(self, *args, complaint: Complaint, user, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model
                if model is DispositionLine:
                    field.queryset = complaint.dispositions.order_by("id")
                else:
                    field.queryset = model.objects.filter(company_id=complaint.company_id)
                    if model is User:
                        field.queryset = field.queryset.filter(is_active=True).order_by("username")


class CommunicationForm(_ComplaintRecordForm):
    prefix_name = "communication"
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    at = forms.DateTimeField(label=_("at"), required=False, widget=DATETIME,
                             help_text=_("Empty means now."))
    files = MultipleFileField()


class NoteForm(_ComplaintRecordForm):
    prefix_name = "note"
    text = forms.CharField(label=_("internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    files = MultipleFileField()


class AttachmentForm(_ComplaintRecordForm):
    prefix_name = "attachment"
    files = MultipleFileField(required=True)
    internal = forms.BooleanField(label=_("internal (not for the customer)"), required=False, initial=True)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class AssignForm(_ComplaintRecordForm):
    prefix_name = "assign"
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.all())
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.all(), required=False)
    override_reason = forms.CharField(
        label=_("reason to assign despite a conflict of interest"), required=False, max_length=500,
        help_text=_("Only when the person caused the nonconformity or is the part's responsible engineer."))


class PriorityForm(_ComplaintRecordForm):
    prefix_name = "priority"
    priority = forms.TypedChoiceField(label=_("priority"), choices=[("", _("back to the rule")), *Priority.choices],
                                      coerce=int, empty_value=None, required=False)
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class MeetingForm(_ComplaintRecordForm):
    prefix_name = "meeting"
    held_at = forms.DateTimeField(label=_("held at"), widget=DATETIME)
    attendees = forms.ModelMultipleChoiceField(label=_("attendees"), queryset=User.objects.all())
    departments = forms.ModelMultipleChoiceField(label=_("departments"), queryset=Department.objects.all())
    conclusions = forms.CharField(label=_("conclusions"), widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("actions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DispositionForm(_ComplaintRecordForm):
    prefix_name = "disposition"
    kind = forms.ChoiceField(label=_("disposition"), choices=DispositionKind.choices)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    lot_number = forms.CharField(label=_("lot / batch / serial number"), required=False, max_length=100)
    mis_order = forms.BooleanField(label=_("customer mis-order"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class DispositionLineForm(_ComplaintRecordForm):
    prefix_name = "line"
    line = forms.ModelChoiceField(label=_("disposition line"), queryset=DispositionLine.objects.all())


class InspectionForm(DispositionLineForm):
    prefix_name = "inspection"
    result = forms.ChoiceField(label=_("incoming inspection"),
                               choices=[(InspectionResult.PASS, InspectionResult.PASS.label),
                                        (InspectionResult.FAIL, InspectionResult.FAIL.label)])


class DeliveryVerificationForm(_ComplaintRecordForm):
    """004 §5.2(3): one later delivery of the part checked (the service judges which shipments qualify)."""

    prefix_name = "delivery_verification"
    shipment = forms.ModelChoiceField(label=_("shipment"), queryset=Shipment.objects.all())
    checked_on = forms.DateField(label=_("checked on"), widget=forms.DateInput(attrs={"type": "date"}))
    checked_by = forms.ModelChoiceField(label=_("checked by"), queryset=User.objects.all(), required=False,
                                        help_text=_("Empty means you."))
    result = forms.ChoiceField(label=_("result"), choices=VerificationResult.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The customer's deliveries, newest first; the service says why one of another part or date does not count.
        shipments = self.fields["shipment"].queryset.filter(customer_id=self.complaint.customer_id)
        self.fields["shipment"].queryset = shipments.order_by("-ship_date", "delivery_no", "line_no")


@dataclass(frozen=True)
class Record:
    """One kind of record: its form, the service call, what the page says when done."""

    label: Any
    form: type[_ComplaintRecordForm]
    run: Callable[..., Any]
    done: Any
    roles: frozenset
    on_lines: bool = False  # acts on one of the complaint's disposition lines
    closed_too: bool = False  # also on a closed complaint (notes and files)
    statuses: tuple[str, ...] = ()  # only in these statuses (empty: any open one)


RECORDS: dict[str, Record] = {
    "communication": Record(_("Log a communication with the customer"), CommunicationForm,
                            lambda **kw: services.communication_log(**kw), _("Communication recorded."), permissions.COMMUNICATE),
    "note": Record(_("Add an internal note"), NoteForm, lambda **kw: services.note_add(**kw),
                   _("Note added."), permissions.NOTE, closed_too=True),
    "attachment": Record(_("Attach files"), AttachmentForm, lambda **kw: services.attachment_add(**kw),
                         _("Files attached."), permissions.NOTE, closed_too=True),
    "assign": Record(_("Assign"), AssignForm, lambda **kw: services.complaint_assign(**kw),
                     _("Complaint assigned."), permissions.ASSIGN),
    "priority": Record(_("Override the priority"), PriorityForm,
                       lambda **kw: services.complaint_priority_override(**kw), _("Priority changed."),
                       permissions.PRIORITY),
    "meeting": Record(_("Record an ad-hoc meeting"), MeetingForm, lambda **kw: services.meeting_record(**kw),
                      _("Meeting recorded."), permissions.MEETING),
    "disposition": Record(_("Add a disposition line"), DispositionForm,
                          lambda **kw: services.disposition_add(**kw), _("Disposition line added."),
                          permissions.DISPOSITION_ADD),
    "mis_order_approval": Record(_("Approve a mis-order return"), DispositionLineForm,
                                 lambda complaint, **kw: services.disposition_approve_mis_order(**kw),
                                 _("Return approved."), permissions.MIS_ORDER_APPROVE, on_lines=True),
    "inspection": Record(_("Record incoming inspection"), InspectionForm,
                         lambda complaint, **kw: services.disposition_record_inspection(**kw),
                         _("Inspection result recorded."), permissions.INSPECTION, on_lines=True),
    "restock": Record(_("Put returned goods back in stock"), DispositionLineForm,
                      lambda complaint, **kw: services.disposition_restock(**kw), _("Goods restocked."),
                      permissions.RESTOCK, on_lines=True),
    "delivery_verification": Record(_("Verify a later delivery"), DeliveryVerificationForm,
                                    lambda **kw: services.delivery_verification_record(**kw),
                                    _("Delivery verification recorded."), permissions.VERIFY_DELIVERY,
                                    statuses=(Status.VERIFICATION,)),
}


def record_form(kind: str, *, complaint: Complaint, user, data=None, files=None) -> _ComplaintRecordForm:
    return RECORDS[kind].form(data, files, complaint=complaint, user=user)


def record_submit(kind: str, *, user, complaint: Complaint, data, files=None, source: str = "web",
                  prefixed: bool = True) -> Any:
    """Validate the typed input of one record kind and write it through its service.

    ``data`` comes from the page's form (field names prefixed by the kind) or
    from a JSON body (``prefixed=False``). Raises ValidationError naming the
    field, for form errors and service refusals alike.
    """
    if not user.has_role(*RECORDS[kind].roles):
        # Before any input is judged: a role that may not add this record learns nothing about its form.
        raise PermissionDenied(_("Your role may not do this."))
    if not prefixed:
        prefix = RECORDS[kind].form.prefix_name
        data = {f"{prefix}-{key}": ("" if value is None else value) for key, value in data.items()}
    form = record_form(kind, complaint=complaint, user=user, data=data, files=files)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    values = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("at", "priority")}
    if values.get("at") is None:
        values.pop("at", None)
    return RECORDS[kind].run(actor=user, complaint=complaint, source=source, **values)


def available_records(complaint: Complaint, user, *, has_lines: bool) -> list[tuple[str, Record]]:
    """The record kinds the user's role may add to this complaint now (the services check again)."""
    return [
        (kind, record) for kind, record in RECORDS.items()
        if user.has_role(*record.roles)
        and (complaint.is_open or record.closed_too)
        and (has_lines or not record.on_lines)
        and (not record.statuses or complaint.status in record.statuses)
    ]
