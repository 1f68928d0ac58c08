"""Panels this module adds to the customer and master-contract pages (kesu.core.panels)."""

from __future__ import annotations

from kesu.core import panels


def _customer_reviews(customer, user):
    if not user.has_perm("contracts.view_contractreview"):
        return None
    from .models import ContractReview

    rows = list(ContractReview.objects.visible_to(user).filter(customer=customer).order_by("-received_on", "-id")[:10])
    return {"reviews": rows} if rows else None


def _contract_reviews(contract, user):
    if not user.has_perm("contracts.view_contractreview"):
        return None
    from .models import ContractReview

    rows = list(ContractReview.objects.visible_to(user).filter(contract=contract).order_by("-id")[:10])
    return {"reviews": rows} if rows else None


panels.register("customers.customer", "contracts/_reviews_panel.html", _customer_reviews)
panels.register("customers.contract", "contracts/_reviews_panel.html", _contract_reviews)
