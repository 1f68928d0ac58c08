"""Per-user language and time zone (issue 2 §2)."""

from __future__ import annotations

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
