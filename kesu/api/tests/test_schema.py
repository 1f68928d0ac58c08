"""The published OpenAPI document says what the API does: unique schema names, every error answer listed."""

from __future__ import annotations

import collections
import functools
import re

import pytest
from ninja import Schema

from kesu.api.errors import ERROR_RESPONSES, ApiError
from kesu.api.main import api as ninja_api

pytestmark = pytest.mark.django_db

# Built once for the module: the document takes seconds to build and no test changes it.
_openapi = functools.cache(ninja_api.get_openapi_schema)


def _kesu_schemas() -> list[type]:
    found, todo = [], list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("kesu."):
            found.append(cls)
    return found


def _component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _response_schema(schema: dict, path: str, method: str, status: int = 200) -> dict:
    responses = schema["paths"][path][method]["responses"]
    content = (responses.get(status) or responses[str(status)])["content"]["application/json"]["schema"]
    if "items" in content:
        content = content["items"]
    return _component(schema, content["$ref"]) if "$ref" in content else content


def test_schema_names_are_unique_across_apps():
    names = collections.defaultdict(set)
    for cls in _kesu_schemas():
        names[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    documented = set(_openapi()["components"]["schemas"])
    clashes = {name: where for name, where in names.items() if len(where) > 1 and name in documented}
    assert clashes == {}


def test_capa_settings_and_notification_rules_are_documented_with_their_own_fields():
    schema = _openapi()
    capa = _response_schema(schema, "/api/v1/actions/settings", "get")
    assert {"approval_days", "ncr_answer_days", "step_days"} <= set(capa["properties"])
    rules = _response_schema(schema, "/api/v1/notifications/rules", "get")
    assert {"event", "audience", "send_inbox"} <= set(rules["properties"])


def test_every_operation_documents_the_error_answers():
    schema = _openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            missing = {str(code) for code in ERROR_RESPONSES} - {str(code) for code in operation["responses"]}
            assert not missing, (method, path, missing)


def test_refusals_answer_with_the_documented_error_body(api, salesperson, company_a):
    caller = api(salesperson)
    refusals = [
        caller.get("/api/v1/complaints/999999"),  # 404
        caller.put("/api/v1/reports/targets",  # 403
                   {"company_id": company_a.pk, "year": 2026, "kpi": "ppm", "target": "1"}),
        caller.get("/api/v1/customers", limit=0),  # 422 from the schema
        caller.post("/api/v1/complaints", {"channel": "phone", "customer_id": "NOPE", "description": "x"}),  # form
        caller.post("/api/v1/complaints/999999/transitions", {"action": "assess"}),  # 404 on a workflow step
    ]
    assert sorted(r.status_code for r in refusals) == [403, 404, 404, 422, 422]
    for response in refusals:
        ApiError.model_validate(response.json())


def test_company_working_hours_match_their_documented_format(api, salesperson):
    schema = _openapi()
    company = _response_schema(schema, "/api/v1/companies", "get")
    for name in ("work_start", "work_end"):
        documented = company["properties"][name]
        assert documented.get("format") != "time"  # RFC 3339 times carry an offset these local times lack
        for row in api(salesperson).get("/api/v1/companies").json():
            assert re.fullmatch(documented["pattern"], row[name])


def _untyped(schema: dict, node, where: str, seen: set[str]):
    """Places in a request schema that accept any JSON value (a property or extra key typed ``Any``)."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _untyped(schema, _component(schema, node["$ref"]), name, seen)
        return
    typed = {"type", "anyOf", "oneOf", "allOf", "enum", "const"}
    for name, sub in node.get("properties", {}).items():
        if not typed & set(sub) and "$ref" not in sub:
            yield f"{where}.{name}"
        yield from _untyped(schema, sub, f"{where}.{name}", seen)
    extra = node.get("additionalProperties")
    if extra is True or (isinstance(extra, dict) and not (typed | {"$ref"}) & set(extra)):
        yield f"{where}.*"
    elif isinstance(extra, dict):
        yield from _untyped(schema, extra, f"{where}.*", seen)
    for key in ("items", "anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []) if isinstance(node.get(key), list) else [node.get(key)]:
            yield from _untyped(schema, sub, where, seen)


def test_no_request_body_accepts_an_untyped_value():
    schema = _openapi()
    untyped = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                untyped += [f"{method} {path}: {place}" for place in _untyped(schema, body["schema"], "body", set())]
    assert untyped == []


def test_operations_are_grouped_under_english_names_whatever_the_servers_language():
    # A generated client names its modules after these groups (openapi-python-client: kesu_client.api.parts);
    # the record types' groups were their names translated into the language active at start (顾客, 零件).
    tags = {tag for operations in _openapi()["paths"].values() for operation in operations.values()
            for tag in operation.get("tags", ())}
    assert {"customers", "contacts", "parts", "contract lines", "shipments", "suppliers", "complaints"} <= tags
    assert all(re.fullmatch(r"[a-z ]+", tag) for tag in tags), sorted(tags)
