"""Forms for complaints: the intake / edit form and one small form per workflow action.

The forms only turn what a person (or an API client) typed into values; the
rules live in ``services`` and ``workflow``, so pages and API refuse alike.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.forms_base import ScopedModelForm
from kesu.core.lookups import use_lookups
from kesu.customers.forms import ContractNumberField, CustomerCodeField, PartNumberField
from kesu.customers.models import Customer, Part

from .choices import Channel
from .models import Complaint
from .services import FORM_FIELDS, UPDATE_FIELDS
from .workflow import INPUT_LABELS, Transition

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = {"rows": 3}


def narrow_defect_types(form: forms.Form, category_name: str = "category", type_name: str = "defect_type") -> None:
    """Category → defect type (issue 18 §11): the second list offers the chosen category's types, and htmx
    reloads it when the category changes (complaints:defect_types)."""
    if category_name not in form.fields or type_name not in form.fields:
        return
    from django.urls import reverse

    from .services import defect_types_for

    category_field = form.fields[category_name]
    category_field.widget.attrs.update({
        "hx-get": reverse("complaints:defect_types"), "hx-trigger": "change",
        "hx-target": f"#{form[type_name].auto_id}", "hx-swap": "innerHTML",
    })
    raw = form.data.get(form.add_prefix(category_name)) if form.is_bound else None
    if raw is None and getattr(form, "instance", None) is not None:
        raw = getattr(form.instance, f"{category_name}_id", None)
    category = None
    if raw not in (None, "") and str(raw).isdigit():
        category = category_field.queryset.filter(pk=int(raw)).first()
    type_field = form.fields[type_name]
    type_field.queryset = defect_types_for(category) if category is not None else type_field.queryset.none()


_LOOKUPS = {"customer": "customer", "contact": "contact", "part": "part", "shipment": "shipment",
            "contract": "contract", "owner": "user", "responsible_person": "user", "department": "department"}
_NOT_MODEL_FIELDS = {"files"}


class DropZoneFileInput(forms.FileInput):
    """A file input taking several files, inside a zone files can be dropped on (kesu.js ``data-dropzone``)."""

    allow_multiple_selected = True

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        return format_html(
            '<div class="border border-2 rounded p-2 kesu-dropzone" data-dropzone>{}'
            '<div class="form-text">{}</div><div class="small" data-dropzone-files></div></div>',
            super().render(name, value, attrs, renderer), _("Choose files or drop them here."),
        )


class MultipleFileField(forms.FileField):
    """Several uploaded files; the service checks each one (kesu.core.uploads) before anything is saved."""

    widget = DropZoneFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class _ComplaintFormBase(ScopedModelForm):
    """Fields of the Quality Information Feedback form (design §2), choices limited to what the user sees."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        narrow_defect_types(self)
        if "received_at" in self.fields:
            # Left empty it means "now" (the service fills it in).
            self.fields["received_at"].required = False
        for name, field in self.fields.items():
            if name in _NOT_MODEL_FIELDS:
                continue
            # A field left out (an API client, a short form) takes the model's default, as a new record would.
            if Complaint._meta.get_field(name).has_default():
                field.required = False
        # Issue 17 §1: records are found by typing part of a code, a name or its pinyin initials (shipments run
        # into the hundred thousands and contacts belong to one customer: never a drop-down of all of them).
        use_lookups(self, _LOOKUPS)

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if name in _NOT_MODEL_FIELDS:
                continue
            model_field = Complaint._meta.get_field(name)
            if model_field.has_default() and cleaned.get(name) in (None, ""):
                cleaned[name] = model_field.get_default()
        return cleaned

    def _post_clean(self):
        # The model's clean() runs in the service, on the complete record, so the
        # page and the API share one set of rules and messages.
        pass

    def service_data(self, names=None) -> dict[str, Any]:
        names = [n for n in self.fields if n not in _NOT_MODEL_FIELDS] if names is None else names
        data = {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
        if data.get("received_at") is None:
            data.pop("received_at", None)
        return data


_WIDGETS = {
    "received_at": DATETIME, "occurred_at": DATETIME, "delivery_date": DATE,
    "description": forms.Textarea(attrs={"rows": 5}), "customer_request": forms.Textarea(attrs=TEXTAREA),
    "acceptance_note": forms.Textarea(attrs=TEXTAREA),
}
_FIELD_CLASSES = {"customer": CustomerCodeField, "part": PartNumberField, "contract": ContractNumberField}


class ComplaintForm(_ComplaintFormBase):
    """Intake by staff through any channel (issue 3 §1), with the customer's photos and files attached at once."""

    files = MultipleFileField(label=_("Attachments"), required=False,
                              help_text=_("Photos, PDF or Office files; several at a time."))

    class Meta:
        model = Complaint
        fields = list(FORM_FIELDS)
        widgets = _WIDGETS
        field_classes = _FIELD_CLASSES


class ComplaintUpdateForm(_ComplaintFormBase):
    """Editing the feedback form of an open complaint (the customer stays)."""

    class Meta:
        model = Complaint
        fields = list(UPDATE_FIELDS)
        widgets = _WIDGETS
        field_classes = _FIELD_CLASSES


def _input_field(name: str) -> forms.Field:
    if name == "channel":
        return forms.ChoiceField(label=INPUT_LABELS[name], choices=[("", "---------"), *Channel.choices],
                                 required=False)
    if name in INPUT_LABELS:
        return forms.CharField(label=INPUT_LABELS[name], required=False, widget=forms.Textarea(attrs={"rows": 2}))
    model_field = Complaint._meta.get_field(name)
    field = model_field.formfield()
    if isinstance(model_field, models.TextField):
        field.widget = forms.Textarea(attrs={"rows": 2})
    field.required = False  # the service says what is missing, in the same words for page and API
    return field


class TransitionForm(forms.Form):
    """The inputs of one workflow action (its required and optional fields from ``workflow.py``)."""

    def __init__(self, *args, row: Transition, user, **kwargs):
        kwargs.setdefault("prefix", row.action)
        super().__init__(*args, **kwargs)
        self.row = row
        self.required_names = set(row.required)
        visible = user.visible_company_ids()
        for name in (*row.required, *row.optional):
            field = _input_field(name)
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model
                if hasattr(model.objects, "visible_to"):
                    field.queryset = model.objects.visible_to(user)
                elif hasattr(model, "company_id"):
                    field.queryset = field.queryset.filter(company_id__in=visible)
            if name in self.required_names:
                field.label = f"{field.label} *"
            self.fields[name] = field
        narrow_defect_types(self)

    def inputs(self) -> dict[str, Any]:
        """The values given, empty ones left out (the service then judges what is still missing)."""
        data = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "") or (isinstance(value, bool) and name not in self.data_keys()):
                continue
            data[name] = value
        return data

    def data_keys(self) -> set[str]:
        return {name for name in self.fields if self.add_prefix(name) in self.data}


def transition_inputs(*, row: Transition | None, user, data: dict[str, Any]) -> dict[str, Any]:
    """API payload → service inputs: ids become the visible records they name, other keys pass unchanged.

    Keys the action does not take are handed on as given, so the service
    refuses them with its own message (the page cannot send them at all).
    """
    if row is None:
        return dict(data)
    known = {k: v for k, v in data.items() if k in set(row.required) | set(row.optional)}
    rest = {k: v for k, v in data.items() if k not in known}
    form = TransitionForm(
        data={f"{row.action}-{k}": ("" if v is None else v) for k, v in known.items()}, row=row, user=user
    )
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return {**form.inputs(), **rest}



class HistoryForm(forms.Form):
    """Which customer's and/or part's defect history to show (codes typed: lists run into the thousands)."""

    customer = CustomerCodeField(queryset=Customer.objects.all(), label=_("customer code"), required=False)
    part = PartNumberField(queryset=Part.objects.all(), label=_("part number"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.queryset = field.queryset.model.objects.visible_to(user)
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("customer") and not cleaned.get("part"):
            raise ValidationError(_("Give a customer code, a part number or both."))
        return cleaned
