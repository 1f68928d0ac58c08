"""Request-wide context for the audit trail; the content security policy of HTML pages."""

from __future__ import annotations

from django.conf import settings

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
