"""Forms of customer property: they turn what was typed into values; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.claims.choices import Bearer
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.core.uploads import MultipleFileField
from kesu.core.workflow import Transition
from kesu.customers.forms import CustomerCodeField, PartNumberField
from kesu.customers.models import Customer, Part

from .choices import Condition, Confidentiality, DamageKind, DocumentKind, InformationKind, InventoryResult
from .models import PropertyItem
from .workflow import INPUT_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.ADMIN]


class ItemForm(ScopedModelForm):
    """Register a ledger item on arrival (or change its facts)."""

    customer = CustomerCodeField(queryset=Customer.objects.all(), label=_("customer code"))
    part = PartNumberField(queryset=Part.objects.all(), required=False, label=_("part number"))
    access_roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, required=False, label=_("also visible to roles"),
                                             widget=forms.SelectMultiple(attrs={"size": 4}))
    photos = MultipleFileField(required=False, label=_("photos on receipt"))

    class Meta:
        model = PropertyItem
        fields = ["customer", "item_type", "description", "quantity", "unit", "customer_reference", "serial_or_lot",
                  "part", "received_on", "received_from", "condition_on_receipt", "keeper_department", "keeper",
                  "location", "confidentiality", "access_roles", "terms", "return_by", "loan_needs_consent",
                  "calibration_due_on", "sales_owner"]
        widgets = {"received_on": DATE, "return_by": DATE, "calibration_due_on": DATE,
                   "condition_on_receipt": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper_department"].required = False
        self.fields["keeper_department"].help_text = _(
            "Empty: by type — samples and tooling to production, drawings to engineering, documents and measuring "
            "equipment to QA.")
        if self.instance.pk:
            self.initial["access_roles"] = self.instance.access_role_list
            self.fields.pop("photos")
        use_lookups(self, {"customer": "customer", "part": "part"})
        style_fields(self)

    def _post_clean(self):
        pass  # the service validates the record (one place for the rules)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "photos" and v not in (None, "")}
        data["access_roles"] = ",".join(self.cleaned_data.get("access_roles") or [])
        data["loan_needs_consent"] = bool(self.cleaned_data.get("loan_needs_consent"))
        return data


class LoanForm(forms.Form):
    """Ask to borrow an item (the loan slip)."""

    purpose = forms.CharField(label=_("purpose"), max_length=300)
    borrow_from = forms.DateField(label=_("borrow from"), widget=DATE)
    expected_return_on = forms.DateField(label=_("expected return"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class DamageForm(forms.Form):
    """Report damage, loss or unsuitability at once."""

    kind = forms.ChoiceField(label=_("what happened"), choices=DamageKind.choices)
    description = forms.CharField(label=_("what, when and how"), widget=forms.Textarea(attrs={"rows": 3}))
    happened_on = forms.DateField(label=_("happened on"), widget=DATE)
    photos = MultipleFileField(label=_("photos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CalibrationForm(forms.Form):
    calibrated_on = forms.DateField(label=_("calibrated on"), widget=DATE)
    next_due_on = forms.DateField(label=_("next calibration due"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


def _input_field(name: str, required: bool) -> forms.Field:
    label = INPUT_LABELS.get(name, name)
    if name == "cost_amount":
        return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=2)
    choices = {"return_condition": Condition.choices, "bearer": Bearer.choices,
               "notice_language": settings.LANGUAGES}.get(name)
    if choices:
        return forms.ChoiceField(label=label, required=required, choices=[("", "---------"), *choices])
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    """The inputs one workflow step takes, typed."""

    def __init__(self, *args, row: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*row.required, *row.optional):
            # Required inputs are judged by the runner, so the page and the API refuse with one message.
            self.fields[name] = _input_field(name, False)
        if row.name == "return" and "return_condition" in row.required:
            # Issue 19 §3: the condition check on taking a loan back comes with photos (checked by core.uploads in
            # the service; the view hands over the files posted as "return-photos").
            self.fields["photos"] = MultipleFileField(label=_("photos of the condition check"))
        style_fields(self)

    def inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "photos" and v not in (None, "")}


class DocumentForm(forms.Form):
    """Register a customer drawing or document with its first revision."""

    customer = CustomerCodeField(queryset=Customer.objects.all(), label=_("customer code"))
    number = forms.CharField(label=_("drawing or document number"), max_length=60)
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    revision = forms.CharField(label=_("revision"), max_length=20)
    pages = forms.IntegerField(label=_("pages"), min_value=1, initial=1)
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    parts = forms.CharField(label=_("part numbers"), required=False,
                            help_text=_("Several part numbers separated by commas."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        style_fields(self)

    def part_list(self) -> list[Part]:
        numbers = [n.strip() for n in (self.cleaned_data.get("parts") or "").replace("，", ",").split(",") if n.strip()]
        customer = self.cleaned_data["customer"]
        parts = list(Part.objects.filter(company_id=customer.company_id, part_no__in=numbers))
        missing = sorted(set(numbers) - {p.part_no for p in parts})
        if missing:
            self.add_error("parts", _("Unknown part numbers: %(parts)s") % {"parts": ", ".join(missing)})
        return parts


class RevisionForm(forms.Form):
    revision = forms.CharField(label=_("revision"), max_length=20)
    pages = forms.IntegerField(label=_("pages"), min_value=1, initial=1)
    received_on = forms.DateField(label=_("received on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class IssueCopiesForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(queryset=Department.objects.none(), label=_("departments"),
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, company_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(company_id=company_id).order_by("code")


class InventoryLineForm(forms.Form):
    result = forms.ChoiceField(label=_("result"), choices=InventoryResult.choices)
    condition_note = forms.CharField(label=_("condition"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class InformationForm(forms.Form):
    """A customer's confidential document or information, with who may see it (issue 19 §7)."""

    title = forms.CharField(label=_("what"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=InformationKind.choices)
    confidentiality = forms.ChoiceField(label=_("confidentiality"), choices=Confidentiality.choices,
                                        initial=Confidentiality.CONFIDENTIAL)
    kept_at = forms.CharField(label=_("kept at"), max_length=200, required=False)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    access_roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, required=False, label=_("visible to roles"),
                                             widget=forms.SelectMultiple(attrs={"size": 4}))
    access_users = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("visible to people"),
                                                  widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args, company=None, **kwargs):
        from kesu.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["access_users"].queryset = User.objects.filter(company=company, is_active=True).order_by(
            "username")
        style_fields(self)
