"""The review-mode table of seed 002 §6.3–6.5: every rule, amounts at the threshold, foreign currency at the
recorded rate (hand-worked expected values)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kesu.claims.models import ExchangeRate
from kesu.contracts.choices import ReviewMode, ReviewType
from kesu.contracts.rules import review_mode, rules_for

from .factories import new_review

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("review_type, amount, mode", [
    (ReviewType.CONTRACT, "250000.00", ReviewMode.DEPARTMENT),
    (ReviewType.ORDER, "10000.00", ReviewMode.DEPARTMENT),
    (ReviewType.AGREEMENT, "0.00", ReviewMode.DEPARTMENT),
    (ReviewType.TENDER, "2999999.99", ReviewMode.BRANCH),
    (ReviewType.TENDER, "3000000.00", ReviewMode.CENTRAL),
    (ReviewType.TENDER, "2800000.00", ReviewMode.BRANCH),
    (ReviewType.FOREIGN_TRADE, "100.00", ReviewMode.CENTRAL),
    (ReviewType.INFORMAL, "5000.00", ReviewMode.SELF),
])
def test_each_type_and_amount_gets_the_seeds_review_mode(people, review_type, amount, mode):
    review = new_review(people, review_type=review_type, amount=Decimal(amount))
    assert review.mode == mode


def test_a_foreign_currency_tender_is_compared_in_base_currency_at_the_recorded_rate(people):
    # 400,000.00 USD × 7.500000 = 3,000,000.00 CNY: central review.
    ExchangeRate.objects.create(company=people.company, currency="USD", valid_from=datetime.date(2026, 5, 1),
                                rate=Decimal("7.500000"))
    review = new_review(people, review_type=ReviewType.TENDER, currency="USD", amount=Decimal("400000.00"))
    assert review.exchange_rate == Decimal("7.500000")
    assert review.amount_base == Decimal("3000000.00")
    assert review.mode == ReviewMode.CENTRAL
    # 399,999.99 USD × 7.5 = 2,999,999.925 → 2,999,999.93 CNY (half up): still below, department-level review.
    below = new_review(people, review_type=ReviewType.TENDER, currency="USD", amount=Decimal("399999.99"))
    assert below.amount_base == Decimal("2999999.93")
    assert below.mode == ReviewMode.BRANCH


def test_a_foreign_currency_without_a_recorded_rate_is_refused_naming_the_rate(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        new_review(people, review_type=ReviewType.TENDER, currency="EUR", amount=Decimal("100.00"))
    assert "exchange_rate" in refused.value.message_dict


def test_a_rate_given_on_the_review_wins_over_the_table(people):
    review = new_review(people, review_type=ReviewType.TENDER, currency="HKD", amount=Decimal("3000000.00"),
                        exchange_rate=Decimal("0.920000"))
    assert review.amount_base == Decimal("2760000.00")
    assert review.mode == ReviewMode.BRANCH


def test_the_company_may_change_the_threshold_and_the_modes(people):
    rules = rules_for(people.company)
    rules.tender_threshold = Decimal("1000000.00")
    rules.mode_contract = ReviewMode.CENTRAL
    rules.save()
    assert review_mode(rules, ReviewType.TENDER, Decimal("999999.99"), Decimal("1")) == ReviewMode.BRANCH
    assert review_mode(rules, ReviewType.TENDER, Decimal("1000000.00"), Decimal("1")) == ReviewMode.CENTRAL
    assert review_mode(rules, ReviewType.CONTRACT, Decimal("1.00"), Decimal("1")) == ReviewMode.CENTRAL


def test_reviews_are_numbered_yy_n_per_company(people, company_b):
    import time_machine

    from kesu.complaints.tests.factories import People, at

    with time_machine.travel(at(2026, 5, 11, 10), tick=False):
        first, second = new_review(people), new_review(people)
        other = new_review(People(company_b))
    assert (first.number, second.number, other.number) == ("26-1", "26-2", "26-1")
