"""The REST API: every app's router mounted under /api/v1/, OpenAPI at /api/v1/docs."""

from __future__ import annotations

import datetime

import orjson
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from kesu.accounts import throttle
from kesu.core.services import TransitionRefused

from .auth import KesuSessionAuth, TokenAuth
from .errors import document_errors


class OrjsonRenderer(BaseRenderer):
    """The API's JSON written by orjson (issue 24 §4: a page of 50 complaints encoded in 2.2 instead of 3.9 ms):
    the same document as ninja's encoder gives, except that text is UTF-8 rather than \\u escapes (a page of
    Chinese complaints is 15 % smaller). Date-times keep Django's form (milliseconds, ``Z`` for UTC); decimals,
    lazy translations and the rest go through ninja's encoder."""

    media_type = "application/json"
    _OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def __init__(self) -> None:
        self._fallback = NinjaJSONEncoder().default

    def _default(self, value):
        if type(value) is datetime.datetime:
            text = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return self._fallback(value)

    def render(self, request, data, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=self._default, option=self._OPTIONS)


class KesuAPI(NinjaAPI):
    """The API whose OpenAPI document lists the error answers of every operation (kesu.api.errors)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(_untitled_inline_responses(schema))

    def create_temporal_response(self, request):
        """The response whose headers ninja copies to the answer, reachable by decorators (kesu.api.lean's ETag)."""
        response = super().create_temporal_response(request)
        request.kesu_api_response = response
        return response


def _untitled_inline_responses(schema: dict) -> dict:
    """Drop the title "Response" ninja gives an answer typed inline (``response=dict[str, Any]``): a client
    generator names a model after it, and two such answers of one operation then clash (openapi-python-client
    left the reports' summary and analyses out of the generated client)."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for answer in (operation.get("responses") or {}).values() if isinstance(operation, dict) else ():
                for body in answer.get("content", {}).values():
                    if body.get("schema", {}).get("title") == "Response":
                        del body["schema"]["title"]
    return schema


api = KesuAPI(
    title="Kesu API",
    version="1",
    description="Customer complaints, claims, corrective action and customer master data.",
    auth=[TokenAuth(), KesuSessionAuth()],
    docs_url="/docs",
    urls_namespace="api",
    renderer=OrjsonRenderer(),
)


def validation_errors(error: ValidationError) -> list[dict]:
    """Django validation errors as a list of {loc, msg} naming the field."""
    if hasattr(error, "error_dict"):
        return [
            {"loc": ["body", field], "msg": " ".join(str(m) for m in messages)}
            for field, messages in error.message_dict.items()
        ]
    return [{"loc": ["body"], "msg": " ".join(str(m) for m in error.messages)}]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(request, {"detail": validation_errors(exc)}, status=422)


@api.exception_handler(TransitionRefused)
def on_transition_refused(request, exc: TransitionRefused):
    """A refused workflow step: 403 wrong role, 409 wrong state or stale, 422 otherwise; ``loc`` names the field."""
    loc = ["body", exc.field] if exc.field else ["body"]
    return api.create_response(request, {"detail": [{"loc": loc, "msg": exc.message}], "code": exc.code},
                               status=exc.http_status)


@api.exception_handler(MultiPartParserError)
def on_unreadable_body(request, exc: MultiPartParserError):
    """A multipart body that cannot be parsed (no boundary, cut short) is the client's error: 400, not 500."""
    return api.create_response(request, {"detail": _("The request body could not be read: %(error)s") % {
        "error": exc}}, status=400)


@api.exception_handler(throttle.Refused)
def on_throttled(request, exc: throttle.Refused):
    """Too many wrong tokens from this address: 429 with the wait in Retry-After and in words."""
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def _mount() -> None:
    from kesu.accounts.api import router as accounts_router
    from kesu.capa.api import router as capa_router
    from kesu.claims.api import router as claims_router
    from kesu.complaints.api import router as complaints_router
    from kesu.contracts.api import router as contracts_router
    from kesu.core.api import router as core_router
    from kesu.core.calendar_api import router as calendar_router
    from kesu.core.lookups_api import router as lookups_router
    from kesu.core.records_api import router as records_router
    from kesu.core.work_api import router as work_router
    from kesu.customers.api import router as customers_router
    from kesu.mailin.api import router as mailin_router
    from kesu.notifications.api import router as notifications_router
    from kesu.portal.api import router as portal_router
    from kesu.prevention.api import router as prevention_router
    from kesu.property.api import router as property_router
    from kesu.reports.api import router as reports_router
    from kesu.service.api import router as service_router
    from kesu.surveys.api import router as surveys_router
    from kesu.webhooks.api import router as webhooks_router

    api.add_router("/", accounts_router)
    api.add_router("/", core_router)
    api.add_router("/", customers_router)
    api.add_router("/", complaints_router)
    api.add_router("/", notifications_router)
    api.add_router("/", capa_router)
    api.add_router("/", claims_router)
    api.add_router("/", surveys_router)
    api.add_router("/property/", property_router)
    api.add_router("/contracts/", contracts_router)
    api.add_router("/service/", service_router)
    api.add_router("/prevention/", prevention_router)
    api.add_router("/webhooks/", webhooks_router)
    api.add_router("/mailin/", mailin_router)
    api.add_router("/portal/", portal_router)
    api.add_router("/reports/", reports_router)
    api.add_router("/calendar/", calendar_router)
    api.add_router("/", work_router)
    api.add_router("/", records_router)
    api.add_router("/", lookups_router)


_mount()
