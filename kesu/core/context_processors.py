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
    if user is not None and user.is_authenticated:
        from kesu.complaints.customer_messages import may_edit_messages
        from kesu.reports.audit_sample import may_draw

        from .retention import may_confirm

        # Issue 18 §14–§15: the retention review for administrators, the audit sample for QA, GM and administrators.
        context["may_retention"] = may_confirm(user)
        context["may_audit_sample"] = may_draw(user)
        # Issue 23 §3: the wording of what the customer is sent, for the administrator and the QA head.
        # Only a QA engineer can head QA: nobody else costs a query here.
        context["may_edit_customer_messages"] = (user.has_role("admin", "qa") or user.is_superuser) and \
            may_edit_messages(user)
    return context
