"""The claims API: same services and refusals as the pages, Decimal strings, money hidden from other roles."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.claims.choices import ClaimStatus
from kesu.claims.models import Claim
from kesu.complaints.tests.factories import create_complaint
from kesu.customers.tests.factories import SupplierFactory

from .factories import bring_to, new_claim, pdf

pytestmark = pytest.mark.django_db


def test_a_claim_is_recorded_from_a_complaint_with_items_as_decimal_strings(api, people):
    complaint = create_complaint(people[Role.SALESPERSON])
    response = api(people[Role.SALESPERSON]).post("/api/v1/claims", {
        "complaint_id": complaint.pk, "title": "划伤索赔", "description": "要求赔偿", "received_on": "2026-05-11",
        "items": [{"kind": "labour", "quantity": "2.5", "unit_price": "100.10"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["claimed_amount"] == "250.25" and body["customer_id"] == complaint.customer_id
    assert body["missing_documents"] == ["claim_letter", "invoice", "photos"]


def test_unknown_keys_and_foreign_ids_are_refused_naming_the_field(api, people, company_b):
    from kesu.customers.tests.factories import CustomerFactory

    client = api(people[Role.SALESPERSON])
    response = client.post("/api/v1/claims", {"title": "x", "description": "y", "received_on": "2026-05-11",
                                              "customer_id": CustomerFactory(company=company_b).pk})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "customer_id"]
    response = client.post("/api/v1/claims", {"title": "x", "description": "y", "received_on": "2026-05-11",
                                              "amount": "1"})
    assert response.status_code == 422 and "amount" in json.dumps(response.json())


def test_the_whole_flow_through_the_api_with_the_same_refusals(api, people):
    claim = new_claim(people, documents=False)
    sales, vgm, gm, finance = (api(people[r]) for r in (Role.SALESPERSON, Role.VICE_GM, Role.GM, Role.FINANCE))
    url = f"/api/v1/claims/{claim.pk}"
    refused = sales.post(f"{url}/transitions", {"action": "submit"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "documents"]
    for kind in ("claim_letter", "invoice", "photos"):
        assert sales.upload(f"{url}/documents", {"kind": kind, "file": pdf(f"{kind}.pdf")}).status_code == 201
    assert sales.post(f"{url}/transitions", {"action": "submit"}).json()["status"] == "analysing"
    wrong_role = sales.post(f"{url}/transitions", {"action": "propose", "inputs": {}})
    assert wrong_role.status_code == 403 and wrong_role.json()["code"] == "wrong_role"
    bad_amount = vgm.post(f"{url}/transitions", {"action": "propose", "inputs": {
        "analysis": "包装不当", "proposed_outcome": "ours", "proposed_amount": "abc"}})
    assert bad_amount.status_code == 422 and bad_amount.json()["detail"][0]["loc"] == ["body", "proposed_amount"]
    vgm.post(f"{url}/transitions", {"action": "propose", "inputs": {
        "analysis": "包装不当", "proposed_outcome": "ours", "proposed_amount": "4000.00"}})
    gm.post(f"{url}/transitions", {"action": "approve"})
    sales.post(f"{url}/transitions", {"action": "customer_rejects", "inputs": {"reason": "太低"}})
    vgm.post(f"{url}/transitions", {"action": "propose", "inputs": {
        "analysis": "再议", "proposed_outcome": "ours", "proposed_amount": "4200.00"}})
    gm.post(f"{url}/transitions", {"action": "approve"})
    sales.post(f"{url}/transitions", {"action": "customer_accepts"})
    supplier = SupplierFactory(company=people.company)
    attendees = [people[r].pk for r in (Role.PRODUCTION, Role.QA, Role.SALESPERSON)]
    body = gm.post(f"{url}/transitions", {"action": "fix_responsibility", "inputs": {
        "responsible_party": "supplier", "supplier": supplier.code, "supplier_share": "50",
        "meeting_conclusion": "供应商来料不良", "meeting_attendees": attendees}}).json()
    assert body["status"] == "settling" and sorted(body["meeting_attendee_ids"]) == sorted(attendees)
    items = body["items"]
    finance.post(f"{url}/settlement", {"amounts": {str(items[0]["id"]): "3500.00", str(items[1]["id"]): "700.00"}})
    body = finance.post(f"{url}/transitions", {"action": "settle", "inputs": {
        "settlement_method": "payment", "settled_on": "2026-06-30"}}).json()
    assert body["status"] == "settled" and body["compensation_amount"] == "4200.00"
    sc_id = body["supplier_claim_ids"][0]
    purchasing = api(people[Role.PURCHASING])
    assert purchasing.post(f"/api/v1/supplier-claims/{sc_id}/transitions", {"action": "send"}).status_code == 200
    vgm.post(f"/api/v1/supplier-claims/{sc_id}/transitions", {"action": "agree", "inputs": {"agreed_amount": "2100"}})
    sc = purchasing.post(f"/api/v1/supplier-claims/{sc_id}/transitions", {"action": "recover", "inputs": {
        "recovered_amount": "2100.00", "recovered_on": "2026-07-20"}}).json()
    assert sc["status"] == "recovered" and sc["recovered_amount"] == "2100.00"
    totals = finance.get("/api/v1/quality-cost/totals", by="supplier").json()
    assert totals["totals"]["gross"] == "4200.00" and totals["totals"]["recovered"] == "2100.00"
    assert totals["totals"]["net"] == "2100.00"
    assert totals["rows"][0]["label"].startswith(supplier.code)


def test_a_role_without_money_access_gets_no_amount_from_any_endpoint(api, people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    sc = claim.supplier_claims.get()
    qa = api(people[Role.QA])
    for path in ["/api/v1/claims", f"/api/v1/claims/{claim.pk}", "/api/v1/supplier-claims",
                 f"/api/v1/supplier-claims/{sc.pk}"]:
        response = qa.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        for amount in ("4501.50", "4000.00", "3601.50", "2400.00", "1200.50", "20000.00"):
            assert amount not in text, (path, amount)
    for path in ["/api/v1/claims/settings", "/api/v1/quality-cost", "/api/v1/quality-cost/totals", "/api/v1/quality-cost/export.xlsx",
                 f"/api/v1/claims/{claim.pk}/settlement.pdf", f"/api/v1/supplier-claims/{sc.pk}/letter.pdf"]:
        assert qa.get(path).status_code == 403, path
    assert qa.get(f"/api/v1/claims/{claim.pk}").json()["amounts_hidden"] is True
    finance = api(people[Role.FINANCE]).get(f"/api/v1/claims/{claim.pk}").json()
    assert finance["claimed_amount"] == "4501.50" and finance["amounts_hidden"] is False


def test_an_outsider_gets_404(api, people, outsider):
    claim = new_claim(people)
    assert api(outsider).get(f"/api/v1/claims/{claim.pk}").status_code == 404
    assert api(outsider).get("/api/v1/claims").json()["count"] == 0


def test_a_cost_is_booked_through_the_api_at_the_recorded_rate(api, people):
    complaint = create_complaint(people[Role.SALESPERSON])
    finance = api(people[Role.FINANCE])
    assert finance.post("/api/v1/claims/exchange-rates", {"currency": "USD", "valid_from": "2026-01-01",
                                                          "rate": "7.123400"}).status_code == 201
    response = finance.post("/api/v1/quality-cost", {
        "complaint_id": complaint.pk, "booked_on": "2026-05-20", "category": "return", "bearer": "department",
        "department_id": people[Role.PRODUCTION].department_id, "currency": "USD", "amount": "100.00"})
    assert response.status_code == 201, response.content
    assert response.json()["amount_base"] == "712.34" and response.json()["exchange_rate"] == "7.123400"
    missing = finance.post("/api/v1/quality-cost", {
        "complaint_id": complaint.pk, "booked_on": "2026-05-20", "category": "return", "bearer": "department",
        "currency": "CNY", "amount": "5.00"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "department"]


def test_settings_change_through_the_api_for_finance_only(api, people):
    assert api(people[Role.SALESPERSON]).patch("/api/v1/claims/settings", {"vice_gm_limit": "1"}).status_code == 403
    body = api(people[Role.FINANCE]).patch("/api/v1/claims/settings", {"vice_gm_limit": "50000"}).json()
    assert body["vice_gm_limit"] == "50000.00"
    bad = api(people[Role.FINANCE]).patch("/api/v1/claims/settings", {"number_pattern": "CL"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "number_pattern"]


def test_claims_are_listed_with_filters(api, people):
    open_claim = new_claim(people)
    bring_to(ClaimStatus.SETTLED, people)
    body = api(people[Role.SALES_DIRECTOR]).get("/api/v1/claims", open="true").json()
    assert [row["number"] for row in body["items"]] == [open_claim.number]
    assert Claim.objects.count() == 2
    assert Decimal(body["items"][0]["claimed_amount"]) == Decimal("4501.50")


def test_claims_are_listed_for_management_review_with_amounts_for_money_roles(api, people):
    bring_to(ClaimStatus.SETTLED, people, party="department")
    new_claim(people)
    params = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    body = api(people[Role.GM]).get("/api/v1/claims/review", **params).json()
    assert body["summary"]["count"] == 2 and body["summary"]["open"] == 1 and body["summary"]["settled"] == 1
    assert body["summary"]["compensation_base"] == "4000.00"
    assert body["quality_cost"]["net"] == "4000.00"
    assert body["responsible"] == [{"party": "department", "count": 1}]
    hidden = api(people[Role.QA]).get("/api/v1/claims/review", **params).json()
    assert hidden["summary"]["compensation_base"] is None and hidden["quality_cost"] is None
    assert "4000.00" not in json.dumps(hidden)
