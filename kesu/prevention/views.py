"""Pages of the prevention module: thin views over the services and selectors."""

from __future__ import annotations

from functools import partial

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.core.filters_base import ScopedFilterSet, apply_filters
from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.panels import next_step, page_step, panels_for, refused_forms, show_refused, table_actions

from . import exports, selectors, services
from .choices import CLASS_GUIDANCE, OPEN_STATUSES, GroupKind, SignalClass, SignalSource, SignalStatus
from .forms import (
    ActionDoneForm,
    ActionForm,
    AssessmentForm,
    DutiesForm,
    MeetingForm,
    MemberForm,
    RepeatSettingsForm,
    SignalForm,
    TransitionForm,
)
from .models import GroupMember, PreventionGroup, PreventiveAction, WarningSignal
from .workflow import ASSESSMENT_TABLE, SIGNAL_TABLE

SIGNAL_LIST = ListSpec(
    sorts=(
        Sort("number", ("number",), indexed=True),
        Sort("raised", ("raised_at",), indexed=True),
        Sort("class", ("warning_class",)),
        Sort("customer", ("customer__code",)),
        Sort("status", ("status",)),
    ),
    default_order=("-raised_at", "-id"),
    defaults={"open": "true"},
    default_labels={"open": gettext_lazy("Open only")},
)


class SignalFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=gettext_lazy("number or text"))
    warning_class = django_filters.ChoiceFilter(choices=SignalClass.choices, label=gettext_lazy("class"))
    status = django_filters.ChoiceFilter(choices=SignalStatus.choices, label=gettext_lazy("status"))
    source = django_filters.ChoiceFilter(choices=SignalSource.choices, label=gettext_lazy("source"))
    open = django_filters.BooleanFilter(method="filter_open", label=gettext_lazy("open"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=gettext_lazy("customer code"))

    class Meta:
        model = WarningSignal
        fields = ["q", "warning_class", "status", "source", "open", "customer_code"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(observed__icontains=value)) if value else queryset

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)


def signals_filtered(user, params):
    return apply_filters(SignalFilter, selectors.signals_for(user), user, params, "-raised_at", "-id")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"prevention.{perm}"):
        raise PermissionDenied


def _version(request) -> int | None:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


def _xlsx(result):
    handle, name = result
    return FileResponse(handle, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _message_errors(request, error: ValidationError) -> None:
    for errors in error.message_dict.values():
        for message in errors:
            messages.error(request, message)


@login_required
def index(request):
    """The early-warning signals: list with filters, Excel export."""
    _require(request.user, "view_warningsignal")
    listing = Listing(request, SIGNAL_LIST)
    qs, filterset = signals_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.SIGNAL_COLUMNS,
                               _("Early-warning signals"), "signals"))
    page, listing = paginate(request, qs, SIGNAL_LIST, listing=listing, filterset=filterset)
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(request, "prevention/index.html", {
        "filterset": filterset, "page": page, "listing": listing, "export_query": query.urlencode(),
        "can_add": request.user.has_perm("prevention.add_warningsignal")})


@login_required
def board(request):
    _require(request.user, "view_warningsignal")
    return render(request, "prevention/board.html", selectors.board(request.user))


@login_required
def create(request):
    _require(request.user, "add_warningsignal")
    form = SignalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        company = data["customer"].company
        try:
            signal = services.signal_create(actor=request.user, company=company, data=data)
        except ValidationError as error:
            _form_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("Your role may not do this."))
        else:
            messages.success(request, _("Signal %(number)s recorded.") % {"number": signal.number})
            return redirect("prevention:detail", signal.pk)
    return render(request, "prevention/signal_form.html", {"form": form, "guidance": [
        (cls.label, CLASS_GUIDANCE[cls]) for cls in SignalClass]})


SIGNAL_FULFILS = {"decide": ("close_resolved", "close_no_risk", "to_complaint"),
                  "close_resolved": ("close_resolved", "close_no_risk", "to_complaint")}


