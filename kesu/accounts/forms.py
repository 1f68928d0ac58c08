"""Account forms: throttled login, profile, API token."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import throttle
from .models import User


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed attempts. Sign-in is locked for %(minutes)d minutes; try again later "
            "or ask an administrator to reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request) if self.request else ""
        if throttle.is_locked(username, address):
            raise ValidationError(
                self.error_messages["locked"], code="locked",
                params={"minutes": settings.KESU_LOGIN_LOCKOUT_MINUTES},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username, address)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "language"]
        widgets = {"language": forms.Select(choices=[("", "—"), *settings.LANGUAGES])}


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. “ERP sync”."))
