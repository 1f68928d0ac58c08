"""The two seed forms score exactly as their documents define (hand-worked answer sets)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, Grade

from .factories import campaign, choices_for

pytestmark = pytest.mark.django_db


def _answer(people, code, picks, channel=AnswerChannel.WRITTEN):
    c = campaign(people, code, customers=1)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    recipient = c.recipients.get(included=True)
    return services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient, channel=channel,
                                  choices=choices_for(c.template, picks))


def test_the_seed_templates_have_their_documented_shape(people):
    from .factories import seed_template

    t1, t2 = seed_template(people, "CS-001"), seed_template(people, "CS-002")
    assert [s.items.count() for s in t1.sections.order_by("position")] == [5, 3, 5, 3, 2, 5]
    assert t1.max_points == 100 and t2.max_points == 100
    assert [s.is_critical for s in t1.sections.order_by("position")] == [True, True, True, False, False, False]
    items = [i for s in t2.sections.order_by("position") for i in s.items.order_by("position")]
    assert [[o["points"] for o in i.options] for i in items] == [[20, 16, 10, 5]] * 3 + [[10, 8, 5, 2]] * 4


@pytest.mark.parametrize(("picks", "points", "grade"), [
    # Every item best: 3 × 20 + 4 × 10 = 100.
    ([0, 0, 0, 0, 0, 0, 0], 100, Grade.BEST),
    # Good on items 1–3 (16 each = 48), best on 4–7 (40): 88.
    ([1, 1, 1, 0, 0, 0, 0], 88, Grade.GOOD),
    # 20 + 16 + 10 + 8 + 8 + 5 + 2 = 69: pass (60 %–80 %).
    ([0, 1, 2, 1, 1, 2, 3], 69, Grade.PASS),
    # Worst everywhere: 3 × 5 + 4 × 2 = 23: fail.
    ([3, 3, 3, 3, 3, 3, 3], 23, Grade.FAIL),
])
def test_seed_002_scores_as_the_form_says(people, picks, points, grade):
    answer = _answer(people, "CS-002", picks)
    assert (answer.points, answer.score, answer.grade) == (points, Decimal(points), grade)


def test_seed_001_sums_the_six_sections(people):
    # I: 5+4+5+3+5 = 22; II: 5+5+4 = 14; III: 4+3+4+4+3 = 18; IV: 3+2+3 = 8; V: 4+3 = 7; VI: 4+3+3+2+4 = 16.
    picks = [0, 1, 0, 2, 0] + [0, 0, 1] + [0, 1, 0, 0, 1] + [1, 2, 1] + [0, 1] + [0, 1, 1, 2, 0]
    answer = _answer(people, "CS-001", picks)
    assert answer.points == 22 + 14 + 18 + 8 + 7 + 16 == 85
    assert answer.score == Decimal("85.00") and answer.grade == Grade.GOOD and not answer.critical_zero


def test_a_zero_in_sections_one_to_three_raises_an_action_even_above_the_threshold(people):
    from kesu.capa.models import ActionLink

    people[Role.QA]  # the company has QA to take the action
    # Everything best except one item of section II scored "很不满意" (0): 100 − 5 = 95.
    picks = [0] * 5 + [0, 4, 0] + [0] * 5 + [0] * 3 + [0] * 2 + [0] * 5
    answer = _answer(people, "CS-001", picks)
    assert answer.score == Decimal("95.00") and answer.critical_zero
    link = ActionLink.objects.get(object_id=answer.pk, kind="survey")
    assert link.action.responsible_department == people[Role.QA].department


def test_a_zero_outside_the_critical_sections_raises_nothing(people):
    from kesu.capa.models import ActionLink

    people[Role.QA]
    picks = [0] * 5 + [0] * 3 + [0] * 5 + [4, 0, 0] + [0] * 2 + [0] * 5  # section IV item 1 zero: 96
    answer = _answer(people, "CS-001", picks)
    assert answer.score == Decimal("96.00") and not answer.critical_zero
    assert not ActionLink.objects.filter(object_id=answer.pk, kind="survey").exists()


def test_a_score_below_the_threshold_raises_an_action_once(people):
    from kesu.capa.models import ActionLink, CorrectiveAction

    people[Role.QA]
    # Form CS-001 (below 80 → action): sections I–III best, IV–VI all "一般" (2 of 4): 100 − 3×2 − 2×2 − 5×2 = 80;
    # one more item of VI "不满意" (1): 79.
    answer = _answer(people, "CS-001", [0] * 13 + [2] * 3 + [2] * 2 + [3] + [2] * 4)
    assert answer.score == Decimal("79.00") and answer.grade == Grade.PASS
    action = ActionLink.objects.get(object_id=answer.pk, kind="survey").action
    assert answer.recipient.customer == action.customer
    services.raise_once(None, answer.campaign, answer)  # the trigger runs again: no second action
    assert CorrectiveAction.objects.count() == 1


def test_the_campaign_score_is_the_mean_and_missing_the_target_raises_an_action(people):
    from kesu.capa.models import ActionLink

    people[Role.QA]
    c = campaign(people, "CS-002", customers=2, target_score=Decimal("90"))
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    first, second = c.recipients.filter(included=True).order_by("id")
    services.answer_submit(actor=people[Role.SALESPERSON], recipient=first, channel=AnswerChannel.PHONE,
                           choices=choices_for(c.template, [0] * 7))  # 100
    services.answer_submit(actor=people[Role.SALESPERSON], recipient=second, channel=AnswerChannel.PHONE,
                           choices=choices_for(c.template, [1, 1, 1, 0, 0, 0, 0]))  # 88
    c = services.campaign_close(actor=people[Role.GENERAL_OFFICE], campaign=c)
    assert c.score == Decimal("94.00")
    assert not ActionLink.objects.filter(object_id=c.pk, kind="survey").exists()


def test_a_campaign_below_its_target_raises_one_action(people):
    from kesu.capa.models import ActionLink

    people[Role.QA]
    c = campaign(people, "CS-002", customers=1, target_score=Decimal("95"))
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    services.answer_submit(actor=people[Role.SALESPERSON], recipient=c.recipients.get(included=True),
                           channel=AnswerChannel.PHONE, choices=choices_for(c.template, [1, 1, 1, 0, 0, 0, 0]))
    c = services.campaign_close(actor=people[Role.GENERAL_OFFICE], campaign=c)
    assert c.score == Decimal("88.00")
    assert ActionLink.objects.filter(object_id=c.pk, kind="survey").count() == 1