@login_required
def detail(request, pk: int):
    _require(request.user, "view_warningsignal")
    signal = selectors.signal_get_for_user(request.user, pk)
    user = request.user
    offered, refused = SIGNAL_TABLE.offer(signal, user)
    actions = table_actions(offered, lambda row: reverse("prevention:transition", args=[signal.pk, row.name]),
                            version=signal.version, form=lambda row: TransitionForm(row=row, prefix=row.name),
                            bound=refused_forms(request))
    open_ = signal.status in (SignalStatus.DIAGNOSING, SignalStatus.PREVENTING)
    return render(request, "prevention/detail.html", {
        "signal": signal, "next_step": next_step(signal, user, actions, refused=refused, fulfils=SIGNAL_FULFILS),
        "actions": _with_done_forms(signal.actions.select_related("owner"), refused_forms(request)),
        "action_form": (refused_forms(request).get("action-form")
                        or ActionForm(user=user, company_id=signal.company_id)) if open_ and user.has_perm(
            "prevention.add_preventiveaction") else None,
        "changes": signal.changes.select_related("actor"),
        "meetings": signal.meetings.prefetch_related("attendees"), "guidance": CLASS_GUIDANCE[signal.warning_class],
        "panels": panels_for(signal, user),  # e.g. the visit whose finding raised it (kesu.service)
    })


def _with_done_forms(actions, refused: dict) -> list:
    """The signal's actions, each with the form recording it done: the refused one as it was posted."""
    blank = ActionDoneForm()
    rows = list(actions)
    for row in rows:
        row.done_form = refused.get(f"action-done-{row.pk}", blank)
    return rows


def _refusing(service):
    """The service, with a role's refusal said on the step's form like any other refusal (issue 17 §2)."""
    def run(**kwargs):
        try:
            return service(**kwargs)
        except PermissionDenied as denied:
            raise ValidationError(str(denied) or _("Your role may not do this.")) from denied
    return run


def _step(request, record, table, name: str, run, back: str, page, done=None):
    """One workflow step from a page through the one page path (kesu.core.panels.page_step): a refused step comes
    back on ``page`` as it was filled (422), with the same refusal as the API."""
    row = table.get(record.status, name)
    form = TransitionForm(request.POST, row=row, prefix=name) if row is not None else None
    return page_step(request, record, name=name, form=form, run=_refusing(run), page=page,
                     form_id=f"transition-{name}", back=reverse(back, args=[record.pk]),
                     done=done or (lambda: _("Done: %(step)s. Now “%(status)s”.") % {
                         "step": row.label if row else name,
                         "status": type(record).objects.get(pk=record.pk).get_status_display()}))


@login_required
@require_POST
def transition(request, pk: int, name: str):
    _require(request.user, "change_warningsignal")
    signal = selectors.signal_get_for_user(request.user, pk)
    row = SIGNAL_TABLE.get(signal.status, name)

    def done():
        fresh = WarningSignal.objects.select_related("complaint").get(pk=signal.pk)
        if fresh.complaint_id and name == "to_complaint":
            messages.info(request, _("Complaint %(number)s created from the signal.") % {
                "number": fresh.complaint.number})
        return _("Done: %(step)s. The signal is now “%(status)s”.") % {
            "step": row.label if row else name, "status": fresh.get_status_display()}

    return _step(request, signal, SIGNAL_TABLE, name, partial(services.signal_transition, signal=signal),
                 "prevention:detail", detail, done=done)


