"""gzip for the API's JSON answers only (issue 24 §4).

A list page of 50 complaints is about 90 KB of JSON and a tenth of that compressed. HTML pages are left
alone: they carry CSRF tokens and reflect what the user typed, the mix a compression side channel (BREACH)
reads secrets from; the API's JSON carries neither CSRF tokens nor other secrets.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware


class ApiGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for responses to /api/ whose content type is JSON."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/") or not response.get("Content-Type", "").startswith(
                "application/json"):
            return response
        return super().process_response(request, response)
