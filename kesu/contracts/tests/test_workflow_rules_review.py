"""The contract review's rules one by one (seed 002 §3, §4.3, §6.3–6.5; design §11): who signs for which
department, what a sign-off must say, who concludes and who approves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.contracts.choices import Answer, Dept, ReviewMode, ReviewStatus, ReviewType
from kesu.contracts.rules import rules_for
from kesu.contracts.workflow import signer_dept
from kesu.core.services import TransitionRefused

from .factories import act, new_review, sign_all

pytestmark = pytest.mark.django_db


def _submitted(people, **overrides):
    return act(new_review(people, **overrides), "submit", people[Role.SALESPERSON])


def _superuser(people):
    return UserFactory(role=Role.ADMIN, company=people.company, username="A-root", is_superuser=True,
                       is_staff=True)


def test_a_sign_off_must_answer_can_or_cannot_meet(people):
    review = _submitted(people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "sign_off", people[Role.QA], answer=Answer.PENDING)
    assert (refused.value.field, str(refused.value)) == ("answer", "Choose “can meet” or “cannot meet”.")
    assert Dept.QA in review.waiting_depts()


def test_can_meet_needs_no_comment_but_cannot_meet_needs_one_that_is_not_blank(people):
    review = _submitted(people)
    review = act(review, "sign_off", people[Role.QA], answer=Answer.CAN)
    assert review.signoffs.get(dept=Dept.QA, current=True).answer == Answer.CAN
    with pytest.raises(TransitionRefused) as refused:
        act(review, "sign_off", people[Role.ENGINEERING], answer=Answer.CANNOT, comment="   ")
    assert (refused.value.field, str(refused.value)) == ("comment", "Say what cannot be met.")


def test_sales_signs_for_sales_whichever_sales_role_and_whether_or_not_it_names_the_department(people):
    review = _submitted(people)
    review = act(review, "sign_off", people[Role.REGIONAL_MANAGER], answer=Answer.CAN, dept=Dept.SALES)
    assert Dept.SALES not in review.waiting_depts()
    assert review.signoffs.get(dept=Dept.SALES, current=True).answered_by == people[Role.REGIONAL_MANAGER]


def test_naming_a_department_ones_role_does_not_cover_signs_for_ones_own_department(people):
    # QA cannot answer for engineering: the sign-off counts for QA, engineering is still asked.
    review = _submitted(people)
    review = act(review, "sign_off", people[Role.QA], answer=Answer.CAN, dept=Dept.ENGINEERING)
    assert Dept.QA not in review.waiting_depts()
    assert Dept.ENGINEERING in review.waiting_depts()
    assert review.signoffs.get(dept=Dept.ENGINEERING, current=True).answer == Answer.PENDING


def test_a_superuser_signs_for_the_department_named_and_without_one_has_nothing_waiting(people):
    root = _superuser(people)
    review = _submitted(people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "sign_off", root, answer=Answer.CAN)
    assert str(refused.value) == "Your department has no sign-off waiting on this review."
    review = act(review, "sign_off", root, answer=Answer.CAN, dept=Dept.FINANCE)
    assert Dept.FINANCE not in review.waiting_depts() and len(review.waiting_depts()) == 5


def test_the_department_signed_for(people):
    qa = people[Role.QA]
    assert signer_dept(qa, {}) == Dept.QA
    assert signer_dept(qa, {"dept": ""}) == Dept.QA
    assert signer_dept(qa, {"dept": Dept.FINANCE}) == Dept.QA
    assert signer_dept(people[Role.SALES_ASSISTANT], {"dept": Dept.SALES}) == Dept.SALES
    assert signer_dept(_superuser(people), {"dept": Dept.FINANCE}) == Dept.FINANCE
    # A step of the system (no person) answers for the department it names, and for none otherwise.
    assert signer_dept(None, {"dept": Dept.PURCHASING}) == Dept.PURCHASING
    assert signer_dept(None, {}) is None


def test_a_change_agreed_with_the_customer_needs_a_cannot_meet_of_this_round(people):
    sales = people[Role.SALESPERSON]
    review = sign_all(_submitted(people), people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "agree_change", sales, change_note="客户同意")
    assert (refused.value.field, str(refused.value)) == (
        "change_note", "No department said it cannot meet a requirement.")
    # Engineering's "cannot meet" was settled and answered again "can": no second change to agree.
    review = sign_all(act(new_review(people), "submit", sales), people, except_=(Dept.ENGINEERING,))
    review = act(review, "sign_off", people[Role.ENGINEERING], answer=Answer.CANNOT, comment="公差无法达到")
    review = act(review, "agree_change", sales, change_note="客户同意公差放宽")
    review = act(review, "sign_off", people[Role.ENGINEERING], answer=Answer.CAN)
    with pytest.raises(TransitionRefused):
        act(review, "agree_change", sales, change_note="再次协商")
    review = act(review, "accept_with_changes", sales, change_note="公差放宽，客户书面确认")
    assert review.status == ReviewStatus.APPROVAL


def test_sales_cannot_accept_while_a_cannot_meet_stands(people):
    review = act(sign_all(_submitted(people), people, except_=(Dept.PURCHASING,)), "sign_off",
                 people[Role.PURCHASING], answer=Answer.CANNOT, comment="原材料 6 月无货")
    for name, inputs in (("accept", {}), ("accept_with_changes", {"change_note": "x"})):
        with pytest.raises(TransitionRefused) as refused:
            act(review, name, people[Role.SALESPERSON], **inputs)
        assert str(refused.value) == ("A department cannot meet a requirement: agree a change with the customer, "
                                      "refer it to the GM or decline.")


def test_referring_to_the_gm_waits_for_every_department(people):
    review = _submitted(people)
    review = act(review, "sign_off", people[Role.PRODUCTION], answer=Answer.CANNOT, comment="产能不足")
    with pytest.raises(TransitionRefused) as refused:
        act(review, "refer_to_gm", people[Role.SALESPERSON], reason="客户不接受延期")
    assert str(refused.value) == "Not every department has signed off yet."


def test_the_gm_may_conclude_a_tender_below_the_threshold_too(people):
    rules = rules_for(people.company)
    rules.branch_head = people.other(Role.PRODUCTION)
    rules.save()
    review = _submitted(people, review_type=ReviewType.TENDER, amount=Decimal("2999999.99"))
    assert review.mode == ReviewMode.BRANCH
    review = act(sign_all(review, people), "accept", people[Role.SALESPERSON])
    review = act(review, "approve", people[Role.GM])
    assert review.status == ReviewStatus.ACCEPTED and review.approved_by == people[Role.GM]


def test_a_branch_tender_without_a_recorded_branch_head_is_concluded_by_the_gm_only(people):
    review = _submitted(people, review_type=ReviewType.TENDER, amount=Decimal("2800000.00"))
    review = act(sign_all(review, people), "accept", people[Role.SALESPERSON])
    assert review.approver is None
    for role in (Role.PRODUCTION, Role.VICE_GM):
        with pytest.raises(TransitionRefused) as refused:
            act(review, "approve", people[role])
        assert str(refused.value) == "The branch factory head concludes a tender of this amount."


def test_only_the_recorded_proxy_approves_for_the_gm_not_any_vice_gm(people):
    rules = rules_for(people.company)
    rules.gm_proxy = people.other(Role.VICE_GM)
    rules.save()
    review = act(sign_all(_submitted(people), people), "accept", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as refused:
        act(review, "approve", people[Role.VICE_GM])
    assert str(refused.value) == "Contracts are approved by the general manager or the proxy the company recorded."
    review = act(review, "approve", people.other(Role.VICE_GM))
    assert review.status == ReviewStatus.ACCEPTED and review.approved_as_proxy


def test_the_gm_sends_an_accepted_review_back_but_a_vice_gm_who_is_not_the_proxy_may_not(people):
    review = act(sign_all(_submitted(people), people), "accept", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused):
        act(review, "return", people[Role.VICE_GM], reason="价格需重新核算")
    review = act(review, "return", people[Role.GM], reason="价格需重新核算")
    assert review.status == ReviewStatus.REVIEWING


def test_a_superuser_approves_any_review(people):
    review = act(sign_all(_submitted(people, review_type=ReviewType.FOREIGN_TRADE), people), "accept",
                 people[Role.SALESPERSON])
    review = act(review, "approve", _superuser(people))
    assert review.status == ReviewStatus.ACCEPTED


def test_as_given_by_a_page_or_the_api_a_plain_cannot_meet_still_needs_a_comment(people):
    review = _submitted(people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "sign_off", people[Role.ENGINEERING], answer="cannot", comment="")
    assert refused.value.field == "comment"
    review = act(review, "sign_off", people[Role.ENGINEERING], answer="cannot", comment="公差无法达到")
    assert review.signoffs.get(dept=Dept.ENGINEERING, current=True).answer == Answer.CANNOT


def test_a_contract_is_not_self_reviewed_only_an_informal_order_is(people):
    review = new_review(people)
    with pytest.raises(TransitionRefused) as refused:
        act(review, "self_review", people[Role.SALESPERSON], confirmation_method="read_back",
            confirmation_note="电话确认")
    assert str(refused.value) == "This record needs the departments' review; only informal orders are self-reviewed."


def test_production_does_not_approve_a_central_review_only_a_branch_tender_by_its_head(people):
    review = _submitted(people, review_type=ReviewType.TENDER, amount=Decimal("3000000.00"))
    assert review.mode == ReviewMode.CENTRAL
    review = act(sign_all(review, people), "accept", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as refused:
        act(review, "approve", people[Role.PRODUCTION])
    assert refused.value.code == TransitionRefused.WRONG_ROLE


@pytest.mark.parametrize("review_type, amount", [(ReviewType.ORDER, "10000.00"),
                                                 (ReviewType.TENDER, "3000000.00")])
def test_the_recorded_proxy_approves_an_order_and_a_central_tender(people, review_type, amount):
    proxy = people[Role.VICE_GM]
    rules = rules_for(people.company)
    rules.gm_proxy = proxy
    rules.save()
    review = act(sign_all(_submitted(people, review_type=review_type, amount=Decimal(amount)), people), "accept",
                 people[Role.SALESPERSON])
    review = act(review, "approve", proxy)
    assert review.status == ReviewStatus.ACCEPTED and review.approved_as_proxy


def test_the_branch_head_is_told_apart_by_who_they_are_not_by_their_number(people):
    # Users recorded before and after the head, and ids beyond the small numbers of a fresh database.
    before = people.other(Role.PRODUCTION)
    head = UserFactory(id=5000, role=Role.PRODUCTION, company=people.company, username="A-branch-head")
    after = UserFactory(id=5001, role=Role.PRODUCTION, company=people.company, username="A-production-3")
    rules = rules_for(people.company)
    rules.branch_head = head
    rules.save()
    review = _submitted(people, review_type=ReviewType.TENDER, amount=Decimal("2800000.00"))
    review = act(sign_all(review, people), "accept", people[Role.SALESPERSON])
    for other in (before, after):
        with pytest.raises(TransitionRefused):
            act(review, "approve", other)
    review = act(review, "approve", head)
    assert review.approved_by == head


def test_the_proxy_is_told_apart_by_who_they_are_not_by_their_number(people):
    before = people.other(Role.VICE_GM)
    proxy = UserFactory(id=6000, role=Role.VICE_GM, company=people.company, username="A-proxy")
    after = UserFactory(id=6001, role=Role.VICE_GM, company=people.company, username="A-vice-gm-3")
    rules = rules_for(people.company)
    rules.gm_proxy = proxy
    rules.save()
    review = act(sign_all(_submitted(people), people), "accept", people[Role.SALESPERSON])
    for other in (before, after):
        with pytest.raises(TransitionRefused):
            act(review, "approve", other)
    review = act(review, "approve", proxy)
    assert review.approved_by == proxy and review.approved_as_proxy


def test_a_step_of_the_system_is_not_refused_by_the_approver_rule(people):
    review = act(sign_all(_submitted(people, review_type=ReviewType.FOREIGN_TRADE), people), "accept",
                 people[Role.SALESPERSON])
    review = act(review, "approve", None)
    assert review.status == ReviewStatus.ACCEPTED and review.approved_by is None
