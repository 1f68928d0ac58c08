"""The portal's panel on the staff customer and contact pages: who has portal access, and the invite button."""

from __future__ import annotations

from kesu.accounts.roles import SALES


def _row(contact) -> dict:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        account = contact.portal_account
    except ObjectDoesNotExist:
        account = None
    return {"contact": contact, "account": account}


def customer_panel(customer, user):
    if not (user.is_superuser or user.has_role(*SALES)):
        return None
    contacts = customer.contacts.select_related("portal_account").order_by("-is_primary", "name")[:50]
    return {"rows": [_row(c) for c in contacts]}


def contact_panel(contact, user):
    if not (user.is_superuser or user.has_role(*SALES)):
        return None
    return {"rows": [_row(contact)]}
