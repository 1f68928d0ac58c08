"""The complaint procedure's named checks at their boundaries (seed 004 §5.1–§6.6, 000 §4.1.3, 003 §5.4.2,
issue 18 §5/§11, design §11), judged one by one on a complaint as the runner hands it to them (its choices as stored: plain strings).

``test_workflow.py`` shows that the runner refuses a step when one of its checks fails; this file states what each
check says, with every side of each condition: the acceptance window, safety and severity, the initial analysis
report of a severe complaint, the ad-hoc meeting, the mis-order return, verification on later deliveries, the
written explanation, and who usually takes a step.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import Severity, Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, at, bring_to, create_complaint
from kesu.complaints.workflow import CHECKS, TRANSITIONS, CheckContext, Transition, preferred_role
from kesu.customers.tests.factories import CustomerFactory, PartFactory, ShipmentFactory

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def judge(check: str, complaint, *, settings=None, actor=None):
    """What the named check says of the complaint: None (it holds) or (field, message)."""
    return CHECKS[check](complaint, CheckContext(settings=settings, now=NOW, actor=actor))


def refused(check: str, complaint, **context) -> str:
    """The field a failing check names (the assertion fails when the check holds)."""
    result = judge(check, complaint, **context)
    assert result is not None, f"{check} should refuse"
    return result[0]


# -- 004 §5.1: outside the acceptance window, or excluded, a person decides ------------------------------------


@pytest.mark.parametrize("window", ["outside", "excluded"])
def test_outside_the_window_or_excluded_the_assessment_needs_an_acceptance_decision(window):
    assert refused("acceptance_decided", Complaint(window_status=window, acceptance_decision="")) == (
        "acceptance_decision")


@pytest.mark.parametrize("window", ["outside", "excluded"])
@pytest.mark.parametrize("decision", ["paid_service", "goodwill",
                                      "not_accepted"])
def test_any_decision_paid_service_goodwill_or_not_accepted_lets_the_assessment_through(window, decision):
    assert judge("acceptance_decided", Complaint(window_status=window, acceptance_decision=decision)) is None


@pytest.mark.parametrize("window", ["inside", "unknown"])
def test_inside_the_window_or_not_yet_knowable_no_decision_is_asked_for(window):
    assert judge("acceptance_decided", Complaint(window_status=window, acceptance_decision="")) is None


def test_a_complaint_not_accepted_goes_neither_to_sales_handling_nor_to_qa():
    assert refused("accepted_for_handling", Complaint(acceptance_decision="not_accepted")) == (
        "acceptance_decision")
    assert {"accepted_for_handling"} <= set(TRANSITIONS[(Status.ASSESSED, "start_sales_handling")].checks)
    assert {"accepted_for_handling"} <= set(TRANSITIONS[(Status.ASSESSED, "escalate_to_qa")].checks)


@pytest.mark.parametrize("decision", ["accepted", "paid_service",
                                      "goodwill"])
def test_an_accepted_complaint_paid_service_and_goodwill_included_goes_on_to_handling(decision):
    assert judge("accepted_for_handling", Complaint(acceptance_decision=decision)) is None


# -- issue 18 §11: a safety or regulatory impact is at least major ---------------------------------------------


@pytest.mark.parametrize(("safety", "severity", "refuses"), [
    (True, "minor", True),
    (True, "general", True),
    (True, "major", False),
    (True, "severe", False),
    (False, "minor", False),
    (False, "general", False),
])
def test_a_safety_or_regulatory_impact_needs_major_or_severe(safety, severity, refuses):
    result = judge("safety_needs_major", Complaint(safety_or_regulatory_impact=safety, severity=severity))
    assert (result is not None) == refuses
    if refuses:
        assert result[0] == "severity"


# -- 000 §4.1.3: once escalated QA owns it ---------------------------------------------------------------------


def test_sales_handles_only_a_complaint_not_escalated_to_qa():
    assert refused("not_escalated", Complaint(escalated_to_qa=True)) == "escalated_to_qa"
    assert judge("not_escalated", Complaint(escalated_to_qa=False)) is None


def test_a_department_answers_only_after_qa_instructed_one():
    assert refused("department_instructed", Complaint(responsible_department_id=None)) == "responsible_department"
    assert judge("department_instructed", Complaint(responsible_department_id=7)) is None


# -- 004 §6.3: the initial analysis report of a severe complaint whose cause is hard to find -----------------


@pytest.mark.parametrize(("severity", "hard_to_find", "refuses"), [
    ("severe", True, False),
    ("severe", False, True),
    ("major", True, True),
    ("minor", False, True),
])
def test_an_initial_analysis_report_is_only_for_a_severe_complaint_whose_cause_is_hard_to_find(
        severity, hard_to_find, refuses):
    result = judge("severe_and_hard_to_find", Complaint(severity=severity, cause_hard_to_find=hard_to_find))
    assert (result is not None) == refuses


def test_the_gm_approves_a_submitted_report_once():
    assert refused("initial_report_submitted", Complaint()) == "initial_report"
    assert judge("initial_report_submitted", Complaint(initial_report_submitted_at=NOW)) is None
    assert refused("initial_report_submitted", Complaint(initial_report_submitted_at=NOW,
                                                         initial_report_approved_at=NOW)) == "initial_report"


@pytest.mark.parametrize(("severity", "hard_to_find", "approved", "refuses"), [
    ("severe", True, None, True),
    ("severe", True, NOW, False),
    ("severe", False, None, False),
    ("major", True, None, False),
])
def test_the_remedy_of_a_severe_hard_to_find_complaint_waits_for_the_gms_approval_of_the_report(
        severity, hard_to_find, approved, refuses):
    complaint = Complaint(severity=severity, cause_hard_to_find=hard_to_find, initial_report_approved_at=approved)
    result = judge("initial_report_approved_if_needed", complaint)
    assert (result is not None) == refuses


# -- 004 §5.2(3): serious complaints are verified on later deliveries before closing -------------------------


@pytest.mark.parametrize(("severity", "refuses"), [
    ("minor", False), ("general", False), ("major", True), ("severe", True)])
def test_a_major_or_severe_complaint_is_not_closed_straight_after_the_remedy(severity, refuses):
    result = judge("no_verification_needed", Complaint(severity=severity))
    assert (result is not None) == refuses


def test_a_recurrence_is_taken_only_with_a_later_delivery_that_was_not_ok():
    # Nothing carried out yet, so no delivery after the remedy can have shown the problem again.
    assert refused("recurrence_recorded", Complaint(remedy_done_at=None)) == "delivery_verifications"


# -- 003 §5.4.2: the written explanation, prepared by QA, approved by another, sent by sales ------------------


def test_an_explanation_is_approved_once_it_is_prepared_and_only_once():
    assert refused("explanation_prepared", Complaint()) == "explanation"
    assert judge("explanation_prepared", Complaint(explanation_prepared_at=NOW)) is None
    assert refused("explanation_prepared", Complaint(explanation_prepared_at=NOW,
                                                     explanation_approved_at=NOW)) == "explanation"


def test_sales_sends_only_a_prepared_and_approved_explanation():
    assert refused("explanation_approved", Complaint()) == "explanation"
    assert refused("explanation_approved", Complaint(explanation_prepared_at=NOW)) == "explanation"
    assert judge("explanation_approved", Complaint(explanation_prepared_at=NOW, explanation_approved_at=NOW)) is None


@pytest.mark.parametrize(("responsibility", "refuses"), [
    ("", True), ("ours", True), ("customer", False), ("supplier", False),
    ("undetermined", False)])
def test_a_written_explanation_is_for_complaints_whose_responsibility_is_set_and_not_ours(responsibility, refuses):
    result = judge("not_our_responsibility", Complaint(responsibility=responsibility))
    assert (result is not None) == refuses


def test_the_author_of_an_explanation_does_not_approve_it():
    author, other = User(pk=41), User(pk=42)
    assert judge("not_own_explanation", Complaint(explanation_prepared_by_id=41), actor=author) is not None
    assert judge("not_own_explanation", Complaint(explanation_prepared_by_id=41), actor=other) is None


def test_closing_needs_the_responsibility_set():
    assert refused("responsibility_set", Complaint(responsibility="")) == "responsibility"
    assert judge("responsibility_set", Complaint(responsibility="customer")) is None


# -- who usually takes a step (the demo and the tests act through it) -----------------------------------------


@pytest.mark.parametrize(("action", "source", "escalated", "role"), [
    ("acknowledge", Status.RECEIVED, False, Role.SALESPERSON),
    ("record_qa_opinion", Status.QA_INVESTIGATION, True, Role.QA),
    ("approve_remedy", Status.REMEDY_PROPOSED, False, Role.SALES_DIRECTOR),
    ("approve_remedy", Status.REMEDY_PROPOSED, True, Role.QA),
    ("approve_initial_report", Status.QA_INVESTIGATION, True, Role.GM),
    ("reopen", Status.CLOSED, False, Role.SALESPERSON),
])
def test_the_everyday_person_takes_the_step(action, source, escalated, role):
    assert preferred_role(TRANSITIONS[(source, action)], Complaint(escalated_to_qa=escalated)) == role


def test_a_step_for_roles_outside_the_everyday_list_goes_to_the_first_of_them_by_name():
    row = Transition("count_stock", (Status.RECEIVED,), None, frozenset({Role.PURCHASING, Role.FINANCE}), "count")
    assert preferred_role(row, Complaint()) == Role.FINANCE


# -- checks that read the complaint's records ------------------------------------------------------------------


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.mark.django_db
def test_an_escalated_major_or_severe_problem_needs_an_ad_hoc_meeting_before_a_remedy(people):
    complaint = create_complaint(people[Role.SALESPERSON])
    cases = [(True, Severity.MAJOR, True), (True, Severity.SEVERE, True), (True, Severity.GENERAL, False),
             (True, Severity.MINOR, False), (False, Severity.MAJOR, False), (False, Severity.SEVERE, False)]
    for escalated, severity, refuses in cases:
        complaint.escalated_to_qa, complaint.severity = escalated, severity
        result = judge("meeting_held_if_major", complaint)
        assert (result is not None) == refuses, (escalated, severity)
        if refuses:
            assert result[0] == "meeting"
    services.meeting_record(actor=people[Role.QA], complaint=complaint, held_at=timezone.now(),
                            attendees=[people[Role.QA], people[Role.ENGINEERING]],
                            departments=[people[Role.ENGINEERING].department], conclusions="定位销磨损")
    complaint.escalated_to_qa, complaint.severity = True, Severity.SEVERE
    assert judge("meeting_held_if_major", complaint) is None


@pytest.mark.django_db
def test_only_a_return_for_a_customer_mis_order_waits_for_the_regional_manager(people):
    complaint = create_complaint(people[Role.SALESPERSON])
    services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="return", quantity=2)
    services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="exchange", quantity=1)
    assert judge("mis_order_returns_approved", complaint) is None
    line = services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="return", quantity=3,
                                    mis_order=True)
    assert refused("mis_order_returns_approved", complaint) == "dispositions"
    services.disposition_approve_mis_order(actor=people[Role.REGIONAL_MANAGER], line=line)
    assert judge("mis_order_returns_approved", complaint) is None


@pytest.mark.django_db
def test_closing_a_serious_complaint_needs_as_many_ok_later_deliveries_as_the_company_asks(people):
    customer, part = CustomerFactory(company=people.company), PartFactory(company=people.company)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = bring_to(Status.VERIFICATION, people, customer=customer, part=part,
                             assess={"severity": Severity.MAJOR})
    later = ShipmentFactory(customer=customer, part=part, delivery_no="D-0305", ship_date=datetime.date(2026, 3, 5))
    services.delivery_verification_record(actor=people[Role.QA], complaint=complaint, shipment=later,
                                          checked_on=datetime.date(2026, 3, 16), result="ok")
    # One OK later delivery: enough when the company asks for none or one, not when it asks for two.
    for needed, refuses in [(0, False), (1, False), (2, True)]:
        result = judge("verified_on_later_shipments", complaint,
                       settings=SimpleNamespace(verification_shipments=needed))
        assert (result is not None) == refuses, needed
    assert refused("verified_on_later_shipments", complaint, settings=SimpleNamespace(verification_shipments=2)) == (
        "verification")
    # A minor or general complaint is not verified on later deliveries at all.
    complaint.severity = Severity.GENERAL
    assert judge("verified_on_later_shipments", complaint, settings=SimpleNamespace(verification_shipments=5)) is None


# -- closing rules added by later modules (issue 3 §3: CAPA's "corrective action verified") --------------------


def test_every_registered_closing_rule_is_asked_until_one_refuses_and_a_rule_registers_once():
    from kesu.complaints import workflow

    asked = []

    def lab_report_in(complaint, ctx):
        asked.append("lab")
        return None

    def drawing_signed(complaint, ctx):
        asked.append("drawing")
        return ("root_cause", "The drawing change is not signed") if complaint.root_cause == "drawing" else None

    before = list(workflow.CLOSE_CHECKS)
    try:
        workflow.register_close_check(lab_report_in)
        workflow.register_close_check(lab_report_in)
        workflow.register_close_check(drawing_signed)
        assert workflow.CLOSE_CHECKS == [*before, lab_report_in, drawing_signed]
        workflow.CLOSE_CHECKS[:] = [lab_report_in, drawing_signed]
        assert judge("can_close", Complaint(root_cause="drawing")) == ("root_cause", "The drawing change is not signed")
        assert asked == ["lab", "drawing"]
        assert judge("can_close", Complaint(root_cause="tool wear")) is None
    finally:
        workflow.CLOSE_CHECKS[:] = before


@pytest.mark.django_db
def test_nobody_approves_the_remedy_they_proposed_in_the_latest_round(people):
    complaint = bring_to(Status.CUSTOMER_REJECTED, people)  # round 1, proposed by the salesperson, rejected
    first = complaint.remedies.get().proposed_by
    services.remedy_propose(actor=people.other(Role.SALESPERSON), complaint=complaint, text="退货并补发")
    second = people.other(Role.SALESPERSON)
    assert judge("not_own_remedy", complaint, actor=second) is not None
    assert judge("not_own_remedy", complaint, actor=first) is None
