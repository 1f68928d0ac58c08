"""The subscription form, shared by the page and the API (the API builds it, then calls the service)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import WebhookEvent
from .services import url_check


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100,
                           help_text=_("Who receives the messages, e.g. “ERP (Kingdee)”."))
    url = forms.CharField(label=_("URL"), max_length=500,
                          help_text=_("The receiving system's http or https address; Kesu posts JSON to it."))
    events = forms.MultipleChoiceField(label=_("events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Choose at least one event.")})
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def clean_url(self) -> str:
        try:
            return url_check(self.cleaned_data["url"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from None


class SettingsForm(forms.Form):
    disable_after = forms.IntegerField(label=_("switch a subscription off after this many failures in a row"),
                                       min_value=1, max_value=1000)
