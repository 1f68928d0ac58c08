"""The lean API (issue 24 §4): fields=, cursor pages, ETag / If-None-Match, gzip, a typed OpenAPI document."""

from __future__ import annotations

import datetime
import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.accounts.roles import Role
from kesu.api.main import api as ninja_api
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import create_complaint
from kesu.customers.models import Customer
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/complaints"
TYPED = {"type", "$ref", "anyOf", "allOf", "oneOf", "enum", "const"}


@pytest.fixture
def complaints(salesperson):
    made = [create_complaint(salesperson) for _ in range(7)]
    # Two received at the same instant: the id breaks the tie, so neither is skipped nor repeated.
    Complaint.objects.filter(pk__in=[made[2].pk, made[3].pk]).update(received_at=made[2].received_at)
    return made


def _walk(caller, path, limit, between=None, **params) -> list[dict]:
    seen, cursor, pages = [], None, 0
    while True:
        response = caller.get(path, limit=limit, **({"cursor": cursor} if cursor else {}), **params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if between:
            between(pages)
        if cursor is None:
            return seen
        assert pages < 100


# -- fields= ----------------------------------------------------------------------------------------------


def test_fields_answers_only_the_keys_asked_for(api, salesperson, complaints):
    response = api(salesperson).get(BASE, fields="id,number,status")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert len(items) == 7
    assert all(set(item) == {"id", "number", "status"} for item in items)
    assert {item["number"] for item in items} == {c.number for c in complaints}


def test_without_fields_every_key_is_answered_as_before(api, salesperson, complaints):
    item = api(salesperson).get(BASE, limit=1).json()["items"][0]
    assert {"id", "number", "customer_id", "received_at", "status", "next_due_at", "deadline_state"} <= set(item)
    assert len(item) == len(ninja_api.get_openapi_schema()["components"]["schemas"]["ComplaintRowFields"]
                            ["properties"])


def test_an_unknown_field_is_a_422_naming_it(api, salesperson, complaints):
    response = api(salesperson).get(BASE, fields="id,colour,number")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "fields"] and "colour" in problem["msg"]


def test_fields_reads_only_the_columns_asked_for_in_one_query_per_page(api, salesperson, complaints):
    caller = api(salesperson)
    caller.get(BASE, fields="id")  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as queries:
        response = caller.get(BASE, fields="id,number,customer_id", limit=5)
    assert response.status_code == 200
    page = [q["sql"] for q in queries.captured_queries if 'FROM "complaints_complaint"' in q["sql"]
            and "COUNT(" not in q["sql"] and not q["sql"].startswith("EXPLAIN")]  # the count and its estimate
    assert len(page) == 1, page
    select = page[0].split(" FROM ")[0]
    assert '"description"' not in select and '"number"' in select and '"customer_id"' in select
    assert "JOIN" not in page[0].split(" WHERE ")[0]


def test_generic_lists_take_fields_too(api, salesperson, company_a):
    CustomerFactory(company=company_a, code="C-1")
    response = api(salesperson).get("/api/v1/customers", fields="id,code")
    assert response.status_code == 200, response.content
    assert response.json()["items"] == [{"id": Customer.objects.get().pk, "code": "C-1"}]
    assert api(salesperson).get("/api/v1/customers", fields="nope").status_code == 422


# -- cursor pages -----------------------------------------------------------------------------------------


def test_walking_by_cursor_returns_every_row_once_in_the_list_order(api, salesperson, complaints):
    caller = api(salesperson)
    walked = [row["id"] for row in _walk(caller, BASE, 2, fields="id")]
    by_offset = [row["id"] for row in caller.get(BASE, limit=500, fields="id").json()["items"]]
    assert walked == by_offset and sorted(walked) == sorted(c.pk for c in complaints)


def test_rows_added_during_the_walk_neither_repeat_nor_push_a_row_out(api, salesperson, complaints):
    caller = api(salesperson)
    added = []

    def add(page):
        new = create_complaint(salesperson)
        if page % 2:  # received earlier than everything walked so far: still ahead of the cursor
            Complaint.objects.filter(pk=new.pk).update(received_at=new.received_at - datetime.timedelta(days=30))
        added.append(new.pk)

    walked = [row["id"] for row in _walk(caller, BASE, 2, between=add, fields="id")]
    assert len(walked) == len(set(walked))
    assert {c.pk for c in complaints} <= set(walked)


