"""Filters of the claim, supplier-claim and ledger lists, shared by the pages, the Excel exports and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet, apply_filters
from kesu.customers.choices import Currency

from .choices import Bearer, ClaimStatus, CostCategory, EntryKind, ResponsibleParty, SupplierClaimStatus
from .models import Claim, CostEntry, SupplierClaim
from .selectors import claim_list, ledger_list, supplier_claim_list


class ClaimFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("number, title or reference"))
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("currency"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))
    complaint = django_filters.NumberFilter(field_name="complaint_id", label=_("complaint"))
    responsible_party = django_filters.ChoiceFilter(choices=ResponsibleParty.choices, label=_("responsible party"))
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("received to"))

    class Meta:
        model = Claim
        fields = ["q", "status", "open", "currency", "customer_code", "owner", "responsible_party", "received_from",
                  "received_to"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)
                               | Q(customer_reference__icontains=value))

    def filter_open(self, queryset: QuerySet, name: str, value) -> QuerySet:
        from .choices import CLOSED_STATUSES

        if value is None:
            return queryset
        return queryset.exclude(status__in=CLOSED_STATUSES) if value else queryset.filter(status__in=CLOSED_STATUSES)


def claims_filtered(user, params) -> tuple[QuerySet, ClaimFilter]:
    return apply_filters(ClaimFilter, claim_list(user), user, params, "-received_on", "-id")


class SupplierClaimFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=SupplierClaimStatus.choices, label=_("status"))
    supplier_code = django_filters.CharFilter(field_name="supplier__code", lookup_expr="iexact",
                                              label=_("supplier code"))
    claim = django_filters.NumberFilter(field_name="claim_id", label=_("customer claim"))

    class Meta:
        model = SupplierClaim
        fields = ["status", "supplier_code", "claim"]


def supplier_claims_filtered(user, params) -> tuple[QuerySet, SupplierClaimFilter]:
    return apply_filters(SupplierClaimFilter, supplier_claim_list(user), user, params, "-raised_at", "-id")


class LedgerFilter(ScopedFilterSet):
    booked_from = django_filters.DateFilter(field_name="booked_on", lookup_expr="gte", label=_("booked from"))
    booked_to = django_filters.DateFilter(field_name="booked_on", lookup_expr="lte", label=_("booked to"))
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label=_("entry"))
    category = django_filters.ChoiceFilter(choices=CostCategory.choices, label=_("cost category"))
    bearer = django_filters.ChoiceFilter(choices=Bearer.choices, label=_("borne by"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))
    part_no = django_filters.CharFilter(field_name="part__part_no", lookup_expr="iexact", label=_("part number"))
    supplier_code = django_filters.CharFilter(field_name="supplier__code", lookup_expr="iexact",
                                              label=_("supplier code"))
    complaint = django_filters.NumberFilter(field_name="complaint_id", label=_("complaint"))
    claim = django_filters.NumberFilter(field_name="claim_id", label=_("claim"))

    class Meta:
        model = CostEntry
        fields = ["booked_from", "booked_to", "kind", "category", "bearer", "department", "salesperson",
                  "customer_code", "part_no", "supplier_code"]


def ledger_filtered(user, params) -> tuple[QuerySet, LedgerFilter]:
    return apply_filters(LedgerFilter, ledger_list(user), user, params, "-booked_on", "-id")
