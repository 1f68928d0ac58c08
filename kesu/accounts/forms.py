"""Account forms: throttled sign-in (page and admin), password reset through the outbox, profile, API token."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import throttle
from .models import User


class ThrottleMixin:
    """Sign-in through :mod:`kesu.accounts.throttle`: a refused try is not even checked against the password."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request) if self.request else "unknown"
        try:
            throttle.login_check(username, address)
        except throttle.Refused as refused:
            raise ValidationError(refused.message, code="throttled") from refused
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failed(username, address)
            raise
        throttle.login_succeeded(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The sign-in page's form."""


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's sign-in form (staff only), counted together with the sign-in page."""


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset whose mail goes through the outbox with a link built from KESU_BASE_URL.

    Django's form builds the link from the request's Host header and sends at once; here the request only
    decides who is asked (and is throttled, see :func:`kesu.accounts.services.password_reset_request`).
    """

    def __init__(self, *args, request=None, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        try:
            throttle.check(throttle.reset_keys(email, throttle.client_address(self.request)))
        except throttle.Refused as refused:
            raise ValidationError(refused.message, code="throttled") from refused
        return email

    def save(self, **kwargs) -> None:  # the view's domain_override, use_https, request… are ignored on purpose
        from . import services

        services.password_reset_request(
            email=self.cleaned_data["email"], address=throttle.client_address(self.request)
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "language", "digest_email"]
        widgets = {"language": forms.Select(choices=[("", "—"), *settings.LANGUAGES])}


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. “ERP sync”."))
