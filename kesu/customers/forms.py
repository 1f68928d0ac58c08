"""Forms for customer master data (used by pages, API and Excel import alike)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.core.forms_base import ScopedModelForm

from .models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodeChoiceField(forms.ModelChoiceField):
    """A related record typed in by its code, or given by id (as the API and the Excel import do).

    A drop-down of every customer or part would hold tens of thousands of
    options in a factory group, so pages take the code people already use.
    The queryset stays the visible records only (ScopedModelForm narrows it),
    so another company's code is simply "not found".
    """

    widget = forms.TextInput
    code_field = "code"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = _("No record with this code.")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | self.queryset.model) and not isinstance(value, bool):
            return super().to_python(value)
        text = str(value).strip()
        found = self.queryset.filter(**{self.code_field: text}).first()
        if found is not None:
            return found
        if text.isdigit():  # an id, as a link from another page or an old client sends it
            return super().to_python(text)
        named = self._by_exact_name(text)
        if named is not None:
            return named
        raise ValidationError(_("No record with code “%(code)s”.") % {"code": text}, code="invalid_choice")

    def _by_exact_name(self, text: str):
        """The one visible record whose full or short name is exactly ``text`` (issue 17 §1: people type
        "泰越动力", not its code, when the type-ahead's list was not used); two such records: none is guessed."""
        names = [f for f in ("name", "short_name") if any(x.name == f for x in self.queryset.model._meta.fields)]
        if not names:
            return None
        match = Q()
        for name in names:
            match |= Q(**{name: text})
        found = list(self.queryset.filter(match)[:2])
        return found[0] if len(found) == 1 else None

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            return getattr(value, self.code_field)
        if isinstance(value, int) and not isinstance(value, bool):
            code = self.queryset.filter(pk=value).values_list(self.code_field, flat=True).first()
            return value if code is None else code
        return super().prepare_value(value)


class CustomerCodeField(CodeChoiceField):
    code_field = "code"

    def _set_queryset(self, queryset):
        # The owner and their department come with the customer: a new complaint takes both from it (issue 24).
        super()._set_queryset(None if queryset is None else queryset.select_related("owner__department"))

    queryset = property(CodeChoiceField._get_queryset, _set_queryset)


class PartNumberField(CodeChoiceField):
    code_field = "part_no"


class ContractNumberField(CodeChoiceField):
    code_field = "number"


class CustomerForm(ScopedModelForm):
    class Meta:
        model = Customer
        fields = [
            "company", "code", "name", "short_name", "customer_type", "status", "region", "sales_region",
            "owner", "importance", "sales_rank", "address", "phone", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactForm(ScopedModelForm):
    class Meta:
        model = Contact
        fields = ["company", "customer", "name", "title", "department", "phone", "mobile", "email", "language",
                  "is_primary", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"customer": CustomerCodeField}


class PartForm(ScopedModelForm):
    class Meta:
        model = Part
        fields = ["company", "part_no", "name", "model", "specification", "unit", "warranty_months", "customer",
                  "customer_part_no", "is_active"]
        field_classes = {"customer": CustomerCodeField}


class ContractForm(ScopedModelForm):
    class Meta:
        model = Contract
        fields = ["company", "number", "customer", "kind", "status", "signed_on", "currency", "owner",
                  "customer_po", "notes"]
        widgets = {"signed_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"customer": CustomerCodeField}


class ContractLineForm(ScopedModelForm):
    class Meta:
        model = ContractLine
        fields = ["company", "contract", "line_no", "part", "quantity", "unit_price", "due_date"]
        widgets = {"due_date": DATE}
        field_classes = {"contract": ContractNumberField, "part": PartNumberField}


class ContractLineRefField(forms.ModelChoiceField):
    """A contract line chosen by "contract number/line" (or its id), within the visible companies."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, ContractLine):
            return value
        text = str(value).strip()
        if "/" in text:
            number, _slash, line = text.rpartition("/")
            try:
                return self.queryset.select_related("contract").get(contract__number=number.strip(), line_no=int(line))
            except (ValueError, ContractLine.DoesNotExist, ContractLine.MultipleObjectsReturned):
                raise ValidationError(_("No contract line “%(ref)s”.") % {"ref": text}, code="invalid_choice") from None
        return super().to_python(text)

    def prepare_value(self, value):
        if isinstance(value, ContractLine):
            return value.reference
        return super().prepare_value(value)


class ShipmentForm(ScopedModelForm):
    class Meta:
        model = Shipment
        fields = ["company", "delivery_no", "line_no", "customer", "contract_line", "part", "quantity", "due_date",
                  "ship_date", "receipt_date", "is_split", "extra_freight_cost", "currency"]
        widgets = {"due_date": DATE, "ship_date": DATE, "receipt_date": DATE}
        field_classes = {"customer": CustomerCodeField, "part": PartNumberField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A drop-down of every contract line would be enormous: the line is typed as "contract/line".
        field = self.fields["contract_line"]
        self.fields["contract_line"] = ContractLineRefField(
            queryset=field.queryset, required=False, label=field.label, help_text=_("As contract number/line, e.g. HT-2026-0001/1."),
        )
        if self.instance.contract_line_id and not self.is_bound:
            self.initial["contract_line"] = self.instance.contract_line.reference


class SupplierForm(ScopedModelForm):
    class Meta:
        model = Supplier
        fields = ["company", "code", "name", "short_name", "contact_name", "phone", "email", "address", "is_active"]
