"""Scores and grades (design §11: points earned ÷ maximum points of the template × 100).

Integer points in, Decimal out, rounded half up to two places — the same figure on the page, the PDF and
the export. Answers are graded by their template's grade table (:func:`band_for`); :func:`grade_for` reads the
company's default percentages (seed 002: best = every indicator met, good = 80 %,
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


def band_for(score: Decimal, bands):
    """The band of a template's grade table the score falls in: the highest whose lower bound it reaches
    (design §11: "below 80" means a score of exactly 80 is not below). None when the table is empty."""
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if score >= band.lower:
            return band
    return None


def mean(values) -> Decimal | None:
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)
