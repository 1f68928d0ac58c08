"""Filters of the review list and the ledger, shared by the pages, the Excel exports and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet, apply_filters

from .choices import OPEN_STATUSES, ReviewMode, ReviewStatus, ReviewType
from .models import ContractReview


def reviews_for(user) -> QuerySet:
    return ContractReview.objects.visible_to(user).select_related("customer", "owner", "company", "contract")


class ReviewFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("number, subject or reference"))
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))
    review_type = django_filters.ChoiceFilter(choices=ReviewType.choices, label=_("type"))
    mode = django_filters.ChoiceFilter(choices=ReviewMode.choices, label=_("review mode"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("received to"))

    class Meta:
        model = ContractReview
        fields = ["q", "status", "open", "review_type", "mode", "customer_code", "owner", "received_from",
                  "received_to"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)
                               | Q(customer_reference__icontains=value) | Q(product_name__icontains=value))

    def filter_open(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)


def reviews_filtered(user, params) -> tuple[QuerySet, ReviewFilter]:
    return apply_filters(ReviewFilter, reviews_for(user), user, params, "-received_on", "-id")
