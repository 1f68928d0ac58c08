"""Reads of customer property: who sees what (conventions habit 7, decided here for pages, API and panels)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kesu.accounts.roles import Role

from .choices import RESTRICTED_LEVELS, RevisionStatus
from .models import (
    ControlledCopy,
    DamageReport,
    DrawingRevision,
    ExternalDocument,
    InventoryCheck,
    Loan,
    PropertyItem,
)

# Sales compiles the ledger and talks to the customer; management oversees: they see every item of their company.
SEE_ALL = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR, Role.GM,
                     Role.VICE_GM, Role.ADMIN})


def _role_in(role: str) -> Q:
    return (Q(access_roles=role) | Q(access_roles__startswith=f"{role},") | Q(access_roles__endswith=f",{role}")
            | Q(access_roles__contains=f",{role},"))


def item_access(user) -> Q:
    """Which items ``user`` may see inside their companies: all but the confidential and secret ones, which only
    their keeping department, sales, management and the roles named on the item see (seed 002: protect customer
    information)."""
    if user.is_superuser or getattr(user, "role", None) in SEE_ALL:
        return Q()
    return (~Q(confidentiality__in=RESTRICTED_LEVELS) | Q(keeper_department_id=user.department_id)
            | _role_in(user.role or "-"))


def items_visible_to(user) -> QuerySet:
    return PropertyItem.objects.visible_to(user).filter(item_access(user)).select_related(
        "customer", "keeper_department", "keeper", "sales_owner", "part")


def may_see_item(user, item: PropertyItem) -> bool:
    return items_visible_to(user).filter(pk=item.pk).exists()


def item_get_for_user(user, pk: int) -> PropertyItem:
    """The item, or 404 for another company's or a confidential item the user may not see."""
    return get_object_or_404(items_visible_to(user), pk=pk)


def _item_prefix(prefix: str, user) -> Q:
    access = item_access(user)
    return Q(**{f"{prefix}__in": PropertyItem.objects.filter(access).values("pk")}) if access else Q()


def loans_visible_to(user) -> QuerySet:
    return Loan.objects.visible_to(user).filter(_item_prefix("item", user)).select_related(
        "item", "item__customer", "requested_by", "department", "keeper_department", "sales_owner")


def loan_get_for_user(user, pk: int) -> Loan:
    return get_object_or_404(loans_visible_to(user), pk=pk)


def damage_visible_to(user) -> QuerySet:
    return DamageReport.objects.visible_to(user).filter(_item_prefix("item", user)).select_related(
        "item", "item__customer", "reported_by", "sales_owner", "keeper_department", "loan", "capa", "cost_entry")


def damage_get_for_user(user, pk: int) -> DamageReport:
    return get_object_or_404(damage_visible_to(user), pk=pk)


def documents_visible_to(user) -> QuerySet:
    return ExternalDocument.objects.visible_to(user).select_related("customer", "item").prefetch_related("parts")


def document_get_for_user(user, pk: int) -> ExternalDocument:
    return get_object_or_404(documents_visible_to(user), pk=pk)


def copy_get_for_user(user, pk: int) -> ControlledCopy:
    return get_object_or_404(ControlledCopy.objects.visible_to(user).select_related(
        "revision", "revision__document", "department"), pk=pk)


def inventory_get_for_user(user, pk: int) -> InventoryCheck:
    return get_object_or_404(InventoryCheck.objects.visible_to(user), pk=pk)


def current_revisions_of_part(part, user) -> QuerySet:
    """The current revisions of the customer drawings registered for ``part``."""
    return (DrawingRevision.objects.visible_to(user).filter(document__parts=part, status=RevisionStatus.CURRENT)
            .select_related("document").prefetch_related("copies__department").order_by("document__number"))


def information_visible_to(user) -> QuerySet:
    """A customer's confidential information (issue 19 §7): only the roles and people named on it, and whoever
    registered it, see it — no role sees all of it by rank."""
    from .models import CustomerInformation

    qs = CustomerInformation.objects.visible_to(user).select_related("customer", "registered_by")
    if user.is_superuser:
        return qs
    return qs.filter(Q(registered_by=user) | Q(access_users=user) | _role_in(user.role or "-")).distinct()


def information_get_for_user(user, pk: int):
    return get_object_or_404(information_visible_to(user), pk=pk)


def personal_data_rule() -> dict:
    """The one rule of kesu.core.privacy, as words for the pages: who sees contacts' personal data in full."""
    from kesu.core import privacy

    return {"roles": [str(Role(r).label) for r in sorted(privacy.roles_in_full()) if r in Role.values],
            "qa_on_own_complaints": True}
