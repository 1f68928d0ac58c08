"""Reads for customer master data detail pages (a fixed number of queries each, whatever the data size)."""

from __future__ import annotations

from typing import Any

from .models import Contact, Contract, ContractLine, Customer, Shipment

RECENT = 20


def customer_detail_context(customer: Customer, user: Any) -> dict:
    """Contacts, latest contracts and recent shipments of one customer (three queries)."""
    return {
        "contacts": list(Contact.objects.filter(customer=customer).order_by("-is_primary", "name")[:50]),
        "contracts": list(Contract.objects.filter(customer=customer).order_by("-signed_on", "-id")[:RECENT]),
        "shipments": list(
            Shipment.objects.filter(customer=customer).select_related("part").order_by("-ship_date", "-id")[:RECENT]
        ),
    }


def contact_detail_context(contact: Contact, user: Any) -> dict:
    """Whether the reader may anonymise the contact on request (issue 18 §14: administrators)."""
    from kesu.core.retention import may_confirm

    return {"may_anonymise": may_confirm(user)}


def contract_detail_context(contract: Contract, user: Any) -> dict:
    """Every line of the contract with its part (one query), and the number a new line would take."""
    lines = list(ContractLine.objects.filter(contract=contract).select_related("part").order_by("line_no"))
    return {"lines": lines, "next_line_no": max((line.line_no for line in lines), default=0) + 1}
