"""Account pages: sign-in (throttled), sign-out, passwords, language, profile, API tokens, organization."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiTokenForm, OutboxPasswordResetForm, ProfileForm, ThrottledAuthenticationForm
from .models import ApiToken, Company, Department, Position, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The saved choice wins over the browser's Accept-Language from now on.
        language = form.get_user().language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
            )
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"page_title": _("Change password")}

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address; the form queues the mail (link from KESU_BASE_URL, throttled)."""

    form_class = OutboxPasswordResetForm
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"page_title": _("Reset password"), "public_page": True}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/message_page.html"
    extra_context = {
        "page_title": _("Reset password"),
        "message": _("If an account with that e-mail address exists, we have sent it a link to set a new password."),
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"page_title": _("Set a new password"), "public_page": True}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/message_page.html"
    extra_context = {"page_title": _("Reset password"), "message": _("Your password has been set. You can sign in now.")}


@require_POST
def set_language(request):
    """Switch language: remembered on the user (if signed in) and in a cookie (before sign-in)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    try:
        if request.user.is_authenticated:
            services.user_set_language(actor=request.user, language=language)
        elif language not in {code for code, _n in settings.LANGUAGES}:
            raise ValidationError({"language": _("Unknown language.")})
    except ValidationError:
        messages.error(request, _("Unknown language."))
        return response
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
    )
    return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(actor=request.user, form=form)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_token": new_token, "tokens": ApiToken.objects.filter(user=request.user)},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:tokens")


@login_required
def organization(request):
    """Companies, departments, positions and people the user can see (administered in the admin)."""
    visible = Company.objects.all() if request.user.is_superuser else Company.objects.filter(
        pk__in=request.user.visible_company_ids()
    )
    companies = visible.select_related("parent").annotate(user_count=Count("users"))
    departments = Department.objects.visible_to(request.user).select_related("company", "head", "parent")
    positions = Position.objects.visible_to(request.user).select_related("company").annotate(
        holder_count=Count("holders")
    )
    users = (
        User.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("company", "department", "position", "sales_region")
        .order_by("company__code", "department__code", "username")
    )
    return render(
        request,
        "accounts/organization.html",
        {"companies": companies, "departments": departments, "positions": positions, "users": users[:500]},
    )
