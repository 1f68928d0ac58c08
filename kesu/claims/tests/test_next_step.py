"""The "next step" panel of the claim and supplier claim pages (issue 16 §5): the approval with the proposal and
its amount beside it, nobody approving their own proposal, who is expected otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import ClaimStatus, SupplierClaimStatus
from kesu.claims.models import SupplierClaim
from kesu.claims.tests.factories import bring_to, new_claim, propose
from kesu.claims.workflow import CLAIM_TABLE
from kesu.core.tests.panels import panel_of as _panel
from kesu.core.tests.panels import said
from kesu.core.tests.panels import step_names as _names

pytestmark = pytest.mark.django_db


def test_the_gm_approves_with_the_analysis_and_amount_on_the_same_screen(login, people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    propose(claim, people, amount="4000.00")
    panel, html = _panel(login(people[Role.GM]), reverse("claims:detail", args=[claim.pk]))
    assert _names(panel.first) == ["approve", "return_proposal"] and _names(panel.more) == ["cancel"]
    assert 'id="next-step-approval"' in html and "外壳划伤为我司包装不当所致。" in html and "4000.00" in html


def test_the_vice_gm_who_proposed_is_not_offered_the_approval_and_sees_it_waits_for_another(login, api, people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    services.claim_settings_update(actor=people[Role.GM], company=people.company, data={"vice_gm_delegation": True})
    propose(claim, people, amount="1000.00")  # within the vice GM's delegated limit
    vice_gm = people[Role.VICE_GM]
    panel, html = _panel(login(vice_gm), reverse("claims:detail", args=[claim.pk]))
    assert "approve" not in _names(panel.first + panel.more)
    assert [str(label) for label, _why in panel.refused] == [str(CLAIM_TABLE.label("approve"))]
    assert [item.action for item in panel.others] == ["approve"] and 'id="next-step-waiting"' in html

    response = login(vice_gm).post(reverse("claims:transition", args=[claim.pk, "approve"]),
                                   {"version": claim.version})
    page_messages = said(response)
    answer = api(vice_gm).post(f"/api/v1/claims/{claim.pk}/transitions", {"action": "approve"})
    assert answer.status_code in (409, 422)
    assert page_messages == [answer.json()["detail"][0]["msg"]]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_APPROVAL


def test_a_proposal_above_the_vice_gms_limit_waits_for_the_gm_on_the_vice_gms_page(login, people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    propose(claim, people, amount="4000.00", role=Role.GM)
    services.claim_settings_update(actor=people[Role.GM], company=people.company,
                                   data={"vice_gm_delegation": True, "vice_gm_limit": Decimal("3000.00")})
    panel, _html = _panel(login(people[Role.VICE_GM]), reverse("claims:detail", args=[claim.pk]))
    assert "approve" not in _names(panel.first + panel.more)
    assert [item.action for item in panel.others] == ["approve"] and panel.mine == []


def test_sales_sees_the_claim_waits_for_the_analysis_and_may_not_propose(login, people):
    claim = bring_to(ClaimStatus.ANALYSING, people)
    panel, html = _panel(login(people[Role.SALESPERSON]), reverse("claims:detail", args=[claim.pk]))
    assert panel.first == [] and "propose" not in _names(panel.more)
    assert [item.action for item in panel.others] == ["propose"]


def test_a_claim_without_its_documents_is_not_offered_for_submission(login, people):
    claim = new_claim(people, documents=False)
    panel, _html = _panel(login(people[Role.SALESPERSON]), reverse("claims:detail", args=[claim.pk]))
    assert "submit" not in _names(panel.first + panel.more)
    assert [str(label) for label, _why in panel.refused] == [str(CLAIM_TABLE.label("submit"))]


def test_purchasing_sends_the_supplier_claim_first(login, people):
    bring_to(ClaimStatus.SETTLED, people)
    sc = SupplierClaim.objects.get()
    assert sc.status == SupplierClaimStatus.DRAFT
    panel, html = _panel(login(people[Role.PURCHASING]), reverse("claims:supplier_detail", args=[sc.pk]))
    assert _names(panel.first) == ["send"] and 'id="transition-send"' in html
    panel, html = _panel(login(people[Role.GM]), reverse("claims:supplier_detail", args=[sc.pk]))
    assert panel.first == [] and _names(panel.more) == ["write_off"]
    assert [item.action for item in panel.others] == ["send"]
