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
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.paging import IdFirstPaginator
from kesu.core.panels import (
    PanelAction,
    asked_part,
    next_step,
    page_step,
    panels_for,
    part_response,
    parts_later,
    refused_forms,
    show_refused,
    table_actions,
)
from kesu.core.privacy import contact_label
from kesu.core.selectors import audit_entries_for
from kesu.core.uploads import thumbnail_response

from . import bulk, exports, permissions, printouts, selectors, services
from .filters import complaints_filtered
from .forms import ComplaintForm, ComplaintUpdateForm, HistoryForm, TransitionForm
from .models import Complaint
from .records import RECORDS, available_records, record_form, record_submit
from .search import searches
from .services import AttachmentDamaged
from .workflow import TABLE, TRANSITIONS

PAGE_SIZE = 50
BULK_LIMIT = bulk.BULK_LIMIT
# The list's sortable columns (issue 17 §7). Indexed: number ((company, number) unique), received
# ((company, received_at) and (received_at, id)), status ((company, status)); the others sort below the
# threshold of kesu.core.listing only.
LIST_SPEC = ListSpec(
    sorts=(
        Sort("number", ("number",), indexed=True),
        Sort("received", ("received_at",), indexed=True),
        Sort("customer", ("customer__code",)),
        Sort("part", ("part__part_no",)),
        Sort("category", ("category__name",)),
        Sort("severity", ("severity",)),
        Sort("priority", ("priority",)),
        Sort("warning", ("warning_class",)),
        Sort("status", ("status",), indexed=True),
        Sort("owner", ("owner__username",)),
        Sort("deadline", ("next_due_at",)),
    ),
    default_order=("-received_at", "-id"),
    defaults={"open": "true"},
    default_labels={"open": gettext_lazy("Open only")},
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The Quality Information Feedback form's fields as the detail page shows them (design §2, 004 §5.2(1)).
FEEDBACK_FIELDS = (
    "channel", "received_at", "customer", "contact", "contract", "shipment", "part", "lot_number", "delivery_date",
    "quantity_shipped", "quantity_defective", "defect_location", "defect_nature", "occurred_at",
    "operated_as_instructed", "customer_request", "description",
)
ASSESSMENT_FIELDS = (
    "category", "defect_type", "exclusion", "acceptance_decision", "acceptance_note", "severity",
    "safety_or_regulatory_impact", "priority", "priority_override_reason", "closure_due_at", "warning_class",
    "escalated_to_qa", "responsibility", "responsible_department", "responsible_supplier", "responsible_person",
    "root_cause", "owner", "assignment_override_reason", "department", "created_by", "reopen_count",
)


# The waiting steps of complaints/work.py and the transitions that do them, where their names differ.
FULFILS: dict[str, tuple[str, ...]] = {
    "route": ("escalate_to_qa", "start_sales_handling"),
    "investigate": ("record_qa_opinion", "instruct_department", "submit_initial_report"),
    "customer_decision": ("customer_accepts", "customer_rejects"),
    "close": ("start_verification", "close"),
    "close_qa": ("start_verification", "close"),
    "explanation_answer": ("customer_acknowledges", "customer_disputes"),
    "verify_delivery_qa": ("verify_delivery",),
}
# Table rows taken only through a record's service (a not-OK delivery verification records the recurrence).
RECORD_ONLY = frozenset({"record_recurrence"})


def _approval(complaint: Complaint, remedies, first) -> tuple[str, list[tuple[object, object]]]:
    """What the first step approves, shown beside it (issue 16 §5): the initial analysis report or the remedy."""
    names = {action.name for action in first}
    if "approve_initial_report" in names:
        return _("The initial analysis report to approve"), [
            (Complaint._meta.get_field("initial_report").verbose_name, complaint.initial_report),
            (Complaint._meta.get_field("severity").verbose_name, complaint.get_severity_display()),
            (Complaint._meta.get_field("root_cause").verbose_name, complaint.root_cause),
            (_("Submitted"), complaint.initial_report_submitted_at),
        ]
    if "approve_explanation" in names:
        field = Complaint._meta.get_field
        return _("The written explanation to approve"), [
            (field("explanation").verbose_name, complaint.explanation),
            (field("explanation_evidence").verbose_name, complaint.explanation_evidence),
            (field("responsibility").verbose_name, complaint.get_responsibility_display()),
            (field("explanation_prepared_by").verbose_name, complaint.explanation_prepared_by),
            (_("Submitted"), complaint.explanation_prepared_at),
        ]
    if "approve_remedy" in names and remedies:
        latest = remedies[-1]
        return _("The remedy to approve"), [
            (_("Remedy"), latest.text), (_("Round"), latest.round), (_("Proposed by"), latest.proposed_by),
            (_("Proposed"), latest.proposed_at),
        ]
    return "", []


def _require(user, action: str) -> None:
    if not user.has_perm(f"complaints.{action}_complaint"):
        raise PermissionDenied


def _shown(complaint: Complaint, names, user=None) -> list[tuple[str, object]]:
    rows = []
    for name in names:
        model_field = Complaint._meta.get_field(name)
        value = getattr(complaint, f"get_{name}_display")() if model_field.choices else getattr(complaint, name)
        if name == "contact" and value is not None:
            value = contact_label(value, user, complaint)  # issue 18 §13: a person's name, shown by need
        rows.append((model_field.verbose_name, value))
    return rows


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _rows(page) -> list[tuple[Complaint, str | None]]:
    now = timezone.now()
    return [(c, selectors.row_deadline_state(c, now)) for c in page.object_list]


def _xlsx_response(handle, filename: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
def complaint_list(request):
    _require(request.user, "view")
    listing = Listing(request, LIST_SPEC)
    qs, filterset = complaints_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        if request.GET.get("selected"):
            # "Export selected" (issue 17 §7): the ticked rows, still only among those the user may see.
            ids = [int(pk) for pk in request.GET.getlist("ids")[:BULK_LIMIT] if pk.isdigit()]
            qs = qs.filter(pk__in=ids)
        return _xlsx_response(*exports.complaints_xlsx(exports.list_rows(qs.order_by(*listing.ordering())),
                                                        exports.LIST_COLUMNS, _("Complaints"), "complaints"))
    page, listing = paginate(request, qs, LIST_SPEC, listing=listing, filterset=filterset,
                             paginator_class=IdFirstPaginator,
                             prepare=lambda ordered: selectors.only_fields(ordered, selectors.ROW_FIELDS),
                             rows=selectors.list_rows, trust_estimate=searches(request.GET.get("q", "")))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query["format"] = "xlsx"
    return render(request, "complaints/complaint_list.html", {
        "filterset": filterset, "page": page, "rows": _rows(page), "export_query": export_query.urlencode(),
        "can_add": request.user.has_perm("complaints.add_complaint"), "listing": listing,
        "bulk_people": (bulk.assignable_people(request.user)
                        if request.user.has_role(*permissions.ASSIGN) else None),
        "print_limit": bulk.PRINT_LIMIT,
    })


@login_required
def my_work(request):
    """The old "my work" of complaints: now the queue of every module (issue 16 §2), kept as a redirect."""
    query = request.GET.copy()
    query.pop("format", None)
    query.setlist("module", ["complaints"])
    return redirect(f"{reverse('work:queue')}?{query.urlencode()}")


@login_required
def defect_history(request):
    """The customer's complaint defect history (客诉不良履历表) by customer and/or part."""
    _require(request.user, "view")
    form = HistoryForm(request.GET or None, user=request.user)
    qs = Complaint.objects.none()
    if form.is_valid():
        qs = selectors.defect_history(request.user, customer=form.cleaned_data.get("customer"),
                                      part=form.cleaned_data.get("part"))
        if request.GET.get("format") == "xlsx":
            return _xlsx_response(*exports.complaints_xlsx(qs.iterator(chunk_size=2000), exports.HISTORY_COLUMNS,
                                                            _("Complaint defect history"), "defect-history"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query["format"] = "xlsx"
    return render(request, "complaints/defect_history.html", {
        "form": form, "page": page, "export_query": export_query.urlencode(),
        "summary": selectors.defect_history_summary(qs) if form.is_valid() else None,
    })


@login_required
def complaint_create(request):
    _require(request.user, "add")
    form = ComplaintForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(actor=request.user, company=request.user.company,
                                                  data=form.service_data(), files=form.cleaned_data["files"])
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
    part = asked_part(request)
    if part:
        return _detail_part(request, complaint, part)
    later = parts_later(request)
    offered, refused = TABLE.offer(complaint, request.user)
    bound = refused_forms(request)  # the form of a step or record just refused, as it was filled (issue 17 §2)
    actions = table_actions(offered, lambda row: reverse("complaints:transition", args=[complaint.pk, row.action]),
                            form=lambda row: TransitionForm(row=row, user=request.user), version=complaint.version,
                            form_id="action-{name}", bound=bound)
    # 004 §5.2(3): a later delivery's verification is a record, not a table row; the panel offers its form when
    # the complaint waits for it, and the recurrence it may cause is never a step of its own.
    offered = [row for row in offered if row.action not in RECORD_ONLY]
    refused = [(row, why) for row, why in refused if row.action not in RECORD_ONLY]
    actions = [a for a in actions if a.name not in RECORD_ONLY]
    if "delivery_verification" in {kind for kind, _r in available_records(complaint, request.user, has_lines=True)}:
        actions.append(PanelAction(
            "verify_delivery", RECORDS["delivery_verification"].label,
            reverse("complaints:record", args=[complaint.pk, "delivery_verification"]),
            form=record_form("delivery_verification", complaint=complaint, user=request.user),
            form_id="panel-record-delivery_verification"))
    remedies = list(complaint.remedies.select_related("proposed_by", "approved_by").order_by("round"))
    dispositions = list(complaint.dispositions.select_related("regional_manager_approved_by").order_by("id"))
    # The record forms sit under closed headings: fetched when one is opened, unless just refused (kept as typed).
    records = [
        (kind, record, bound.get(f"record-{kind}")
         or (None if later else record_form(kind, complaint=complaint, user=request.user)))
        for kind, record in available_records(complaint, request.user, has_lines=bool(dispositions))
    ]
    return part_response(render(request, "complaints/complaint_detail.html", {
        "complaint": complaint,
        "feedback": _shown(complaint, FEEDBACK_FIELDS, request.user),
        "assessment": _shown(complaint, ASSESSMENT_FIELDS),
        "deadlines": selectors.complaint_deadlines(complaint),
        "timeline": selectors.timeline_for(complaint),
        "remedies": remedies,
        "dispositions": dispositions,
        "verifications": list(selectors.delivery_verifications(complaint)),
        "verification_needed": selectors.verification_needed(complaint),
        "verified_deliveries": selectors.verified_delivery_count(complaint),
        "next_step": next_step(complaint, request.user, actions, refused=refused, fulfils=FULFILS,
                               approval=lambda first: _approval(complaint, remedies, first)),
        "records": records,
        "attachments": complaint.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"),
        "later": later,
        "open_record": request.GET.get("part", "").removeprefix("record-"),
        **({} if later else _related(complaint, request.user)),
        "can_change": request.user.has_perm("complaints.change_complaint") and complaint.is_open,
    }))


def _related(complaint: Complaint, user) -> dict:
    """What the page shows below the complaint's own records: other modules' panels and the change history."""
    return {"panels": panels_for(complaint, user), "audit_entries": audit_entries_for(complaint, user=user)}


def _detail_part(request, complaint: Complaint, part: str):
    """One part of the detail page fetched when shown (kesu.core.panels.parts_later): the panels and change
    history, or the form of one record the user may add now."""
    if part == "related":
        return part_response(render(request, "complaints/_detail_related.html", {
            "complaint": complaint, **_related(complaint, request.user)}))
    kind = part.removeprefix("record-")
    offered = dict(available_records(complaint, request.user, has_lines=complaint.dispositions.exists()))
    if not part.startswith("record-") or kind not in offered:
        raise Http404
    return part_response(render(request, "complaints/_record_form.html", {
        "complaint": complaint, "kind": kind, "record": offered[kind],
        "form": record_form(kind, complaint=complaint, user=request.user)}))


@login_required
@require_POST
def complaint_transition(request, pk: int, action: str):
    """One workflow step from the detail page; a refused step changes nothing and comes back on the page as it was
    filled, every refused field named (issue 17 §2)."""
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    row = TRANSITIONS.get((complaint.status, action))

    def run(*, actor, name, expected_version, **inputs):
        services.complaint_transition(actor=actor, complaint=complaint, action=name, expected_version=expected_version,
                                      **inputs)

    return page_step(
        request, complaint, name=action, run=run, page=complaint_detail, form_id=f"action-{action}",
        form=TransitionForm(request.POST, row=row, user=request.user) if row is not None else None,
        done=lambda: _("Done: %(action)s. The complaint is now “%(status)s”.") % {
            "action": row.label if row else action, "status": complaint.get_status_display()},
        back=reverse("complaints:detail", args=[complaint.pk]))


@login_required
@require_POST
def complaint_record(request, pk: int, kind: str):
    """Add a communication, note, files, assignment, meeting or disposition record from the detail page."""
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    record = RECORDS.get(kind)
    if record is None:
        raise Http404
    try:
        record_submit(kind, user=request.user, complaint=complaint, data=request.POST, files=request.FILES)
    except ValidationError as error:
        # Given back as typed, with every refused field named (issue 17 §2); files must be chosen again.
        form = record_form(kind, complaint=complaint, user=request.user, data=request.POST, files=request.FILES)
        return show_refused(request, complaint_detail, pk, form_id=f"record-{kind}", form=form,
                            error=None if not form.is_valid() else error)
    else:
        messages.success(request, record.done)
    return redirect(reverse("complaints:detail", args=[complaint.pk]) + f"#record-{kind}")


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """Serve an attachment after checking its content hash; images and PDFs open in the browser."""
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    attachment = get_object_or_404(complaint.attachments, pk=attachment_pk)
    try:
        handle = services.attachment_open(attachment)
    except AttachmentDamaged:
        messages.error(request, _("The stored file “%(name)s” does not match its recorded content hash; "
                                  "it is not served. Tell your administrator.") % {"name": attachment.name})
        return redirect("complaints:detail", complaint.pk)
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox"
    return response


@login_required
def attachment_thumbnail(request, pk: int, attachment_pk: int):
    """The small JPEG made on upload (issue 17 §8); same access as the file itself, 404 when there is none."""
    _require(request.user, "view")
    complaint = selectors.complaint_get_for_user(request.user, pk)
    attachment = get_object_or_404(complaint.attachments, pk=attachment_pk)
    return thumbnail_response(attachment)


@login_required
def complaint_printout(request, pk: int, kind: str):
    _require(request.user, "view")
    return printouts.printout_response(selectors.complaint_get_for_user(request.user, pk), kind)


@login_required
def defect_types(request):
    """The defect types of the chosen category as <option>s: the assessment and intake forms narrow the second
    choice with htmx when the category changes (issue 18 §11)."""
    from .models import ComplaintCategory

    category = None
    raw = request.GET.get("category") or next(
        (v for k, v in request.GET.items() if k.endswith("category")), "")
    if str(raw).isdigit():
        category = ComplaintCategory.objects.filter(
            pk=int(raw), company_id__in=request.user.visible_company_ids()).first()
    return render(request, "complaints/_defect_type_options.html",
                  {"types": services.defect_types_for(category)})
