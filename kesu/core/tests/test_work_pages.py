"""The work queue page, its export, claiming and reassigning, the navigation badge, the home page per role and
the /api/v1/work endpoint (issue 16 §2, §4, §6), with fixed query counts whatever the data size."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, act, at, bring_to, create_complaint
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    return [row.item.number for row in response.context["rows"]]


def test_the_queue_shows_overdue_first_then_by_due_time_in_red_and_grey(login, salesperson):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        older = create_complaint(salesperson, description="旧投诉")
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        newer = create_complaint(salesperson, description="新投诉")
    with time_machine.travel(at(2026, 3, 5, 10), tick=False):
        response = login(salesperson).get(reverse("work:queue"))
    assert _numbers(response) == [older.number, newer.number]
    assert [row.item.state for row in response.context["rows"]] == ["overdue", "later"]
    text = response.content.decode()
    assert 'class="badge text-bg-danger">' in text and 'class="badge text-bg-warning">' in text


def test_the_department_tab_shows_colleagues_work_but_not_other_departments(login, company_a, salesperson):
    colleague = People(company_a)[Role.SALESPERSON]
    colleague.department = salesperson.department
    colleague.save()
    theirs = create_complaint(colleague)
    elsewhere = create_complaint(People(company_a)[Role.AFTER_SALES])
    client = login(salesperson)
    assert theirs.number not in _numbers(client.get(reverse("work:queue")))
    department = _numbers(client.get(reverse("work:queue"), {"scope": "department"}))
    assert theirs.number in department and elsewhere.number not in department


def test_closed_complaints_leave_the_queue(login, company_a):
    people = People(company_a)
    closed = bring_to("closed", people)
    assert closed.number not in _numbers(login(people[Role.SALESPERSON]).get(reverse("work:queue")))


def test_the_old_my_work_address_opens_the_queue_of_complaints(login, salesperson):
    response = login(salesperson).get(reverse("complaints:my_work"), {"scope": "department"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("work:queue"))
    assert "scope=department" in response["Location"] and "module=complaints" in response["Location"]


def test_filters_by_module_customer_and_due_state(login, salesperson, company_a):
    customer = CustomerFactory(company=company_a, code="K-WORK")
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        late = create_complaint(salesperson, customer=customer)
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        fresh = create_complaint(salesperson)
    client = login(salesperson)
    with time_machine.travel(at(2026, 3, 5, 10), tick=False):
        assert _numbers(client.get(reverse("work:queue"), {"customer": "K-WORK"})) == [late.number]
        assert _numbers(client.get(reverse("work:queue"), {"due": "overdue"})) == [late.number]
        assert _numbers(client.get(reverse("work:queue"), {"due": "later"})) == [fresh.number]
        assert _numbers(client.get(reverse("work:queue"), {"module": "claims"})) == []
        assert _numbers(client.get(reverse("work:queue"), {"customer": "NO-SUCH"})) == []


def test_a_colleague_takes_an_item_and_a_head_reassigns_it(login, company_a, salesperson):
    people = People(company_a)
    colleague, director = people[Role.SALESPERSON], people[Role.SALES_DIRECTOR]
    for user in (colleague, director):
        user.department = salesperson.department
        user.save()
    complaint = create_complaint(salesperson)
    client = login(colleague)
    page = client.get(reverse("work:queue"), {"scope": "department"})
    [row] = page.context["rows"]
    assert row.may_claim and not row.may_reassign
    taken = client.post(reverse("work:assign"), {"source": row.source_key, "record": complaint.pk})
    assert taken.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).owner == colleague
    refused = client.post(reverse("work:assign"), {"source": row.source_key, "record": complaint.pk,
                                                   "user": salesperson.pk})
    assert refused.status_code == 403
    head = login(director)
    assert head.get(reverse("work:queue"), {"scope": "department"}).context["rows"][0].may_reassign
    head.post(reverse("work:assign"), {"source": row.source_key, "record": complaint.pk, "user": salesperson.pk})
    assert Complaint.objects.get(pk=complaint.pk).owner == salesperson


def test_a_department_answer_cannot_be_taken_as_the_complaint_itself(login, company_a):
    """Taking an item sets the complaint's owner: offered only for the owner's steps, never for the answer a
    department owes QA (the production engineer would become the complaint's owner)."""
    people = People(company_a)
    production = people[Role.PRODUCTION]
    complaint = bring_to("qa_investigation", people, escalated=True)
    act(complaint, "instruct_department", people)
    client = login(production)
    [row] = client.get(reverse("work:queue")).context["rows"]
    assert row.item.action == "record_department_answer" and not row.may_claim and not row.may_reassign
    response = client.post(reverse("work:assign"), {"source": row.source_key, "record": complaint.pk})
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).owner == people[Role.SALESPERSON]


def test_another_company_cannot_take_or_see_the_item(login, salesperson, outsider):
    complaint = create_complaint(salesperson)
    client = login(outsider)
    assert complaint.number not in _numbers(client.get(reverse("work:queue"), {"scope": "department"}))
    response = client.post(reverse("work:assign"), {"source": "complaints.complaint", "record": complaint.pk})
    assert response.status_code == 404


def test_the_queue_exports_to_excel_with_the_same_rows(login, salesperson):
    first = create_complaint(salesperson)
    second = create_complaint(salesperson)
    response = login(salesperson).get(reverse("work:queue"), {"format": "xlsx"})
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert {rows[1][5], rows[2][5]} == {first.number, second.number}


def test_the_navigation_badge_counts_my_items(login, salesperson):
    create_complaint(salesperson)
    client = login(salesperson)
    assert 'hx-get="/work/counts/"' in client.get(reverse("home")).content.decode()
    badge = client.get(reverse("work:counts")).content.decode()
    assert 'id="work-count"' in badge and ">1<" in badge


