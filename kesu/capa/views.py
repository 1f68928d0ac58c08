"""Corrective-action and nonconforming-report pages (thin views: access → form → one service → render)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.complaints import selectors as complaint_selectors
from kesu.complaints.models import Complaint
from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import error_messages as _messages
from kesu.core.pages import export_query as _export_query
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import (
    PanelAction,
    add_refusal,
    next_step,
    page_step,
    refused_forms,
    show_refused,
    table_actions,
)
from kesu.core.selectors import audit_entries_for

from . import exports, printouts, selectors, services
from .choices import ActionFormat, ItemKind, SourceKind
from .filters import actions_filtered, ncrs_filtered
from .forms import (
    ActionRaiseForm,
    LinkForm,
    NcrAnswerForm,
    NcrCancelForm,
    NcrIssueForm,
    NcrVerifyForm,
    StepForm,
    TransitionForm,
    row_formset_class,
    row_values,
    section_form_class,
)
from .sections import SECTIONS, sections_for
from .workflow import NCR_TABLE, TABLE, TRANSITIONS

# The action list's sortable columns (issue 17 §7, kesu.core.listing): number ((company, number) unique), status
# ((company, status)) and raised ((company, raised_at)) are index-served, the others sort below its threshold.
ACTION_LIST = ListSpec(
    sorts=(
        Sort("number", ("number",), indexed=True),
        Sort("title", ("title",)),
        Sort("format", ("format",)),
        Sort("status", ("status",), indexed=True),
        Sort("customer", ("customer__code",)),
        Sort("department", ("responsible_department__name",)),
        Sort("owner", ("owner__username",)),
        Sort("raised", ("raised_at",), indexed=True),
    ),
    default_order=("-raised_at", "-id"),
)
PAGE_SIZE = 50


def _require(user, perm: str) -> None:
    if not user.has_perm(f"capa.{perm}"):
        raise PermissionDenied


@login_required
def action_list(request):
    _require(request.user, "view_correctiveaction")
    listing = Listing(request, ACTION_LIST)
    qs, filterset = actions_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.ACTION_COLUMNS,
                               _("Corrective actions"), "actions"))
    page, listing = paginate(request, qs, ACTION_LIST, listing=listing, filterset=filterset)
    return render(request, "capa/action_list.html", {
        "filterset": filterset, "page": page, "export_query": _export_query(request), "listing": listing,
        "can_add": request.user.has_perm("capa.add_correctiveaction"),
        "mine": selectors.my_actions(request.user)[:20] if request.GET.get("mine") == "1" else None,
    })


@login_required
def action_create(request):
    _require(request.user, "add_correctiveaction")
    initial = {}
    complaint_pk = request.GET.get("complaint", "")
    if complaint_pk.isdigit():
        complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=int(complaint_pk))
        initial = {"complaint": complaint.number, "title": f"{complaint.number} {complaint.defect_nature}".strip(),
                   "problem": complaint.description, "customer": complaint.customer.code,
                   "part_numbers": complaint.part.part_no if complaint.part_id else "",
                   "category": complaint.category_id, "responsible_department": complaint.responsible_department_id}
    form = ActionRaiseForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, parts = form.service_data(), form.cleaned_data["part_numbers"]
        complaint = form.cleaned_data.get("complaint")
        try:
            if complaint is not None:
                action = services.action_raise(
                    actor=request.user, company=complaint.company, parts=parts or ([complaint.part] if
                                                                                   complaint.part_id else []),
                    data={"title": f"{complaint.number} {complaint.defect_nature}".strip()[:200],
                          "problem": complaint.description, "customer": complaint.customer,
                          "category": complaint.category, **data},
                    sources=[(SourceKind.COMPLAINT, complaint)])
            else:
                action = services.action_raise(actor=request.user, company=request.user.company, data=data,
                                               parts=parts)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Action %(number)s raised.") % {"number": action.number})
            return redirect("capa:detail", action.pk)
    return render(request, "capa/action_form.html", {"form": form})


def _rows_of(spec, action) -> list:
    """A section's rows of ``action`` in the order written, from what ``selectors.action_get_for_user`` read of
    each kind (one query a kind for the whole page, not one a section for its form and another to read it)."""
    accessor = spec.model._meta.get_field("action").remote_field.get_accessor_name()
    rows = (row for row in getattr(action, accessor).all()
            if all(getattr(row, name) == value for name, value in spec.fixed.items()))
    return sorted(rows, key=lambda row: row.pk)


def _row_initial(spec, action) -> list[dict]:
    rows = []
    for obj in _rows_of(spec, action):
        row = {}
        for name in spec.fields:
            field = spec.model._meta.get_field(name)
            row[name] = getattr(obj, field.attname)
        if spec.update_only:
            row["id"] = obj.pk
            row["text"] = obj.text
        rows.append(row)
    return rows


def _section_forms(section, action, user, data=None, choices: dict | None = None):
    form_class = section_form_class(section)
    field_form = form_class(data, instance=action, prefix=section.key) if form_class else None
    formsets = []
    for name, spec in section.rows.items():
        formset_class = row_formset_class(spec.model, spec.fields, 0 if spec.update_only else 2,
                                          with_id=spec.update_only)
        formsets.append((name, formset_class(data, initial=None if data else _row_initial(spec, action),
                                             prefix=f"{section.key}-{name}",
                                             form_kwargs={"user": user, "choices": choices})))
    return field_form, formsets


# The waiting steps of capa/work.py and the transitions that do them (QA approves or sends back, and so on).
ACTION_FULFILS: dict[str, tuple[str, ...]] = {
    "approve_plan": ("approve_plan", "return_plan"),
    "verify": ("verify", "reject_implementation"),
    "close": ("close", "not_effective"),
}


def _plan_approval(action, first) -> tuple[str, list[tuple[object, object]]]:
    """The plan QA approves, beside the approval (issue 16 §5): causes and the chosen actions."""
    if not any(step.name == "approve_plan" for step in first):
        return "", []
    field = action._meta.get_field
    if action.format == ActionFormat.SIMPLE:
        return _("The plan to approve"), [(field(name).verbose_name, getattr(action, name))
                                          for name in ("cause", "corrective_measures")]
    permanent = "\n".join(f"· {item.text}" for item in action.items.all() if item.kind == ItemKind.PERMANENT)
    return _("The plan to approve"), [
        *[(field(name).verbose_name, getattr(action, name)) for name in ("what", "occurrence_cause", "escape_cause")],
        (_("Permanent corrective actions"), permanent),
    ]


def _shown(obj, name: str):
    """One field of ``obj`` as people read it (choices by label, people and departments by name)."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return "、".join(str(item) for item in getattr(obj, name).all())
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    return getattr(obj, name)


