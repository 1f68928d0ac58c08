"""Forms of contract review: they turn what was typed into values; the rules live in services and workflow."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.core.workflow import Transition
from kesu.customers.forms import CodeChoiceField, CustomerCodeField
from kesu.customers.models import Contract, Customer

from .choices import ITEM_FIELDS, Answer, Confirmation, Dept
from .models import ContractReview, ReviewRules
from .workflow import INPUT_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractNumberField(CodeChoiceField):
    code_field = "number"


class ReviewForm(ScopedModelForm):
    """Record a review (《合同评审单》) or change its draft."""

    customer = CustomerCodeField(queryset=Customer.objects.all(), label=_("customer code"))
    contract = ContractNumberField(queryset=Contract.objects.all(), required=False, label=_("contract number"))

    class Meta:
        model = ContractReview
        fields = ["review_type", "customer", "contract", "title", "customer_reference", "received_on", "owner",
                  "currency", "amount", "exchange_rate", *[f for f in ITEM_FIELDS if f != "amount"]]
        widgets = {"received_on": DATE, "delivery_date": DATE,
                   **{f: forms.Textarea(attrs={"rows": 2}) for f in (
                       "quality_requirements", "technical_requirements", "acceptance_criteria",
                       "special_requirements", "process_requirements", "test_requirements", "material_needs")}}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")
        self.fields["exchange_rate"].required = False
        self.fields["exchange_rate"].help_text = _("Empty: the rate finance recorded for the day received.")
        if editing:
            del self.fields["customer"]
        use_lookups(self, {"customer": "customer"} if not editing else {})
        style_fields(self)

    def _post_clean(self):
        pass  # the service validates the review as a whole

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _input_field(name: str, required: bool, company_id: int | None = None) -> forms.Field:
    label = INPUT_LABELS.get(name, name)
    if name == "outsourcer":
        from kesu.customers.models import Supplier

        return forms.ModelChoiceField(queryset=Supplier.objects.filter(company_id=company_id, is_active=True),
                                      required=required, label=label)
    if name in ("outsource_date", "first_delivery", "last_delivery"):
        return forms.DateField(required=required, label=label, widget=DATE)
    if name == "answer":
        return forms.ChoiceField(choices=[(Answer.CAN, Answer.CAN.label), (Answer.CANNOT, Answer.CANNOT.label)],
                                 required=required, label=label, widget=forms.RadioSelect)
    if name == "dept":
        return forms.ChoiceField(choices=[("", "")] + list(Dept.choices), required=required, label=label)
    if name == "confirmation_method":
        return forms.ChoiceField(choices=[("", "")] + list(Confirmation.choices), required=required, label=label)
    return forms.CharField(required=required, label=label, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    """The inputs one workflow step takes."""

    def __init__(self, *args, row: Transition, company_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*row.required, *row.optional):
            # Required inputs are judged by the service (same message as the API), not by the form.
            self.fields[name] = _input_field(name, False, company_id)
        style_fields(self)

    def inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class NoticeForm(forms.Form):
    """Draft a change notice (《合同变更通知单》)."""

    description = forms.CharField(label=_("what changes"), widget=forms.Textarea(attrs={"rows": 3}))
    quantity = forms.DecimalField(label=_("new quantity"), required=False, max_digits=14, decimal_places=3)
    delivery_date = forms.DateField(label=_("new delivery date"), required=False, widget=DATE)
    amount = forms.DecimalField(label=_("new amount"), required=False, max_digits=16, decimal_places=2)
    specification = forms.CharField(label=_("new specification"), required=False, max_length=200)
    affected = forms.MultipleChoiceField(label=_("departments to re-review"), choices=Dept.choices,
                                         widget=forms.CheckboxSelectMultiple)
    concerned = forms.MultipleChoiceField(label=_("departments to notify"), choices=Dept.choices,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def new_values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("quantity", "delivery_date", "amount", "specification")
                if self.cleaned_data.get(k) not in (None, "")}


class RulesForm(forms.ModelForm):
    class Meta:
        model = ReviewRules
        fields = ["number_pattern", "tender_threshold", "mode_contract", "mode_order", "mode_agreement",
                  "mode_tender_below", "mode_tender_above", "mode_foreign_trade", "mode_informal", "signoff_days",
                  "receipt_days", "branch_head", "gm_proxy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from kesu.accounts.models import User

        for name in ("branch_head", "gm_proxy"):
            self.fields[name].queryset = User.objects.filter(company_id=self.instance.company_id, is_active=True)
        style_fields(self)


class PlanForm(forms.Form):
    """Record a customer's order for its delivery plan (顾客需求管理程序 §5.2)."""

    customer = CustomerCodeField(queryset=Customer.objects.all(), required=False, label=_("customer code"))
    order_reference = forms.CharField(label=_("customer order"), max_length=60)
    order_text = forms.CharField(label=_("order content"), widget=forms.Textarea(attrs={"rows": 3}))
    clarification = forms.CharField(label=_("clarified with the customer"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("When the order was unclear: what was confirmed with the customer."))
    quantity = forms.DecimalField(label=_("quantity"), required=False, max_digits=14, decimal_places=3)
    due_on = forms.DateField(label=_("delivery date asked"), required=False, widget=DATE)

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            del self.fields["customer"]
        else:
            self.fields["customer"].required = True
            use_lookups(self, {"customer": "customer"})
        style_fields(self)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class SupplierCodeField(CodeChoiceField):
    code_field = "code"


class OutsourcerForm(forms.Form):
    """Put a supplier on the approved-outsourcer list (《外包加工商清单》)."""

    supplier = SupplierCodeField(queryset=None, label=_("supplier code"))
    scope = forms.CharField(label=_("approved for"), max_length=200, required=False)
    approved_on = forms.DateField(label=_("approved on"), widget=DATE)
    valid_until = forms.DateField(label=_("valid until"), widget=DATE, required=False)

    def __init__(self, *args, company_id: int, **kwargs):
        from kesu.customers.models import Supplier

        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(company_id=company_id)
        style_fields(self)


class WithdrawForm(forms.Form):
    """Take an outsourcer off the approved list: the reason, on the list's row."""

    reason = forms.CharField(label=_("reason for withdrawal"), max_length=2000)


class MeetingForm(forms.Form):
    """The record of a central review meeting: when, where, who, what was decided."""

    held_at = forms.DateTimeField(label=_("held at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    chaired_by = forms.ModelChoiceField(queryset=None, label=_("chaired by"), required=False)
    attendees = forms.ModelMultipleChoiceField(queryset=None, label=_("attendees"))
    other_attendees = forms.CharField(label=_("other attendees"), max_length=500, required=False)
    decisions = forms.CharField(label=_("decisions"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("actions agreed"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, company_id: int, **kwargs):
        from kesu.accounts.models import User

        super().__init__(*args, **kwargs)
        people = User.objects.filter(company_id=company_id, is_active=True).order_by("username")
        self.fields["chaired_by"].queryset = people
        self.fields["attendees"].queryset = people
        style_fields(self)

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "attendees" and v not in (None, "")}
