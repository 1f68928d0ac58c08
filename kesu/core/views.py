"""Core pages: the audit trail (the home page is the work home, kesu/core/work_views.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .audit_selectors import audit_entries_visible_to, audit_mask_money
from .models import AuditEntry
from .selectors import describe_entries


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit_list(request):
    """The whole audit trail of the companies the user can see, newest first, filterable."""
    entries = audit_entries_visible_to(
        request.user,
        model=request.GET.get("model", ""),
        actor=request.GET.get("actor", ""),
        action=request.GET.get("action", ""),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = describe_entries(audit_mask_money(page.object_list, request.user))
    return render(
        request, "core/audit_list.html", {"page": page, "filters": request.GET, "actions": AuditEntry.Action.choices}
    )
