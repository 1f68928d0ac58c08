"""The survey API: templates, campaigns, staff answers, imports — same services and refusals as the pages."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.surveys.models import Answer

from .factories import YEAR, customer_with_business, seed_template

pytestmark = pytest.mark.django_db


def test_a_campaign_runs_through_the_api(api, people):
    customer = customer_with_business(people)
    template = seed_template(people, "CS-002")
    office = api(people[Role.GENERAL_OFFICE])
    assert {t["code"] for t in office.get("/api/v1/survey-templates").json()} == {"CS-001", "CS-002"}
    detail = office.get(f"/api/v1/survey-templates/{template.pk}").json()
    assert [len(s["items"]) for s in detail["sections"]] == [3, 4] and detail["max_points"] == 100
    created = office.post("/api/v1/survey-campaigns", {
        "name": "2026 上半年", "kind": "half_yearly", "template_id": template.pk, "period_start": str(YEAR[0]),
        "period_end": str(YEAR[1]), "send_month": "2026-06-01"})
    assert created.status_code == 201, created.content
    body = created.json()
    recipient = next(r for r in body["recipients"] if r["customer_id"] == customer.pk)
    assert recipient["reasons"] == ["shipped", "top_sales"]
    opened = office.post(f"/api/v1/survey-campaigns/{body['id']}/steps", {"step": "open"}).json()
    assert opened["status"] == "open"
    items = [i["id"] for s in detail["sections"] for i in s["items"]]
    sales = api(people[Role.SALESPERSON])
    refused = sales.post(f"/api/v1/survey-campaigns/{body['id']}/answers", {
        "recipient_id": recipient["id"], "channel": "phone", "choices": {str(items[0]): 0}})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", f"item_{items[1]}"]
    answer = sales.post(f"/api/v1/survey-campaigns/{body['id']}/answers", {
        "recipient_id": recipient["id"], "channel": "phone", "choices": {str(i): 0 for i in items}})
    assert answer.status_code == 201 and answer.json()["score"] == "100.00" and answer.json()["grade"] == "best"
    twice = sales.post(f"/api/v1/survey-campaigns/{body['id']}/answers", {
        "recipient_id": recipient["id"], "channel": "phone", "choices": {str(i): 3 for i in items}})
    assert twice.status_code == 422 and Answer.objects.count() == 1
    closed = office.post(f"/api/v1/survey-campaigns/{body['id']}/steps", {"step": "close"}).json()
    assert closed["score"] == "100.00"


def test_a_template_that_does_not_total_100_is_refused_naming_the_field(api, people):
    response = api(people[Role.QA]).post("/api/v1/survey-templates", {
        "code": "X", "name": "x", "sections": [{"title": "A", "items": [
            {"text": "q", "options": [{"label": "好", "points": 40}, {"label": "差", "points": 0}]}]}]})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "sections"]
    assert api(people[Role.PRODUCTION]).post("/api/v1/survey-templates", {
        "code": "Y", "name": "y", "sections": []}).status_code == 403


def test_an_outsider_gets_404(api, people, outsider):
    template = seed_template(people, "CS-001")
    assert api(outsider).get(f"/api/v1/survey-templates/{template.pk}").status_code == 404