@login_required
@require_POST
def action_add(request, pk: int):
    _require(request.user, "add_preventiveaction")
    signal = selectors.signal_get_for_user(request.user, pk)
    form = ActionForm(request.POST, user=request.user, company_id=signal.company_id)
    # Issue 17 §2: a refused action comes back on the signal's page as it was typed, the refusal on the form.
    if not form.is_valid():
        return show_refused(request, detail, signal.pk, form_id="action-form", form=form)
    try:
        services.action_add(actor=request.user, signal=signal, **form.cleaned_data)
    except ValidationError as error:
        return show_refused(request, detail, signal.pk, form_id="action-form", form=form, error=error)
    except PermissionDenied as denied:
        messages.error(request, str(denied) or _("Your role may not do this."))
    else:
        messages.success(request, _("Action recorded."))
    return redirect("prevention:detail", signal.pk)


@login_required
@require_POST
def action_done(request, pk: int, action: int):
    signal = selectors.signal_get_for_user(request.user, pk)
    row = get_object_or_404(PreventiveAction, pk=action, signal=signal)
    form = ActionDoneForm(request.POST)
    # A refused result comes back on the action's row as it was typed, why under it (issue 17 §2).
    refused = partial(show_refused, request, detail, signal.pk, form_id=f"action-done-{row.pk}", form=form)
    if not form.is_valid():
        return refused()
    try:
        services.action_done(actor=request.user, action=row, result=form.cleaned_data["result"])
    except ValidationError as error:
        return refused(error=error)
    except PermissionDenied as denied:
        form.add_error(None, str(denied) or _("Your role may not do this."))
        return refused()
    messages.success(request, _("Action done."))
    return redirect("prevention:detail", signal.pk)


# -- groups and meetings -----------------------------------------------------------------------


@login_required
def groups(request):
    _require(request.user, "view_preventiongroup")
    user = request.user
    company = user.company
    if company is None:
        raise PermissionDenied
    services.groups_ensure(company)
    rows = list(PreventionGroup.objects.filter(company=company).prefetch_related("members__user",
                                                                                 "meetings__attendees"))
    can_edit = user.has_perm("prevention.change_groupmember")
    posted_group = request.POST.get("group") if request.method == "POST" and request.POST.get("what") == "duties" \
        else None
    for group in rows:
        bound = posted_group == str(group.pk)
        group.duties_form = DutiesForm(request.POST if bound else None, initial={"duties": group.duties},
                                       prefix=f"duties-{group.pk}") if can_edit else None
    member_form = MemberForm(request.POST or None, user=user, company_id=company.pk, prefix="member")
    meeting_form = MeetingForm(request.POST or None, user=user, company_id=company.pk, prefix="meeting")
    if request.method == "POST":
        group = get_object_or_404(PreventionGroup, company=company, pk=request.POST.get("group") or 0)
        try:
            if request.POST.get("what") == "member":
                if not can_edit:
                    raise PermissionDenied
                if member_form.is_valid():
                    services.group_member_set(actor=user, group=group, user=member_form.cleaned_data["user"],
                                              position=member_form.cleaned_data["position"])
                    messages.success(request, _("Saved."))
                    return redirect("prevention:groups")
            elif request.POST.get("what") == "remove":
                if not can_edit:
                    raise PermissionDenied
                member = get_object_or_404(GroupMember, group=group, pk=request.POST.get("member") or 0)
                services.group_member_remove(actor=user, member=member)
                messages.success(request, _("Saved."))
                return redirect("prevention:groups")
            elif request.POST.get("what") == "duties":
                if not can_edit:
                    raise PermissionDenied
                form = next(g.duties_form for g in rows if g.pk == group.pk)
                if form.is_valid():
                    services.group_duties_set(actor=user, group=group, duties=form.cleaned_data["duties"])
                    messages.success(request, _("Saved."))
                    return redirect(reverse("prevention:groups") + f"#group-{group.kind}")
            elif request.POST.get("what") == "meeting" and meeting_form.is_valid():
                services.meeting_record(actor=user, group=group, **meeting_form.cleaned_data)
                messages.success(request, _("Meeting recorded."))
                return redirect("prevention:groups")
        except ValidationError as error:
            what = request.POST.get("what")
            target = {"meeting": meeting_form, "duties": next((g.duties_form for g in rows if g.pk == group.pk),
                                                              None)}.get(what, member_form)
            _form_errors(target, error)
    return render(request, "prevention/groups.html", {
        "groups": rows, "can_edit": can_edit, "member_form": member_form, "meeting_form": meeting_form,
        "kinds": GroupKind})


