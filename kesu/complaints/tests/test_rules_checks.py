"""Two complaint checks the table alone does not show (seed 000 §4.1.3–4.1.4, seed 004 §6.3).

- Once a complaint is escalated to QA, QA owns it: a complaint closed by QA and reopened comes back to
  "assessed" still escalated, and sales may not take it back into sales handling (``not_escalated``).
- The general manager approves a severe, hard-to-find complaint's initial analysis report once
  (``initial_report_submitted``: a second approval is refused as "already approved").
Each refusal is tried through the service, the page and the API.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.choices import Severity, Status
from kesu.complaints.models import StatusChange
from kesu.complaints.services import TransitionRefused

from .factories import People, act, bring_to

pytestmark = pytest.mark.django_db

ESCALATED = "The complaint is escalated to QA; QA handles it."
ALREADY = "The initial analysis report is already approved."


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def reopened(people):
    """Escalated to QA, remedied and closed by QA, then reopened: assessed again, still QA's."""
    complaint = bring_to(Status.CLOSED, people, escalated=True)
    complaint = act(complaint, "reopen", people, actor=people[Role.SALESPERSON], note="客户再次投诉同一批次")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.escalated_to_qa) == (Status.ASSESSED, True)
    return complaint


def test_sales_may_not_take_back_a_reopened_complaint_that_qa_owns(people, reopened, english):
    with pytest.raises(TransitionRefused) as refused:
        act(reopened, "start_sales_handling", people, actor=people[Role.SALESPERSON])
    assert refused.value.code == TransitionRefused.PRECONDITION
    assert (refused.value.field, refused.value.message) == ("escalated_to_qa", ESCALATED)
    reopened.refresh_from_db()
    assert reopened.status == Status.ASSESSED
    # The way forward is QA's: escalating again puts it back into QA's investigation.
    assert act(reopened, "escalate_to_qa", people).status == Status.QA_INVESTIGATION


def test_a_complaint_never_escalated_goes_to_sales_handling(people, english):
    complaint = bring_to(Status.ASSESSED, people)
    assert not complaint.escalated_to_qa
    assert act(complaint, "start_sales_handling", people).status == Status.SALES_HANDLING


def test_the_page_and_the_api_refuse_it_alike(login, api, people, reopened):
    sales = people[Role.SALESPERSON]
    sales.language = "en"
    sales.save()
    client = login(sales)
    detail = client.get(reverse("complaints:detail", args=[reopened.pk]))
    panel = detail.context["next_step"]
    assert "start_sales_handling" not in {step.name for step in panel.first + panel.more}
    response = client.post(reverse("complaints:transition", args=[reopened.pk, "start_sales_handling"]),
                           {"version": reopened.version}, follow=True)
    assert ESCALATED in response.content.decode()
    answer = api(sales).post(f"/api/v1/complaints/{reopened.pk}/transitions", {"action": "start_sales_handling"})
    assert answer.status_code == 422 and answer.json()["code"] == "precondition"
    assert answer.json()["detail"][0]["loc"] == ["body", "escalated_to_qa"]
    reopened.refresh_from_db()
    assert reopened.status == Status.ASSESSED
    assert not StatusChange.objects.filter(complaint=reopened, name="start_sales_handling").exists()


@pytest.fixture
def approved(people):
    """A severe complaint whose cause is hard to find: QA's initial report, approved by the GM (004 §6.3)."""
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True, assess={"severity": Severity.SEVERE})
    complaint = act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    complaint = act(complaint, "submit_initial_report", people)
    complaint = act(complaint, "approve_initial_report", people, actor=people[Role.GM])
    assert complaint.initial_report_approved_at is not None
    return complaint


def test_an_approved_initial_report_is_not_approved_twice(people, approved, english):
    first = approved.initial_report_approved_at
    for gm in (people[Role.GM], people.other(Role.GM)):
        with pytest.raises(TransitionRefused) as refused:
            act(approved, "approve_initial_report", people, actor=gm)
        assert refused.value.code == TransitionRefused.PRECONDITION
        assert (refused.value.field, refused.value.message) == ("initial_report", ALREADY)
    approved.refresh_from_db()
    assert approved.initial_report_approved_at == first
    assert StatusChange.objects.filter(complaint=approved, name="approve_initial_report").count() == 1


def test_a_report_not_yet_submitted_is_not_approved(people, english):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True, assess={"severity": Severity.SEVERE})
    complaint = act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "approve_initial_report", people, actor=people[Role.GM])
    assert refused.value.message == "QA has not submitted an initial analysis report."


def test_the_page_and_the_api_refuse_a_second_approval(login, api, people, approved):
    gm = people.other(Role.GM)
    gm.language = "en"
    gm.save()
    response = login(gm).post(reverse("complaints:transition", args=[approved.pk, "approve_initial_report"]),
                              {"version": approved.version}, follow=True)
    assert ALREADY in response.content.decode()
    answer = api(gm).post(f"/api/v1/complaints/{approved.pk}/transitions", {"action": "approve_initial_report"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "initial_report"]
    assert answer.json()["detail"][0]["msg"] == ALREADY
    assert StatusChange.objects.filter(complaint=approved, name="approve_initial_report").count() == 1
