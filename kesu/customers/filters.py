"""Filters for customer master data, shared by the list pages, the Excel export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet

from .models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier


class CustomerFilter(ScopedFilterSet):
    class Meta:
        model = Customer
        fields = ["company", "status", "customer_type", "importance", "owner", "sales_region"]


# Customers, parts and contracts are filtered by their code typed in, not by a
# drop-down: a factory group has tens of thousands of them.
def customer_code():
    return django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact", label=_("customer code"))


def part_number():
    return django_filters.CharFilter(field_name="part__part_no", lookup_expr="iexact", label=_("part number"))


class ContactFilter(ScopedFilterSet):
    customer_code = customer_code()

    class Meta:
        model = Contact
        fields = ["company", "is_primary"]


class PartFilter(ScopedFilterSet):
    customer_code = customer_code()

    class Meta:
        model = Part
        fields = ["company", "is_active"]


class ContractFilter(ScopedFilterSet):
    customer_code = customer_code()
    signed_from = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("signed from"))
    signed_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("signed to"))

    class Meta:
        model = Contract
        fields = ["company", "kind", "status", "owner"]


class ContractLineFilter(ScopedFilterSet):
    contract_number = django_filters.CharFilter(field_name="contract__number", lookup_expr="iexact",
                                                label=_("contract number"))
    part_no = part_number()

    class Meta:
        model = ContractLine
        fields = ["company"]


class ShipmentFilter(ScopedFilterSet):
    customer_code = customer_code()
    part_no = part_number()
    shipped_from = django_filters.DateFilter(field_name="ship_date", lookup_expr="gte", label=_("shipped from"))
    shipped_to = django_filters.DateFilter(field_name="ship_date", lookup_expr="lte", label=_("shipped to"))

    class Meta:
        model = Shipment
        fields = ["company", "is_split"]


class SupplierFilter(ScopedFilterSet):
    class Meta:
        model = Supplier
        fields = ["company", "is_active"]
