"""Scores and grades at their boundaries (design §5, §11; seed 002 §5.2.3.3).

Design §11: survey score = points earned ÷ maximum points of the template × 100, rounded half up to two places.
Seed 002: "best = every indicator met, good = 80 %, pass = 60 %, fail below 60 %" — a score of exactly 80 is
good and exactly 60 is a pass.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, Grade
from kesu.surveys.models import SurveySettings
from kesu.surveys.scoring import grade_for, mean, score_of

from .factories import campaign, choices_for

DEFAULTS = SurveySettings()  # best from 100, good from 80, pass from 60 (seed 002)


@pytest.mark.parametrize(("score", "grade"), [
    ("100", Grade.BEST), ("99.99", Grade.GOOD),
    ("80", Grade.GOOD), ("80.00", Grade.GOOD), ("79.99", Grade.PASS),
    ("60", Grade.PASS), ("60.00", Grade.PASS), ("59.99", Grade.FAIL),
    ("0", Grade.FAIL),
])
def test_each_grade_starts_at_its_percentage(score, grade):
    assert grade_for(Decimal(score), DEFAULTS) == grade


def test_grades_follow_the_companys_own_percentages():
    cfg = SurveySettings(grade_best=Decimal("95"), grade_good=Decimal("85"), grade_pass=Decimal("70"))
    assert [grade_for(Decimal(s), cfg) for s in ("100", "95", "94.99", "85", "84.99", "70", "69.99")] == [
        Grade.BEST, Grade.BEST, Grade.GOOD, Grade.GOOD, Grade.PASS, Grade.PASS, Grade.FAIL]


def test_a_templates_grade_table_gives_the_highest_band_the_score_reaches():
    from types import SimpleNamespace

    from kesu.surveys.scoring import band_for

    # Given in no particular order; "below 80" means exactly 80 is not below (design §11).
    bands = [SimpleNamespace(lower=Decimal(lower), grade=grade) for lower, grade in
             (("60", Grade.PASS), ("100", Grade.BEST), ("0", Grade.FAIL), ("80", Grade.GOOD))]
    assert [band_for(Decimal(s), bands).grade for s in ("100", "99.99", "80", "79.99", "60", "59.99", "0")] == [
        Grade.BEST, Grade.GOOD, Grade.GOOD, Grade.PASS, Grade.PASS, Grade.FAIL, Grade.FAIL]
    assert band_for(Decimal("50"), bands[:2]) is None  # below every band of a table without a floor
    assert band_for(Decimal("50"), []) is None


@pytest.mark.parametrize(("points", "max_points", "score"), [
    (40, 50, "80.00"),   # 40 ÷ 50 × 100
    (20, 30, "66.67"),   # 66.666… rounds up
    (10, 30, "33.33"),   # 33.333… rounds down
    (1, 800, "0.13"),    # 0.125: half up, not half to even (0.12)
    (3, 800, "0.38"),    # 0.375
    (100, 100, "100.00"),
    (0, 50, "0.00"),
    (5, 0, "0.00"),      # a template without points scores 0, never divides by zero
    (5, -10, "0.00"),    # nor a nonsensical negative maximum
    (1, 1, "100.00"),    # a one-point form
])
def test_the_score_is_points_over_the_templates_maximum(points, max_points, score):
    assert score_of(points, max_points) == Decimal(score)
    assert str(score_of(points, max_points)) == score  # always two places, as the page and the PDF print it


def test_the_mean_rounds_half_up_to_two_places():
    # (80.01 + 80.00) ÷ 2 = 80.005 → 80.01; (70.00 + 70.01 + 70.00 + 70.01) ÷ 4 = 70.005 → 70.01.
    assert mean([Decimal("80.01"), Decimal("80.00")]) == Decimal("80.01")
    assert mean(["70.00", "70.01", "70.00", "70.01"]) == Decimal("70.01")
    assert mean([]) is None


# -- through the service, on the seed 002 form and on a form that does not total 100 ------------------


def _answer(people, picks, template=None):
    c = campaign(people, "CS-002", customers=1, **({"template": template} if template else {}))
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    return services.answer_submit(actor=people[Role.SALESPERSON], recipient=c.recipients.get(included=True),
                                  channel=AnswerChannel.WRITTEN, choices=choices_for(c.template, picks))


@pytest.mark.django_db
@pytest.mark.parametrize(("picks", "points", "grade"), [
    # Items 1–3 best (3 × 20), items 4–7 third answer (4 × 5): 60 + 20 = 80 → good, exactly at 80 %.
    ([0, 0, 0, 2, 2, 2, 2], 80, Grade.GOOD),
    # Item 1 best (20), items 2–3 third answer (2 × 10), items 4–7 third answer (4 × 5): 20 + 20 + 20 = 60 → pass.
    ([0, 2, 2, 2, 2, 2, 2], 60, Grade.PASS),
    # 16 + 16 + 16 + 8 + 8 + 8 + 8 = 80 → good by another path.
    ([1, 1, 1, 1, 1, 1, 1], 80, Grade.GOOD),
])
def test_a_seed_002_answer_at_exactly_80_is_good_and_at_60_a_pass(people, picks, points, grade):
    answer = _answer(people, picks)
    assert (answer.points, answer.max_points, answer.score, answer.grade) == (
        points, 100, Decimal(points).quantize(Decimal("0.01")), grade)


@pytest.fixture
def thirty_point_form(people):
    """A form of 30 points (one item of 20, one of 10), allowed once the company drops the 100-point rule."""
    services.survey_settings_update(actor=people[Role.GENERAL_OFFICE], company=people.company,
                                    data={"require_total_100": False})
    return services.template_create(actor=people[Role.GENERAL_OFFICE], company=people.company, data={
        "code": "T30", "name": "简表", "sections": [{"title": "综合", "items": [
            {"text": "产品质量", "options": [{"label": "好", "points": 20}, {"label": "中", "points": 10},
                                         {"label": "差", "points": 0}]},
            {"text": "交货及时", "options": [{"label": "好", "points": 10}, {"label": "中", "points": 5},
                                         {"label": "差", "points": 0}]}]}]})


@pytest.mark.django_db
@pytest.mark.parametrize(("picks", "points", "score", "grade"), [
    ([0, 0], 30, "100.00", Grade.BEST),   # 30 ÷ 30
    ([0, 2], 20, "66.67", Grade.PASS),    # 20 ÷ 30 × 100 = 66.666… (20 points would fail on a 100-point form)
    ([1, 1], 15, "50.00", Grade.FAIL),    # 15 ÷ 30
    ([0, 1], 25, "83.33", Grade.GOOD),    # 25 ÷ 30 × 100 = 83.333…
])
def test_a_form_not_totalling_100_scores_against_its_own_maximum(people, thirty_point_form, picks, points, score,
                                                                 grade):
    assert thirty_point_form.max_points == 30
    answer = _answer(people, picks, template=thirty_point_form)
    assert (answer.points, answer.max_points, answer.score, answer.grade) == (points, 30, Decimal(score), grade)