@login_required
def repeat_rules(request):
    """The company's repeat-complaint rules: both rules on/off and the window in days (ISO 10002 §8.5)."""
    from .repeats import settings_for

    _require(request.user, "view_repeatsettings")
    user = request.user
    company = user.company
    if company is None:
        raise PermissionDenied
    cfg = settings_for(company)
    can_edit = user.has_perm("prevention.change_repeatsettings")
    form = RepeatSettingsForm(request.POST if request.method == "POST" else None, initial={
        "window_days": cfg.window_days, "same_customer": cfg.same_customer, "same_part": cfg.same_part})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.repeat_settings_save(actor=user, company=company, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("prevention:repeat_rules")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "prevention/repeat_rules.html", {"form": form, "can_edit": can_edit},
                  status=422 if form.errors else 200)


# -- assessments ------------------------------------------------------------------------------


@login_required
def assessments(request):
    _require(request.user, "view_assessment")
    user = request.user
    qs = selectors.assessments_for(user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by("-period_start", "salesperson__username").iterator(),
                               exports.ASSESSMENT_COLUMNS, _("After-sales assessments"), "assessments"))
    can_compute = user.has_perm("prevention.add_assessment") and user.company_id
    form = AssessmentForm(request.POST or None, user=user, company_id=user.company_id) if can_compute else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            assessment = services.assessment_compute(actor=user, company=user.company, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("prevention:assessment", assessment.pk)
    from django.core.paginator import Paginator

    page = Paginator(qs.order_by("-period_start", "salesperson__username"), 50).get_page(request.GET.get("page"))
    return render(request, "prevention/assessments.html", {"page": page, "form": form})


@login_required
def assessment(request, pk: int):
    from .assessment_view import drill_down

    _require(request.user, "view_assessment")
    obj = selectors.assessment_get_for_user(request.user, pk)
    user = request.user
    offered, refused = ASSESSMENT_TABLE.offer(obj, user)
    actions = table_actions(offered, lambda row: reverse("prevention:assessment_transition", args=[obj.pk, row.name]),
                            version=obj.version, form=lambda row: TransitionForm(row=row, prefix=row.name),
                            bound=refused_forms(request))
    return render(request, "prevention/assessment.html", {
        "assessment": obj, "sections": drill_down(obj),
        "next_step": next_step(obj, user, actions, refused=refused),
        "can_recompute": obj.status == "draft" and user.has_perm("prevention.change_assessment"),
    })


@login_required
@require_POST
def assessment_recompute(request, pk: int):
    _require(request.user, "change_assessment")
    obj = selectors.assessment_get_for_user(request.user, pk)
    try:
        services.assessment_compute(actor=request.user, company=obj.company, salesperson=obj.salesperson,
                                    period_start=obj.period_start, period_end=obj.period_end)
    except ValidationError as error:
        _message_errors(request, error)
    return redirect("prevention:assessment", obj.pk)


@login_required
@require_POST
def assessment_transition(request, pk: int, name: str):
    _require(request.user, "change_assessment")
    obj = selectors.assessment_get_for_user(request.user, pk)
    return _step(request, obj, ASSESSMENT_TABLE, name, partial(services.assessment_transition, assessment=obj),
                 "prevention:assessment", assessment, done=_("Assessment confirmed."))


@login_required
def assessment_pdf(request, pk: int):
    from .printouts import assessment_pdf as render_pdf

    _require(request.user, "view_assessment")
    obj = selectors.assessment_get_for_user(request.user, pk)
    return FileResponse(render_pdf(obj), content_type="application/pdf",
                        filename=f"assessment-{obj.salesperson.username}-{obj.period_start:%Y%m}.pdf")
