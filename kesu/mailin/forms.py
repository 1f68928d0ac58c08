"""Forms of the mail intake pages (rules across records stay in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint
from kesu.core.forms_base import style_fields
from kesu.core.lookups import use_lookups
from kesu.customers.forms import CodeChoiceField, CustomerCodeField
from kesu.customers.models import Contact, Customer

from .models import Mailbox


class MailboxForm(forms.ModelForm):
    """A mailbox; the password field is never filled from the stored one (left empty it keeps it)."""

    password = forms.CharField(label=_("password"), required=False, max_length=500,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=_("Stored as given and never shown again; leave empty to keep it."))

    class Meta:
        model = Mailbox
        fields = ["name", "host", "port", "security", "username", "password", "folder", "max_bytes", "is_active",
                  "read_existing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["password"].required = True
        style_fields(self)

    def _post_clean(self) -> None:
        pass  # the service validates the mailbox (company, unique name) and keeps an empty password

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ComplaintNumberField(CodeChoiceField):
    code_field = "number"


class MakeComplaintForm(forms.Form):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer"))
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), label=_("contact"), required=False)

    def __init__(self, *args, mail, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.filter(company_id=mail.company_id)
        self.fields["contact"].queryset = Contact.objects.filter(company_id=mail.company_id)
        use_lookups(self, {"customer": "customer", "contact": "contact"})
        style_fields(self)


class AttachForm(forms.Form):
    complaint = ComplaintNumberField(queryset=Complaint.objects.none(), label=_("complaint number"))

    def __init__(self, *args, mail, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint"].queryset = Complaint.objects.filter(company_id=mail.company_id)
        style_fields(self)


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("why discarded"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
