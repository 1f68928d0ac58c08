"""Claims as seed 000 §4.2 writes them (issue 18 §1–2): the GM approves every proposal and holds the responsibility
meeting; a delegation to the vice GM is a company setting, off by default, recorded on each approval; settlement
raises the corrective action of the root cause (§4.2.6) unless a reason is recorded and accepted by QA; the monthly
《顾客投诉/抱怨汇总处理表》 lists each complaint's claims (§4.2.5)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.capa.choices import ActionStatus, SourceKind
from kesu.capa.models import ActionLink
from kesu.claims import services
from kesu.claims.choices import ClaimStatus, ItemKind, Outcome, ResponsibleParty, SettlementMethod
from kesu.claims.models import ClaimChange, ClaimSettings
from kesu.claims.tests.factories import act, bring_to, meeting_inputs, new_claim, propose, settle_items
from kesu.complaints.tests.factories import create_complaint
from kesu.core import work
from kesu.core.services import TransitionRefused
from kesu.core.tests.panels import said

pytestmark = pytest.mark.django_db

BIG = [{"kind": ItemKind.REPLACEMENT_PARTS, "description": "更换整批泵体", "quantity": Decimal("1"),
        "unit_price": Decimal("250000.00")}]
GM_ONLY = "Claim settlements are approved by the general manager; the company has not delegated approvals to the vice GM."


def _zh(message: str) -> str:
    """``message`` as a zh-Hans user reads it on the page and in the API."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(message)


def _delegate(people, on: bool = True, limit: str = "20000.00") -> None:
    services.claim_settings_update(actor=people[Role.GM], company=people.company,
                                   data={"vice_gm_delegation": on, "vice_gm_limit": Decimal(limit)})


def _awaiting(people, amount: str, outcome: str = Outcome.OURS):
    """A claim of 250,000 CNY whose proposal the GM made (so the vice GM is never refused as its proposer)."""
    claim = bring_to(ClaimStatus.ANALYSING, people, new_claim(people, items=BIG))
    return propose(claim, people, amount=amount, outcome=outcome, role=Role.GM)


def test_by_default_the_gm_approves_and_the_vice_gm_holds_no_delegation(people):
    cfg = ClaimSettings.objects.get_or_create(company=people.company)[0]
    assert (cfg.vice_gm_delegation, cfg.vice_gm_limit) == (False, Decimal("20000.00"))
    claim = bring_to(ClaimStatus.ANALYSING, people, new_claim(people, items=BIG))
    claim = propose(claim, people, amount="250000.00")  # the vice GM proposes (§4.2.1), the GM approves any amount
    claim = act(claim, "approve", people, Role.GM)
    assert (claim.status, claim.approved_by, claim.approved_by_delegation) == (
        ClaimStatus.NEGOTIATING, people[Role.GM], False)
    assert ClaimChange.objects.filter(claim=claim, name="approve").get().note == ""


