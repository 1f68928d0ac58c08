"""The work queue, its Excel export, claiming and reassigning, the navigation counts and the home page per role
(issue 16 §2, §4; design §12). Reads go through :mod:`kesu.core.work`; assignments through each module's own
assignment service (the registry's ``Source.assign``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import work

# Approvals the general manager's home page lists (000 §4.1.3 initial analysis report, §4.2 claims, seed 001
# §5.1.2 monthly reports, the supplier charge-back agreed by the vice GM).
APPROVALS = ("approve_initial_report", "approve", "agree")
HOME_ITEMS = 5
EXPORT_ROWS = 5000  # the export lists far more than the page's fifty, most urgent first


def filters_from(user, params) -> work.Filters:
    """The queue's filters from a query string: ``module`` (repeatable), ``customer`` (code), ``due``."""
    known = {key for key, _label in work.modules()}
    modules_ = tuple(m for m in params.getlist("module") if m in known) if hasattr(params, "getlist") else ()
    due = params.get("due") if params.get("due") in work.DUE_STATES else None
    customer_id = None
    code = (params.get("customer") or "").strip()
    if code:
        from kesu.customers.models import Customer

        found = Customer.objects.visible_to(user).filter(code=code).values_list("pk", flat=True).first()
        customer_id = found if found is not None else 0  # an unknown code finds nothing, not everything
    return work.Filters(modules=modules_, customer_id=customer_id, due=due)


def scopes_for(user) -> list[tuple[str, Any]]:
    """The tabs this user has: everyone has "mine" and "my department"; heads, the GM and vice GM a team."""
    tabs = [("mine", gettext_lazy("Mine")), ("department", gettext_lazy("My department"))]
    if user.is_superuser or user.role in work.OVERSEEING_ROLES:
        tabs.append(("team", gettext_lazy("My companies")))
    elif user.headed_departments.exists():
        tabs.append(("team", gettext_lazy("My team")))
    return tabs


def _may_reassign(user, source: work.Source) -> bool:
    return bool(source.assign) and (user.is_superuser or user.role in source.assign_roles)


@dataclass
class Row:
    """An item as the queue shows it, with what this user may do on it."""

    item: work.WorkItem
    source_key: str
    may_claim: bool
    may_reassign: bool


def _rows(user, items: list[work.WorkItem]) -> list[Row]:
    rows = []
    for item in items:
        source = work.source_by_key(item.source_key)
        assignable = work.assignable(item)
        claimable = assignable and item.assignee_id != user.pk and (
            user.is_superuser or user.role in item.roles) and item.company_id == user.company_id
        rows.append(Row(item=item, source_key=item.source_key, may_claim=claimable,
                        may_reassign=assignable and _may_reassign(user, source)))
    return rows


def _team_members(user) -> list:
    """People a head may hand work to: for the GM and vice GM everyone in their companies, for others the staff
    of the departments they head and of their own department."""
    from kesu.accounts.models import User

    qs = User.objects.filter(is_active=True, company_id__in=user.visible_company_ids())
    if not (user.is_superuser or user.role in work.OVERSEEING_ROLES):
        departments = set(user.headed_departments.values_list("pk", flat=True)) | {user.department_id}
        qs = qs.filter(department_id__in=departments - {None})
    return list(qs.select_related("department").order_by("department__code", "username")[:300])


@login_required
def queue_page(request):
    """A user's queue: mine, my department, my team; overdue first, then due today, then by due time."""
    scopes = scopes_for(request.user)
    scope = request.GET.get("scope") if request.GET.get("scope") in dict(scopes) else "mine"
    filters = filters_from(request.user, request.GET)
    if request.GET.get("format") == "xlsx":
        return _xlsx(work.queue(request.user, scope, filters, limit=EXPORT_ROWS).items)
    found = work.queue(request.user, scope, filters)
    rows = _rows(request.user, found.items)
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "xlsx"
    return render(request, "work/queue.html", {
        "scope": scope, "scopes": scopes, "queue": found, "rows": rows, "filters": filters,
        "customer": request.GET.get("customer", ""), "modules": work.modules(),
        "due_states": list(work.DUE_STATE_LABELS.items()), "export_query": query.urlencode(),
        "members": _team_members(request.user) if any(row.may_reassign for row in rows) else [],
        "capped": found.counts.total > len(found.items),
    })


