"""The plan rules as plain functions (issue 21 §1; seed 002 §5.2.1: existing customers every half year, potential
customers at least monthly; seed 001 §4.2.2 3: the top customers by sales are always in)."""

from __future__ import annotations


def visit_months(every: int) -> list[int]:
    """Months of the visits at one visit every ``every`` months, from January: 6 → [1, 7]; 1 → every month."""
    return list(range(1, 13, max(1, every)))


def survey_months(every: int) -> list[int]:
    """Months of the surveys at one every ``every`` months, at the end of each period: 6 → [6, 12]."""
    return list(range(max(1, every), 13, max(1, every)))
