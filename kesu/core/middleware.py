"""Request-wide context for the audit trail."""

from __future__ import annotations

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
