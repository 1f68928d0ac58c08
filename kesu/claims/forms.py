"""Forms for claims, supplier claims and the ledger: they turn what was typed into values.

The rules live in ``services`` and ``workflow`` so pages and API refuse alike.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User
from kesu.complaints.models import Complaint
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.customers.forms import CodeChoiceField, CustomerCodeField, PartNumberField
from kesu.customers.models import Customer, Part, Supplier

from .choices import DocumentKind, ItemKind, Outcome, ResponsibleParty, SettlementMethod
from .models import Claim, ClaimSettings, CostEntry, ExchangeRate, SupplierClaim
from .workflow import INPUT_LABELS, Transition

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ByNumber(CodeChoiceField):
    """A complaint or claim typed by its number (they run into the millions: no drop-down)."""

    code_field = "number"


class SupplierCodeField(CodeChoiceField):
    code_field = "code"


class ClaimForm(ScopedModelForm):
    """Record a claim, or change its facts while it is collected or analysed."""

    complaint = ByNumber(queryset=Complaint.objects.all(), required=False, label=_("complaint number"))
    customer = CustomerCodeField(queryset=Customer.objects.all(), required=False, label=_("customer code"))
    part = PartNumberField(queryset=Part.objects.all(), required=False, label=_("part number"))

    class Meta:
        model = Claim
        fields = ["complaint", "customer", "part", "title", "description", "customer_reference", "received_on",
                  "owner", "currency", "exchange_rate"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "received_on": DATE}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")
        self.fields["exchange_rate"].required = False
        self.fields["exchange_rate"].help_text = _("Empty: the rate finance recorded for the day received.")
        if editing:
            for name in ("complaint", "customer"):
                del self.fields[name]
        # Issue 17 §1: the customer and part are found by name, code or pinyin initials; parts by the customer.
        use_lookups(self, {"customer": "customer", "part": "part"})
        style_fields(self)

    def clean(self):
        data = super().clean()
        if "customer" in self.fields and not data.get("customer") and not data.get("complaint"):
            self.add_error("customer", _("Give the customer, or the complaint the claim comes from."))
        return data

    def _post_clean(self):
        pass  # the service validates the claim as a whole

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ItemForm(forms.Form):
    # A blank first choice: the untouched extra rows of the formset stay unchanged and are skipped.
    kind = forms.ChoiceField(choices=[("", "---------"), *ItemKind.choices], label=_("item"))
    description = forms.CharField(max_length=300, required=False, label=_("description"))
    quantity = forms.DecimalField(max_digits=12, decimal_places=3, min_value=0, initial=1, label=_("quantity"))
    unit_price = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, label=_("unit price"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


ItemFormSet = forms.formset_factory(ItemForm, extra=3, can_delete=True)


def item_rows(formset) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data and not data.get("DELETE"):
            rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices, label=_("document"))
    file = forms.FileField(label=_("file"))
    note = forms.CharField(max_length=300, required=False, label=_("note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class SettlementForm(forms.Form):
    """Finance's settled amount per claimed item."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                max_digits=14, decimal_places=2, min_value=0, label=str(item), initial=item.settled_amount)
        style_fields(self)

    def amounts(self) -> dict[int, Any]:
        return {int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items()}


