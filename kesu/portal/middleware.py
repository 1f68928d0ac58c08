"""Confine portal sessions to the portal, and speak the contact's language there (issue 23 §1).

One place decides that a customer contact never reaches staff pages or staff API endpoints: a session
opened by the portal (and holding no staff sign-in) gets 404 on every path outside ``/portal/`` and
``/api/v1/portal/`` — not a redirect to the staff sign-in page, which would tell that the page exists.
The check reads the session only, so staff requests cost no query.
"""

from __future__ import annotations

import zoneinfo

from django.http import Http404
from django.utils import timezone, translation

from .access import PORTAL_PREFIXES, SESSION_ACCOUNT, session_account
from .models import PortalToken

# What every page needs whoever asks (the assets and the icon), and the survey answer link a customer gets by
# e-mail (kesu.surveys, public by its signed token): a contact signed in to the portal still answers their survey.
OPEN_PREFIXES = ("/static/", "/favicon.ico", "/s/")


def _is_portal_identity(request) -> bool:
    """A portal session without a staff sign-in, or a portal API token (told by its prefix, no query)."""
    parts = request.headers.get("Authorization", "").split(None, 1)
    if len(parts) == 2 and parts[1].strip().startswith(PortalToken.PREFIX):
        return True
    session = getattr(request, "session", None)
    return session is not None and SESSION_ACCOUNT in session and not request.user.is_authenticated


class PortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        in_portal = path.startswith(PORTAL_PREFIXES)
        if not in_portal and not path.startswith(OPEN_PREFIXES) and _is_portal_identity(request):
            raise Http404
        request.portal_account = None
        if in_portal:
            account = session_account(request)
            request.portal_account = account
            if account is not None:
                translation.activate(account.contact.language)
                request.LANGUAGE_CODE = account.contact.language
                timezone.activate(zoneinfo.ZoneInfo(account.company.time_zone))
        return self.get_response(request)
