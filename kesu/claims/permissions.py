"""Who may do what with claims outside the transition tables, and who may see money (issue 5 §6).

Amounts of customer claims are for sales, the vice GM, the GM and finance;
purchasing sees the amounts of supplier claims (it handles them) but not the
customer's claim. Everyone else who may see a claim (QA, engineering,
production sit in the responsibility meeting) sees it without any amount —
on pages, in exports and through the API alike.
"""

from __future__ import annotations

from kesu.accounts.roles import Role

from .workflow import ANALYSTS, FINANCE, PURCHASING, SALES

RECORD = SALES  # record a claim, its items and documents
SETTLE = FINANCE  # compute the settlement of the items
BOOK = FINANCE | SALES | ANALYSTS  # book a cost in the ledger by hand
RAISE_SUPPLIER_CLAIM = PURCHASING | ANALYSTS
SETTINGS = FINANCE | ANALYSTS

CLAIM_MONEY = SALES | ANALYSTS | FINANCE
SUPPLIER_MONEY = CLAIM_MONEY | PURCHASING
LEDGER = SALES | ANALYSTS | FINANCE


def _has(user, roles) -> bool:
    return bool(user.is_superuser or user.has_role(*roles))


def sees_claim_money(user) -> bool:
    return _has(user, CLAIM_MONEY)


def sees_supplier_money(user) -> bool:
    return _has(user, SUPPLIER_MONEY)


def sees_ledger(user) -> bool:
    return _has(user, LEDGER)


def may(user, roles) -> bool:
    return _has(user, roles | {Role.ADMIN})
