"""The customer master data people pick in forms (issue 17 §1): registered once with kesu.core.lookups."""

from __future__ import annotations

from kesu.core.lookups import Lookup, register
from kesu.core.privacy import contact_label, mask_name, sees_personal_data


def _contact_label(contact, user=None) -> str:
    """The contact's name as ``user`` may read it (masked unless kesu.core.privacy shows it), title, department."""
    name = contact_label(contact, user) if user is not None else mask_name(contact.name)
    return " · ".join(part for part in (name, contact.title, contact.department) if part)


def _shipment_label(shipment) -> str:
    return f"{shipment} {shipment.part.part_no} {shipment.ship_date:%Y-%m-%d} ×{shipment.quantity}"


def _contract_label(contract) -> str:
    return f"{contract.number} {contract.customer.short_name or contract.customer.name}"


register(Lookup("customer", "customers.Customer", "code", prefix_fields=("code",),
                contains_fields=("name", "short_name"), initials_from=("name", "short_name")))
register(Lookup("supplier", "customers.Supplier", "code", prefix_fields=("code",),
                contains_fields=("name", "short_name"), initials_from=("name", "short_name"),
                active={"is_active": True}))
register(Lookup("part", "customers.Part", "part_no", prefix_fields=("part_no", "customer_part_no"),
                contains_fields=("name",), initials_from=("name",), customer_field="customer",
                active={"is_active": True}))
register(Lookup("contact", "customers.Contact", "pk", prefix_fields=("name",), initials_from=("name",),
                customer_field="customer", label=_contact_label, user_label=_contact_label,
                may_search_text=sees_personal_data))
register(Lookup("contract", "customers.Contract", "number", prefix_fields=("number", "customer_po"),
                customer_field="customer", label=_contract_label, related=("customer",)))
register(Lookup("shipment", "customers.Shipment", "pk", prefix_fields=("delivery_no",), customer_field="customer",
                label=_shipment_label, related=("part",)))
