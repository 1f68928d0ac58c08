"""The complaint page's "next step" panel (issue 16 §5): the step expected of this user first and open, the rest
under "more", refused steps never offered, who is expected otherwise and by when, and no self-approval."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import Severity, Status
from kesu.complaints.tests.factories import People, act, bring_to, create_complaint
from kesu.complaints.workflow import TABLE
from kesu.core.tests.panels import panel_of, said
from kesu.core.tests.panels import step_names as _names

pytestmark = pytest.mark.django_db


def _panel(client, record):
    return panel_of(client, reverse("complaints:detail", args=[record.pk]))


@pytest.fixture
def people(company_a):
    return People(company_a)


def test_the_owner_of_a_new_complaint_gets_acknowledge_open_and_the_rest_under_more(login, people):
    complaint = create_complaint(people[Role.SALESPERSON], owner=people[Role.SALESPERSON])
    panel, html = _panel(login(people[Role.SALESPERSON]), complaint)
    assert _names(panel.first) == ["acknowledge"]
    assert {"reject_at_intake", "cancel"} <= set(_names(panel.more))
    assert not panel.others and [item.action for item in panel.mine] == ["acknowledge"]
    first_card = html.index('id="action-acknowledge"')
    assert html.index('id="next-step-more"') > first_card  # open before the collapsed rest
    assert 'data-bs-toggle="collapse"' in html and "onclick" not in html


def test_qa_sees_who_is_expected_by_when_and_is_offered_no_refused_step(login, people):
    complaint = create_complaint(people[Role.SALESPERSON], owner=people[Role.SALESPERSON])
    panel, html = _panel(login(people[Role.QA]), complaint)
    assert panel.first == [] and _names(panel.more) == ["cancel"]  # QA may cancel; acknowledging is sales'
    [waiting] = panel.others
    assert waiting.assignee == people[Role.SALESPERSON] and waiting.due_at is not None
    assert 'id="next-step-waiting"' in html and str(people[Role.SALESPERSON]) in html
    assert timezone.localtime(waiting.due_at).strftime("%Y-%m-%d %H:%M") in html
    assert 'id="action-acknowledge"' not in html


def test_a_step_its_rule_refuses_now_is_not_offered_and_the_page_says_why(login, people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    panel, html = _panel(login(people[Role.QA]), complaint)
    offered = set(_names(panel.first + panel.more))
    assert "submit_initial_report" not in offered  # the complaint is not severe with a hard-to-find cause
    assert "record_department_answer" not in offered  # no department was instructed
    assert "approve_explanation" not in offered  # no written explanation was prepared
    assert {str(label) for label, _why in panel.refused} == {
        str(TABLE.label("record_department_answer")), str(TABLE.label("submit_initial_report")),
        str(TABLE.label("approve_explanation"))}
    assert 'id="next-step-refused"' in html
    assert _names(panel.first) == ["record_qa_opinion", "instruct_department"]


def test_the_gm_sees_the_initial_report_text_beside_its_approval(login, people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True, assess={"severity": Severity.SEVERE})
    complaint = act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    complaint = act(complaint, "submit_initial_report", people, initial_report="镀层脱落原因待查，先行换货 20 台")
    panel, html = _panel(login(people[Role.GM]), complaint)
    assert _names(panel.first) == ["approve_initial_report"]
    assert "镀层脱落原因待查，先行换货 20 台" in dict((str(k), v) for k, v in panel.approval).values()
    assert 'id="next-step-approval"' in html and "镀层脱落原因待查" in html

    panel, html = _panel(login(people[Role.QA]), complaint)
    assert [item.action for item in panel.others] == ["approve_initial_report"]
    assert "approve_initial_report" not in _names(panel.first + panel.more)


def test_a_qa_engineer_never_approves_the_remedy_they_proposed_on_the_page_or_the_api(login, api, people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    proposer, colleague = people[Role.QA], people.other(Role.QA)
    services.remedy_propose(actor=proposer, complaint=complaint, text="免费更换 3 台")

    panel, html = _panel(login(proposer), complaint)
    assert "approve_remedy" not in _names(panel.first + panel.more)
    assert [str(label) for label, _why in panel.refused] == [str(TABLE.label("approve_remedy"))]
    assert 'id="next-step-refused"' in html
    assert [item.action for item in panel.others] == ["approve_remedy_qa"]

    response = login(proposer).post(reverse("complaints:transition", args=[complaint.pk, "approve_remedy"]),
                                    {"version": complaint.version})
    page_messages = said(response)
    answer = api(proposer).post(f"/api/v1/complaints/{complaint.pk}/transitions", {"action": "approve_remedy"})
    assert answer.status_code in (409, 422)
    assert page_messages == [answer.json()["detail"][0]["msg"]]  # page and API refuse alike
    complaint.refresh_from_db()
    assert complaint.status == Status.REMEDY_PROPOSED

    panel, html = _panel(login(colleague), complaint)
    assert _names(panel.first)[0] == "approve_remedy"
    assert "免费更换 3 台" in html and 'id="next-step-approval"' in html
    response = login(colleague).post(reverse("complaints:transition", args=[complaint.pk, "approve_remedy"]),
                                     {"version": complaint.version})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REMEDY_APPROVED


def test_the_panel_costs_the_same_queries_whatever_the_number_of_remedy_rounds(login, people):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    client = login(people.other(Role.QA))
    url = reverse("complaints:detail", args=[complaint.pk])
    counts = []
    for rounds in (1, 3):
        while complaint.remedies.count() < rounds:
            if complaint.status == Status.REMEDY_PROPOSED:
                complaint = act(complaint, "approve_remedy", people, actor=people.other(Role.QA))
                complaint = act(complaint, "customer_rejects", people)
            complaint = act(complaint, "propose_remedy", people, actor=people[Role.QA])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert _names(response.context["next_step"].first)[0] == "approve_remedy"
        counts.append(len(ctx))
    assert counts[0] == counts[1]
