"""Complaint pages: list, intake, detail with the actions allowed now, edit, and one POST per action.

Thin views (conventions habit 2): access check → form → one service or
selector → render. Who may take a workflow step is decided by the table in
``workflow.py`` inside ``services.complaint_transition``, never here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.core.selectors import audit_entries_for

from . import selectors, services
from .filters import complaints_filtered
from .forms import ComplaintForm, ComplaintUpdateForm, TransitionForm
from .models import Complaint
from .services import TransitionRefused
from .workflow import TRANSITIONS, available_actions

PAGE_SIZE = 50

# The Quality Information Feedback form's fields as the detail page shows them (design §2, 004 §5.2(1)).
FEEDBACK_FIELDS = (
    "channel", "received_at", "customer", "contact", "contract", "shipment", "part", "delivery_date",
    "quantity_shipped", "quantity_defective", "defect_location", "defect_nature", "occurred_at",
    "operated_as_instructed", "customer_request", "description",
)
ASSESSMENT_FIELDS = (
    "category", "exclusion", "acceptance_decision", "acceptance_note", "severity", "safety_or_regulatory_impact",
    "warning_class", "escalated_to_qa", "responsibility", "responsible_department", "responsible_supplier",
    "root_cause", "owner", "department", "created_by", "reopen_count",
)


def _require(user, action: str) -> None:
    if not user.has_perm(f"complaints.{action}_complaint"):
        raise PermissionDenied


def _shown(complaint: Complaint, names) -> list[tuple[str, object]]:
    rows = []
    for name in names:
        model_field = Complaint._meta.get_field(name)
        value = getattr(complaint, f"get_{name}_display")() if model_field.choices else getattr(complaint, name)
        rows.append((model_field.verbose_name, value))
    return rows


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def complaint_list(request):
    _require(request.user, "view")
    qs, filterset = complaints_filtered(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "complaints/complaint_list.html", {
        "filterset": filterset, "page": page, "can_add": request.user.has_perm("complaints.add_complaint"),
    })


@login_required
def complaint_create(request):
    _require(request.user, "add")
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(actor=request.user, company=request.user.company,
                                                  data=form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Complaint %(number)s recorded.") % {"number": complaint.number})
            return redirect("complaints:detail", complaint.pk)
    return render(request, "complaints/complaint_form.html", {"form": form, "complaint": None})


@login_required
def complaint_edit(request, pk: int):
    _require(request.user, "change")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    form = ComplaintUpdateForm(request.POST or None, instance=complaint, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_update(actor=request.user, complaint=complaint,
                                      data=form.service_data(form.changed_data))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Complaint %(number)s saved.") % {"number": complaint.number})
            return redirect("complaints:detail", complaint.pk)
    return render(request, "complaints/complaint_form.html", {"form": form, "complaint": complaint})


@login_required
def complaint_detail(request, pk: int):
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    actions = [(row, TransitionForm(row=row, user=request.user)) for row in available_actions(complaint, request.user)]
    return render(request, "complaints/complaint_detail.html", {
        "complaint": complaint,
        "feedback": _shown(complaint, FEEDBACK_FIELDS),
        "assessment": _shown(complaint, ASSESSMENT_FIELDS),
        "deadlines": selectors.complaint_deadlines(complaint),
        "timeline": selectors.timeline_for(complaint),
        "remedies": complaint.remedies.select_related("proposed_by", "approved_by").order_by("round"),
        "dispositions": complaint.dispositions.select_related("regional_manager_approved_by").order_by("id"),
        "actions": actions,
        "audit_entries": audit_entries_for(complaint),
        "can_change": request.user.has_perm("complaints.change_complaint") and complaint.is_open,
    })


@login_required
@require_POST
def complaint_transition(request, pk: int, action: str):
    """One workflow step from the detail page; a refusal is shown as a message and changes nothing."""
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    detail = reverse("complaints:detail", args=[complaint.pk])
    row = TRANSITIONS.get((complaint.status, action))
    inputs = {}
    if row is not None:
        form = TransitionForm(request.POST, row=row, user=request.user)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
            return redirect(detail)
        inputs = form.inputs()
    version = request.POST.get("version", "")
    try:
        services.complaint_transition(
            actor=request.user, complaint=complaint, action=action,
            expected_version=int(version) if version.isdigit() else None, **inputs,
        )
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done: %(action)s. The complaint is now “%(status)s”.") % {
            "action": row.label if row else action, "status": complaint.get_status_display()})
    return redirect(detail)
