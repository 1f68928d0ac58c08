"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings


def kesu(request) -> dict:
    from .calendar import missing_calendar_years

    user = getattr(request, "user", None)
    context = {"KESU_LANGUAGES": settings.LANGUAGES}
    if user is not None and user.is_authenticated and (user.is_superuser or user.has_role("admin", "general_office")):
        # Administrators must see a year whose statutory calendar is not loaded
        # before deadlines quietly fall back to weekdays (issue 2 §3).
        context["calendar_missing_years"] = missing_calendar_years()
    return context
