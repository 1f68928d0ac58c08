"""Complaint pages: intake, list filters and search, detail, actions, company scope, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesu.complaints import services
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import create_complaint
from kesu.core.tests.panels import later_part, said
from kesu.customers.tests.factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return said(response)


@pytest.fixture
def complaint(salesperson, company_a):
    part = PartFactory(company=company_a)
    return create_complaint(salesperson, customer=CustomerFactory(company=company_a, code="K-PUMP"), part=part)


def test_a_salesperson_records_a_phone_complaint_and_sees_its_number(login, salesperson, company_a):
    customer = CustomerFactory(company=company_a, code="K-HX01")
    client = login(salesperson)
    response = client.post(reverse("complaints:create"), {
        "channel": "phone", "customer": "K-HX01", "description": "电话反馈：阀体渗油，共 2 台。",
        "defect_location": "阀体", "defect_nature": "渗油", "quantity_shipped": "10", "quantity_defective": "2",
        "operated_as_instructed": "unknown", "exclusion": "none",
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    made = Complaint.objects.get(customer=customer)
    assert made.channel == "phone" and made.status == Status.RECEIVED and made.created_by == salesperson
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert made.number in page.content.decode()
    assert made.number in " ".join(_messages(response))


def test_the_intake_form_shows_field_errors_and_records_nothing(login, salesperson):
    response = login(salesperson).post(reverse("complaints:create"), {"channel": "phone", "customer": "NOPE"})
    assert response.status_code == 200
    assert {"customer", "description"} <= set(response.context["form"].errors)
    assert not Complaint.objects.exists()


def test_list_filters_and_search_find_the_complaint(login, salesperson, complaint, company_a):
    other = create_complaint(salesperson, description="包装破损，外箱受潮。", defect_location="外箱", defect_nature="受潮")
    client = login(salesperson)
    url = reverse("complaints:list")

    def numbers(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {c.number for c in response.context["page"].object_list}

    assert numbers() == {complaint.number, other.number}
    assert numbers(q=complaint.number) == {complaint.number}
    assert numbers(q="划伤") == {complaint.number}
    assert numbers(customer_code="K-PUMP") == {complaint.number}
    assert numbers(part_no=complaint.part.part_no) == {complaint.number}
    assert numbers(status="received", owner=salesperson.pk) == {complaint.number, other.number}
    assert numbers(status="closed") == set()
    today = timezone.localdate()
    assert numbers(received_from=today - datetime.timedelta(days=1), received_to=today) >= {complaint.number}
    assert numbers(received_to=today - datetime.timedelta(days=2)) == set()
    assert numbers(overdue="false") == {complaint.number, other.number}
    assert numbers(overdue="true") == set()


def test_the_overdue_filter_finds_a_complaint_past_its_reply_deadline(login, salesperson):
    late = create_complaint(salesperson, received_at=timezone.now() - datetime.timedelta(days=10))
    fresh = create_complaint(salesperson)
    client = login(salesperson)
    found = client.get(reverse("complaints:list"), {"overdue": "true"}).context["page"].object_list
    assert [c.number for c in found] == [late.number]
    assert fresh.number not in client.get(reverse("complaints:list"), {"overdue": "true"}).content.decode()


def test_the_list_runs_the_same_queries_for_3_and_20_complaints(login, salesperson):
    client = login(salesperson)
    url = reverse("complaints:list")
    counts = []
    for total in (3, 20):
        while Complaint.objects.count() < total:
            create_complaint(salesperson, part=PartFactory(company=salesperson.company))
        client.get(url)  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_lists_rows_are_read_by_their_ids_alone_once_the_filtered_list_gave_them(login, salesperson):
    # The filters said again in the rows' query made PostgreSQL read a company's open complaints through the
    # status indexes, 1,870 rows for a page of 50, at a million complaints (kesu.core.paging).
    shown = create_complaint(salesperson)
    client = login(salesperson)
    client.get(reverse("complaints:list"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("complaints:list"), {"status": "received", "open": "true"}).context["page"]
    assert [c.pk for c in page.object_list] == [shown.pk]
    rows = [q["sql"] for q in ctx.captured_queries if "next_due_at" in q["sql"] and "customers_customer" in q["sql"]]
    assert len(rows) == 1
    where = rows[0].rsplit(" WHERE ", 1)[1]
    assert '"complaints_complaint"."id" IN' in where and "status" not in where and "company_id" not in where


def test_the_detail_page_runs_the_same_queries_for_3_and_20_timeline_entries(login, salesperson, complaint):
    client = login(salesperson)
    url = reverse("complaints:detail", args=[complaint.pk])
    counts = []
    for total in (3, 20):
        while complaint.timeline.count() < total:
            services.note_add(actor=salesperson, complaint=complaint, text="内部备注：客户很着急")
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["timeline"]) == total
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_detail_page_shows_the_form_window_deadlines_timeline_and_actions(login, salesperson, complaint):
    services.note_add(actor=salesperson, complaint=complaint, text="内部备注：先联系品保")
    response = login(salesperson).get(reverse("complaints:detail", args=[complaint.pk]))
    html = response.content.decode()
    assert complaint.number in html and complaint.description in html
    assert complaint.window_reason in html
    assert 'id="deadlines"' in html and "deadline-due" in html
    assert "内部备注：先联系品保" in html and "internal-mark" in html
    panel = response.context["next_step"]
    actions = {action.name for action in panel.first + panel.more}
    assert {"acknowledge", "reject_at_intake", "cancel"} <= actions
    assert 'id="action-acknowledge"' in html


def test_an_allowed_action_moves_the_complaint(login, salesperson, complaint):
    client = login(salesperson)
    response = client.post(reverse("complaints:transition", args=[complaint.pk, "acknowledge"]),
                           {"acknowledge-channel": "phone", "acknowledge-note": "已电话回复客户",
                            "version": complaint.version})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED


@pytest.mark.parametrize(("action", "data"), [("close", {}), ("acknowledge", {})])
def test_a_refused_action_shows_its_message_and_changes_nothing(login, salesperson, complaint, api, action, data):
    before = (complaint.status, complaint.version, complaint.timeline.count())
    response = login(salesperson).post(reverse("complaints:transition", args=[complaint.pk, action]), data)
    page_messages = _messages(response)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version, complaint.timeline.count()) == before
    answer = api(salesperson).post(f"/api/v1/complaints/{complaint.pk}/transitions", {"action": action})
    assert answer.status_code in (409, 422)
    assert page_messages == [answer.json()["detail"][0]["msg"]]


def test_the_outsider_gets_404_on_every_complaint_page(login, outsider, complaint):
    client = login(outsider)
    for name, args in [("detail", [complaint.pk]), ("edit", [complaint.pk])]:
        assert client.get(reverse(f"complaints:{name}", args=args)).status_code == 404
    assert client.post(reverse("complaints:transition", args=[complaint.pk, "cancel"]),
                       {"cancel-note": "x"}).status_code == 404
    assert complaint.number not in client.get(reverse("complaints:list")).content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_the_nav_links_to_the_complaint_list(login, salesperson):
    html = login(salesperson).get(reverse("complaints:list")).content.decode()
    assert f'href="{reverse("complaints:list")}"' in html and 'id="nav-complaints"' in html


def test_the_edit_page_writes_only_the_changed_fields_through_the_service(login, salesperson, complaint):
    client = login(salesperson)
    url = reverse("complaints:edit", args=[complaint.pk])
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()
            if name in form.fields and not isinstance(value, list)}
    data.update({"part": complaint.part.part_no, "defect_location": "端盖",
                 "received_at": timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M:%S")})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    complaint.refresh_from_db()
    assert complaint.defect_location == "端盖" and complaint.version == 1


def test_the_date_range_counts_days_in_the_companys_time_zone(login, salesperson, company_a):
    # 17:30 UTC on 31 May is 01:30 on 1 June in Shanghai: it belongs to 1 June, not to 31 May.
    late = datetime.datetime(2026, 5, 31, 17, 30, tzinfo=datetime.UTC)
    complaint = create_complaint(salesperson, received_at=late)
    client = login(salesperson)

    def numbers(**params):
        return {c.number for c in client.get(reverse("complaints:list"), params).context["page"].object_list}

    assert numbers(received_from="2026-06-01", received_to="2026-06-01") == {complaint.number}
    assert numbers(received_to="2026-05-31") == set()
    assert numbers(received_from="2026-06-02") == set()


def test_the_detail_page_leaves_the_panels_history_and_record_forms_to_be_fetched_when_shown(
        login, salesperson, outsider, complaint):
    services.note_add(actor=salesperson, complaint=complaint, text="内部备注：先联系品保")
    client = login(salesperson)
    url = reverse("complaints:detail", args=[complaint.pk])
    html = client.get(url).content.decode()
    # The page itself: placeholders, no change history and no record form fields yet.
    assert f'hx-get="{url}?part=related"' in html and 'id="audit-trail"' not in html
    assert f'hx-get="{url}?part=record-communication"' in html and 'name="communication-summary"' not in html
    # Each part, fetched as htmx fetches it.
    related = later_part(client, url)
    assert related.status_code == 200 and "HX-Request" in related["Vary"]
    part = related.content.decode()
    assert part.startswith('<div id="detail-related">') and 'id="audit-trail"' in part and "<html" not in part
    form = later_part(client, url, "record-communication").content.decode()
    assert 'name="communication-summary"' in form and "csrfmiddlewaretoken" in form and "<html" not in form
    # A record this user may not add now, an unknown part, and another company's complaint: 404.
    assert later_part(client, url, "record-meeting").status_code == 404
    assert later_part(client, url, "everything").status_code == 404
    assert later_part(login(outsider), url).status_code == 404
    # Without a script the placeholder's link brings the whole page, the asked form open.
    whole = login(salesperson).get(url, {"part": "record-communication"}).content.decode()
    assert 'id="audit-trail"' in whole and 'name="communication-summary"' in whole
    assert '<details class="card mb-2" id="record-communication" open>' in whole
