"""Filters of the delivery log, shared by the page, its Excel export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet, apply_filters

from .choices import PING, DeliveryStatus, WebhookEvent
from .models import Delivery, Subscription
from .services import deliveries_visible_to

EVENT_CHOICES = [*WebhookEvent.choices, (PING, _("Test message"))]


class DeliveryFilter(ScopedFilterSet):
    subscription = django_filters.ModelChoiceFilter(queryset=Subscription.objects.all(), label=_("subscription"))
    event = django_filters.ChoiceFilter(choices=EVENT_CHOICES, label=_("event"))
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices, label=_("status"))
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("from"))
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("to"))
    response_code = django_filters.NumberFilter(field_name="response_code", label=_("response code"))

    class Meta:
        model = Delivery
        fields = ["subscription", "event", "status", "created_from", "created_to", "response_code"]


def deliveries_filtered(user, params):
    """(queryset, filter set) of the deliveries the administrator sees, newest first."""
    return apply_filters(DeliveryFilter, deliveries_visible_to(user).select_related("subscription"), user, params,
                         "-created_at", "-id")
