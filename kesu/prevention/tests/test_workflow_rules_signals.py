"""Who may do what with a warning signal and an assessment (seed 001 §三, §六–七; seed 004 §6; issue 22 §1):
anyone who meets customers records a sign; the working group, office and leadership group (and whoever follows or
decides the signal) handle it; an A or B signal is closed by the leadership group, a C signal by the working group;
a signal is closed as resolved only when its preventive actions are all done; nobody confirms their own
assessment."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.core.services import TransitionRefused
from kesu.prevention import services
from kesu.prevention.choices import GroupKind, MemberPosition, Outcome, SignalStatus
from kesu.prevention.models import WarningSignal
from kesu.prevention.workflow import in_group

pytestmark = pytest.mark.django_db
R = Role
IN_GROUPS = "Only the prevention working group, office or leadership group handles signals."
LEADERSHIP = "An A or B signal is closed by the prevention leadership group."


@pytest.fixture(autouse=True)
def _english_messages(english):
    # These rule tests read refusal messages in their source language.
    yield


def record(people, customer, cls="c", actor_role=R.AFTER_SALES, **extra) -> WarningSignal:
    data = {"source": "call_centre", "customer": customer, "warning_class": cls,
            "observed": "客户来电：液压泵漏油，扬言投诉。", **extra}
    return services.signal_create(actor=people[actor_role], company=people.company, data=data)


def step(signal, name, user, **inputs):
    return services.signal_transition(actor=user, signal=signal, name=name, **inputs)


def preventing(people, signal, user=None):
    user = user or people[R.REGIONAL_MANAGER]
    step(signal, "identify", user, identification="电话核实，属实")
    return step(signal, "diagnose", user, causes="密封件批次问题", development="一周内可能投诉")


def refusal(signal, name, user, **inputs) -> str:
    with pytest.raises(TransitionRefused) as refused:
        step(signal, name, user, **inputs)
    return str(refused.value)


@pytest.mark.parametrize("role", [R.SALESPERSON, R.SALES_ASSISTANT, R.REGIONAL_MANAGER, R.SALES_DIRECTOR,
                                  R.AFTER_SALES, R.QA, R.GENERAL_OFFICE, R.GM, R.VICE_GM, R.ENGINEERING])
def test_everyone_who_meets_customers_or_hears_of_them_records_a_signal(groups, customer, role):
    assert record(groups, customer, actor_role=role).status == SignalStatus.IDENTIFYING


@pytest.mark.parametrize("role", [R.PRODUCTION, R.PURCHASING, R.FINANCE])
def test_other_roles_do_not_record_signals(groups, customer, role):
    with pytest.raises(PermissionDenied):
        record(groups, customer, actor_role=role)


def test_production_in_the_working_group_handles_a_signal_but_does_not_create_the_complaint(groups, customer):
    production = groups[R.PRODUCTION]
    services.group_member_set(actor=groups[R.GM], group=services.group_get(groups.company, GroupKind.WORKING),
                              user=production, position=MemberPosition.MEMBER)
    signal = record(groups, customer)
    step(signal, "identify", production, identification="现场核实，属实")
    assert signal.status == SignalStatus.DIAGNOSING
    with pytest.raises(TransitionRefused) as refused:
        step(signal, "to_complaint", production, closing_note="客户正式投诉")
    assert refused.value.code == TransitionRefused.WRONG_ROLE


def test_the_prevention_office_qa_turns_a_signal_into_a_complaint(groups, customer):
    signal = record(groups, customer)
    step(signal, "to_complaint", groups[R.QA], closing_note="客户正式投诉")
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, Outcome.COMPLAINT)
    assert signal.complaint is not None


def test_someone_outside_the_groups_is_refused_unless_they_follow_the_signal(groups, customer):
    engineer = groups[R.ENGINEERING]
    signal = record(groups, customer)
    assert refusal(signal, "identify", engineer, identification="属实") == IN_GROUPS
    assert refusal(signal, "to_complaint", groups[R.SALESPERSON]) == IN_GROUPS
    followed = record(groups, customer, owner=engineer)
    step(followed, "identify", engineer, identification="属实")
    assert followed.status == SignalStatus.DIAGNOSING


def test_the_decider_of_a_signal_handles_it_though_outside_the_groups(groups, customer):
    signal = record(groups, customer, cls="b")
    WarningSignal.objects.filter(pk=signal.pk).update(decider=groups[R.ENGINEERING])
    signal.refresh_from_db()
    step(signal, "identify", groups[R.ENGINEERING], identification="属实")
    assert signal.status == SignalStatus.DIAGNOSING


def test_a_superuser_handles_and_closes_any_signal(groups, customer):
    root = UserFactory(role=R.ADMIN, company=groups.company, username="A-root", is_superuser=True)
    signal = record(groups, customer, cls="a")
    step(signal, "identify", root, identification="属实")
    step(signal, "close_no_risk", root, closing_note="客户已接受解释")
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, Outcome.NO_RISK)


def test_the_working_group_closes_a_c_signal_and_nobody_outside_it_does(groups, customer):
    signal = record(groups, customer, cls="c")
    assert refusal(signal, "close_no_risk", groups[R.ENGINEERING], closing_note="无风险") == IN_GROUPS
    step(signal, "close_no_risk", groups[R.AFTER_SALES], closing_note="客户已接受解释")
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, Outcome.NO_RISK)


@pytest.mark.parametrize("cls", ["a", "b"])
def test_an_a_or_b_signal_is_closed_by_the_leadership_group_not_the_working_group(groups, customer, cls):
    signal = record(groups, customer, cls=cls)
    for role in (R.REGIONAL_MANAGER, R.AFTER_SALES, R.QA):
        assert refusal(signal, "close_no_risk", groups[role], closing_note="无风险") == LEADERSHIP
    step(signal, "close_no_risk", groups[R.VICE_GM], closing_note="客户已接受解释")
    assert signal.status == SignalStatus.CLOSED


def test_without_a_leadership_group_the_follower_decides_an_a_or_b_signal(people, customer):
    rm = people[R.REGIONAL_MANAGER]
    services.groups_ensure(people.company)
    services.group_member_set(actor=people[R.GM], group=services.group_get(people.company, GroupKind.WORKING),
                              user=rm, position=MemberPosition.LEADER)
    signal = record(people, customer, cls="b")
    assert signal.decider == rm
    assert refusal(signal, "close_no_risk", people[R.GM], closing_note="无风险") == LEADERSHIP
    step(signal, "close_no_risk", rm, closing_note="客户已接受解释")
    assert signal.status == SignalStatus.CLOSED


def test_a_signal_is_closed_as_resolved_only_when_every_preventive_action_is_done(groups, customer):
    rm = groups[R.REGIONAL_MANAGER]
    signal = preventing(groups, record(groups, customer, cls="c"))
    assert refusal(signal, "close_resolved", rm, closing_note="已解决") == (
        "Record at least one preventive action with its owner first.")
    first = services.action_add(actor=rm, signal=signal, description="上门更换密封件", owner=groups[R.AFTER_SALES],
                                working_days=2)
    second = services.action_add(actor=rm, signal=signal, description="电话回访", owner=rm, working_days=3)
    services.action_done(actor=groups[R.AFTER_SALES], action=first, result="已更换")
    assert refusal(signal, "close_resolved", rm, closing_note="已解决") == "Every preventive action must be done first."
    services.action_done(actor=rm, action=second, result="客户满意")
    step(signal, "close_resolved", rm, closing_note="已解决")
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, Outcome.RESOLVED)


def test_group_membership_is_per_company_and_per_group(groups, customer):
    signal = record(groups, customer)
    assert in_group(signal, groups[R.AFTER_SALES], (GroupKind.WORKING,))
    assert in_group(groups.company.pk, groups[R.AFTER_SALES], (GroupKind.WORKING,))
    assert not in_group(signal, groups[R.AFTER_SALES], (GroupKind.LEADERSHIP,))
    assert not in_group(groups.others.company.pk, groups[R.AFTER_SALES], (GroupKind.WORKING,))


def test_nobody_confirms_their_own_assessment_another_sales_director_does(people):
    director = people[R.SALES_DIRECTOR]
    start, end = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    own = services.assessment_compute(actor=people[R.GM], company=people.company, salesperson=director,
                                      period_start=start, period_end=end)
    with pytest.raises(TransitionRefused) as refused:
        services.assessment_transition(actor=director, assessment=own, name="confirm", director_comment="好")
    assert str(refused.value) == "Nobody confirms their own assessment."
    other = people.other(R.SALES_DIRECTOR)
    own = services.assessment_transition(actor=other, assessment=own, name="confirm", director_comment="及时")
    assert (own.status, own.confirmed_by) == ("confirmed", other)


def test_the_decider_is_told_apart_by_who_they_are_not_by_their_number(people, customer):
    # People recorded before and after the decider, and ids beyond the small numbers of a fresh database.
    decider = UserFactory(id=9000, role=R.REGIONAL_MANAGER, company=people.company, username="A-rm-9000")
    after = UserFactory(id=9001, role=R.VICE_GM, company=people.company, username="A-vgm-9001")
    services.groups_ensure(people.company)
    services.group_member_set(actor=people[R.GM], group=services.group_get(people.company, GroupKind.WORKING),
                              user=decider, position=MemberPosition.LEADER)
    signal = record(people, customer, cls="a")
    assert signal.decider == decider
    for other in (people[R.GM], after):
        assert refusal(signal, "close_no_risk", other, closing_note="无风险") == LEADERSHIP
    step(signal, "close_no_risk", decider, closing_note="客户已接受解释")
    assert signal.status == SignalStatus.CLOSED


def test_the_assessed_person_is_told_apart_by_who_they_are_not_by_their_number(people):
    assessed = UserFactory(id=9100, role=R.SALES_DIRECTOR, company=people.company, username="A-sd-9100")
    after = UserFactory(id=9101, role=R.SALES_DIRECTOR, company=people.company, username="A-sd-9101")
    before = people[R.SALES_DIRECTOR]

    def assessment(month):
        return services.assessment_compute(actor=people[R.GM], company=people.company, salesperson=assessed,
                                           period_start=datetime.date(2026, month, 1),
                                           period_end=datetime.date(2026, month, 28))

    october, november = assessment(10), assessment(11)
    with pytest.raises(TransitionRefused):
        services.assessment_transition(actor=assessed, assessment=october, name="confirm", director_comment="好")
    for director, record_ in ((before, october), (after, november)):
        done = services.assessment_transition(actor=director, assessment=record_, name="confirm",
                                              director_comment="及时")
        assert done.confirmed_by == director
