"""Forms for corrective actions and nonconforming reports: they turn what was typed into values.

The rules live in ``services`` and ``workflow`` so pages and API refuse alike.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.customers.forms import CustomerCodeField, PartNumberField
from kesu.customers.models import Customer, Part

from .choices import NcrDisposition, VerificationResult
from .models import CorrectiveAction, NonconformingReport
from .sections import Section
from .workflow import INPUT_LABELS, Transition

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


_style = style_fields


class NumberField(forms.ModelChoiceField):
    """A record typed by its number (complaints run into the millions: no drop-down)."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = self.queryset.filter(number=str(value).strip()).first()
        if found is None:
            raise ValidationError(_("No record with number “%(number)s”.") % {"number": value}, code="invalid_choice")
        return found

    def prepare_value(self, value):
        return value.number if isinstance(value, self.queryset.model) else super().prepare_value(value)


class ActionRaiseForm(ScopedModelForm):
    """Raise an action by hand or from a complaint (the complaint's number fills its facts)."""

    complaint = NumberField(queryset=Complaint.objects.all(), required=False, label=_("complaint number"))
    customer = CustomerCodeField(queryset=Customer.objects.all(), required=False, label=_("customer code"))
    part_numbers = forms.CharField(label=_("affected part numbers"), required=False,
                                   help_text=_("Separated by commas or spaces."))

    class Meta:
        model = CorrectiveAction
        fields = ["complaint", "title", "kind", "format", "problem", "customer", "part_numbers", "category",
                  "responsible_department", "owner", "qa_owner"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Empty: the customer's rule, else the company's usual format.")
        for name in ("title", "problem"):
            self.fields[name].required = False  # taken from the complaint when one is given
        use_lookups(self, {"customer": "customer"})  # by name, code or pinyin initials (issue 17 §1)
        _style(self)

    def clean_part_numbers(self) -> list[Part]:
        numbers = [n for n in str(self.cleaned_data.get("part_numbers") or "").replace(",", " ").split() if n]
        parts = list(Part.objects.visible_to(self.user).filter(part_no__in=numbers))
        missing = sorted(set(numbers) - {p.part_no for p in parts})
        if missing:
            raise ValidationError(_("No part with number %(numbers)s.") % {"numbers": "、".join(missing)})
        return parts

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("complaint"):
            for name in ("title", "problem"):
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
        return cleaned

    def _post_clean(self):
        pass  # the service validates the whole record

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in
                ("title", "problem", "kind", "format", "customer", "category", "responsible_department", "owner",
                 "qa_owner")}
        return {k: v for k, v in data.items() if v not in (None, "")}


def section_form_class(section: Section) -> type[forms.ModelForm] | None:
    if not section.fields:
        return None
    text = [n for n in section.fields if isinstance(CorrectiveAction._meta.get_field(n), models.TextField)]
    form = forms.modelform_factory(CorrectiveAction, fields=list(section.fields),
                                   widgets={n: forms.Textarea(attrs={"rows": 2}) for n in text})
    return form


class _RowForm(forms.ModelForm):
    """One row of a section's table. ``choices``: a dict shared by every row form of one page, so that each list of
    people or departments is read once for the page rather than once a row (validation still reads the
    queryset, so a choice made meanwhile invisible is refused)."""

    def __init__(self, *args, user=None, choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from kesu.accounts.models import Department, User

        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model
                if model is User:
                    field.queryset = User.objects.visible_to(user).filter(is_active=True).order_by("display_name")
                elif model is Department:
                    field.queryset = Department.objects.filter(company_id__in=user.visible_company_ids())
                if choices is not None:
                    if model not in choices:
                        choices[model] = list(iter(field.choices))  # iter: no COUNT for a length hint
                    field.choices = choices[model]
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE
        _style(self)

    def _post_clean(self):
        pass


def row_formset_class(model, fields: tuple[str, ...], extra: int, with_id: bool = False):
    attrs = {"id": forms.IntegerField(widget=forms.HiddenInput)} if with_id else {}
    base = type("RowForm", (_RowForm,), attrs)
    form = forms.modelform_factory(model, form=base, fields=list(fields))
    return forms.formset_factory(form, extra=extra, can_delete=not with_id)


def row_values(formset, keep_id: bool = False) -> list[dict[str, Any]]:
    """The rows a formset holds, without the empty and deleted ones."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE" and (keep_id or k != "id")})
    return rows


class TransitionForm(forms.Form):
    """The inputs one workflow step takes (a note, a reason, other evidence)."""

    def __init__(self, *args, row: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*row.required, *row.optional):
            self.fields[name] = forms.CharField(label=INPUT_LABELS[name], required=name in row.required,
                                                widget=forms.Textarea(attrs={"rows": 2}))
        _style(self)

    def inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class StepForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=None, label=_("owner"))
    due_at = forms.DateTimeField(label=_("due at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from kesu.accounts.models import User

        self.fields["owner"].queryset = User.objects.visible_to(user).filter(is_active=True)
        _style(self)


class LinkForm(forms.Form):
    complaint = NumberField(queryset=Complaint.objects.none(), label=_("complaint number"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint"].queryset = Complaint.objects.visible_to(user)
        _style(self)


class NcrIssueForm(ScopedModelForm):
    complaint = NumberField(queryset=Complaint.objects.all(), required=False, label=_("complaint number"))
    action = NumberField(queryset=CorrectiveAction.objects.all(), required=False, label=_("action number"))
    part = PartNumberField(queryset=Part.objects.all(), required=False, label=_("part number"))

    class Meta:
        model = NonconformingReport
        fields = ["complaint", "action", "part", "quantity", "description", "disposition", "responsible_department"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disposition"].choices = NcrDisposition.choices
        use_lookups(self, {"part": "part"})  # by number, name or pinyin initials (issue 17 §1)
        _style(self)

    def _post_clean(self):
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class NcrAnswerForm(forms.Form):
    cause = forms.CharField(label=_("cause"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("corrective and preventive measures"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NcrCancelForm(forms.Form):
    note = forms.CharField(label=_("Why it is cancelled"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NcrVerifyForm(forms.Form):
    result = forms.ChoiceField(label=_("verification result"), choices=VerificationResult.choices)
    note = forms.CharField(label=_("verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
