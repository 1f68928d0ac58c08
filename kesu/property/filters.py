"""Filters of the ledger, loan and damage lists, shared by the pages, the Excel exports and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet, apply_filters

from .choices import (
    ON_SITE_STATUSES,
    OPEN_DAMAGE_STATUSES,
    OPEN_LOAN_STATUSES,
    DamageStatus,
    ItemStatus,
    ItemType,
    LoanStatus,
)
from .models import DamageReport, Loan, PropertyItem
from .selectors import damage_visible_to, items_visible_to, loans_visible_to


class ItemFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("number, description or reference"))
    item_type = django_filters.ChoiceFilter(choices=ItemType.choices, label=_("type"))
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label=_("status"))
    on_site = django_filters.BooleanFilter(method="filter_on_site", label=_("with us"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))

    class Meta:
        model = PropertyItem
        fields = ["q", "item_type", "status", "on_site", "customer_code"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(description__icontains=value)
                               | Q(customer_reference__icontains=value) | Q(serial_or_lot__icontains=value))

    def filter_on_site(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(status__in=ON_SITE_STATUSES) if value else queryset.exclude(status__in=ON_SITE_STATUSES)


class LoanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=LoanStatus.choices, label=_("status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))

    class Meta:
        model = Loan
        fields = ["status", "open"]

    def filter_open(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_LOAN_STATUSES) if value else queryset.exclude(
            status__in=OPEN_LOAN_STATUSES)


class DamageFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=DamageStatus.choices, label=_("status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))

    class Meta:
        model = DamageReport
        fields = ["status", "open"]

    def filter_open(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_DAMAGE_STATUSES) if value else queryset.exclude(
            status__in=OPEN_DAMAGE_STATUSES)


def items_filtered(user, params):
    return apply_filters(ItemFilter, items_visible_to(user), user, params, "-received_on", "-id")


def loans_filtered(user, params):
    return apply_filters(LoanFilter, loans_visible_to(user), user, params, "-id")


def damage_filtered(user, params):
    return apply_filters(DamageFilter, damage_visible_to(user), user, params, "-reported_at", "-id")
