"""Every write of claims, supplier claims and the quality cost ledger (issue 5)."""

from .claims import (
    claim_action_raise,
    claim_create,
    claim_document_add,
    claim_items_save,
    claim_settlement_save,
    claim_transition,
    claim_update,
)
from .config import claim_settings_update, exchange_rate_set
from .ledger import cost_book
from .supplier import supplier_claim_raise, supplier_claim_transition

__all__ = ["claim_action_raise", "claim_create", "claim_document_add", "claim_items_save", "claim_settings_update",
           "claim_settlement_save", "claim_transition", "claim_update", "cost_book", "exchange_rate_set",
           "supplier_claim_raise", "supplier_claim_transition"]
