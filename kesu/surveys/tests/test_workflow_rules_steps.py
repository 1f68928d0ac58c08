"""The survey workflows' own rules, at the service level (seed 001 §4.2.2, seed 003 §5.3.2, seed 000 §4.3.3.3):

- a campaign is opened only with a recipient included (the links go out to someone);
- an improvement line is approved (呈核准) by someone other than who filled it in (design §11), its result is
  written when it is reported carried out, and the customer is told how and what;
- the yearly report is submitted with its conclusions, approved by a sales head who did not write it,
  countersigned once by the head (负责人会签) of engineering and of QA, and distributed only after both signed.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kesu.accounts.roles import Role
from kesu.core.services import TransitionRefused
from kesu.surveys import services
from kesu.surveys.models import Recipient, SatisfactionReport
from kesu.surveys.workflow import IMPROVEMENT_TABLE, REPORT_TABLE, next_roles

from .factories import campaign

pytestmark = pytest.mark.django_db


def refusal(call, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as caught:
        call(**kwargs)
    return caught.value


# -- campaigns -------------------------------------------------------------------------------------------------


def test_a_campaign_whose_recipients_are_all_left_out_is_not_opened(people):
    c = campaign(people, customers=2)
    Recipient.objects.filter(campaign=c).update(included=False)
    with pytest.raises(ValidationError) as caught:
        services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    assert caught.value.message_dict == {"recipients": ["The campaign has no recipients."]}
    c.refresh_from_db()
    assert c.status == "draft"


def test_a_campaign_with_one_recipient_included_is_opened(people):
    c = campaign(people, customers=2)
    first = Recipient.objects.filter(campaign=c).order_by("id").first()
    Recipient.objects.filter(campaign=c).exclude(pk=first.pk).update(included=False)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    c.refresh_from_db()
    assert c.status == "open"


# -- improvement lines -----------------------------------------------------------------------------------------


@pytest.fixture
def improvement(people):
    c = campaign(people, customers=1)
    return services.improvement_save(actor=people[Role.SALES_DIRECTOR], campaign=c, data={
        "area": "交期", "measures": "预留 10% 产能"})


def test_whoever_filled_in_the_improvement_does_not_approve_it(people, improvement):
    error = refusal(services.improvement_transition, actor=people[Role.SALES_DIRECTOR], improvement=improvement,
                    name="approve")
    assert error.code == TransitionRefused.PRECONDITION
    assert error.message == "You proposed this yourself; someone else must approve it (segregation of duties)."
    offered, refused = IMPROVEMENT_TABLE.offer(improvement, people[Role.SALES_DIRECTOR])
    assert offered == [] and [row.name for row, _m in refused] == ["approve"]


def test_another_sales_head_approves_the_improvement(people, improvement):
    other = people.other(Role.SALES_DIRECTOR)
    assert [row.name for row in IMPROVEMENT_TABLE.offer(improvement, other)[0]] == ["approve"]
    approved = services.improvement_transition(actor=other, improvement=improvement, name="approve")
    assert (approved.status, approved.approved_by) == ("open", other)


def test_an_improvement_is_reported_carried_out_only_with_its_result(people, improvement):
    services.improvement_transition(actor=people[Role.GM], improvement=improvement, name="approve")
    error = refusal(services.improvement_transition, actor=people[Role.PRODUCTION], improvement=improvement,
                    name="complete")
    assert (error.code, error.field) == (TransitionRefused.MISSING_FIELD, "result")
    assert error.message == "Result and verification is required to “Report the improvement carried out”."


def test_the_customer_is_told_how_and_what_and_nothing_else_is_taken(people, improvement):
    services.improvement_transition(actor=people[Role.GM], improvement=improvement, name="approve")
    services.improvement_transition(actor=people[Role.PRODUCTION], improvement=improvement, name="complete",
                                    result="已调整排产")
    services.improvement_transition(actor=people[Role.GENERAL_OFFICE], improvement=improvement, name="verify")
    sales = people[Role.SALESPERSON]
    error = refusal(services.improvement_transition, actor=sales, improvement=improvement,
                    name="report_to_customer", channel="email")
    assert error.message == "What the customer was told is required to “Report the result to the customer”."
    error = refusal(services.improvement_transition, actor=sales, improvement=improvement,
                    name="report_to_customer", channel="email", summary="已告知", cc="质量部")
    assert error.message == "“cc” cannot be given when you “Report the result to the customer”."
    done = services.improvement_transition(actor=sales, improvement=improvement, name="report_to_customer",
                                           channel="email", summary="已书面告知改善结果", told="采购经理")
    assert done.status == "reported"


# -- the yearly report -----------------------------------------------------------------------------------------


@pytest.fixture
def heads(people):
    """The writer (a sales assistant), the sales head, the engineer and the QA engineer; made before the report so
    the report names their departments."""
    return people[Role.SALES_ASSISTANT], people[Role.SALES_DIRECTOR], people[Role.ENGINEERING], people[Role.QA]


def draft(people, writer, conclusions="交期和包装是主要不满意项") -> SatisfactionReport:
    report = services.report_draft(actor=writer, company=people.company, year=2026)
    if conclusions:
        services.report_update(actor=writer, report=report, conclusions=conclusions)
    report.refresh_from_db()
    return report


def step(report, name, actor, **inputs):
    return services.report_transition(actor=actor, report=report, name=name, **inputs)


def approved(people, heads) -> SatisfactionReport:
    writer, head, _engineer, _qa = heads
    report = draft(people, writer)
    step(report, "submit", writer)
    step(report, "approve", head)
    return report


def test_the_report_is_submitted_only_with_its_conclusions_written(people, heads):
    writer = heads[0]
    report = draft(people, writer, conclusions="")
    error = refusal(step, report=report, name="submit", actor=writer)
    assert (error.code, error.field) == (TransitionRefused.PRECONDITION, "conclusions")
    assert error.message == "Write the conclusions and the main areas of dissatisfaction before submitting."

    SatisfactionReport.objects.filter(pk=report.pk).update(conclusions=" \n ")  # blank is not written
    report.refresh_from_db()
    assert refusal(step, report=report, name="submit", actor=writer).field == "conclusions"


def test_the_sales_head_who_wrote_the_report_does_not_approve_it(people, heads):
    _writer, head, _engineer, _qa = heads
    report = draft(people, head)
    step(report, "submit", head)
    error = refusal(step, report=report, name="approve", actor=head)
    assert error.message == "You proposed this yourself; someone else must approve it (segregation of duties)."
    assert step(report, "approve", people.other(Role.SALES_DIRECTOR)).status == "approved"


def test_a_report_is_approved_by_a_sales_head_who_did_not_write_it(people, heads):
    report = approved(people, heads)
    assert (report.status, report.approved_by) == ("approved", heads[1])


def test_any_engineer_countersigns_for_a_department_without_a_recorded_head(people, heads):
    report = approved(people, heads)
    assert report.engineering_department.head_id is None
    signed = step(report, "countersign_engineering", people.other(Role.ENGINEERING))
    assert signed.engineering_signed_by == people.other(Role.ENGINEERING)


def test_any_engineer_countersigns_a_report_that_names_no_engineering_department(people, heads):
    report = approved(people, heads)
    SatisfactionReport.objects.filter(pk=report.pk).update(engineering_department=None)
    report.refresh_from_db()
    assert step(report, "countersign_engineering", people.other(Role.ENGINEERING)).engineering_signed_at


def test_only_the_recorded_head_of_engineering_countersigns(people, heads):
    _writer, _head, engineer, _qa = heads
    report = approved(people, heads)
    department = report.engineering_department
    head = people.other(Role.ENGINEERING)  # the head joined after the engineer
    type(department).objects.filter(pk=department.pk).update(head=head)
    report.refresh_from_db()

    error = refusal(step, report=report, name="countersign_engineering", actor=engineer)
    assert error.message == f"Only the head of {department.name} countersigns the report."
    assert step(report, "countersign_engineering", head).engineering_signed_by == head


def test_the_recorded_head_countersigns_whatever_their_user_number(people, heads, make_user):
    report = approved(people, heads)
    head = make_user(Role.ENGINEERING, id=100001, username="eng-head")
    department = report.engineering_department
    type(department).objects.filter(pk=department.pk).update(head=head)
    report.refresh_from_db()
    assert step(report, "countersign_engineering", head).engineering_signed_by == head


def test_only_the_recorded_head_of_qa_countersigns(people, heads):
    _writer, _head, _engineer, qa = heads
    report = approved(people, heads)
    department = report.qa_department
    type(department).objects.filter(pk=department.pk).update(head=qa)
    report.refresh_from_db()

    error = refusal(step, report=report, name="countersign_qa", actor=people.other(Role.QA))
    assert error.message == f"Only the head of {department.name} countersigns the report."
    assert step(report, "countersign_qa", qa).qa_signed_by == qa


def test_an_administrator_and_the_system_countersign_whoever_is_head(people, heads, make_user):
    _writer, _head, engineer, qa = heads
    report = approved(people, heads)
    for department in (report.engineering_department, report.qa_department):
        type(department).objects.filter(pk=department.pk).update(head=engineer)
    report.refresh_from_db()
    admin = make_user(Role.ADMIN, username="root", is_superuser=True)
    assert step(report, "countersign_engineering", admin).engineering_signed_by == admin
    assert step(report, "countersign_qa", None).qa_signed_at is not None


def test_each_head_countersigns_once(people, heads):
    _writer, _head, engineer, qa = heads
    report = approved(people, heads)
    step(report, "countersign_engineering", engineer)
    step(report, "countersign_qa", qa)
    assert refusal(step, report=report, name="countersign_engineering", actor=engineer).message == (
        "Engineering has already countersigned the report.")
    assert refusal(step, report=report, name="countersign_qa", actor=qa).message == (
        "QA has already countersigned the report.")


@pytest.mark.parametrize("signed", [(), ("countersign_engineering",), ("countersign_qa",)])
def test_the_report_is_not_distributed_before_both_heads_countersigned(people, heads, signed):
    writer, _head, engineer, qa = heads
    report = approved(people, heads)
    for name in signed:
        step(report, name, engineer if name == "countersign_engineering" else qa)
    error = refusal(step, report=report, name="distribute", actor=writer)
    assert error.message == "The heads of engineering and QA countersign the report before it is distributed."


def test_the_report_is_distributed_once_both_heads_countersigned(people, heads):
    writer, _head, engineer, qa = heads
    report = approved(people, heads)
    step(report, "countersign_engineering", engineer)
    step(report, "countersign_qa", qa)
    assert step(report, "distribute", writer).status == "distributed"


def test_after_submitting_the_sales_head_and_the_returners_act_and_nobody_after_distribution():
    assert next_roles(REPORT_TABLE, "submitted") == {"sales_director", "engineering", "qa"}
    assert next_roles(REPORT_TABLE, "draft") == {"sales_director", "sales_assistant", "general_office"}
    assert next_roles(REPORT_TABLE, "distributed") == set()
