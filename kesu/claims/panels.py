"""The complaint page's panel of its claims and quality cost (amounts only for those who may see money)."""

from __future__ import annotations

from . import permissions
from .selectors import claims_for_complaint, ledger_totals, ledger_visible_to


def complaint_panel(complaint, user):
    if not user.has_perm("claims.view_claim"):
        return None
    money = permissions.sees_claim_money(user)
    return {
        "claims": list(claims_for_complaint(complaint, user)),
        "show_money": money,
        "cost": ledger_totals(ledger_visible_to(user).filter(complaint=complaint)) if permissions.sees_ledger(user)
        else None,
        "can_add": user.has_perm("claims.add_claim"),
        "can_book": permissions.may(user, permissions.BOOK),
    }
