"""Per-user language and time zone (issue 2 §2); the idle timeout of a session."""

from __future__ import annotations

import time
import zoneinfo

from django.conf import settings
from django.contrib.auth import SESSION_KEY
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


RENEWED_KEY = "_renewed"  # when the session was last written with a new expiry (Unix seconds)


class SessionRenewalMiddleware:
    """Idle timeout: a signed-in session lives SESSION_COOKIE_AGE after the user's last request.

    Renewing the session means writing it; this writes it when it was last written a minute ago or more (the
    expiry is then at most a minute early), rather than on every request as SESSION_SAVE_EVERY_REQUEST would:
    a database write and commit that every page paid for. Signing in counts as a renewal (``mark_renewed``).
    """

    RENEW_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:  # signed in by this session (not by an API token)
            renewed = session.get(RENEWED_KEY)
            if not isinstance(renewed, int) or time.time() - renewed >= self.RENEW_SECONDS:
                mark_renewed(request=request)  # modifies the session: saved with a new expiry
        return response


def mark_renewed(request, **kwargs) -> None:
    """Note in the session that it is being written now (on sign-in, and by the middleware)."""
    request.session[RENEWED_KEY] = int(time.time())
