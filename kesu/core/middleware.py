"""Request-wide context for the audit trail; the content security policy of HTML pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .context import acting_as


class AuditContextMiddleware:
    """Everything saved while serving a page is attributed to the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if request.path.startswith("/admin/") else "web"
        if request.path.startswith("/api/"):
            source = "api"  # refined to the token's user by the API authentication
        with acting_as(getattr(request, "user", None), source):
            return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send the content security policy on every HTML response (issue 15 §9).

    No page runs inline script, so an injected ``<script>`` or ``onerror=`` does nothing even where escaping
    failed. The policy is ``settings.KESU_CONTENT_SECURITY_POLICY``; a view that needs another one (none today)
    sets the header itself and it is left alone. The API's Swagger page (ninja, served from its own static files
    with its settings in a non-executed JSON block) works under the same policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.KESU_CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if self.policy and content_type.startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RefuseNulMiddleware:
    """Refuse a request whose query or JSON body carries the NUL character (found by fuzzing, issue 15 §8).

    No text Kesu keeps may contain NUL, and PostgreSQL refuses it in any text value — also in a lookup such as
    ``code = '\\x00'`` — so a filter or a JSON field holding one ended as a server error. Forms already refuse it
    field by field (Django's CharField); this catches what reaches a query before a form sees it. The API answers
    422 with its error body, a page 400. A multipart or form body is left to its form: reading it here would
    load every upload into memory.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            message = _("Text may not contain the NUL character.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": [{"loc": ["query"], "msg": message}]}, status=422)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body.lower()
        return False