def _xlsx(items: list[work.WorkItem]) -> FileResponse:
    from .importexport import rows_xlsx

    columns = [
        (gettext_lazy("Due state"), lambda i: str(work.DUE_STATE_LABELS.get(i.state, ""))),
        (gettext_lazy("Time left"), lambda i: i.time_left),
        (gettext_lazy("Due at"), lambda i: i.due_at),
        (gettext_lazy("Action"), lambda i: str(i.label)),
        (gettext_lazy("Module"), lambda i: str(i.module_label)),
        (gettext_lazy("Number"), lambda i: i.number),
        (gettext_lazy("About"), lambda i: i.about),
        (gettext_lazy("Assigned to"), lambda i: str(i.assignee or "")),
        (gettext_lazy("Department"), lambda i: str(i.department or "")),
        (gettext_lazy("Company"), lambda i: str(i.company)),
    ]
    handle, name = rows_xlsx(items, columns, _("My work"), "work")
    return FileResponse(handle, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def nav_counts(request):
    """The navigation bar's badge (loaded by htmx after the page, so no other page pays for the counts)."""
    counts = work.counts(request.user, "mine")
    return render(request, "work/_nav_counts.html", {"counts": counts})


@login_required
@require_POST
def assign(request):
    """Claim an item (assign to me) or, for heads, give it to someone, through the module's assignment service."""
    from kesu.accounts.models import User

    source = work.source_by_key(request.POST.get("source", ""))
    if source is None or source.assign is None:
        raise Http404
    record_id = request.POST.get("record", "")
    if not record_id.isdigit():
        raise Http404
    record = source.model._default_manager.visible_to(request.user).filter(pk=int(record_id)).first()
    if record is None or not any(work.assignable(item) for item in work.waiting_for(record)):
        raise Http404
    user_id = request.POST.get("user")
    if user_id and str(user_id) != str(request.user.pk):
        if not _may_reassign(request.user, source):
            raise PermissionDenied
        target = User.objects.filter(pk=user_id, is_active=True,
                                     company_id__in=request.user.visible_company_ids()).first()
        if target is None:
            raise Http404
    else:
        target = request.user
    try:
        source.assign(actor=request.user, record=record, user=target)
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else _("You may not assign this.")
        messages.error(request, text)
    else:
        messages.success(request, _("%(number)s is now assigned to %(user)s.") % {
            "number": getattr(record, "number", record), "user": target})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("work:queue")
    return HttpResponseRedirect(back)


# -- home ---------------------------------------------------------------------------------------------------


def _kpi_headline(user) -> list[dict]:
    """Three to five KPIs of the user's company from its latest monthly snapshot against the year's targets
    (two queries: the snapshot and the targets; nothing is recomputed on the home page)."""
    from kesu.reports.choices import Kpi
    from kesu.reports.kpis import meets
    from kesu.reports.models import KpiTarget, MonthlySnapshot

    if user.company_id is None:
        return []
    snapshot = MonthlySnapshot.objects.filter(company_id=user.company_id).order_by("-month").first()
    if snapshot is None:
        return []
    targets = dict(KpiTarget.objects.filter(company_id=user.company_id, year=snapshot.month.year)
                   .values_list("kpi", "target"))
    from decimal import Decimal

    rows = []
    for kpi in (Kpi.PPM, Kpi.ON_TIME, Kpi.COMPLAINTS, Kpi.SATISFACTION, Kpi.OVERDUE_ACTIONS):
        raw = snapshot.values.get(kpi.value)
        value = None if raw is None else Decimal(raw)
        target = targets.get(kpi.value)
        # A month's complaints against a year's allowance would always pass: compare a twelfth of it.
        compared = target / 12 if target is not None and kpi == Kpi.COMPLAINTS else target
        rows.append({"kpi": kpi.value, "label": kpi.label, "value": value, "target": compared,
                     "met": meets(kpi.value, value, compared)})
    return [{"month": snapshot.month, **row} for row in rows]


def _early_warnings(user) -> list:
    """The latest open A/B early warnings (seed 001: they go to the leadership group at once)."""
    from kesu.complaints.choices import OPEN_STATUSES
    from kesu.complaints.models import Complaint

    return list(Complaint.objects.visible_to(user).filter(warning_class__in=("a", "b"), status__in=OPEN_STATUSES)
                .select_related("customer").only("number", "warning_class", "received_at", "customer__short_name",
                                                  "customer__name", "customer__code", "status", "company_id")
                .order_by("-received_at")[:HOME_ITEMS])


def home_context(user, now: datetime.datetime | None = None) -> dict:
    """What the home page shows this user (every panel a fixed number of queries)."""
    now = now or timezone.now()
    role = user.role
    calendars: dict = {}  # one working calendar per company for every panel

    def panel(scope: str, filters: work.Filters | None = None) -> work.Queue:
        return work.queue(user, scope, filters, limit=HOME_ITEMS, now=now, calendars=calendars)

    context: dict[str, Any] = {
        "mine": panel("mine"),
        "department_overdue": panel("department", work.Filters(due="overdue")) if user.department_id else None,
    }
    if user.is_superuser or role == "qa":
        context["qa_waiting"] = panel("mine", work.Filters(modules=("complaints",), actions=("investigate",)))
    if role == "finance":
        context["settlements"] = panel("mine", work.Filters(modules=("claims",), actions=("settle",)))
    if user.is_superuser or role in work.OVERSEEING_ROLES:
        context["approvals"] = panel("mine", work.Filters(actions=APPROVALS))
        context["kpis"] = _kpi_headline(user)
        context["warnings"] = _early_warnings(user)
    return context


@login_required
def home(request):
    """The home page per role: "what should I do now" (issue 16 §4)."""
    context = home_context(request.user)
    context["can_record_complaint"] = request.user.has_perm("complaints.add_complaint")
    return render(request, "work/home.html", context)
