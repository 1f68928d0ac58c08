"""Claims (索赔), supplier charge-backs and the quality cost ledger (质量成本)."""

from .claim import Claim, ClaimChange, ClaimDocument, ClaimItem, NegotiationRound
from .config import ClaimSettings, ExchangeRate
from .ledger import CostEntry
from .supplier import SupplierClaim, SupplierClaimChange

__all__ = ["Claim", "ClaimChange", "ClaimDocument", "ClaimItem", "ClaimSettings", "CostEntry", "ExchangeRate",
           "NegotiationRound", "SupplierClaim", "SupplierClaimChange"]
