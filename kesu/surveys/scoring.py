"""Scores and grades (design §11: points earned ÷ maximum points of the template × 100).

Integer points in, Decimal out, rounded half up to two places — the same figure on the page, the PDF and
the export. Grades follow the company's percentages (seed 002: best = every indicator met, good = 80 %,
pass = 60 %, below that fail).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .choices import Grade

TWO = Decimal("0.01")


def score_of(points: int, max_points: int) -> Decimal:
    if max_points <= 0:
        return Decimal("0.00")
    return (Decimal(points) * 100 / Decimal(max_points)).quantize(TWO, rounding=ROUND_HALF_UP)


def grade_for(score: Decimal, cfg) -> str:
    if score >= cfg.grade_best:
        return Grade.BEST
    if score >= cfg.grade_good:
        return Grade.GOOD
    if score >= cfg.grade_pass:
        return Grade.PASS
    return Grade.FAIL


def mean(values) -> Decimal | None:
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)