def test_the_qa_home_shows_the_escalated_complaints_and_the_gm_home_the_report_to_approve(login, company_a):
    people = People(company_a)
    qa, gm = people[Role.QA], people[Role.GM]
    complaint = bring_to("qa_investigation", people, escalated=True,
                         assess={"severity": "severe", "warning_class": "b"})
    qa_home = login(qa).get(reverse("home"))
    assert [i.number for i in qa_home.context["qa_waiting"].items] == [complaint.number]
    assert 'id="home-qa"' in qa_home.content.decode()
    act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    act(Complaint.objects.get(pk=complaint.pk), "submit_initial_report", people)
    gm_home = login(gm).get(reverse("home"))
    assert [(i.number, i.action) for i in gm_home.context["approvals"].items] == [
        (complaint.number, "approve_initial_report")]
    # What is to be approved is on the same screen: the report's text (issue 16 §5).
    assert '<div class="small work-subject' in gm_home.content.decode()
    assert "原因尚不明确，先行换货" in gm_home.content.decode()
    assert "原因尚不明确" not in qa_home.content.decode()
    assert [c.number for c in gm_home.context["warnings"]] == [complaint.number]
    assert "qa_waiting" not in gm_home.context


def test_the_claim_approval_shows_outcome_amount_and_analysis_to_the_gm(api, login, company_a):
    from kesu.claims.tests import factories as claims

    people = People(company_a)
    claim = claims.bring_to("awaiting_approval", people)
    items = [i for i in login(people[Role.GM]).get(reverse("home")).context["approvals"].items
             if i.number == claim.number]
    assert [i.subject for i in items] == ["属我司责任：予以赔偿 · 4,000.00 CNY\n外壳划伤为我司包装不当所致。"]
    found = api(people[Role.GM]).get("/api/v1/work", scope="mine").json()
    assert [i["subject"] for i in found["items"] if i["number"] == claim.number] == [items[0].subject]


def test_the_gm_home_shows_the_kpi_headline_from_the_latest_snapshot(login, company_a, gm):
    import datetime

    from django.utils import timezone

    from kesu.reports.models import KpiTarget, MonthlySnapshot

    MonthlySnapshot.objects.create(company=company_a, month=datetime.date(2026, 10, 1), taken_at=timezone.now(),
                                   values={"ppm": "120.00", "on_time": "97.50", "complaints": "4"})
    KpiTarget.objects.create(company=company_a, year=2026, kpi="ppm", target="100")
    KpiTarget.objects.create(company=company_a, year=2026, kpi="on_time", target="95")
    kpis = {row["kpi"]: row for row in login(gm).get(reverse("home")).context["kpis"]}
    assert kpis["ppm"]["met"] is False and kpis["on_time"]["met"] is True and kpis["complaints"]["met"] is None


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_queue_home_and_api_run_a_fixed_number_of_queries_whatever_the_data_size(login, company_a):
    people = People(company_a)
    sales, gm = people[Role.SALESPERSON], people[Role.GM]
    for _ in range(2):
        bring_to("acknowledged", people)
        bring_to("qa_investigation", people, escalated=True)
    pages = [(sales, reverse("work:queue"), {}), (sales, reverse("work:queue"), {"scope": "department"}),
             (gm, reverse("work:queue"), {"scope": "team"}), (sales, reverse("home"), {}), (gm, reverse("home"), {}),
             (people[Role.QA], reverse("home"), {}), (sales, reverse("work:counts"), {})]
    before = [_queries(login(user), url, params) for user, url, params in pages]
    for _ in range(4):
        bring_to("acknowledged", people)
        bring_to("qa_investigation", people, escalated=True)
    after = [_queries(login(user), url, params) for user, url, params in pages]
    assert before == after


def test_the_api_gives_the_same_items_counts_and_filters(api, login, salesperson, company_a):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        late = create_complaint(salesperson)
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        create_complaint(salesperson)
    with time_machine.travel(at(2026, 3, 5, 10), tick=False):
        body = api(salesperson).get("/api/v1/work").json()
        page = login(salesperson).get(reverse("work:queue"))
        overdue = api(salesperson).get("/api/v1/work", due="overdue").json()
    assert [item["number"] for item in body["items"]] == _numbers(page)
    assert body["counts"] == {"total": 2, "overdue": 1, "today": 0, "later": 1, "none": 0}
    assert body["items"][0]["state"] == "overdue" and body["items"][0]["source"] == "complaints.complaint"
    assert [item["number"] for item in overdue["items"]] == [late.number]
    assert api(salesperson).get("/api/v1/work", scope="team").status_code == 403
    assert api(salesperson).get("/api/v1/work", scope="everyone").status_code == 422


def test_the_api_takes_an_item_through_the_module_service(api, company_a, salesperson):
    colleague = People(company_a)[Role.SALESPERSON]
    colleague.department = salesperson.department
    colleague.save()
    complaint = create_complaint(salesperson)
    response = api(colleague).post("/api/v1/work/assign", {"source": "complaints.complaint",
                                                            "record_id": complaint.pk})
    assert response.status_code == 200 and response.json()["assignee"]["id"] == colleague.pk
    assert api(colleague).post("/api/v1/work/assign", {"source": "complaints.complaint", "record_id": complaint.pk,
                                                       "user_id": salesperson.pk}).status_code == 403


def test_the_openapi_document_names_the_work_schemas(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"WorkItemOut", "WorkCountsOut", "WorkQueueOut", "WorkAssignIn"} <= set(schemas)
