"""Per-user language and time zone (issue 2 §2); the idle timeout of a session."""

from __future__ import annotations

import time
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Activate the signed-in user's saved language and their company's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language in self.languages:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            tz = user.company.time_zone if user.company_id else settings.TIME_ZONE
            timezone.activate(zoneinfo.ZoneInfo(tz))
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionRenewalMiddleware:
    """Idle timeout: a signed-in session lives SESSION_COOKIE_AGE after the user's last request.

    Renewing the session means writing it; this writes it at most once a minute (the expiry is then at most a
    minute early), rather than on every request as SESSION_SAVE_EVERY_REQUEST would: a database write and
    commit that every page paid for.
    """

    RENEW_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            period = int(time.time()) // self.RENEW_SECONDS
            if request.session.get("_renewed") != period:
                request.session["_renewed"] = period  # marks the session modified: saved with a new expiry
        return response
