"""Bad input is a 4xx naming the field, never a 500 nor stored as text (issue 15 §8, causes found by fuzzing)."""

from __future__ import annotations

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import create_complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.reports.models import KpiTarget

pytestmark = pytest.mark.django_db

HUGE = 2**63 + 1


def _locs(response) -> list[list]:
    return [d["loc"] for d in response.json()["detail"]]


def test_it_refuses_a_list_as_the_received_time_of_a_complaint(api, salesperson, company_a):
    CustomerFactory(company=company_a, code="K-T1")
    response = api(salesperson).post("/api/v1/complaints", {
        "channel": "phone", "customer_id": "K-T1", "description": "异响", "received_at": ["2026-01-01"]})
    assert response.status_code == 422
    assert any(loc[-1] == "received_at" for loc in _locs(response))


def test_it_refuses_a_list_as_a_complaint_text_instead_of_storing_its_python_text(api, salesperson, company_a):
    CustomerFactory(company=company_a, code="K-T2")
    response = api(salesperson).post("/api/v1/complaints", {
        "channel": "phone", "customer_id": "K-T2", "description": ["异响", "划伤"]})
    assert response.status_code == 422
    assert not Complaint.objects.exists()


def test_it_refuses_a_complaint_id_beyond_the_id_column(api, salesperson):
    response = api(salesperson).get(f"/api/v1/complaints/{HUGE}")
    assert response.status_code == 422
    assert ["path", "pk"] in _locs(response)


def test_it_refuses_a_meeting_attendee_id_beyond_the_id_column(api, salesperson, company_a):
    complaint = create_complaint(salesperson, customer=CustomerFactory(company=company_a))
    response = api(salesperson).post(f"/api/v1/complaints/{complaint.pk}/meetings", {
        "held_at": "2026-05-01T10:00:00+08:00", "attendee_ids": [HUGE], "department_ids": [],
        "conclusions": "更换供应商"})
    assert response.status_code == 422
    assert any(loc[:3] == ["body", "payload", "attendee_ids"] for loc in _locs(response))


def test_it_refuses_a_satisfaction_report_for_year_zero(api, admin_user):
    response = api(admin_user).get("/api/v1/survey-report", year=0)
    assert response.status_code == 422
    assert ["query", "year"] in _locs(response)


def test_it_refuses_a_kpi_target_too_large_for_its_column(api, qa_engineer, company_a):
    response = api(qa_engineer).put("/api/v1/reports/targets", {
        "company_id": company_a.pk, "year": 2026, "kpi": "ppm", "target": 10**30})
    assert response.status_code == 422
    assert any(loc[-1] == "target" for loc in _locs(response))
    assert not KpiTarget.objects.exists()


def test_it_refuses_a_shipment_quantity_beyond_its_column(api, admin_user, company_a):
    customer = CustomerFactory(company=company_a)
    response = api(admin_user).post("/api/v1/shipments", {
        "customer_id": customer.pk, "delivery_no": "D-1", "quantity": 2**40, "company_id": company_a.pk})
    assert response.status_code == 422
    assert any(loc[-1] == "quantity" for loc in _locs(response))



def test_it_refuses_a_nul_character_in_a_filter_instead_of_a_server_error(api, salesperson):
    # PostgreSQL refuses NUL in any text value: the 20-minute fuzzing run found 500s on these two lists.
    for path in ("/api/v1/suppliers", "/api/v1/complaints/defect-history"):
        response = api(salesperson).get(path, q="a\x00b")
        assert response.status_code == 422, path
        assert "NUL" in response.json()["detail"][0]["msg"]


def test_it_refuses_a_nul_character_in_a_json_body(api, salesperson, company_a):
    response = api(salesperson).post("/api/v1/customers", {"code": "N\u0000UL", "name": "x"})
    assert response.status_code == 422
    assert not Complaint.objects.exists()


def test_a_page_refuses_a_nul_character_in_its_query(login, salesperson):
    response = login(salesperson).get("/customers/customers/?q=a%00b")
    assert response.status_code == 400


def test_an_unreadable_multipart_body_is_the_clients_error(client, api_token, salesperson, company_a):
    # A multipart body without a boundary, sent to an endpoint that reads files, was a 500 under fuzzing.
    complaint = create_complaint(salesperson, company_a)
    response = client.post(f"/api/v1/complaints/{complaint.pk}/attachments", b"--x\r\n",
                           content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {api_token(salesperson)}"})
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "could not be read" in response.json()["detail"] or "无法读取" in response.json()["detail"]


def test_it_refuses_a_time_zone_offset_no_database_stores(api, qa_engineer, company_a):
    # "0676-10-18 09:29:41-22:39" is a valid Python datetime but beyond PostgreSQL's offsets: a 500 under fuzzing.
    response = api(qa_engineer).put("/api/v1/actions/1/steps/d0",
                                    {"owner_id": qa_engineer.pk, "due_at": "2027-01-05T09:00:00-22:39"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "due_at"
