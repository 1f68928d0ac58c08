"""Forms of the prevention pages; the services judge the rules, the forms only type the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.customers.forms import CustomerCodeField, PartNumberField
from kesu.customers.models import Customer, Part

from .choices import CLASS_GUIDANCE, MemberPosition, SignalClass
from .models import WarningSignal
from .workflow import INPUT_LABELS, Transition

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SignalForm(ScopedModelForm):
    """Record a sign of dissatisfaction; the class is chosen by the seed's definitions shown beside it."""

    customer = CustomerCodeField(queryset=Customer.objects.all(), label=_("customer code"))
    part = PartNumberField(queryset=Part.objects.all(), required=False, label=_("part number"))

    class Meta:
        model = WarningSignal
        fields = ["source", "customer", "part", "warning_class", "observed", "raised_at"]
        widgets = {"observed": forms.Textarea(attrs={"rows": 4}), "raised_at": DATETIME,
                   "warning_class": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_at"].required = False
        self.fields["raised_at"].help_text = _("Empty: now.")
        self.fields["warning_class"].help_text = " ".join(str(CLASS_GUIDANCE[c]) for c in SignalClass)
        use_lookups(self, {"customer": "customer", "part": "part"})
        style_fields(self)
        self.fields["warning_class"].widget.attrs["class"] = "form-check-input"

    def _post_clean(self):
        pass  # the service validates

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _users(user, company_id):
    qs = User.objects.visible_to(user).filter(is_active=True).order_by("display_name", "username")
    return qs.filter(company_id=company_id) if company_id else qs


class TransitionForm(forms.Form):
    """The inputs one workflow step takes."""

    def __init__(self, *args, row: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*row.required, *row.optional):
            self.fields[name] = forms.CharField(label=INPUT_LABELS[name], required=name in row.required,
                                                widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
        style_fields(self)

    def inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ActionForm(forms.Form):
    description = forms.CharField(label=_("action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none())
    working_days = forms.IntegerField(label=_("working days"), min_value=1, max_value=60, initial=2)

    def __init__(self, *args, user, company_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users(user, company_id)
        style_fields(self)


class ActionDoneForm(forms.Form):
    result = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none())
    position = forms.ChoiceField(label=_("position in the group"), choices=MemberPosition.choices)

    def __init__(self, *args, user, company_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users(user, company_id)
        style_fields(self)


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(label=_("held at"), widget=DATETIME)
    topic = forms.CharField(label=_("topic"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(label=_("attendees"), queryset=User.objects.none(),
                                               widget=forms.SelectMultiple(attrs={"size": 6}))
    decisions = forms.CharField(label=_("decisions"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, user, company_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _users(user, company_id)
        style_fields(self)


class AssessmentForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("salesperson"), queryset=User.objects.none())
    period_start = forms.DateField(label=_("from"), widget=DATE)
    period_end = forms.DateField(label=_("to"), widget=DATE)

    def __init__(self, *args, user, company_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = _users(user, company_id).filter(position__role="salesperson")
        style_fields(self)


class DutiesForm(forms.Form):
    duties = forms.CharField(label=_("duties"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class RepeatSettingsForm(forms.Form):
    """The company's repeat-complaint rules (ISO 10002 §8.5, design §11)."""

    window_days = forms.IntegerField(label=_("within days"), min_value=1, max_value=3650,
                                     help_text=_("A complaint is a repeat when an earlier one of the same category "
                                                 "and defect was received within this many calendar days."))
    same_customer = forms.BooleanField(label=_("same customer"), required=False)
    same_part = forms.BooleanField(label=_("same part at any customer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
