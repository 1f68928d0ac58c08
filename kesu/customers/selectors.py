"""Reads for customer master data detail pages (fixed number of queries each)."""

from __future__ import annotations

from .models import Contact, Contract, ContractLine, Shipment


def customer_detail_context(customer, user) -> dict:
    return {
        "contacts": list(Contact.objects.filter(customer=customer).order_by("-is_primary", "name")[:50]),
        "contracts": list(Contract.objects.filter(customer=customer).select_related("owner").order_by("-signed_on")[:20]),
        "shipments": list(
            Shipment.objects.filter(customer=customer).select_related("part").order_by("-ship_date", "-id")[:20]
        ),
    }


def contract_detail_context(contract, user) -> dict:
    return {"lines": list(ContractLine.objects.filter(contract=contract).select_related("part").order_by("line_no"))}