def _section_readonly(section, action) -> dict:
    """What a section holds, to read (issue 17 §9): a completed step is shown like this, with an edit button,
    instead of as an open form with blank rows."""
    fields = [(action._meta.get_field(name).verbose_name, _shown(action, name)) for name in section.fields]
    tables = []
    for name, spec in section.rows.items():
        header = ([_("Action")] if spec.update_only else []) + [
            spec.model._meta.get_field(f).verbose_name for f in spec.fields]
        rows = [([obj.text] if spec.update_only else []) + [_shown(obj, f) for f in spec.fields]
                for obj in _rows_of(spec, action)]
        tables.append({"name": name, "header": header, "rows": rows})
    return {"fields": fields, "tables": tables}


@login_required
def action_detail(request, pk: int):
    _require(request.user, "view_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    may_edit = request.user.has_perm("capa.change_correctiveaction")
    done_steps = {step.step for step in action.steps.all() if step.done_at}
    posted = refused_forms(request)
    choices: dict = {}  # the people and departments the row forms offer, read once for the page
    sections = []
    for section in sections_for(action):
        editable = may_edit and action.status in section.statuses
        done = bool(section.step) and section.step in done_steps
        # A completed step, or one this reader cannot change now, is read, not filled in; the form stays
        # one click away (behind "Edit") where it may still be changed. A section just refused shows what was
        # typed, with what to put right, and open.
        again = posted.get(f"section-{section.key}") if editable else None
        field_form, formsets = (again.forms if again else _section_forms(section, action, request.user,
                                                                          choices=choices)
                                ) if editable else (None, [])
        sections.append({"section": section, "form": field_form, "formsets": formsets, "editable": editable,
                         "done": done, "refused": again, "readonly": _section_readonly(section, action)
                         if done or not editable else None})
    offered, refused = TABLE.offer(action, request.user)
    steps = table_actions(offered, lambda row: reverse("capa:transition", args=[action.pk, row.name]),
                          form=lambda row: TransitionForm(row=row, prefix=row.name), version=action.version,
                          bound=refused_forms(request))
    return render(request, "capa/action_detail.html", {
        "action": action, "steps": selectors.steps_with_state(action), "sections": sections,
        "next_step": next_step(action, request.user, steps, refused=refused, fulfils=ACTION_FULFILS,
                               approval=lambda first: _plan_approval(action, first)),
        "effectiveness": selectors.effectiveness(action) if action.verified_at else None,
        "step_form": posted.get("step") or StepForm(user=request.user) if request.user.has_role("qa", "gm")
        else None,
        "link_form": posted.get("link") or LinkForm(user=request.user), "audit_entries": audit_entries_for(action),
        "photos": list(complaint_selectors.photos_of(request.user, [
            link.object_id for link in action.links.all() if link.kind == SourceKind.COMPLAINT])),
    })


@login_required
@require_POST
def action_section(request, pk: int, section: str):
    _require(request.user, "change_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    field_form, formsets = _section_forms(spec, action, request.user, request.POST)
    back = reverse("capa:detail", args=[pk]) + f"#section-{section}"
    valid = (field_form is None or field_form.is_valid()) and all(fs.is_valid() for _n, fs in formsets)
    if not valid:
        return _section_refused(request, action, spec, field_form, formsets, back=back)
    data = {name: field_form.cleaned_data[name] for name in spec.fields} if field_form else {}
    for name, formset in formsets:
        data[name] = row_values(formset, keep_id=spec.rows[name].update_only)
    version = request.POST.get("version", "")
    try:
        services.action_section_save(actor=request.user, action=action, section=section, data=data,
                                     complete=request.POST.get("complete") == "on",
                                     expected_version=int(version) if version.isdigit() else None)
    except ValidationError as error:
        return _section_refused(request, action, spec, field_form, formsets, back=back, error=error)
    messages.success(request, _("Saved: %(section)s.") % {"section": spec.label})
    return redirect(back)


class _RefusedSection:
    """A section's forms as they were posted, and every message of what to put right: the field form's and each
    row's (by row number and column), and a refusal of the service that names no field of the form."""

    def __init__(self, field_form, formsets, error=None) -> None:
        self.forms = (field_form, formsets)
        self.messages: list[str] = []
        if error is not None and field_form is not None:
            add_refusal(field_form, error)
        elif error is not None:
            self.messages += error.messages
        for form in [field_form] if field_form is not None else []:
            self.messages += form.non_field_errors()
            self.messages += [f"{form.fields[name].label}: {' '.join(errors)}"
                              for name, errors in form.errors.items() if name in form.fields]
        for _name, formset in formsets:
            self.messages += formset.non_form_errors()
            for number, row in enumerate(formset.forms, start=1):
                for name, errors in row.errors.items():
                    label = row.fields[name].label if name in row.fields else ""
                    self.messages.append(_("Row %(number)d · %(field)s: %(errors)s") % {
                        "number": number, "field": label, "errors": " ".join(errors)})


def _section_refused(request, action, spec, field_form, formsets, *, back: str, error=None):
    """The page again with the section as it was filled and what to put right (status 422); a section this
    reader can no longer change here (its status moved on) is said in a message on a fresh page instead."""
    if action.status not in spec.statuses:
        _messages(request, error or ValidationError(_("%(section)s cannot be changed while the action is "
                                                      "“%(status)s”.") % {"section": spec.label,
                                                                          "status": action.get_status_display()}))
        return redirect(back)
    return show_refused(request, action_detail, action.pk, form_id=f"section-{spec.key}",
                        form=_RefusedSection(field_form, formsets, error))


@login_required
@require_POST
def action_transition(request, pk: int, name: str):
    _require(request.user, "view_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    row = TRANSITIONS.get((action.status, name))
    return page_step(
        request, action, name=name, run=partial(services.action_transition, action=action), page=action_detail,
        form=TransitionForm(request.POST, row=row, prefix=name) if row is not None else None,
        form_id=f"transition-{name}",
        done=lambda: _("Done: %(step)s. The action is now “%(status)s”.") % {
            "step": row.label if row else name, "status": action.get_status_display()},
        back=reverse("capa:detail", args=[pk]))


@login_required
@require_POST
def action_step(request, pk: int, step: str):
    _require(request.user, "change_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    form = StepForm(request.POST, user=request.user)
    form.chosen_step = step  # the step picked stays picked when the form comes back refused
    if not form.is_valid():
        return show_refused(request, action_detail, pk, form_id="step", form=form)
    try:
        services.action_step_update(actor=request.user, action=action, step=step, **form.cleaned_data)
    except ValidationError as error:
        return show_refused(request, action_detail, pk, form_id="step", form=form, error=error)
    messages.success(request, _("Step changed."))
    return redirect(reverse("capa:detail", args=[pk]) + "#steps")


@login_required
@require_POST
def action_link(request, pk: int):
    _require(request.user, "add_correctiveaction")
    action = selectors.action_get_for_user(request.user, pk)
    form = LinkForm(request.POST, user=request.user)
    if not form.is_valid():
        return show_refused(request, action_detail, pk, form_id="link", form=form)
    try:
        services.action_link(actor=request.user, action=action, kind=SourceKind.COMPLAINT,
                             obj=form.cleaned_data["complaint"])
    except ValidationError as error:
        return show_refused(request, action_detail, pk, form_id="link", form=form, error=error)
    messages.success(request, _("Linked: %(record)s.") % {"record": form.cleaned_data["complaint"].number})
    return redirect("capa:detail", pk)


@login_required
def action_printout(request, pk: int):
    _require(request.user, "view_correctiveaction")
    return printouts.action_pdf(selectors.action_get_for_user(request.user, pk))


# -- nonconforming reports ---------------------------------------------------------------


@login_required
def ncr_list(request):
    _require(request.user, "view_nonconformingreport")
    qs, filterset = ncrs_filtered(request.user, request.GET)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.NCR_COLUMNS,
                               _("Nonconforming product reports"), "ncr"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "capa/ncr_list.html", {
        "filterset": filterset, "page": page, "export_query": _export_query(request), "now": timezone.now(),
        "can_add": request.user.has_perm("capa.add_nonconformingreport")})


@login_required
def ncr_create(request):
    _require(request.user, "add_nonconformingreport")
    initial = {}
    if request.GET.get("complaint", "").isdigit():
        complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=int(request.GET["complaint"]))
        initial = {"complaint": complaint.number, "part": complaint.part.part_no if complaint.part_id else "",
                   "quantity": complaint.quantity_defective, "description": complaint.description,
                   "responsible_department": complaint.responsible_department_id}
    form = NcrIssueForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ncr = services.ncr_issue(actor=request.user, company=request.user.company, data=form.service_data())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Report %(number)s issued.") % {"number": ncr.number})
            return redirect("capa:ncr_detail", ncr.pk)
    return render(request, "capa/ncr_form.html", {"form": form})


def _ncr(request, pk: int):
    return get_object_or_404(selectors.ncrs_visible_to(request.user).select_related(
        "complaint", "action", "part", "responsible_department", "issued_by", "answered_by", "verified_by",
        "company"), pk=pk)


@login_required
def ncr_detail(request, pk: int):
    _require(request.user, "view_nonconformingreport")
    ncr = _ncr(request, pk)
    offered, refused = _ncr_steps(ncr, request.user)
    return render(request, "capa/ncr_detail.html", {
        "ncr": ncr, "audit_entries": audit_entries_for(ncr), "changes": selectors.ncr_changes(ncr),
        "next_step": next_step(ncr, request.user, offered, refused=refused,
                               approval=lambda first: _ncr_approval(ncr, first))})


def _ncr_steps(ncr, user) -> tuple[list[PanelAction], list[tuple[object, object]]]:
    """The report's steps this user may take now, by the dry run of the table its services apply
    (``NCR_TABLE.offer``: roles, the responsible department, nobody verifies their own answer), and those
    refused with why. Verifying effective ("verify") and not effective ("return") share one form."""
    def url(step: str) -> str:
        return reverse("capa:ncr_step", args=[ncr.pk, step])

    forms = {"answer": (NcrAnswerForm, "ncr-answer"), "verify": (NcrVerifyForm, "ncr-verify"),
             "cancel": (NcrCancelForm, "ncr-cancel")}
    rows, refusals = NCR_TABLE.offer(ncr, user)
    offered: list[PanelAction] = []
    refused: list[tuple[object, object]] = []
    for row in rows:
        step = "verify" if row.name == "return" else row.name
        if any(action.name == step for action in offered):
            continue
        form, form_id = forms[step]
        label = NCR_TABLE.label(step)
        offered.append(PanelAction(step, label, url(step), form=form(), form_id=form_id, danger=step == "cancel"))
    for row, why in refusals:
        step = "verify" if row.name == "return" else row.name
        if any(action.name == step for action in offered) or any(r.name == step for r, _why in refused):
            continue
        refused.append((PanelAction(step, NCR_TABLE.label(step), url(step)), why))
    return offered, refused


def _ncr_approval(ncr, first) -> tuple[str, list[tuple[object, object]]]:
    """The answer QA verifies, beside the verification (issue 16 §5)."""
    if not any(step.name == "verify" for step in first):
        return "", []
    return _("The answer to verify"), [(_("Cause"), ncr.cause), (_("Measures"), ncr.measures),
                                       (_("Answered by"), ncr.answered_by)]


@login_required
@require_POST
def ncr_step(request, pk: int, step: str):
    _require(request.user, "change_nonconformingreport")
    ncr = _ncr(request, pk)
    forms_by_step = {"answer": NcrAnswerForm, "verify": NcrVerifyForm}
    try:
        if step == "cancel":
            services.ncr_cancel(actor=request.user, ncr=ncr, note=request.POST.get("note", ""))
        elif step in forms_by_step:
            form = forms_by_step[step](request.POST)
            if not form.is_valid():
                raise ValidationError({form.fields[f].label: e for f, e in form.errors.items()})
            service = services.ncr_answer if step == "answer" else services.ncr_verify
            service(actor=request.user, ncr=ncr, **form.cleaned_data)
        else:
            raise Http404
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("capa:ncr_detail", pk)


@login_required
def ncr_printout(request, pk: int):
    _require(request.user, "view_nonconformingreport")
    ncr = _ncr(request, pk)
    return printouts.pdf_response(printouts.ncr_pdf(ncr), ncr.number)