def test_a_cursor_page_is_not_counted_and_a_bad_cursor_is_a_422(api, salesperson, complaints):
    caller = api(salesperson)
    first = caller.get(BASE, limit=3).json()
    assert first["count"] == 7 and first["next_cursor"]
    second = caller.get(BASE, limit=3, cursor=first["next_cursor"]).json()
    assert second["count"] is None and len(second["items"]) == 3
    for bad in ("nonsense", "eyJvIjpbIm51bWJlciJdLCJ2IjpbMV19"):
        response = caller.get(BASE, cursor=bad)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "cursor"]
    # A cursor of one order does not continue another.
    assert caller.get(BASE, sort="number", cursor=first["next_cursor"]).status_code == 422


def test_generic_lists_page_by_cursor(api, salesperson, company_a):
    for i in range(5):
        CustomerFactory(company=company_a, code=f"C-{i}")
    codes = [row["code"] for row in _walk(api(salesperson), "/api/v1/customers", 2, fields="code")]
    assert codes == [f"C-{i}" for i in range(5)]


def test_a_page_holds_up_to_500_rows_and_the_limit_is_documented(api, salesperson):
    operation = ninja_api.get_openapi_schema()["paths"][BASE]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["limit"]["maximum"] == 500
    assert {"cursor", "fields"} <= set(params)
    assert api(salesperson).get(BASE, limit=500).status_code == 200
    assert api(salesperson).get(BASE, limit=501).status_code == 422


# -- ETag -------------------------------------------------------------------------------------------------


