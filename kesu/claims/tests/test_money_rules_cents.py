"""Money's rules (issue 5 §6) stated with hand-worked figures: an amount is a Decimal rounded half up to the cent,
nothing at all is 0.00, what is not an amount is refused, and the ledger's whole cents turn back into the same
amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kesu.claims.money import ZERO, cents_to_money, line_total, money, share, to_base, to_cents


@pytest.mark.parametrize(("value", "expected"), [
    ("12.345", "12.35"), ("12.344", "12.34"), ("-12.345", "-12.35"), ("7", "7.00"), (7, "7.00"),
    (Decimal("0.005"), "0.01"), ("0.0049", "0.00"),
])
def test_an_amount_is_rounded_half_up_to_the_cent(value, expected):
    assert str(money(value)) == expected


def test_no_amount_at_all_is_zero():
    assert money(None) == ZERO
    assert str(money(None)) == "0.00"


@pytest.mark.parametrize("value", ["abc", "12,50", "", "1.2.3"])
def test_what_is_not_an_amount_is_refused_as_a_value_error(value):
    with pytest.raises(ValueError, match="not an amount"):
        money(value)


def test_a_float_is_refused_even_a_whole_one():
    with pytest.raises(TypeError):
        money(2.0)


@pytest.mark.parametrize(("amount", "rate", "expected"), [
    ("100.00", "7.1234", "712.34"),  # 712.34 exactly
    ("2.00", "0.5", "1.00"),  # a rate below one divides nothing: 2 × 0.5
    ("-10.00", "7.1", "-71.00"),  # a recovery converts with its sign
])
def test_a_foreign_amount_is_the_amount_times_the_rate(amount, rate, expected):
    assert to_base(Decimal(amount), Decimal(rate)) == Decimal(expected)


@pytest.mark.parametrize(("amount", "percent", "expected"), [
    ("200.00", "30", "60.00"),  # 30 % of 200
    ("10.00", "0.05", "0.01"),  # 0.005 → 0.01 half up
    ("1000.00", "100", "1000.00"),  # the whole amount
    ("3.00", "50", "1.50"),
])
def test_a_share_is_percent_hundredths_of_the_amount(amount, percent, expected):
    assert share(Decimal(amount), Decimal(percent)) == Decimal(expected)


@pytest.mark.parametrize(("quantity", "price", "expected"), [
    ("4", "2.50", "10.00"), ("2", "0.005", "0.01"), ("0.5", "3.00", "1.50")])
def test_a_line_total_is_quantity_times_unit_price(quantity, price, expected):
    assert line_total(Decimal(quantity), Decimal(price)) == Decimal(expected)


@pytest.mark.parametrize(("amount", "cents"), [
    ("12.34", 1234), ("12.345", 1235), ("0.01", 1), ("-12.345", -1235), ("1000", 100000), (None, 0)])
def test_an_amount_is_its_whole_cents_after_rounding(amount, cents):
    assert to_cents(None if amount is None else Decimal(amount)) == cents


@pytest.mark.parametrize(("cents", "expected"), [
    (1234, "12.34"), (1235, "12.35"), (1, "0.01"), (-1235, "-12.35"), (100000, "1000.00"), (None, "0.00"),
    (0, "0.00")])
def test_whole_cents_turn_back_into_the_amount(cents, expected):
    assert str(cents_to_money(cents)) == expected
