"""Which review mode a record gets (seed 002 §6.3–6.5; configurable per company in ``ReviewRules``).

Formal contracts, orders and agreements → department sign-off; tenders below the threshold (3,000,000 in the base
currency by default) → department-level review concluded by the branch factory head, at or above it → central
review; foreign-trade contracts → central review signed by the GM; informal orders → self review by the signer with
the customer's confirmation recorded. The amount is compared in the base currency, converted at the rate recorded
on the review (``kesu.claims.money.to_base``), never through floats.
"""

from __future__ import annotations

from decimal import Decimal

from kesu.claims.money import to_base

from .choices import ReviewMode, ReviewType
from .models import ReviewRules


def rules_for(company) -> ReviewRules:
    obj, _created = ReviewRules.objects.get_or_create(company=company)
    return obj


def base_currency(company) -> str:
    from kesu.claims.selectors import claim_settings_for

    return claim_settings_for(company).base_currency


def review_mode(rules: ReviewRules, review_type: str, amount, rate) -> str:
    """The mode for a record of ``review_type`` worth ``amount`` at ``rate`` base units per unit."""
    if review_type == ReviewType.TENDER:
        base = to_base(amount or Decimal(0), rate or Decimal(1))
        return rules.mode_tender_above if base >= rules.tender_threshold else rules.mode_tender_below
    return {
        ReviewType.CONTRACT: rules.mode_contract,
        ReviewType.ORDER: rules.mode_order,
        ReviewType.AGREEMENT: rules.mode_agreement,
        ReviewType.FOREIGN_TRADE: rules.mode_foreign_trade,
        ReviewType.INFORMAL: rules.mode_informal,
    }.get(review_type, ReviewMode.DEPARTMENT)
