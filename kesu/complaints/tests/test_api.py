"""REST API for complaints: list, get, create, patch, transitions, timeline; permissions and company scope."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import GRANTS, Role
from kesu.complaints import services
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import category, create_complaint
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/complaints"


@pytest.fixture
def complaint(salesperson, company_a):
    return create_complaint(salesperson, customer=CustomerFactory(company=company_a, code="K-API1"))


def test_a_salesperson_creates_a_complaint_and_reads_it_back(api, salesperson, company_a):
    CustomerFactory(company=company_a, code="K-NEW")
    caller = api(salesperson)
    response = caller.post(BASE, {"channel": "email", "customer_id": "K-NEW", "description": "邮件反馈：电机异响。"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] and body["status"] == "received" and body["channel"] == "email"
    got = caller.get(f"{BASE}/{body['id']}")
    assert got.status_code == 200 and got.json()["number"] == body["number"]


def test_create_names_the_wrong_field(api, salesperson):
    response = api(salesperson).post(BASE, {"channel": "phone", "customer_id": "NOPE", "description": "x"})
    assert response.status_code == 422
    assert ["body", "customer_id"] in [d["loc"] for d in response.json()["detail"]]
    assert api(salesperson).post(BASE, {"colour": "red"}).status_code == 422
    assert not Complaint.objects.exists()


def test_the_list_takes_the_page_filters_and_search(api, salesperson, complaint):
    other = create_complaint(salesperson, description="包装破损。", defect_location="包装", defect_nature="破损")
    caller = api(salesperson)

    def numbers(**params):
        response = caller.get(BASE, **params)
        assert response.status_code == 200
        return {item["number"] for item in response.json()["items"]}

    assert numbers() == {complaint.number, other.number}
    assert numbers(q="划伤") == {complaint.number}
    assert numbers(customer_code="K-API1", status="received") == {complaint.number}
    assert numbers(overdue="true") == set()
    assert caller.get(BASE, limit=1).json()["count"] == 2


def test_patch_changes_the_form_through_the_service(api, salesperson, complaint):
    response = api(salesperson).patch(f"{BASE}/{complaint.pk}", {"defect_location": "法兰面", "quantity_defective": 4})
    assert response.status_code == 200, response.json()
    complaint.refresh_from_db()
    assert (complaint.defect_location, complaint.quantity_defective, complaint.version) == ("法兰面", 4, 1)
    assert complaint.description  # untouched fields stay


def test_a_transition_answers_with_the_new_status(api, salesperson, complaint, company_a):
    caller = api(salesperson)
    response = caller.post(f"{BASE}/{complaint.pk}/transitions", {"action": "acknowledge", "channel": "phone"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.ACKNOWLEDGED
    response = caller.post(f"{BASE}/{complaint.pk}/transitions", {
        "action": "assess", "category_id": category(company_a).pk, "severity": "minor", "warning_class": "c"})
    assert response.status_code == 200, response.json()
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSESSED and complaint.category.code == "appearance"


@pytest.mark.parametrize(("who", "payload", "status", "code", "field"), [
    ("salesperson", {"action": "close"}, 409, "wrong_state", None),
    ("salesperson", {"action": "acknowledge"}, 422, "missing_field", "channel"),
    ("salesperson", {"action": "acknowledge", "channel": "phone", "severity": "major"}, 422, "unexpected_field",
     "severity"),
    ("salesperson", {"action": "fly"}, 422, "unknown_action", None),
    ("gm", {"action": "acknowledge", "channel": "phone"}, 403, "wrong_role", None),
    ("salesperson", {"action": "acknowledge", "channel": "phone", "expected_version": 7}, 409, "stale", None),
])
def test_a_refused_transition_says_why_with_its_status_and_field(request, api, complaint, who, payload, status,
                                                                 code, field):
    response = api(request.getfixturevalue(who)).post(f"{BASE}/{complaint.pk}/transitions", payload)
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code and body["detail"][0]["msg"]
    assert body["detail"][0]["loc"] == (["body", field] if field else ["body"])
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED and complaint.version == 0


def test_the_timeline_includes_internal_notes_for_staff(api, salesperson, complaint):
    services.note_add(actor=salesperson, complaint=complaint, text="内部：先别告诉客户")
    entries = api(salesperson).get(f"{BASE}/{complaint.pk}/timeline").json()
    assert [e["internal"] for e in entries] == [False, True]
    assert entries[1]["summary"] == "内部：先别告诉客户" and entries[1]["actor_id"] == salesperson.pk


def test_the_outsider_gets_404_on_every_endpoint_for_another_companys_complaint(api, outsider, complaint):
    caller = api(outsider)
    url = f"{BASE}/{complaint.pk}"
    assert caller.get(url).status_code == 404
    assert caller.patch(url, {"defect_location": "x"}).status_code == 404
    assert caller.post(f"{url}/transitions", {"action": "cancel", "note": "x"}).status_code == 404
    assert caller.get(f"{url}/timeline").status_code == 404
    assert caller.get(BASE).json()["count"] == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED and complaint.defect_location != "x"


def test_create_follows_the_add_permission_of_roles_py(api, qa_engineer, gm, company_a):
    # roles.py grants complaints.add_complaint to QA (and sales, after-sales) but not to the GM.
    assert Role.QA in GRANTS[("complaints", "complaint", "add")]
    assert Role.GM not in GRANTS[("complaints", "complaint", "add")]
    CustomerFactory(company=company_a, code="K-QA")
    payload = {"channel": "visit", "customer_id": "K-QA", "description": "现场走访发现异响。"}
    assert api(gm).post(BASE, payload).status_code == 403
    assert not Complaint.objects.exists()
    response = api(qa_engineer).post(BASE, payload)
    assert response.status_code == 201, response.json()
