"""The "next step" panel of the corrective action and the nonconforming report pages (issue 16 §5), and
segregation of duties on plan approval and answer verification (design §11)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionStatus, NcrStatus
from kesu.capa.tests.factories import move, plan, raise_action, walk_to
from kesu.capa.workflow import TABLE
from kesu.core.services import TransitionRefused
from kesu.core.tests.panels import panel_of as _panel
from kesu.core.tests.panels import said
from kesu.core.tests.panels import step_names as _names
from kesu.core.workflow import OWN_PROPOSAL

pytestmark = pytest.mark.django_db


def test_qa_gets_the_plan_to_approve_open_with_the_plan_beside_it(login, people):
    action = walk_to(ActionStatus.PLAN_SUBMITTED, people)
    panel, html = _panel(login(people[Role.QA]), reverse("capa:detail", args=[action.pk]))
    assert _names(panel.first) == ["approve_plan", "return_plan"] and _names(panel.more) == ["cancel"]
    assert 'id="next-step-approval"' in html and "周转时工件相互碰撞" in html and "周转箱加装隔板" in html


def test_the_department_sees_qa_is_expected_and_is_offered_nothing_it_may_not_do(login, people):
    action = walk_to(ActionStatus.PLAN_SUBMITTED, people)
    panel, html = _panel(login(people[Role.PRODUCTION]), reverse("capa:detail", args=[action.pk]))
    assert panel.first == [] and panel.more == []
    assert [item.action for item in panel.others] == ["approve_plan"]
    assert 'id="next-step-waiting"' in html and 'id="transition-approve_plan"' not in html


def test_an_incomplete_plan_is_not_offered_for_submission_and_the_page_says_what_is_missing(login, people):
    action = raise_action(people)
    panel, html = _panel(login(people[Role.PRODUCTION]), reverse("capa:detail", args=[action.pk]))
    assert "submit_plan" not in _names(panel.first + panel.more)
    assert [str(label) for label, _why in panel.refused] == [str(TABLE.label("submit_plan"))]
    plan(action, people)
    panel, html = _panel(login(people[Role.PRODUCTION]), reverse("capa:detail", args=[action.pk]))
    assert _names(panel.first) == ["submit_plan"]


def test_qa_never_approves_a_plan_it_submitted_itself_on_the_page_or_the_api(login, api, people):
    qa = people[Role.QA]
    action = plan(raise_action(people), people)
    action = move(action, "submit_plan", people, actor=qa)  # QA may plan as the responsible department
    panel, _html = _panel(login(qa), reverse("capa:detail", args=[action.pk]))
    assert "approve_plan" not in _names(panel.first + panel.more)
    assert str(TABLE.label("approve_plan")) in [str(label) for label, _why in panel.refused]
    with pytest.raises(TransitionRefused) as refused:
        move(action, "approve_plan", people, actor=qa)
    assert refused.value.code == TransitionRefused.PRECONDITION and refused.value.message == str(OWN_PROPOSAL)
    response = login(qa).post(reverse("capa:transition", args=[action.pk, "approve_plan"]),
                              {"version": action.version})
    page_messages = said(response)
    answer = api(qa).post(f"/api/v1/actions/{action.pk}/transitions", {"action": "approve_plan"})
    assert answer.status_code in (409, 422) and page_messages
    action.refresh_from_db()
    assert action.status == ActionStatus.PLAN_SUBMITTED
    assert move(action, "approve_plan", people, actor=people.other(Role.QA)).status == ActionStatus.IMPLEMENTING


def test_the_action_page_costs_the_same_queries_after_one_or_three_planning_rounds(login, people):
    action = walk_to(ActionStatus.PLAN_SUBMITTED, people)
    client = login(people[Role.QA])
    url = reverse("capa:detail", args=[action.pk])
    counts = []
    for rounds in (1, 3):
        while action.changes.filter(name="submit_plan").count() < rounds:
            action = move(action, "return_plan", people, reason="请补充遏制措施")
            action = move(action, "submit_plan", people)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert [a.name for a in response.context["next_step"].first] == ["approve_plan", "return_plan"]
        counts.append(len(ctx))
    assert counts[0] == counts[1]


@pytest.fixture
def ncr(people):
    production = people[Role.PRODUCTION]
    return services.ncr_issue(actor=people[Role.QA], company=people.company, data={
        "quantity": 30, "description": "外壳划伤 30 件", "disposition": "rework",
        "responsible_department": production.department})


def test_the_department_answers_the_report_first_and_qa_sees_it_waits_for_the_department(login, people, ncr):
    url = reverse("capa:ncr_detail", args=[ncr.pk])
    panel, html = _panel(login(people[Role.PRODUCTION]), url)
    assert _names(panel.first) == ["answer"] and 'id="ncr-answer"' in html
    panel, html = _panel(login(people[Role.QA]), url)
    assert _names(panel.first) == [] and _names(panel.more) == ["answer", "cancel"]  # QA may answer for them
    assert [item.action for item in panel.others] == ["answer"] and ncr.answer_due_at is not None


def test_qa_verifies_the_answer_seeing_it_but_never_its_own_answer(login, api, people, ncr):
    qa, colleague = people[Role.QA], people.other(Role.QA)
    services.ncr_answer(actor=people[Role.PRODUCTION], ncr=ncr, cause="周转碰撞", measures="加隔板")
    panel, html = _panel(login(qa), reverse("capa:ncr_detail", args=[ncr.pk]))
    assert _names(panel.first) == ["verify"] and 'id="next-step-approval"' in html and "加隔板" in html

    ncr.refresh_from_db()
    ncr = services.ncr_verify(actor=qa, ncr=ncr, result="not_effective", note="仍有划伤")
    ncr = services.ncr_answer(actor=colleague, ncr=ncr, cause="周转碰撞", measures="加隔板并培训")
    panel, html = _panel(login(colleague), reverse("capa:ncr_detail", args=[ncr.pk]))
    assert "verify" not in _names(panel.first + panel.more) and 'id="next-step-refused"' in html
    response = login(colleague).post(reverse("capa:ncr_step", args=[ncr.pk, "verify"]), {"result": "effective"})
    assert [str(m) for m in get_messages(response.wsgi_request)]
    answer = api(colleague).post(f"/api/v1/ncrs/{ncr.pk}/verify", {"result": "effective"})
    assert answer.status_code == 422
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.ANSWERED
    assert services.ncr_verify(actor=qa, ncr=ncr, result="effective").status == NcrStatus.VERIFIED