def test_the_vice_gm_may_approve_nothing_by_default_by_page_and_api_alike(login, api, people):
    claim = _awaiting(people, "1000.00")
    vice_gm = people[Role.VICE_GM]
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "approve", people, Role.VICE_GM)
    assert (refused.value.code, refused.value.message) == (TransitionRefused.PRECONDITION, GM_ONLY)
    answer = api(vice_gm).post(f"/api/v1/claims/{claim.pk}/transitions", {"action": "approve"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["msg"] == _zh(GM_ONLY)
    response = login(vice_gm).post(reverse("claims:transition", args=[claim.pk, "approve"]),
                                   {"version": claim.version})
    assert said(response) == [_zh(GM_ONLY)]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_APPROVAL and claim.approved_by is None
    # The approval waits for the GM, not for the vice GM.
    (item,) = work.waiting_for(claim)
    assert item.action == "approve" and {u.username for u in work.resolve_users(item)} == {"A-gm"}


def test_a_not_ours_proposal_of_0_is_the_gms_too_unless_delegated_with_a_limit(people):
    claim = _awaiting(people, "0", outcome=Outcome.NOT_OURS)
    with pytest.raises(TransitionRefused, match="has not delegated"):
        act(claim, "approve", people, Role.VICE_GM)
    _delegate(people, limit="0")  # a limit of 0 delegates nothing, not even a proposal of 0
    with pytest.raises(TransitionRefused, match="has not delegated"):
        act(claim, "approve", people, Role.VICE_GM)
    _delegate(people, limit="20000.00")
    claim = act(claim, "approve", people, Role.VICE_GM)
    assert claim.status == ClaimStatus.NEGOTIATING and claim.approved_by_delegation


def test_under_a_delegation_of_20000_the_vice_gm_approves_20000_but_not_20000_01(login, api, people):
    _delegate(people, limit="20000.00")
    claim = _awaiting(people, "20000.01")
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "approve", people, Role.VICE_GM)
    assert refused.value.message == "Settlements above 20000.00 CNY are approved by the general manager."
    answer = api(people[Role.VICE_GM]).post(f"/api/v1/claims/{claim.pk}/transitions", {"action": "approve"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "proposed_amount"]
    claim = act(claim, "return_proposal", people, Role.GM, reason="按两万元以内重新提议")
    claim = propose(claim, people, amount="20000.00", role=Role.GM)

    claim = act(claim, "approve", people, Role.VICE_GM, note="同意")
    assert (claim.status, claim.approved_by, claim.approved_by_delegation) == (
        ClaimStatus.NEGOTIATING, people[Role.VICE_GM], True)
    history = ClaimChange.objects.filter(claim=claim, name="approve").get()
    from django.utils.translation import gettext

    assert (history.actor, history.note) == (people[Role.VICE_GM],
                                             gettext("By delegation of the general manager.") + " 同意")
    body = api(people[Role.GM]).get(f"/api/v1/claims/{claim.pk}").json()
    assert body["approved_by_delegation"] is True and body["approved_by_id"] == people[Role.VICE_GM].pk
    html = login(people[Role.GM]).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'id="by-delegation"' in html


def test_the_delegation_is_a_setting_of_the_page_and_the_api(login, api, people):
    gm = people[Role.GM]
    body = api(gm).get("/api/v1/claims/settings").json()
    assert (body["vice_gm_delegation"], body["vice_gm_limit"]) == (False, "20000.00")
    body = api(gm).patch("/api/v1/claims/settings", {"vice_gm_delegation": True, "vice_gm_limit": "20000"}).json()
    assert (body["vice_gm_delegation"], body["vice_gm_limit"]) == (True, "20000.00")
    page = login(gm).get(reverse("claims:settings")).content.decode()
    (tag,) = re.findall(r'<input[^>]*name="s-vice_gm_delegation"[^>]*>', page)
    assert "checked" in tag
    assert api(people[Role.SALESPERSON]).patch("/api/v1/claims/settings",
                                               {"vice_gm_delegation": True}).status_code == 403


def test_the_migration_keeps_a_chosen_limit_and_turns_the_old_default_off(company_a, company_b):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kesu.claims.migrations.0003_gm_approves_capa_at_settlement")
    old_default = ClaimSettings.objects.create(company=company_a, vice_gm_limit=Decimal("20000.00"))
    chosen = ClaimSettings.objects.create(company=company_b, vice_gm_limit=Decimal("50000.00"))
    migration.delegation_where_chosen(apps, None)
    old_default.refresh_from_db()
    chosen.refresh_from_db()
    assert (old_default.vice_gm_delegation, chosen.vice_gm_delegation) == (False, True)


def test_only_the_gm_holds_the_responsibility_meeting(people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "fix_responsibility", people, Role.VICE_GM, **meeting_inputs(people))
    assert refused.value.code == TransitionRefused.WRONG_ROLE
    assert act(claim, "fix_responsibility", people, Role.GM, **meeting_inputs(people)).status == ClaimStatus.SETTLING


def _settling(people, party=ResponsibleParty.DEPARTMENT):
    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    claim = bring_to(ClaimStatus.SETTLING, people, new_claim(people, complaint=complaint), party=party)
    return settle_items(claim, people, ["3000.00", "1000.00"])


def _settle(claim, people, **inputs):
    return act(claim, "settle", people, Role.FINANCE, settlement_method=SettlementMethod.PAYMENT,
               settled_on=datetime.date(2026, 6, 30), **inputs)


def test_settlement_raises_the_corrective_action_linked_to_the_claim_and_its_complaint(people):
    production = people[Role.PRODUCTION]
    production.department.head = production
    production.department.save()
    claim = _settling(people)
    claim = _settle(claim, people)
    action = claim.capa
    assert claim.status == ClaimStatus.SETTLED and claim.closed_at is not None and action is not None
    assert (action.status, action.responsible_department, action.owner, action.raised_by) == (
        ActionStatus.PLANNING, production.department, production, None)
    assert action.title.startswith(claim.number)
    links = {(link.kind, link.object_id) for link in ActionLink.objects.filter(action=action)}
    assert links == {(SourceKind.CLAIM, claim.pk), (SourceKind.COMPLAINT, claim.complaint_id)}
    assert work.waiting_for(claim) == []


def test_without_anyone_to_carry_the_action_settling_needs_the_reason_none_is_needed(people):
    people[Role.VICE_GM].__class__.objects.filter(pk=people[Role.VICE_GM].pk).update(department=None)
    claim = _settling(people, party=ResponsibleParty.CUSTOMER)  # no department, no salesperson
    with pytest.raises(TransitionRefused) as refused:
        _settle(claim, people)
    assert refused.value.field == "no_capa_reason" and "record why no corrective action is needed" in str(
        refused.value)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLING


def test_a_settlement_without_a_corrective_action_stays_open_until_qa_accepts_the_reason(login, api, people):
    claim = _settling(people)
    body = api(people[Role.FINANCE]).post(f"/api/v1/claims/{claim.pk}/transitions", {"action": "settle", "inputs": {
        "settlement_method": "payment", "settled_on": "2026-06-30",
        "no_capa_reason": "客户使用不当，已有纠正措施 CA-2026-0003 覆盖同一原因"}}).json()
    assert body["status"] == "settled" and body["capa_id"] is None and body["closed_at"] is None
    assert body["no_capa_reason"].startswith("客户使用不当")
    claim.refresh_from_db()
    (item,) = work.waiting_for(claim)
    assert item.action == "accept_no_capa" and {u.username for u in work.resolve_users(item)} == {"A-qa"}

    refused = api(people[Role.FINANCE]).post(f"/api/v1/claims/{claim.pk}/transitions", {"action": "accept_no_capa"})
    assert refused.status_code == 403
    response = login(people[Role.QA]).post(reverse("claims:transition", args=[claim.pk, "accept_no_capa"]),
                                           {"version": claim.version, "accept_no_capa-note": "同意"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.closed_at is not None and claim.no_capa_accepted_by == people[Role.QA]
    assert claim.status == ClaimStatus.SETTLED and work.waiting_for(claim) == []
    change = ClaimChange.objects.filter(claim=claim).order_by("-at", "-id").first()
    assert (change.name, change.old_status, change.new_status, change.note) == (
        "accept_no_capa", "settled", "settled", "同意")
    # Accepted once: not again.
    with pytest.raises(TransitionRefused) as refused:
        act(claim, "accept_no_capa", people, Role.QA)
    assert refused.value.field == "no_capa_reason"


def test_qa_who_does_not_accept_the_reason_raises_the_action_and_that_closes_the_claim(people):
    production = people[Role.PRODUCTION]
    production.department.head = production
    production.department.save()
    claim = _settle(_settling(people), people, no_capa_reason="无需措施")
    action = services.claim_action_raise(actor=people[Role.QA], claim=claim)
    claim.refresh_from_db()
    assert claim.capa == action and claim.closed_at is not None and work.waiting_for(claim) == []


def test_the_monthly_summary_lists_the_claim_next_to_its_complaint_with_money_only_for_money_roles(client, api,
                                                                                                  people):
    from kesu.complaints.models import Complaint

    production = people[Role.PRODUCTION]
    production.department.head = production
    production.department.save()
    claim = _settle(_settling(people), people)
    complaint = Complaint.objects.get(pk=claim.complaint_id)
    month = complaint.received_at.astimezone(people.company.tz).strftime("%Y-%m")
    url = reverse("reports:summary")

    client.force_login(people[Role.GM])
    page = client.get(url, {"company": people.company.pk, "month": month}).content.decode()
    row = page[page.index(f'id="summary-{complaint.pk}"'):]
    row = row[:row.index("</tr>")]
    assert claim.number in row and "已赔付或冲账" in row and "CNY 4,000.00" in row

    client.force_login(people[Role.QA])  # QA reads the summary but not claim money
    page = client.get(url, {"company": people.company.pk, "month": month}).content.decode()
    row = page[page.index(f'id="summary-{complaint.pk}"'):]
    row = row[:row.index("</tr>")]
    assert claim.number in row and "4,000.00" not in row

    body = api(people[Role.QA]).get("/api/v1/reports/summary", company=people.company.pk, month=month).json()
    (item,) = [i for i in body["items"] if i["pk"] == complaint.pk]
    assert item["claims"] == [{"id": claim.pk, "number": claim.number, "status": "settled"}]
