"""The CAPA REST API: the same services, refusals and permissions as the pages."""

from __future__ import annotations

import datetime

import pytest

from kesu.accounts.roles import Role
from kesu.capa.choices import ActionStatus
from kesu.capa.tests.factories import raise_action
from kesu.complaints.tests.factories import create_complaint

pytestmark = pytest.mark.django_db


def test_an_8d_from_two_complaints_to_approval_through_the_api(api, people):
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    first = create_complaint(people[Role.SALESPERSON])
    second = create_complaint(people[Role.SALESPERSON])
    made = api(qa).post("/api/v1/actions", {
        "complaint_ids": [first.pk, second.pk], "format": "8d", "responsible_department_id": production.department_id,
        "owner_id": production.pk})
    assert made.status_code == 201, made.content
    action = made.json()
    assert action["origin"] == "complaint" and {link["label"] for link in action["links"]} == {first.number,
                                                                                               second.number}
    assert [s["step"] for s in action["steps"]][:3] == ["d0", "d1", "d2"]
    url = f"/api/v1/actions/{action['id']}"
    dept = api(production)
    r = dept.put(f"{url}/sections/d1", {"team": [
        {"user_id": production.pk, "department_id": production.department_id, "is_leader": True}],
        "complete": True})
    assert r.status_code == 200, r.content.decode()
    assert dept.put(f"{url}/sections/d2", {"what": "外壳划伤"}).status_code == 200
    assert dept.put(f"{url}/sections/d3", {"containment": [
        {"location": "in_house", "quantity_checked": 100, "quantity_bad": 3, "effective_on": "2026-03-02"}]}
    ).status_code == 200
    bad = dept.put(f"{url}/sections/d3", {"containment": [{"location": "in_house", "quantity_checked": 1,
                                                            "quantity_bad": 5}]})
    assert bad.status_code == 422
    assert dept.put(f"{url}/sections/d4", {"occurrence_cause": "碰撞", "escape_cause": "漏检", "whys": [
        {"chain": "occurrence", "answer": "无隔板"}]}).status_code == 200
    refused = dept.post(f"{url}/transitions", {"action": "submit_plan"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "items"]
    assert dept.put(f"{url}/sections/d5", {"items": [{"text": "加隔板", "owner_id": production.pk,
                                                      "due_on": "2026-03-20"}]}).status_code == 200
    assert dept.post(f"{url}/transitions", {"action": "submit_plan"}).json()["status"] == "plan_submitted"
    wrong_role = dept.post(f"{url}/transitions", {"action": "approve_plan"})
    assert wrong_role.status_code == 403 and wrong_role.json()["code"] == "wrong_role"
    approved = api(qa).post(f"{url}/transitions", {"action": "approve_plan"})
    assert approved.json()["status"] == ActionStatus.IMPLEMENTING
    wrong_state = api(qa).post(f"{url}/transitions", {"action": "approve_plan"})
    assert wrong_state.status_code == 409
    pdf = api(qa).get(f"{url}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert api(qa).get("/api/v1/actions", complaint=str(first.pk)).json()["count"] == 1


def test_unknown_keys_foreign_ids_and_outsiders_are_refused(api, people, outsider, make_user, company_b):
    action = raise_action(people)
    qa = people[Role.QA]
    url = f"/api/v1/actions/{action.pk}"
    assert api(qa).post("/api/v1/actions", {"title": "x", "problem": "y", "colour": "red"}).status_code == 422
    stranger = make_user(Role.PRODUCTION, company=company_b, username="b-prod")
    foreign = api(qa).put(f"{url}/steps/d4", {"owner_id": stranger.pk, "due_at": "2026-12-01T17:00:00+08:00"})
    assert foreign.status_code == 422 and "owner_id" in foreign.content.decode()
    assert api(outsider).get(url).status_code == 404
    assert api(outsider).get("/api/v1/actions").json()["count"] == 0
    assert api(people[Role.PRODUCTION]).put(f"{url}/steps/d4", {
        "owner_id": qa.pk, "due_at": "2026-12-01T17:00:00+08:00"}).status_code == 403


def test_nonconforming_reports_through_the_api(api, people):
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    made = api(qa).post("/api/v1/ncrs", {"quantity": 5, "description": "毛刺", "disposition": "rework",
                                         "responsible_department_id": production.department_id})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert api(production).post("/api/v1/ncrs", {"quantity": 5, "description": "x", "disposition": "rework",
                                                 "responsible_department_id": production.department_id}
                                ).status_code == 403
    answered = api(production).post(f"/api/v1/ncrs/{pk}/answer", {"cause": "刀具磨损", "measures": "更换刀具"})
    assert answered.json()["status"] == "answered"
    missing = api(qa).post(f"/api/v1/ncrs/{pk}/verify", {"result": "not_effective"})
    assert missing.status_code == 422 and "verification_note" in missing.content.decode()
    assert api(qa).post(f"/api/v1/ncrs/{pk}/verify", {"result": "effective"}).json()["status"] == "verified"
    assert api(qa).get(f"/api/v1/ncrs/{pk}/form.pdf").status_code == 200
    assert api(qa).get("/api/v1/ncrs/export.xlsx").status_code == 200
    assert datetime.date.today()  # the list and export need no more than a login


def test_settings_and_customer_rules_through_the_api(api, people, company_a):
    from kesu.customers.tests.factories import CustomerFactory

    qa = people[Role.QA]
    customer = CustomerFactory(company=company_a)
    assert api(qa).get("/api/v1/actions/settings").json()["default_format"] == "8d"
    changed = api(qa).put("/api/v1/actions/settings", {"default_format": "simple", "step_days": {"d4": 5}})
    assert changed.status_code == 200 and changed.json()["step_days"] == {"d4": 5}
    bad = api(qa).put("/api/v1/actions/settings", {"step_days": {"d9": 5}})
    assert bad.status_code == 422 and "step_days" in bad.content.decode()
    rule = api(qa).put(f"/api/v1/actions/customer-rules/{customer.pk}", {"format": "8d", "step_days": {"d4": 3},
                                                                        "effectiveness_shipments": 3})
    assert rule.status_code == 200 and rule.json()["effectiveness_shipments"] == 3
    action = raise_action(people, customer=customer, format="")
    assert action.format == "8d" and action.effectiveness_shipments == 3
    assert api(people[Role.SALESPERSON]).put("/api/v1/actions/settings", {"approval_days": 1}).status_code == 403
    assert api(qa).delete(f"/api/v1/actions/customer-rules/{customer.pk}").status_code == 204
    assert api(qa).get("/api/v1/actions/customer-rules").json() == []
