"""The change notice's rules (合同变更通知单, seed 002): the affected departments re-review it, it is issued only when
all of them can meet it, and each department concerned confirms its own receipt."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.contracts import services
from kesu.contracts.choices import Answer, ChangeStatus, Dept
from kesu.core.services import TransitionRefused

from .factories import act, new_review, sign_all

pytestmark = pytest.mark.django_db


def _notice(people, *, affected=(Dept.PRODUCTION, Dept.PURCHASING), concerned=(Dept.PRODUCTION, Dept.QA)):
    sales = people[Role.SALESPERSON]
    review = act(sign_all(act(new_review(people), "submit", sales), people), "accept", sales)
    review = act(review, "approve", people[Role.GM])
    notice = services.notice_create(actor=sales, review=review, description="交货期提前至 6 月 20 日",
                                    new_values={"delivery_date": "2026-06-20"}, affected=list(affected),
                                    concerned=list(concerned))
    return services.notice_transition(actor=sales, notice=notice, name="submit")


def step(notice, name, user, **inputs):
    return services.notice_transition(actor=user, notice=notice, name=name, **inputs)


def test_only_an_affected_department_re_reviews_the_change(people):
    notice = _notice(people)
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "sign_off", people[Role.QA], answer=Answer.CAN)
    assert (refused.value.field, str(refused.value)) == (
        "answer", "Your department has no sign-off waiting on this change.")
    notice = step(notice, "sign_off", people[Role.PRODUCTION], answer=Answer.CAN)
    with pytest.raises(TransitionRefused):  # production answered already
        step(notice, "sign_off", people[Role.PRODUCTION], answer=Answer.CAN)
    assert notice.waiting_depts() == [Dept.PURCHASING]


def test_a_change_sign_off_answers_can_or_cannot_and_cannot_says_what(people):
    notice = _notice(people)
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "sign_off", people[Role.PRODUCTION], answer=Answer.PENDING)
    assert (refused.value.field, str(refused.value)) == ("answer", "Choose “can meet” or “cannot meet”.")
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "sign_off", people[Role.PRODUCTION], answer=Answer.CANNOT, comment=" ")
    assert (refused.value.field, str(refused.value)) == ("comment", "Say what cannot be met.")
    notice = step(notice, "sign_off", people[Role.PRODUCTION], answer=Answer.CAN, comment="")
    assert notice.waiting_depts() == [Dept.PURCHASING]


def test_a_superuser_re_reviews_for_the_department_named(people):
    from kesu.accounts.tests.factories import UserFactory

    root = UserFactory(role=Role.ADMIN, company=people.company, username="A-root", is_superuser=True)
    notice = _notice(people)
    with pytest.raises(TransitionRefused):
        step(notice, "sign_off", root, answer=Answer.CAN)  # no department named, none of its own
    notice = step(notice, "sign_off", root, answer=Answer.CAN, dept=Dept.PURCHASING)
    assert notice.waiting_depts() == [Dept.PRODUCTION]


def test_a_change_a_department_cannot_meet_is_not_issued(people):
    notice = _notice(people)
    notice = step(notice, "sign_off", people[Role.PRODUCTION], answer=Answer.CAN)
    notice = step(notice, "sign_off", people[Role.PURCHASING], answer=Answer.CANNOT, comment="6 月 20 日前无法到料")
    assert notice.waiting_depts() == []
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "issue", people[Role.SALESPERSON])
    assert str(refused.value) == ("A department cannot meet the change: agree it again with the customer or "
                                  "withdraw it.")
    notice = step(notice, "withdraw", people[Role.SALESPERSON], reason="客户撤回变更")
    assert notice.status == ChangeStatus.WITHDRAWN


def test_each_department_concerned_confirms_its_own_receipt_once_and_sales_cannot_close_early(people):
    notice = _notice(people)
    for role in (Role.PRODUCTION, Role.PURCHASING):
        notice = step(notice, "sign_off", people[role], answer=Answer.CAN)
    notice = step(notice, "issue", people[Role.SALESPERSON])
    assert sorted(notice.waiting_depts()) == [Dept.PRODUCTION, Dept.QA]
    with pytest.raises(TransitionRefused) as refused:  # purchasing re-reviewed it but is not concerned
        step(notice, "confirm", people[Role.PURCHASING])
    assert str(refused.value) == "Your department has no receipt to confirm on this notice."
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "close", people[Role.SALESPERSON])
    assert str(refused.value) == "Not every department has confirmed receipt yet."
    notice = step(notice, "confirm", people[Role.QA])
    with pytest.raises(TransitionRefused):  # QA confirmed already
        step(notice, "confirm", people[Role.QA])
    assert notice.status == ChangeStatus.NOTIFIED
    notice = step(notice, "confirm", people[Role.PRODUCTION])
    assert notice.status == ChangeStatus.CLOSED


def test_a_plain_cannot_meet_on_a_change_still_needs_a_comment(people):
    notice = _notice(people)
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "sign_off", people[Role.PRODUCTION], answer="cannot", comment="")
    assert refused.value.field == "comment"


def test_a_superuser_confirms_receipt_for_the_department_named(people):
    from kesu.accounts.tests.factories import UserFactory

    root = UserFactory(role=Role.ADMIN, company=people.company, username="A-root", is_superuser=True)
    notice = _notice(people)
    for role in (Role.PRODUCTION, Role.PURCHASING):
        notice = step(notice, "sign_off", people[role], answer=Answer.CAN)
    notice = step(notice, "issue", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as refused:
        step(notice, "confirm", root)  # no department named, none of its own
    assert str(refused.value) == "Your department has no receipt to confirm on this notice."
    notice = step(notice, "confirm", root, dept=Dept.QA)
    assert notice.waiting_depts() == [Dept.PRODUCTION]
