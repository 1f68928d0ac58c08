"""Every module's waiting work reaches the role that takes the next step (issue 16 §1): corrective actions and
NCRs, claims, supplier claims, survey campaigns — and every source's query runs for every role and scope."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.complaints.tests.factories import People
from kesu.core import work

pytestmark = pytest.mark.django_db


def _actions(user, scope="mine"):
    return sorted((item.module, item.action) for item in work.queue(user, scope).items)


def test_every_source_runs_for_every_role_and_scope(company_a):
    """The queries of all sources compile and run on this database for each role's scopes (nothing waits)."""
    for role in Role:
        user = UserFactory(role=role, company=company_a, is_superuser=role == Role.ADMIN)
        for scope in work.SCOPES:
            found = work.queue(user, scope)
            assert found.items == [] and found.counts.total == 0


def test_a_claim_waits_for_the_approvers_then_for_finance(company_a):
    from kesu.claims.tests.factories import bring_to

    people = People(company_a)
    gm, finance, sales = people[Role.GM], people[Role.FINANCE], people[Role.SALESPERSON]
    waiting = bring_to("awaiting_approval", people)
    assert _actions(gm) == [("claims", "approve")]
    assert _actions(finance) == []
    waiting.delete()
    bring_to("settling", people)
    assert _actions(finance) == [("claims", "settle")]
    assert _actions(gm) == [] and _actions(sales) == []


def test_a_corrective_action_waits_for_its_owner_then_for_qa(company_a):
    from kesu.capa.tests.factories import move, plan, raise_action

    people = People(company_a)
    production, qa = people[Role.PRODUCTION], people[Role.QA]
    action = raise_action(people)
    assert ("capa", "submit_plan") in _actions(production)
    [item] = [i for i in work.waiting_for(action) if i.action == "submit_plan"]
    assert item.assignee == production and item.due_at is not None
    action = move(plan(action, people), "submit_plan", people)
    assert ("capa", "approve_plan") in _actions(qa)
    assert ("capa", "submit_plan") not in _actions(production)


def test_a_nonconforming_report_waits_for_the_department_by_its_due_time_then_for_the_issuer(company_a):
    from kesu.capa import services

    people = People(company_a)
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    ncr = services.ncr_issue(actor=qa, company=company_a, data={
        "quantity": 12, "description": "外壳划伤", "disposition": "rework",
        "responsible_department": production.department})
    [item] = work.queue(production).items
    assert (item.module, item.action, item.due_at) == ("ncr", "answer", ncr.answer_due_at)
    services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures="加隔板")
    assert _actions(qa) == [("ncr", "verify")] and _actions(production) == []


def test_a_draft_campaign_waits_for_its_owner(company_a):
    from kesu.surveys.tests.factories import campaign

    people = People(company_a)
    office = people[Role.GENERAL_OFFICE]
    draft = campaign(people)
    assert _actions(office) == [("surveys", "confirm_recipients")]
    [item] = work.waiting_for(draft)
    assert work.resolve_users(item) == [draft.owner]