def test_an_unchanged_complaint_is_a_304_without_a_body(api, client, api_token, salesperson, complaints):
    complaint = complaints[0]
    caller = api(salesperson)
    first = caller.get(f"{BASE}/{complaint.pk}")
    tag = first["ETag"]
    assert first.status_code == 200 and tag.startswith('"')
    again = client.get(f"{BASE}/{complaint.pk}", headers={**caller.headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    complaint.refresh_from_db()
    caller.patch(f"{BASE}/{complaint.pk}", {"defect_location": "法兰面"})
    changed = client.get(f"{BASE}/{complaint.pk}", headers={**caller.headers, "If-None-Match": tag})
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_readers_with_another_role_or_language_do_not_share_a_tag(api, make_user, salesperson, complaints):
    path = f"{BASE}/{complaints[0].pk}"
    tags = {
        api(salesperson).get(path)["ETag"],
        api(make_user(Role.QA)).get(path)["ETag"],
        api(make_user(Role.FINANCE)).get(path)["ETag"],
    }
    caller = api(salesperson)
    caller.headers["Accept-Language"] = "en"
    tags.add(caller.get(path)["ETag"])
    assert len(tags) == 4


def test_a_304_needs_the_right_to_see_the_complaint(client, api, outsider, salesperson, complaints):
    path = f"{BASE}/{complaints[0].pk}"
    tag = api(salesperson).get(path)["ETag"]
    response = client.get(path, headers={**api(outsider).headers, "If-None-Match": tag})
    assert response.status_code == 404


def test_generic_details_answer_304_too(client, api, salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    caller = api(salesperson)
    tag = caller.get(f"/api/v1/customers/{customer.pk}")["ETag"]
    again = client.get(f"/api/v1/customers/{customer.pk}", headers={**caller.headers, "If-None-Match": tag})
    assert again.status_code == 304


def test_the_304_is_documented():
    operation = ninja_api.get_openapi_schema()["paths"][f"{BASE}/{{pk}}"]["get"]
    assert "304" in {str(code) for code in operation["responses"]}
    assert "If-None-Match" in {p["name"] for p in operation["parameters"]}


# -- gzip -------------------------------------------------------------------------------------------------


def test_api_answers_are_gzipped_for_clients_that_take_it(api, client, salesperson, complaints):
    caller = api(salesperson)
    plain = caller.get(BASE, limit=50)
    zipped = client.get(BASE, {"limit": 50}, headers={**caller.headers, "Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()


def test_html_pages_are_not_gzipped(login, client, salesperson):
    login(salesperson)
    page = client.get("/complaints/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and not page.has_header("Content-Encoding")


# -- the JSON itself ----------------------------------------------------------------------------------------


def test_the_json_is_what_the_standard_encoder_gives_with_text_as_utf8():
    from decimal import Decimal

    from django.utils.translation import gettext_lazy
    from ninja.responses import NinjaJSONEncoder

    from kesu.api.main import OrjsonRenderer

    east8 = datetime.timezone(datetime.timedelta(hours=8))
    data = {"at": [datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC),
                   datetime.datetime(2026, 10, 1, 8, 0, 5, 123456, tzinfo=datetime.UTC),
                   datetime.datetime(2026, 10, 1, 8, 0, 5, 999, tzinfo=east8)],
            "day": datetime.date(2026, 2, 17), "amount": Decimal("1234.50"), "label": gettext_lazy("Number"),
            "text": "外观划伤 <b>&", "count": 3, "none": None, 7: "an int key"}
    assert isinstance(ninja_api.renderer, OrjsonRenderer)
    written = OrjsonRenderer().render(None, data, response_status=200)
    assert json.loads(written) == json.loads(json.dumps(data, cls=NinjaJSONEncoder))
    assert "外观划伤".encode() in written  # not \u escapes
    assert b'"2026-10-01T08:00:05.123Z"' in written and b'"2026-10-01T08:00:05.000+08:00"' in written


# -- typed OpenAPI ----------------------------------------------------------------------------------------


def _untyped(schema, where: str):
    if not isinstance(schema, dict):
        return
    if not TYPED & set(schema):
        yield where
    for key in ("anyOf", "oneOf", "allOf"):
        for i, branch in enumerate(schema.get(key, ())):
            yield from _untyped(branch, f"{where}|{key}[{i}]")
    if "items" in schema:
        yield from _untyped(schema["items"], f"{where}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _untyped(schema["additionalProperties"], f"{where}{{}}")
    for name, prop in schema.get("properties", {}).items():
        yield from _untyped(prop, f"{where}.{name}")


def test_every_input_and_output_property_has_a_type(client):
    document = client.get("/api/v1/openapi.json").json()
    found = []
    for name, schema in document["components"]["schemas"].items():
        found.extend(_untyped(schema, name))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", ()):
                found.extend(_untyped(param.get("schema", {}), f"{method} {path} ?{param['name']}"))
            bodies = [("body", b) for b in operation.get("requestBody", {}).get("content", {}).values()]
            bodies += [(code, b) for code, r in operation["responses"].items() for b in r.get("content", {}).values()]
            for code, body in bodies:
                if "schema" in body:
                    found.extend(_untyped(body["schema"], f"{method} {path} {code}"))
    assert found == []


def test_a_short_list_is_counted_exactly(api, salesperson, complaints):
    page = api(salesperson).get(BASE, limit=3).json()
    assert (page["count"], page["count_approximate"]) == (7, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only")
def test_a_long_list_answers_the_planners_estimate_as_the_list_page_does(api, salesperson, complaints, monkeypatch):
    from kesu.core import paging

    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 5)
    monkeypatch.setattr(paging, "_planner_estimate", lambda qs: 5000)
    with CaptureQueriesContext(connection) as queries:
        page = api(salesperson).get(BASE, limit=3).json()
    assert (page["count"], page["count_approximate"], len(page["items"])) == (5000, True, 3)
    # Counted only up to one row past the threshold, never to the list's end.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 6" in sql for sql in counts)


def test_a_filter_that_matches_nothing_answers_an_empty_counted_page(api, salesperson, complaints):
    # A value the filter refuses gives an empty list (the filter's base.none()): counted 0, not a server error.
    response = api(salesperson).get(BASE, status="no-such-status")
    assert response.status_code == 200, response.content
    assert (response.json()["count"], response.json()["items"]) == (0, [])


def test_a_list_without_filters_builds_no_filter_set_and_one_with_them_still_filters(api, salesperson, complaints,
                                                                                     monkeypatch):
    from kesu.complaints import filters

    built = []
    original = filters.ComplaintFilter.__init__
    monkeypatch.setattr(filters.ComplaintFilter, "__init__",
                        lambda self, *args, **kwargs: built.append(1) or original(self, *args, **kwargs))
    caller = api(salesperson)
    plain = caller.get(BASE, limit=50)
    assert plain.status_code == 200 and built == []
    assert {item["number"] for item in plain.json()["items"]} == {c.number for c in complaints}
    Complaint.objects.filter(pk=complaints[0].pk).update(status="closed")
    filtered = caller.get(BASE, status="closed")
    assert built == [1]
    assert [item["number"] for item in filtered.json()["items"]] == [complaints[0].number]
    refused = caller.get(BASE, status="no-such-status")  # an invalid filter lists nothing, never everything
    assert refused.status_code == 200 and refused.json()["items"] == []
