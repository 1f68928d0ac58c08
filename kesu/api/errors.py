"""The API's one error body and the error answers every operation documents.

Every refusal answers ``{"detail": ..., "code": ...}``: ``detail`` is a sentence (403, 404, 401, 429) or a
list of ``{"loc": [...], "msg": ...}`` naming the fields (400, 409, 422); ``code`` names a workflow refusal.
The OpenAPI document lists these answers on every operation, so a client (and the fuzzer's status-code and
schema checks) knows every status it can get (issue 15 §8).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ApiError(Schema):
    """An error answer: a sentence or the list of problems by field, and the refusal's code if any."""

    detail: str | list[dict[str, Any]]
    code: str | None = None


# Status → description; added to every operation that does not declare the status itself.
ERROR_RESPONSES: dict[int, str] = {
    400: "The request could not be read (malformed JSON or form).",
    401: "No valid token or session.",
    403: "The user may not do this.",
    404: "No such record, or not one the user can see.",
    409: "The record is in another state or was changed meanwhile.",
    422: "The input is invalid; detail names each field.",
    429: "Too many failed attempts from this address; retry after the Retry-After seconds.",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation of an OpenAPI document (in place) and return it."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["ApiError"] = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            declared = {str(code) for code in responses}
            for code, description in ERROR_RESPONSES.items():
                if str(code) not in declared:
                    responses[code] = {"description": description, **ref}
    return schema
