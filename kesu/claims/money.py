"""Money arithmetic: Decimal only, rounded half up to the cent, converted at the recorded rate.

Amounts never pass through floats (issue 5 §6): inputs are parsed from strings,
products are rounded once, at the end, to two places. A foreign-currency amount
is converted to the company's base currency with the exchange rate recorded on
its claim or ledger entry, so a report sums the same figures every time it runs.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.000001")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A Decimal rounded to the cent; refuses floats so none slips in."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a str or a Decimal")
    try:
        return Decimal(value if value is not None else 0).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {value!r}") from error


def to_base(amount, rate) -> Decimal:
    """``amount`` in the claim's currency × ``rate`` (base units per unit), rounded to the cent."""
    return money(Decimal(amount) * Decimal(rate))


def share(amount, percent) -> Decimal:
    """``percent`` % of ``amount``, rounded to the cent (a supplier's share of a compensation)."""
    return money(Decimal(amount) * Decimal(percent) / Decimal(100))


def line_total(quantity, unit_price) -> Decimal:
    return money(Decimal(quantity) * Decimal(unit_price))


def to_cents(amount) -> int:
    """Whole cents of an amount (the ledger sums cents so that SQLite adds exactly too)."""
    return int(money(amount) * 100)


def cents_to_money(cents) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)