def _input_field(name: str, required: bool, user, company_id: int | None) -> forms.Field:
    label = INPUT_LABELS[name]
    if name in ("proposed_amount", "agreed_amount", "recovered_amount"):
        return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=2)
    if name == "supplier_share":
        return forms.DecimalField(label=label, required=required, max_digits=5, decimal_places=2)
    if name in ("settled_on", "recovered_on"):
        return forms.DateField(label=label, required=required, widget=DATE)
    choices = {"proposed_outcome": Outcome.choices, "responsible_party": ResponsibleParty.choices,
               "settlement_method": SettlementMethod.choices}.get(name)
    if choices:
        return forms.ChoiceField(label=label, required=required, choices=[("", "---------"), *choices])
    users = User.objects.visible_to(user).filter(is_active=True).order_by("display_name")
    if company_id:
        users = users.filter(company_id=company_id)
    if name == "meeting_attendees":
        return forms.ModelMultipleChoiceField(label=label, required=required, queryset=users,
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    if name == "responsible_salesperson":
        return forms.ModelChoiceField(label=label, required=required, queryset=users)
    if name == "responsible_department":
        return forms.ModelChoiceField(label=label, required=required,
                                      queryset=Department.objects.filter(company_id=company_id))
    if name == "supplier":
        return SupplierCodeField(label=label, required=required, queryset=Supplier.objects.filter(
            company_id=company_id))
    if name in ("settlement_reference", "recovery_reference"):
        return forms.CharField(label=label, required=required, max_length=100)
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    """The inputs one workflow step takes, typed (amounts, dates, people, the responsible party)."""

    def __init__(self, *args, row: Transition, user, company_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*row.required, *row.optional):
            self.fields[name] = _input_field(name, name in row.required, user, company_id)
        style_fields(self)

    def inputs(self) -> dict[str, Any]:
        out = {}
        for key, value in self.cleaned_data.items():
            if hasattr(value, "all") and not isinstance(value, (str, dict)):
                value = list(value)
            if value not in (None, "", []):
                out[key] = value
        return out


class SupplierClaimForm(ScopedModelForm):
    """Raise a charge-back by hand from a claim or a complaint."""

    claim = ByNumber(queryset=Claim.objects.all(), required=False, label=_("customer claim number"))
    complaint = ByNumber(queryset=Complaint.objects.all(), required=False, label=_("complaint number"))
    supplier = SupplierCodeField(queryset=Supplier.objects.all(), label=_("supplier code"))

    class Meta:
        model = SupplierClaim
        fields = ["claim", "complaint", "supplier", "description", "share_percent", "currency", "amount", "handler"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_lookups(self, {"supplier": "supplier"})  # by code, name or pinyin initials (issue 17 §1)
        style_fields(self)

    def _post_clean(self):
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class CostBookForm(ScopedModelForm):
    """Book a cost of a complaint (return, repair, on-site visit, extra freight, scrapped return) by hand."""

    complaint = ByNumber(queryset=Complaint.objects.all(), required=False, label=_("complaint number"))
    claim = ByNumber(queryset=Claim.objects.all(), required=False, label=_("claim number"))
    supplier = SupplierCodeField(queryset=Supplier.objects.all(), required=False, label=_("supplier code"))

    class Meta:
        model = CostEntry
        fields = ["complaint", "claim", "booked_on", "category", "bearer", "department", "salesperson", "supplier",
                  "currency", "amount", "exchange_rate", "description"]
        widgets = {"booked_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exchange_rate"].required = False
        self.fields["exchange_rate"].initial = None
        self.fields["exchange_rate"].help_text = _("Empty: the rate finance recorded for the booking day.")
        self.fields["department"].queryset = Department.objects.filter(
            company_id__in=self.user.visible_company_ids())
        use_lookups(self, {"supplier": "supplier"})  # by code, name or pinyin initials (issue 17 §1)
        style_fields(self)

    def _post_clean(self):
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ClaimSettingsForm(forms.ModelForm):
    required_documents = forms.MultipleChoiceField(choices=DocumentKind.choices, required=False,
                                                   widget=forms.CheckboxSelectMultiple,
                                                   label=_("documents every claim needs"))

    class Meta:
        model = ClaimSettings
        fields = ["number_pattern", "supplier_number_pattern", "base_currency", "vice_gm_delegation", "vice_gm_limit",
                  "required_documents"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.fields["required_documents"].widget.attrs.pop("class", None)


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "valid_from", "rate"]
        widgets = {"valid_from": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def _post_clean(self):
        pass
