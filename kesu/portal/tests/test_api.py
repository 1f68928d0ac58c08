"""The portal API (issue 23 §6): a customer's own system files and follows its complaints with a portal token."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.roles import Role
from kesu.complaints.choices import Channel, Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, bring_to
from kesu.portal import services
from kesu.portal.models import PortalAccount

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def bearer(account_a):
    _token, raw = services.portal_token_create(account=account_a, name="ERP")
    return {"Authorization": f"Bearer {raw}"}


def test_a_customers_system_files_and_follows_a_complaint(client, bearer, part_a, account_a):
    response = client.post("/api/v1/portal/complaints", {
        "description": "外殼有劃傷", "part_id": part_a.pk, "quantity_defective": 2, "lot_number": "L7",
        "files": [SimpleUploadedFile("a.png", PNG)]}, headers=bearer)
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get(pk=body["id"])
    assert complaint.channel == Channel.PORTAL and complaint.contact == account_a.contact
    assert body["number"] == complaint.number and body["part_no"] == "GP-100"
    assert [f["name"] for m in body["messages"] for f in m["files"]] == ["a.png"]
    listed = client.get("/api/v1/portal/complaints", headers=bearer).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == complaint.number
    reply = client.post(f"/api/v1/portal/complaints/{complaint.pk}/replies", {"text": "請盡快處理"}, headers=bearer)
    assert reply.status_code == 201
    assert reply.json()["messages"][-1] | {"at": None} == {"at": None, "from_customer": True, "channel": "portal",
                                                           "text": "請盡快處理", "files": []}
    file_id = next(f["id"] for m in body["messages"] for f in m["files"])
    download = client.get(f"/api/v1/portal/complaints/{complaint.pk}/files/{file_id}", headers=bearer)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_the_customer_decides_on_the_remedy_through_the_api(client, bearer, company_a, salesperson, customer_a):
    people = People(company_a)
    people._users[Role.SALESPERSON] = salesperson
    complaint = bring_to(Status.REMEDY_APPROVED, people, customer=customer_a)
    url = f"/api/v1/portal/complaints/{complaint.pk}/decision"
    assert client.post(url, {"accepted": False}, content_type="application/json", headers=bearer).status_code == 422
    response = client.post(url, {"accepted": False, "reason": "要求退貨"}, content_type="application/json",
                           headers=bearer)
    assert response.status_code == 200 and response.json()["status"] == Status.CUSTOMER_REJECTED
    again = client.post(url, {"accepted": True}, content_type="application/json", headers=bearer)
    assert again.status_code == 409


@pytest.mark.parametrize("data", [
    {"description": "x\x00y"},
    {"description": "x", "quantity_defective": 2**40},
    {"description": "x", "part_id": 2**63 + 5},
    {"description": "x", "delivery_date": "9999-12-31T00:00"},
    {"description": "x", "part_id": 999999},
    {},
])
def test_bad_input_is_a_4xx_never_a_server_error(client, bearer, data):
    response = client.post("/api/v1/portal/complaints", data, headers=bearer)
    assert 400 <= response.status_code < 500, response.content
    assert not Complaint.objects.exists()


def test_a_revoked_token_or_none_is_401(client, account_a):
    token, raw = services.portal_token_create(account=account_a, name="ERP")
    services.portal_token_revoke(account=account_a, token=token)
    assert client.get("/api/v1/portal/complaints", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert client.get("/api/v1/portal/complaints").status_code == 401


def test_sales_invite_a_contact_through_the_api(api, salesperson, outsider, make_user, contact_a):
    response = api(salesperson).post("/api/v1/portal/invitations", {"contact_id": contact_a.pk})
    assert response.status_code == 201 and response.json()["email"] == "zhang@jia.example"
    assert PortalAccount.objects.get(contact=contact_a).invited_by == salesperson
    assert api(outsider).post("/api/v1/portal/invitations", {"contact_id": contact_a.pk}).status_code == 404
    finance = make_user(Role.FINANCE, username="fin")
    assert api(finance).post("/api/v1/portal/invitations", {"contact_id": contact_a.pk}).status_code == 404
    assert api(salesperson).post("/api/v1/portal/invitations", {"contact_id": 2**63 + 1}).status_code == 422
