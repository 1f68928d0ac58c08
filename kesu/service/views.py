"""Pages of customer service: thin views over the selectors and the services (one write path)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.complaints.models import Complaint
from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.selectors import audit_entries_for
from kesu.customers.models import Customer

from . import exports, selectors, services
from .choices import TOPICS, VisitKind, VisitPurpose
from .forms import VisitForm

VISIT_LIST = ListSpec(
    sorts=(
        Sort("date", ("visited_on",), indexed=True),
        Sort("customer", ("customer__code",)),
        Sort("kind", ("kind",)),
        Sort("purpose", ("purpose",)),
        Sort("by", ("visited_by__username",)),
    ),
    default_order=("-visited_on", "-id"),
)
FILTERS = {"kind": VisitKind, "purpose": VisitPurpose}


def _require(user, perm: str) -> None:
    if not user.has_perm(f"service.{perm}"):
        raise PermissionDenied


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _filtered(request, params):
    qs = selectors.visits_visible_to(request.user)
    for name, choices in FILTERS.items():
        value = params.get(name, "")
        if value in choices.values:
            qs = qs.filter(**{name: value})
    q = (params.get("q") or "").strip()
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(customer__name__icontains=q) | Q(customer__code__icontains=q) | Q(findings__icontains=q))
    return qs


@login_required
def index(request):
    _require(request.user, "view_visit")
    listing = Listing(request, VISIT_LIST)
    qs = _filtered(request, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.VISIT_COLUMNS,
                               _("Visits"), "visits"))
    page, listing = paginate(request, qs, VISIT_LIST, listing=listing)
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(request, "service/index.html", {
        "page": page, "listing": listing, "export_query": query.urlencode(), "kinds": VisitKind.choices,
        "purposes": VisitPurpose.choices, "params": listing.params,
        "can_add": request.user.has_perm("service.add_visit"), "heading": gettext_lazy("Visits and return visits")})


@login_required
def visit_create(request):
    _require(request.user, "add_visit")
    initial = {"visited_on": timezone.localdate(), "kind": request.GET.get("kind") or VisitKind.ONSITE}
    if request.GET.get("customer", "").isdigit():
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=int(request.GET["customer"]))
        initial["customer"] = customer.code
    if request.GET.get("complaint", "").isdigit():
        complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=int(request.GET["complaint"]))
        initial.update(customer=complaint.customer.code, complaint=complaint.number,
                       purpose=VisitPurpose.AFTER_CLOSURE)
    form = VisitForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            visit = services.visit_create(actor=request.user, company=data["customer"].company, data=data,
                                          contacts=form.cleaned_data.get("contacts") or ())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("service:visit_detail", visit.pk)
    return render(request, "service/visit_form.html", {"form": form, "visit": None})


@login_required
def visit_edit(request, pk: int):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    form = VisitForm(request.POST or None, instance=visit, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_update(actor=request.user, visit=visit, data=form.service_data(),
                                  contacts=form.cleaned_data.get("contacts") or ())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Visit saved."))
            return redirect("service:visit_detail", visit.pk)
    return render(request, "service/visit_form.html", {"form": form, "visit": visit})


@login_required
def visit_detail(request, pk: int):
    _require(request.user, "view_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    return render(request, "service/visit_detail.html", {
        "visit": visit, "topics": [(label, getattr(visit, name)) for name, label in TOPICS],
        "can_change": request.user.has_perm("service.change_visit"),
        "audit_entries": audit_entries_for(visit, user=request.user)})


@login_required
@require_POST
def visit_raise(request, pk: int, what: str):
    _require(request.user, "change_visit")
    visit = selectors.visit_get_for_user(request.user, pk)
    try:
        if what == "complaint":
            record = services.visit_raise_complaint(actor=request.user, visit=visit)
            messages.success(request, _("Complaint %(number)s raised from the finding.") % {"number": record.number})
        else:
            record = services.visit_raise_action(actor=request.user, visit=visit)
            messages.success(request, _("Corrective action %(number)s raised from the finding.") % {
                "number": record.number})
    except ValidationError as error:
        for errors in error.message_dict.values():
            for text in errors:
                messages.error(request, text)
    return redirect("service:visit_detail", visit.pk)
