"""The written explanation (issue 18 §7, seed 003 §5.4.2: "由品质部提出书面报告回复客户"): QA prepares it, someone
other than its author approves it, then sales sends it; refusals alike by page and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status, TimelineKind
from kesu.complaints.services import TransitionRefused
from kesu.complaints.tests.factories import People, act, bring_to
from kesu.core import work
from kesu.core.tests.panels import said
from kesu.core.workflow import OWN_PROPOSAL

pytestmark = pytest.mark.django_db

EXPLANATION = {"responsibility": "customer", "explanation": "经检测为客户未按说明书加注润滑油所致",
               "explanation_evidence": "检测报告 QA-2026-031"}


@pytest.fixture
def people(company_a):
    return People(company_a)


def _waiting(complaint) -> list[tuple[str, set[str]]]:
    return sorted((item.action, {u.username for u in work.resolve_users(item)}) for item in work.waiting_for(complaint))


def _page_and_api(login, api, user, complaint, action, data=None):
    """Take ``action`` by the page and by the API; the page's messages and the API's answer."""
    page = login(user).post(reverse("complaints:transition", args=[complaint.pk, action]),
                            {f"{action}-{k}": v for k, v in (data or {}).items()} | {"version": complaint.version})
    told = said(page)[-1:]  # the client's session keeps earlier ones
    answer = api(user).post(f"/api/v1/complaints/{complaint.pk}/transitions", {"action": action, **(data or {})})
    return told, answer


def test_qa_prepares_another_approves_and_sales_sends(people):
    qa, qa_head, sales = people[Role.QA], people.other(Role.QA), people[Role.SALESPERSON]
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    act(complaint, "prepare_explanation", people, actor=qa, **EXPLANATION)
    assert (complaint.status, complaint.explanation_prepared_by, complaint.explanation_approved_at) == (
        Status.QA_INVESTIGATION, qa, None)
    # The complaint now waits for QA's approval, not for the investigation (the preparer is refused below).
    assert [action for action, _who in _waiting(complaint)] == ["approve_explanation"]
    act(complaint, "approve_explanation", people, actor=qa_head)
    assert complaint.explanation_approved_by == qa_head
    assert _waiting(complaint) == [("send_explanation", {complaint.owner.username})]
    act(complaint, "send_explanation", people, actor=sales, channel="letter")
    assert complaint.status == Status.EXPLANATION_SENT
    sent = complaint.timeline.filter(kind=TimelineKind.COMMUNICATION).last()
    assert sent.summary == EXPLANATION["explanation"] and not sent.internal and sent.channel == "letter"


def test_the_author_of_the_explanation_cannot_approve_it_by_page_or_api(people, login, api):
    qa = people[Role.QA]
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    act(complaint, "prepare_explanation", people, actor=qa, **EXPLANATION)
    said, answer = _page_and_api(login, api, qa, complaint, "approve_explanation")
    assert answer.status_code == 422
    assert said == [answer.json()["detail"][0]["msg"]] == [str(OWN_PROPOSAL)]
    complaint.refresh_from_db()
    assert complaint.explanation_approved_at is None


def test_sales_cannot_send_an_explanation_before_it_is_approved_by_page_or_api(people, login, api):
    sales = people[Role.SALESPERSON]
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    said, answer = _page_and_api(login, api, sales, complaint, "send_explanation")
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "explanation"]
    assert said == [answer.json()["detail"][0]["msg"]]
    act(complaint, "prepare_explanation", people, **EXPLANATION)
    said, answer = _page_and_api(login, api, sales, complaint, "send_explanation")
    from django.utils.translation import gettext

    assert answer.status_code == 422 and answer.json()["detail"][0]["msg"] == gettext(
        "The written explanation must be approved before sales sends it (003 §5.4.2).")
    assert said == [answer.json()["detail"][0]["msg"]]
    complaint.refresh_from_db()
    assert complaint.status == Status.QA_INVESTIGATION


def test_only_qa_prepares_and_only_sales_sends(people, login, api):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    said, answer = _page_and_api(login, api, people[Role.SALESPERSON], complaint, "prepare_explanation", EXPLANATION)
    assert answer.status_code == 403 and said == [answer.json()["detail"][0]["msg"]]
    act(complaint, "prepare_explanation", people, **EXPLANATION)
    act(complaint, "approve_explanation", people, actor=people.other(Role.QA))
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "send_explanation", people, actor=people[Role.QA])
    assert refused.value.code == "wrong_role"


def test_changing_the_explanation_needs_a_new_approval_and_a_dispute_starts_again(people):
    qa, qa_head = people[Role.QA], people.other(Role.QA)
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    act(complaint, "prepare_explanation", people, actor=qa, **EXPLANATION)
    act(complaint, "approve_explanation", people, actor=qa_head)
    act(complaint, "prepare_explanation", people, actor=qa, **{**EXPLANATION, "explanation": "补充：附第三方报告"})
    assert complaint.explanation_approved_at is None
    with pytest.raises(TransitionRefused):
        act(complaint, "send_explanation", people)
    act(complaint, "approve_explanation", people, actor=qa_head)
    act(complaint, "send_explanation", people)
    act(complaint, "customer_disputes", people)
    assert complaint.status == Status.QA_INVESTIGATION
    assert (complaint.explanation_prepared_at, complaint.explanation_approved_at) == (None, None)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "send_explanation", people)
    assert refused.value.field == "explanation"


def test_the_approvers_page_shows_the_explanation_beside_the_approval(people, login):
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    act(complaint, "prepare_explanation", people, actor=people[Role.QA], **EXPLANATION)
    page = login(people.other(Role.QA)).get(reverse("complaints:detail", args=[complaint.pk]))
    panel = page.context["next_step"]
    assert [a.name for a in panel.first] == ["approve_explanation"]
    assert EXPLANATION["explanation"] in dict(panel.approval).values()
