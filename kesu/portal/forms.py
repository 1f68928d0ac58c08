"""Portal forms: sign-in, password, code, and the short Quality Information Feedback form."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.core.uploads import MultipleFileField
from kesu.customers.models import Part


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"), max_length=254)
    password = forms.CharField(label=_("password"), max_length=200, widget=forms.PasswordInput)


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"), max_length=254)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("new password"), max_length=200, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("new password again"), max_length=200, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label=_("sign-in code"), max_length=6, min_length=6)


def parts_of(account):
    """The parts the contact may name: made for their customer, or shipped to it."""
    customer_id = account.contact.customer_id
    return (Part.objects.filter(company_id=account.company_id, is_active=True)
            .filter(Q(customer_id=customer_id) | Q(shipments__customer_id=customer_id)).distinct().order_by("part_no"))


class PortalComplaintForm(forms.Form):
    """The short Quality Information Feedback form (质量信息反馈单) a customer fills in."""

    part = forms.ModelChoiceField(label=_("part"), queryset=Part.objects.none(), required=False)
    quantity_defective = forms.IntegerField(label=_("quantity defective"), min_value=1, max_value=2**31 - 1,
                                            required=False)
    lot_number = forms.CharField(label=_("lot / batch / serial number"), max_length=100, required=False)
    delivery_date = forms.DateField(label=_("delivery date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    defect_nature = forms.CharField(label=_("defect nature"), max_length=200, required=False)
    description = forms.CharField(label=_("description"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    customer_request = forms.CharField(label=_("your request"), max_length=5000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("photos and files"))

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = parts_of(account)
        self.fields["part"].label_from_instance = lambda p: f"{p.part_no} {p.name}"

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "files"}


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("your message"), max_length=20000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("photos and files"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("your decision"),
                                 choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("reason"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ExplanationForm(forms.Form):
    answer = forms.ChoiceField(label=_("your answer"), choices=[
        ("acknowledge", _("We acknowledge the explanation")), ("dispute", _("We dispute the explanation"))])
    reason = forms.CharField(label=_("remarks or reason"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
