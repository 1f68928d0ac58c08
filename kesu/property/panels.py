"""Panels this module adds to other pages: a part's current customer drawings; a customer's property and the
confidential information kept about it (issue 19 §2, §7)."""

from __future__ import annotations

from kesu.accounts.roles import Role

from .choices import ON_SITE_STATUSES, RESTRICTED_LEVELS, CopyStatus
from .selectors import current_revisions_of_part, information_visible_to, items_visible_to, personal_data_rule


def part_panel(part, user):
    if not user.has_perm("property.view_propertyitem"):
        return None
    revisions = list(current_revisions_of_part(part, user))
    for revision in revisions:
        revision.held = [c for c in revision.copies.all() if c.status == CopyStatus.ISSUED]
    return {"revisions": revisions}


def customer_panel(customer, user):
    if not user.has_perm("property.view_propertyitem"):
        return None
    items = list(items_visible_to(user).filter(customer=customer, status__in=ON_SITE_STATUSES)
                 .order_by("item_type", "number")[:50])
    restricted = [i for i in items if i.confidentiality in RESTRICTED_LEVELS]
    for item in restricted:
        item.who = who_may_see(item)
    contacts = list(customer.contacts.all().order_by("-is_primary", "id")[:20])
    return {"property_items": items, "restricted": restricted, "contacts": contacts,
            "personal_data_roles": personal_data_rule()["roles"],
            "customer_pk": customer.pk,
            "information_count": information_visible_to(user).filter(customer=customer).count()}


def who_may_see(item) -> str:
    """Who may see a confidential item: its keeping department, sales and management, and the roles named on it."""
    names = [str(item.keeper_department), *(str(Role(r).label) for r in ("salesperson", "gm"))]
    names += [str(Role(r).label) for r in item.access_role_list if r in Role.values]
    return "、".join(dict.fromkeys(names))
