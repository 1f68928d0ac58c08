"""Forms of the customer service pages (validation of the rules across records stays in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.customers.forms import CodeChoiceField, CustomerCodeField, PartNumberField
from kesu.customers.models import Contact, Customer, Part

from .models import CustomerAudit, CustomerYield, MarketEntry, ServiceJob, ServiceRules, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintNumberField(CodeChoiceField):
    code_field = "number"


class VisitForm(ScopedModelForm):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"))
    complaint = ComplaintNumberField(queryset=Complaint.objects.none(), label=_("complaint followed up"),
                                     required=False)
    contacts = forms.ModelMultipleChoiceField(queryset=Contact.objects.none(), required=False,
                                              label=_("contacts met"))

    class Meta:
        model = Visit
        fields = ["kind", "customer", "contacts", "contacts_text", "visited_by", "companions", "visited_on",
                  "purpose", "complaint", "view_quality", "view_delivery", "view_service", "view_price",
                  "view_needs", "findings", "negative", "confirmation", "confirmation_note"]
        widgets = {"visited_on": DATE, "findings": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(self.user)
        self.fields["complaint"].queryset = Complaint.objects.visible_to(self.user)
        self.fields["contacts"].queryset = Contact.objects.visible_to(self.user)
        self.fields["visited_by"].required = False
        self.fields["visited_by"].help_text = _("Empty: you.")
        self.fields["complaint"].help_text = _("Complaint number; required for a visit after a complaint's closure.")
        if self.instance.pk:
            self.fields.pop("customer")
            self.fields["contacts"].queryset = Contact.objects.filter(customer=self.instance.customer)
        use_lookups(self, {"customer": "customer", "visited_by": "user"})
        style_fields(self)

    def _post_clean(self):
        pass  # the service validates the record (one write path)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "contacts"}
        if data.get("visited_by") is None:
            data.pop("visited_by", None)
        return data


MONTH_CHOICES = [(m, f"{m}") for m in range(1, 13)]


class PlanGenerateForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2200, label=_("year"))


class PlanLineForm(forms.Form):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"))
    visits = forms.TypedMultipleChoiceField(choices=MONTH_CHOICES, coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple, label=_("planned visits ★ (months)"))
    surveys = forms.TypedMultipleChoiceField(choices=MONTH_CHOICES, coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             label=_("planned surveys ★ (months)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        use_lookups(self, {"customer": "customer"})


class StepForm(forms.Form):
    note = forms.CharField(max_length=2000, required=False, label=_("note"))
    reason = forms.CharField(max_length=2000, required=False, label=_("reason"))


LONG_INPUTS = frozenset({"cause_analysis", "customer_reply"})


class TransitionForm(forms.Form):
    """The inputs one workflow step of a plan or a quality report takes (no prefix: each step posts its own form,
    and the inputs keep the names the API uses)."""

    def __init__(self, *args, row, **kwargs):
        from .workflow import INPUT_LABELS

        super().__init__(*args, **kwargs)
        for name in (*row.required, *row.optional):
            # Required inputs are judged by the runner, so the page and the API refuse with one message.
            long = name in LONG_INPUTS
            self.fields[name] = forms.CharField(
                label=INPUT_LABELS.get(name, name), required=False, max_length=5000 if long else 2000,
                widget=forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput())
        style_fields(self)

    def inputs(self) -> dict[str, Any]:
        return {k: v.strip() for k, v in self.cleaned_data.items() if v and v.strip()}


class RulesForm(forms.ModelForm):
    class Meta:
        model = ServiceRules
        fields = ["existing_visit_every", "existing_survey_every", "potential_visit_every", "top_customers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def _post_clean(self):
        pass


class JobForm(ScopedModelForm):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"))
    part = PartNumberField(queryset=Part.objects.none(), label=_("product / part"), required=False)
    complaint = ComplaintNumberField(queryset=Complaint.objects.none(), label=_("complaint"), required=False)

    class Meta:
        model = ServiceJob
        fields = ["kind", "customer", "part", "serial_or_lot", "quantity", "complaint", "fault", "work_done",
                  "first_time_fixed", "parts_used", "engineer", "done_on", "hours"]
        widgets = {"done_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(self.user)
        self.fields["part"].queryset = Part.objects.visible_to(self.user)
        self.fields["complaint"].queryset = Complaint.objects.visible_to(self.user)
        self.fields["engineer"].required = False
        self.fields["engineer"].help_text = _("Empty: you.")
        use_lookups(self, {"customer": "customer", "part": "part", "engineer": "user"})
        style_fields(self)

    def _post_clean(self):
        pass

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("engineer") is None:
            data.pop("engineer", None)
        return data


class MarketForm(ScopedModelForm):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"), required=False)

    class Meta:
        model = MarketEntry
        fields = ["kind", "title", "text", "customer", "competitor", "region", "tags", "reported_on",
                  "rating_cost", "rating_quality", "rating_delivery", "rating_technology"]
        widgets = {"reported_on": DATE, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(self.user)
        use_lookups(self, {"customer": "customer"})
        style_fields(self)

    def _post_clean(self):
        pass


class CustomerYieldForm(ScopedModelForm):
    """The customer's processing yield of a period (issue 21 §6)."""

    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"))
    part = PartNumberField(queryset=Part.objects.none(), label=_("product / part"), required=False)

    class Meta:
        model = CustomerYield
        fields = ["customer", "part", "period_start", "period_end", "processed", "passed", "note"]
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(self.user)
        self.fields["part"].queryset = Part.objects.visible_to(self.user)
        use_lookups(self, {"customer": "customer", "part": "part"})
        style_fields(self)

    def _post_clean(self):
        pass  # the service validates the record (one write path)


class CustomerAuditForm(ScopedModelForm):
    """An audit of us by the customer (issue 21 §6)."""

    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"))

    class Meta:
        model = CustomerAudit
        fields = ["customer", "audited_on", "scope", "auditors", "findings", "score", "passed", "actions"]
        widgets = {"audited_on": DATE, "findings": forms.Textarea(attrs={"rows": 3}),
                   "actions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(self.user)
        use_lookups(self, {"customer": "customer"})
        style_fields(self)

    def _post_clean(self):
        pass
