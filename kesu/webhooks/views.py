"""The administrator's webhook pages: subscriptions, the delivery log, replay and test (issue 23 §5).

Thin views (conventions habit 2): access (403 for anyone but an administrator, 404 for another company's
record) → form → one service → message → redirect.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import export_query
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import refused_forms, show_refused

from . import exports, services
from .filters import deliveries_filtered
from .forms import SettingsForm, SubscriptionForm

SECRET_SESSION_KEY = "webhooks_secret_once"

DELIVERY_LIST = ListSpec(
    sorts=(Sort("created", ("created_at",), indexed=True), Sort("status", ("status",)),
           Sort("attempts", ("attempts",)), Sort("code", ("response_code",))),
    default_order=("-created_at", "-id"),
)


def _require(user) -> None:
    if not services.may_manage(user):
        raise PermissionDenied


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _show_secret_once(request, subscription, secret: str) -> None:
    # Kept in the session only until the next page shows it: never in a URL, a log or a message.
    request.session[SECRET_SESSION_KEY] = {"pk": subscription.pk, "secret": secret}


@login_required
def index(request):
    """The company's subscriptions and the failure limit."""
    _require(request.user)
    subscriptions = services.subscriptions_visible_to(request.user).order_by("name", "id")
    company = request.user.company
    settings_form = None
    if company is not None:
        settings_form = refused_forms(request).get("settings") or SettingsForm(
            initial={"disable_after": services.disable_after(company.pk)})
    return render(request, "webhooks/index.html", {"subscriptions": subscriptions, "settings_form": settings_form})


@login_required
@require_POST
def settings_save(request):
    _require(request.user)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return show_refused(request, index, form_id="settings", form=form)
    try:
        services.settings_update(actor=request.user, company=request.user.company, **form.cleaned_data)
    except ValidationError as error:
        return show_refused(request, index, form_id="settings", form=form, error=error)
    messages.success(request, _("Webhook settings saved."))
    return redirect("webhooks:index")


@login_required
def create(request):
    _require(request.user)
    if request.user.company is None:
        raise PermissionDenied
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.subscription_create(actor=request.user, company=request.user.company,
                                                                **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _show_secret_once(request, subscription, secret)
            messages.success(request, _("Subscription “%(name)s” created.") % {"name": subscription.name})
            return redirect("webhooks:detail", pk=subscription.pk)
    return render(request, "webhooks/form.html", {"form": form})


@login_required
def detail(request, pk: int):
    subscription = services.subscription_get_for_user(request.user, pk)
    shown = request.session.get(SECRET_SESSION_KEY)
    secret = ""
    if shown and shown.get("pk") == subscription.pk:
        secret = shown.get("secret", "")
        del request.session[SECRET_SESSION_KEY]
    recent = subscription.deliveries.order_by("-created_at", "-id")[:20]
    return render(request, "webhooks/detail.html", {"subscription": subscription, "secret": secret,
                                                    "recent": recent})


@login_required
def edit(request, pk: int):
    subscription = services.subscription_get_for_user(request.user, pk)
    form = SubscriptionForm(request.POST or None, initial={
        "name": subscription.name, "url": subscription.url, "events": subscription.events,
        "is_active": subscription.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(actor=request.user, subscription=subscription, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Subscription “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("webhooks:detail", pk=subscription.pk)
    return render(request, "webhooks/form.html", {"form": form, "subscription": subscription})


@login_required
def delete(request, pk: int):
    """Asks first (GET), deletes on POST: the delivery log of the subscription goes with it."""
    subscription = services.subscription_get_for_user(request.user, pk)
    if request.method != "POST":
        return render(request, "webhooks/confirm_delete.html", {"subscription": subscription,
                                                                "deliveries": subscription.deliveries.count()})
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("Subscription “%(name)s” deleted.") % {"name": subscription.name})
    return redirect("webhooks:index")


@login_required
@require_POST
def rotate_secret(request, pk: int):
    subscription = services.subscription_get_for_user(request.user, pk)
    secret = services.subscription_rotate_secret(actor=request.user, subscription=subscription)
    _show_secret_once(request, subscription, secret)
    messages.success(request, _("A new secret was made; the old one no longer signs messages."))
    return redirect("webhooks:detail", pk=subscription.pk)


@login_required
@require_POST
def send_test(request, pk: int):
    subscription = services.subscription_get_for_user(request.user, pk)
    delivery = services.subscription_send_test(actor=request.user, subscription=subscription)
    if delivery.status == "delivered":
        messages.success(request, _("Test message delivered (HTTP %(code)s, %(ms)s ms).") % {
            "code": delivery.response_code, "ms": delivery.duration_ms})
    else:
        messages.error(request, _("Test message not delivered: %(error)s") % {
            "error": delivery.last_error or delivery.response_code})
    return redirect("webhooks:detail", pk=subscription.pk)


@login_required
def deliveries(request):
    """The delivery log: filters, pages, Excel export; each row opens its attempts and the replay button."""
    _require(request.user)
    listing = Listing(request, DELIVERY_LIST)
    qs, filterset = deliveries_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.DELIVERY_COLUMNS,
                               _("Webhook deliveries"), "webhook-deliveries"))
    page, listing = paginate(request, qs, DELIVERY_LIST, listing=listing, filterset=filterset)
    return render(request, "webhooks/deliveries.html", {"filterset": filterset, "page": page, "listing": listing,
                                                        "export_query": export_query(request)})


@login_required
def delivery_detail(request, pk: int):
    delivery = services.delivery_get_for_user(request.user, pk)
    return render(request, "webhooks/delivery.html", {
        "delivery": delivery, "attempts": delivery.attempt_log.all(),
        "payload": json.dumps(delivery.payload, ensure_ascii=False, indent=2)})


@login_required
@require_POST
def replay(request, pk: int):
    delivery = services.delivery_get_for_user(request.user, pk)
    try:
        copy = services.delivery_replay(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("webhooks:delivery", pk=delivery.pk)
    if copy.subscription.is_active:
        messages.success(request, _("The message will be sent again shortly."))
    else:
        messages.warning(request, _("The message waits until the subscription is switched on again."))
    return redirect("webhooks:delivery", pk=copy.pk)
