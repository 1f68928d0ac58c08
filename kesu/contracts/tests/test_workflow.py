"""The review and change-notice workflows: parallel sign-offs, conclusion, the GM, approvals, changes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import at
from kesu.contracts import services
from kesu.contracts.choices import Answer, ChangeStatus, Dept, ReviewMode, ReviewStatus, ReviewType
from kesu.contracts.models import Receipt, Revision
from kesu.contracts.rules import rules_for
from kesu.core import work
from kesu.core.services import TransitionRefused

from .factories import act, new_review, sign_all

pytestmark = pytest.mark.django_db


def test_submitting_asks_six_departments_in_parallel_each_with_a_working_day_deadline(people):
    import time_machine

    engineer = people[Role.ENGINEERING]
    # Friday 2026-05-15 10:00 Shanghai + 2 working days = Tuesday 2026-05-19 10:00.
    with time_machine.travel(at(2026, 5, 15, 10), tick=False):
        review = act(new_review(people), "submit", people[Role.SALESPERSON])
    assert review.status == ReviewStatus.REVIEWING
    assert sorted(review.waiting_depts()) == sorted(Dept.values)
    assert review.signoff_due_at == at(2026, 5, 19, 10)
    assert {s.due_at for s in review.signoffs.all()} == {at(2026, 5, 19, 10)}
    actions = sorted(item.action for item in work.waiting_for(review))
    assert actions == sorted(f"sign_off_{d}" for d in Dept.values)
    engineering = next(i for i in work.waiting_for(review) if i.action == "sign_off_engineering")
    assert {u.username for u in work.resolve_users(engineering)} == {engineer.username}


def test_a_sign_off_records_answer_comment_name_and_time_and_leaves_the_others_waiting(people):
    import time_machine

    review = act(new_review(people), "submit", people[Role.SALESPERSON])
    with time_machine.travel(at(2026, 5, 12, 9, 30), tick=False):
        review = act(review, "sign_off", people[Role.QA], answer=Answer.CAN, comment="按 GB 验收可满足")
    signoff = review.signoffs.get(dept=Dept.QA)
    assert (signoff.answer, signoff.comment, signoff.answered_by, signoff.answered_at) == (
        Answer.CAN, "按 GB 验收可满足", people[Role.QA], at(2026, 5, 12, 9, 30))
    assert Dept.QA not in review.waiting_depts() and len(review.waiting_depts()) == 5


def test_it_refuses_a_second_sign_off_of_the_same_department(people):
    review = act(act(new_review(people), "submit", people[Role.SALESPERSON]), "sign_off", people[Role.QA],
                 answer=Answer.CAN)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "sign_off", people[Role.QA], answer=Answer.CAN)
    assert str(refused.value) == "Your department has no sign-off waiting on this review."


def test_cannot_meet_needs_a_comment(people):
    review = act(new_review(people), "submit", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as refused:
        act(review, "sign_off", people[Role.ENGINEERING], answer=Answer.CANNOT, comment="")
    assert refused.value.field == "comment"


def test_sales_cannot_conclude_before_every_department_answered(people):
    review = sign_all(act(new_review(people), "submit", people[Role.SALESPERSON]), people, except_=(Dept.FINANCE,))
    with pytest.raises(TransitionRefused) as refused:
        act(review, "accept", people[Role.SALESPERSON])
    assert str(refused.value) == "Not every department has signed off yet."


def test_tender_below_threshold_cannot_meet_change_agreed_then_branch_head_concludes(people):
    head = people.other(Role.PRODUCTION)
    rules = rules_for(people.company)
    rules.branch_head = head
    rules.save()
    sales = people[Role.SALESPERSON]
    review = new_review(people, review_type=ReviewType.TENDER, amount=Decimal("2800000.00"))
    assert review.mode == ReviewMode.BRANCH
    review = act(review, "submit", sales)
    review = act(review, "sign_off", people[Role.ENGINEERING], answer=Answer.CANNOT, comment="CB-B25 公差 ±0.005 无法达到")
    review = sign_all(review, people)
    with pytest.raises(TransitionRefused):
        act(review, "accept", sales)  # a "cannot meet" stands
    review = act(review, "agree_change", sales, change_note="客户同意公差放宽至 ±0.01")
    assert review.waiting_depts() == [Dept.ENGINEERING]
    review = act(review, "sign_off", people[Role.ENGINEERING], answer=Answer.CAN, comment="±0.01 可满足")
    review = act(review, "accept_with_changes", sales, change_note="公差 ±0.01，客户书面确认")
    assert review.status == ReviewStatus.APPROVAL and review.approver == head
    [item] = work.waiting_for(review)
    assert (item.action, [u.username for u in work.resolve_users(item)]) == ("approve_branch", [head.username])
    with pytest.raises(TransitionRefused) as refused:
        act(review, "approve", people[Role.PRODUCTION])  # production, but not the branch head
    assert str(refused.value) == "The branch factory head concludes a tender of this amount."
    review = act(review, "approve", head)
    assert review.status == ReviewStatus.ACCEPTED and review.approved_by == head
    assert review.signoffs.filter(dept=Dept.ENGINEERING).count() == 2  # both rounds kept


def test_a_foreign_trade_contract_is_signed_by_the_gm_himself_not_the_proxy(people):
    proxy = people[Role.VICE_GM]
    rules = rules_for(people.company)
    rules.gm_proxy = proxy
    rules.save()
    review = new_review(people, review_type=ReviewType.FOREIGN_TRADE)
    assert review.mode == ReviewMode.CENTRAL
    review = act(sign_all(act(review, "submit", people[Role.SALESPERSON]), people), "accept",
                 people[Role.SALESPERSON])
    assert [i.action for i in work.waiting_for(review)] == ["approve"]
    with pytest.raises(TransitionRefused) as refused:
        act(review, "approve", proxy)
    assert str(refused.value) == "A foreign-trade contract is signed by the general manager himself."
    review = act(review, "approve", people[Role.GM])
    assert review.status == ReviewStatus.ACCEPTED and not review.approved_as_proxy


def test_the_recorded_proxy_approves_a_contract_and_is_recorded_as_proxy(people):
    proxy = people[Role.VICE_GM]
    review = act(sign_all(act(new_review(people), "submit", people[Role.SALESPERSON]), people), "accept",
                 people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as refused:
        act(review, "approve", proxy)  # not recorded as the proxy yet
    assert "proxy the company recorded" in str(refused.value)
    rules = rules_for(people.company)
    rules.gm_proxy = proxy
    rules.save()
    review = act(review, "approve", proxy)
    assert review.approved_as_proxy
    assert review.changes.last().note == "As the general manager's authorised proxy."


def test_nobody_approves_their_own_conclusion(people):
    gm = people[Role.GM]
    review = sign_all(act(new_review(people), "submit", people[Role.SALESPERSON]), people)
    from kesu.contracts.models import ContractReview

    ContractReview.objects.filter(pk=review.pk).update(status=ReviewStatus.APPROVAL, concluded_by=gm)
    review.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        act(review, "approve", gm)
    assert "someone else must approve" in str(refused.value)


def test_an_unresolved_cannot_meet_goes_to_the_gm_who_decides(people):
    sales = people[Role.SALESPERSON]
    review = act(new_review(people), "submit", sales)
    review = sign_all(act(review, "sign_off", people[Role.PRODUCTION], answer=Answer.CANNOT,
                          comment="7 月 1 日交货产能不足"), people)
    review = act(review, "refer_to_gm", sales, reason="客户不接受延期")
    assert [i.action for i in work.waiting_for(review)] == ["decide"]
    review = act(review, "gm_accept", people[Role.GM], decision="安排加班，接受")
    assert review.status == ReviewStatus.ACCEPTED and review.approved_by == people[Role.GM]


def test_refer_to_gm_is_refused_when_everyone_can_meet(people):
    review = sign_all(act(new_review(people), "submit", people[Role.SALESPERSON]), people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "refer_to_gm", people[Role.SALESPERSON], reason="x")
    assert str(refused.value) == "Every department can meet the requirements: conclude the review yourself."


def test_an_informal_order_is_self_reviewed_with_the_customers_confirmation(people):
    review = new_review(people, review_type=ReviewType.INFORMAL)
    with pytest.raises(TransitionRefused):
        act(review, "submit", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as refused:
        act(review, "self_review", people[Role.SALESPERSON], confirmation_method="read_back")
    assert refused.value.field == "confirmation_note"
    review = act(review, "self_review", people[Role.SALESPERSON], confirmation_method="read_back",
                 confirmation_note="5 月 11 日电话复述，客户王经理确认")
    assert review.status == ReviewStatus.ACCEPTED and review.closed_at is not None


def test_a_wrong_role_is_refused_naming_who_may(people):
    review = new_review(people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "submit", people[Role.FINANCE])
    assert refused.value.code == TransitionRefused.WRONG_ROLE


def _accepted(people):
    review = act(sign_all(act(new_review(people), "submit", people[Role.SALESPERSON]), people), "accept",
                 people[Role.SALESPERSON])
    return act(review, "approve", people[Role.GM])


def test_a_change_notice_is_re_reviewed_then_reaches_three_departments_who_confirm(people):
    sales = people[Role.SALESPERSON]
    review = _accepted(people)
    notice = services.notice_create(actor=sales, review=review, description="交货期提前至 6 月 20 日，数量增至 600 台",
                                    new_values={"quantity": "600", "delivery_date": "2026-06-20"},
                                    affected=[Dept.PRODUCTION, Dept.PURCHASING],
                                    concerned=[Dept.PRODUCTION, Dept.QA, Dept.PURCHASING])
    notice = services.notice_transition(actor=sales, notice=notice, name="submit")
    assert sorted(i.action for i in work.waiting_for(notice)) == ["review_change_production",
                                                                  "review_change_purchasing"]
    with pytest.raises(TransitionRefused):
        services.notice_transition(actor=sales, notice=notice, name="issue")
    for role in (Role.PRODUCTION, Role.PURCHASING):
        notice = services.notice_transition(actor=people[role], notice=notice, name="sign_off", answer=Answer.CAN)
    notice = services.notice_transition(actor=sales, notice=notice, name="issue")
    review.refresh_from_db()
    assert (review.revision, review.quantity, str(review.delivery_date)) == (2, Decimal("600.000"), "2026-06-20")
    assert [r.items["quantity"] for r in Revision.objects.filter(review=review)] == ["500", "600"]
    assert sorted(i.action for i in work.waiting_for(notice)) == ["confirm_production", "confirm_purchasing",
                                                                  "confirm_qa"]
    for role in (Role.PRODUCTION, Role.QA):
        notice = services.notice_transition(actor=people[role], notice=notice, name="confirm")
    assert notice.status == ChangeStatus.NOTIFIED
    notice = services.notice_transition(actor=people[Role.PURCHASING], notice=notice, name="confirm")
    assert notice.status == ChangeStatus.CLOSED
    assert Receipt.objects.filter(notice=notice, confirmed_at__isnull=False).count() == 3


def test_only_an_accepted_review_can_be_changed(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.notice_create(actor=people[Role.SALESPERSON], review=new_review(people), description="x",
                               affected=[Dept.QA], concerned=[Dept.QA])
    assert "review" in refused.value.message_dict


def test_a_sign_off_past_its_working_day_deadline_is_overdue_in_the_departments_queue(people):
    import time_machine

    engineer = people[Role.ENGINEERING]
    # Thursday 2026-05-14 16:00 + 2 working days: Friday the 15th, then (over the week-end) Monday 18 May 16:00.
    with time_machine.travel(at(2026, 5, 14, 16), tick=False):
        review = act(new_review(people), "submit", people[Role.SALESPERSON])
    assert review.signoff_due_at == at(2026, 5, 18, 16)
    with time_machine.travel(at(2026, 5, 18, 15, 59), tick=False):
        [item] = [i for i in work.queue(engineer, "mine").items if i.record_id == review.pk]
        assert item.state != "overdue"
    with time_machine.travel(at(2026, 5, 18, 16, 1), tick=False):
        [item] = [i for i in work.queue(engineer, "mine").items if i.record_id == review.pk]
        assert (item.action, item.state) == ("sign_off_engineering", "overdue")


def test_the_departments_still_waiting_are_reminded_once_when_the_deadline_passes(people):
    import time_machine

    from kesu.contracts.services import signoffs_remind
    from kesu.notifications.models import Notification

    engineer = people[Role.ENGINEERING]
    with time_machine.travel(at(2026, 5, 14, 16), tick=False):
        review = act(new_review(people), "submit", people[Role.SALESPERSON])
        review = sign_all(review, people, except_=(Dept.ENGINEERING,))
    Notification.objects.all().delete()
    assert signoffs_remind(now=at(2026, 5, 18, 15, 59)) == 0  # not yet due (Monday 18 May 16:00)
    assert signoffs_remind(now=at(2026, 5, 18, 16, 30)) == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [engineer.username]
    assert signoffs_remind(now=at(2026, 5, 18, 17, 30)) == 0  # once per deadline
