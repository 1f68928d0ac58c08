"""The whole transition table: every row succeeds for an allowed role and is refused otherwise, saying why."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import Severity, Status
from kesu.complaints.models import StatusChange, TimelineEntry
from kesu.complaints.services import TransitionRefused
from kesu.complaints.tests.factories import People, act, bring_to, default_inputs
from kesu.complaints.tests.procedure import PROCEDURE
from kesu.complaints.workflow import INPUT_LABELS, TRANSITIONS
from kesu.core.workflow import OWN_PROPOSAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


def prepare(source: str, action: str, people: People):
    """A complaint in ``source`` whose preconditions for ``action`` hold."""
    severe = action in ("submit_initial_report", "approve_initial_report")
    escalated = source == Status.QA_INVESTIGATION or action in ("customer_disputes",)
    assess = {"severity": Severity.SEVERE} if severe else None
    complaint = bring_to(source, people, escalated=escalated, assess=assess)
    if action == "record_department_answer":
        complaint = act(complaint, "instruct_department", people)
    if action == "record_recurrence":
        # A later delivery on which the problem came back (004 §5.2(3)); the service records it with the step.
        from kesu.complaints.models import DeliveryVerification
        from kesu.customers.tests.factories import ShipmentFactory

        DeliveryVerification.objects.create(
            company=complaint.company, complaint=complaint, shipment=ShipmentFactory(customer=complaint.customer),
            checked_on=timezone.localdate(), checked_by=people[Role.QA], result="not_ok", recorded_at=timezone.now())
    if action in ("approve_explanation", "send_explanation"):
        complaint = act(complaint, "prepare_explanation", people)
    if action == "send_explanation":
        complaint = act(complaint, "approve_explanation", people)
    if severe:
        complaint.cause_hard_to_find = True
        complaint = act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
        if action == "approve_initial_report":
            complaint = act(complaint, "submit_initial_report", people)
    return complaint


ROWS = sorted(TRANSITIONS)


@pytest.mark.parametrize(("source", "action"), ROWS, ids=[f"{s}-{a}" for s, a in ROWS])
def test_every_allowed_transition_succeeds_for_an_allowed_role(source, action, people):
    complaint = prepare(source, action, people)
    before = StatusChange.objects.filter(complaint=complaint).count()

    act(complaint, action, people)

    complaint.refresh_from_db()
    # Where the procedure (written out independently in procedure.py) says the step leads, not the row's target.
    assert complaint.status == (PROCEDURE[action][0] or source)
    change = StatusChange.objects.filter(complaint=complaint).order_by("-id").first()
    assert StatusChange.objects.filter(complaint=complaint).count() == before + 1
    assert (change.name, change.old_status, change.new_status) == (action, source, complaint.status)
    assert TimelineEntry.objects.filter(complaint=complaint, kind="transition").exists()


@pytest.mark.parametrize(("source", "action"), ROWS, ids=[f"{s}-{a}" for s, a in ROWS])
def test_every_transition_is_refused_for_a_role_the_table_does_not_name(source, action, people):
    complaint = prepare(source, action, people)
    row = TRANSITIONS[(source, action)]
    outsider_role = people.not_allowed(row, complaint)

    with pytest.raises(TransitionRefused) as refused:
        services.complaint_transition(actor=outsider_role, complaint=complaint, action=action,
                                      **default_inputs(action, complaint, people))

    assert refused.value.code == TransitionRefused.WRONG_ROLE
    assert str(row.label) in refused.value.message
    complaint.refresh_from_db()
    assert complaint.status == source


MISSING = [
    (s, a, field) for (s, a), row in sorted(TRANSITIONS.items()) for field in row.required
]


@pytest.mark.parametrize(("source", "action", "field"), MISSING, ids=[f"{s}-{a}-{f}" for s, a, f in MISSING])
def test_every_required_field_is_named_when_missing(source, action, field, people):
    complaint = prepare(source, action, people)
    inputs = default_inputs(action, complaint, people)
    inputs.pop(field, None)

    with pytest.raises(TransitionRefused) as refused:
        services.complaint_transition(
            actor=people.allowed(TRANSITIONS[(source, action)], complaint), complaint=complaint,
            action=action, **inputs)

    assert refused.value.code == TransitionRefused.MISSING_FIELD
    assert refused.value.field == field
    label = INPUT_LABELS.get(field) or complaint._meta.get_field(field).verbose_name
    assert str(label).lower() in refused.value.message.lower()


ACTIONS = sorted({a for _s, a in TRANSITIONS})


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_is_refused_in_a_state_the_table_does_not_list(action, people):
    wrong = next(s for s in (Status.RECEIVED, Status.CLOSED, Status.CANCELLED) if (s, action) not in TRANSITIONS)
    complaint = bring_to(wrong, people)

    with pytest.raises(TransitionRefused) as refused:
        services.complaint_transition(actor=people[Role.SALES_DIRECTOR], complaint=complaint, action=action,
                                      **default_inputs(action, complaint, people))

    assert refused.value.code == TransitionRefused.WRONG_STATE
    assert str(complaint.get_status_display()) in refused.value.message


def test_an_unknown_action_is_refused_by_name(people):
    complaint = bring_to(Status.RECEIVED, people)
    with pytest.raises(TransitionRefused) as refused:
        services.complaint_transition(actor=people[Role.SALESPERSON], complaint=complaint, action="teleport")
    assert refused.value.code == TransitionRefused.UNKNOWN_ACTION


def test_a_field_the_step_does_not_take_is_refused_by_name(people):
    complaint = bring_to(Status.RECEIVED, people)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "acknowledge", people, severity="minor")
    assert refused.value.field == "severity"


# -- the roles that depend on escalation --------------------------------------------------


def test_a_salesperson_cannot_approve_a_remedy_but_the_sales_director_can(people):
    complaint = bring_to(Status.REMEDY_PROPOSED, people)
    with pytest.raises(TransitionRefused) as refused:
        services.remedy_approve(actor=people[Role.SALESPERSON], complaint=complaint)
    assert refused.value.code == TransitionRefused.WRONG_ROLE

    services.remedy_approve(actor=people[Role.SALES_DIRECTOR], complaint=complaint)
    assert complaint.status == Status.REMEDY_APPROVED
    assert complaint.remedies.get().approved_by == people[Role.SALES_DIRECTOR]


def test_once_escalated_qa_proposes_and_another_qa_engineer_approves_and_sales_may_not(people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    with pytest.raises(TransitionRefused) as refused:
        services.remedy_propose(actor=people[Role.SALESPERSON], complaint=complaint, text="换货")
    assert refused.value.code == TransitionRefused.WRONG_ROLE

    services.remedy_propose(actor=people[Role.QA], complaint=complaint, text="换货")
    with pytest.raises(TransitionRefused):
        services.remedy_approve(actor=people[Role.SALES_DIRECTOR], complaint=complaint)
    with pytest.raises(TransitionRefused) as refused:
        services.remedy_approve(actor=people[Role.QA], complaint=complaint)
    assert refused.value.code == TransitionRefused.PRECONDITION and refused.value.message == str(OWN_PROPOSAL)
    services.remedy_approve(actor=people.other(Role.QA), complaint=complaint)
    assert complaint.status == Status.REMEDY_APPROVED


def test_a_major_problem_needs_an_ad_hoc_meeting_before_a_remedy(people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True, assess={"severity": Severity.MAJOR})
    with pytest.raises(TransitionRefused) as refused:
        services.remedy_propose(actor=people[Role.QA], complaint=complaint, text="换货")
    assert (refused.value.code, refused.value.field) == (TransitionRefused.PRECONDITION, "meeting")

    services.meeting_record(
        actor=people[Role.QA], complaint=complaint, held_at=timezone.now(),
        attendees=[people[Role.QA], people[Role.ENGINEERING], people[Role.PRODUCTION]],
        departments=[people[Role.ENGINEERING].department, people[Role.PRODUCTION].department],
        conclusions="装配工装定位偏差", actions="更换定位销",
    )
    services.remedy_propose(actor=people[Role.QA], complaint=complaint, text="换货")
    assert complaint.status == Status.REMEDY_PROPOSED


def test_a_severe_complaint_with_a_hidden_cause_needs_the_gms_approval_of_the_initial_report(people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True, assess={"severity": Severity.SEVERE})
    act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    services.meeting_record(
        actor=people[Role.QA], complaint=complaint, held_at=timezone.now(), attendees=[people[Role.QA]],
        departments=[people[Role.QA].department], conclusions="原因待查",
    )
    services.remedy_propose(actor=people[Role.QA], complaint=complaint, text="先行换货")
    with pytest.raises(TransitionRefused) as refused:
        services.remedy_approve(actor=people[Role.QA], complaint=complaint)
    assert refused.value.field == "initial_report"
    assert "general manager" in refused.value.message


def test_only_the_gm_approves_the_initial_report(people):
    complaint = prepare(Status.QA_INVESTIGATION, "approve_initial_report", people)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "approve_initial_report", people, actor=people[Role.QA])
    assert refused.value.code == TransitionRefused.WRONG_ROLE
    act(complaint, "approve_initial_report", people, actor=people[Role.GM])
    assert complaint.initial_report_approved_by == people[Role.GM]


def test_the_remedy_loop_repeats_until_the_customer_accepts(people):
    complaint = bring_to(Status.CUSTOMER_REJECTED, people)
    services.remedy_propose(actor=people[Role.SALESPERSON], complaint=complaint, text="退货并补发")
    services.remedy_approve(actor=people[Role.SALES_DIRECTOR], complaint=complaint)
    services.customer_decision_record(actor=people[Role.SALESPERSON], complaint=complaint, accepted=True)

    rounds = list(complaint.remedies.values_list("round", "customer_decision", "decision_reason"))
    assert rounds == [(1, "rejected", "客户要求退货"), (2, "accepted", "")]
    assert complaint.status == Status.REMEDY_ACCEPTED


def test_a_rejection_without_a_reason_is_refused_naming_the_reason(people):
    complaint = bring_to(Status.REMEDY_APPROVED, people)
    with pytest.raises(TransitionRefused) as refused:
        services.customer_decision_record(actor=people[Role.SALESPERSON], complaint=complaint, accepted=False)
    assert refused.value.field == "reason"


def test_closing_needs_the_responsibility(people):
    complaint = bring_to(Status.REMEDY_DONE, people)
    with pytest.raises(TransitionRefused) as refused:
        services.complaint_transition(actor=people[Role.SALESPERSON], complaint=complaint, action="close")
    assert (refused.value.code, refused.value.field) == (TransitionRefused.PRECONDITION, "responsibility")


def test_closing_ours_needs_the_responsible_department(people):
    from django.core.exceptions import ValidationError

    complaint = bring_to(Status.REMEDY_DONE, people)
    with pytest.raises(ValidationError) as error:
        services.complaint_transition(actor=people[Role.SALESPERSON], complaint=complaint, action="close",
                                      responsibility="ours")
    assert "responsible_department" in error.value.message_dict


def test_later_modules_can_add_closing_rules(people):
    from kesu.complaints import workflow

    def lab_report_in(complaint, ctx):
        if complaint.root_cause == "waiting for the lab":
            return "root_cause", "The lab report is not in"
        return None

    workflow.register_close_check(lab_report_in)
    try:
        complaint = bring_to(Status.REMEDY_DONE, people)
        with pytest.raises(TransitionRefused) as refused:
            act(complaint, "close", people, root_cause="waiting for the lab")
        assert refused.value.message == "The lab report is not in" and refused.value.field == "root_cause"
        act(complaint, "close", people, root_cause="tool wear")
        assert complaint.status == Status.CLOSED
    finally:
        workflow.CLOSE_CHECKS.remove(lab_report_in)


def test_a_written_explanation_is_only_for_complaints_that_are_not_ours(people):
    complaint = bring_to(Status.ASSESSED, people)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "prepare_explanation", people, responsibility="ours")
    assert refused.value.field == "responsibility"


def test_reopening_counts_and_keeps_the_reason(people):
    complaint = bring_to(Status.CLOSED, people)
    act(complaint, "reopen", people, note="客户再次投诉同一批次")
    assert (complaint.status, complaint.reopen_count, complaint.closed_at) == (Status.ASSESSED, 1, None)
    assert StatusChange.objects.filter(complaint=complaint, name="reopen").get().note == "客户再次投诉同一批次"


def test_a_mis_order_return_needs_the_regional_managers_approval_before_the_remedy_is_done(people):
    from django.core.exceptions import PermissionDenied, ValidationError

    complaint = bring_to(Status.REMEDY_ACCEPTED, people)
    line = services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="return",
                                    quantity=3, mis_order=True)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "complete_remedy", people)
    assert refused.value.field == "dispositions"
    with pytest.raises(PermissionDenied, match="Your role may not do this"):  # not a regional manager
        services.disposition_approve_mis_order(actor=people[Role.SALESPERSON], line=line)
    services.disposition_approve_mis_order(actor=people[Role.REGIONAL_MANAGER], line=line)
    act(complaint, "complete_remedy", people)
    assert complaint.status == Status.REMEDY_DONE

    with pytest.raises(ValidationError) as error:
        services.disposition_restock(actor=people[Role.QA], line=line)
    assert "incoming_inspection_result" in error.value.message_dict
    services.disposition_record_inspection(actor=people[Role.QA], line=line, result="pass")
    line = services.disposition_restock(actor=people[Role.QA], line=line)
    assert line.restocked_at is not None


def test_a_disposition_quantity_must_be_at_least_one(people):
    from django.core.exceptions import ValidationError

    complaint = bring_to(Status.REMEDY_ACCEPTED, people)
    with pytest.raises(ValidationError) as error:
        services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="exchange", quantity=0)
    assert "quantity" in error.value.message_dict
