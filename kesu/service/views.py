"""Pages of customer service: thin views over the selectors and the services (one write path)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.complaints.models import Complaint
from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import page_step, refused_forms, show_refused
from kesu.core.selectors import audit_entries_for
from kesu.customers.models import Customer

from . import exports, permissions, printouts, selectors, services
from .choices import TOPICS, MarketKind, PlanStatus, VisitKind, VisitPurpose
from .forms import (
    CustomerAuditForm,
    CustomerYieldForm,
    JobForm,
    MarketForm,
    PlanGenerateForm,
    PlanLineForm,
    RulesForm,
    TransitionForm,
    VisitForm,
)

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
    if params.get("negative") in ("1", "0"):
        qs = qs.filter(negative=params.get("negative") == "1")
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
        elif what == "signal":
            record = services.visit_raise_signal(actor=request.user, visit=visit,
                                                 warning_class=request.POST.get("warning_class") or "c")
            messages.success(request, _("Early-warning signal %(number)s raised from the finding.") % {
                "number": record.number})
        elif what == "enquiry":
            record = services.visit_raise_enquiry(actor=request.user, visit=visit)
            messages.success(request, _("Review record %(number)s (informal order) raised from the visit.") % {
                "number": record.number})
        else:
            record = services.visit_raise_action(actor=request.user, visit=visit)
            messages.success(request, _("Corrective action %(number)s raised from the finding.") % {
                "number": record.number})
    except ValidationError as error:
        for errors in error.message_dict.values():
            for text in errors:
                messages.error(request, text)
    return redirect("service:visit_detail", visit.pk)


# -- the yearly service plan ---------------------------------------------------------------------------------------


def _plan_or_404(request, pk: int):
    _require(request.user, "view_serviceplan")
    return selectors.plan_get_for_user(request.user, pk)


@login_required
def plan_list(request):
    _require(request.user, "view_serviceplan")
    plans = selectors.plans_visible_to(request.user)
    next_year = timezone.localdate().year + 1
    return render(request, "service/plan_list.html", {
        "plans": plans, "form": refused_forms(request).get("generate") or PlanGenerateForm(initial={"year": next_year}),
        "can_plan": request.user.has_role(*permissions.PLANNERS),
        "can_rules": request.user.has_role(*permissions.SALES_HEAD)})


@login_required
@require_POST
def plan_generate(request):
    if not request.user.has_role(*permissions.PLANNERS) or not request.user.company_id:
        raise PermissionDenied
    form = PlanGenerateForm(request.POST)
    if not form.is_valid():
        return show_refused(request, plan_list, form_id="generate", form=form)
    try:
        plan = services.plan_generate(actor=request.user, company=request.user.company,
                                      year=form.cleaned_data["year"])
    except ValidationError as error:
        return show_refused(request, plan_list, form_id="generate", form=form, error=error)
    messages.success(request, _("Plan generated from the company's rules: check it, then submit it."))
    return redirect("service:plan_detail", plan.pk)


@login_required
def plan_detail(request, pk: int):
    plan = _plan_or_404(request, pk)
    grid = selectors.plan_grid(plan)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(iter(grid), exports.PLAN_COLUMNS, str(plan.year), f"service-plan-{plan.year}"))
    from .workflow import PLAN_TABLE

    offered, refused = PLAN_TABLE.offer(plan, request.user)
    editable = plan.status == PlanStatus.DRAFT and request.user.has_role(*permissions.PLANNERS)
    return render(request, "service/plan_detail.html", {
        "plan": plan, "grid": grid, "summary": selectors.plan_vs_actual(plan, grid), "months": range(1, 13),
        "steps": _step_forms(request, offered), "refused": refused,
        "line_form": (refused_forms(request).get("line-form") or PlanLineForm(user=request.user)) if editable
        else None, "editable": editable,
        "changes": plan.changes.select_related("actor")})


@login_required
def plan_pdf(request, pk: int):
    plan = _plan_or_404(request, pk)
    grid = selectors.plan_grid(plan)
    return printouts.pdf_response(printouts.plan_pdf(plan, grid, selectors.plan_vs_actual(plan, grid)),
                                  f"service-plan-{plan.year}")


@login_required
@require_POST
def plan_line(request, pk: int):
    plan = _plan_or_404(request, pk)
    form = PlanLineForm(request.POST, user=request.user)
    # Issue 17 §2: a refused line comes back on the plan's page as it was filled, the refusals on the form; a plan
    # that page no longer lets this user edit (not a draft, not sales) says why in a message instead.
    editable = plan.status == PlanStatus.DRAFT and request.user.has_role(*permissions.PLANNERS)
    if editable and not form.is_valid():
        return show_refused(request, plan_detail, plan.pk, form_id="line-form", form=form)
    try:
        if not form.is_valid():
            raise ValidationError({"__all__": _("Only a draft plan can be changed.")})
        services.plan_line_set(actor=request.user, plan=plan, customer=form.cleaned_data["customer"],
                               visits=form.cleaned_data["visits"], surveys=form.cleaned_data["surveys"])
    except ValidationError as error:
        if editable:
            return show_refused(request, plan_detail, plan.pk, form_id="line-form", form=form, error=error)
        for message in error.messages:
            messages.error(request, message)
        return redirect("service:plan_detail", plan.pk)
    except PermissionDenied:
        messages.error(request, _("Your role may not do this."))
        return redirect("service:plan_detail", plan.pk)
    messages.success(request, _("Plan line saved."))
    return redirect("service:plan_detail", plan.pk)


def _step_forms(request, offered) -> list[tuple]:
    """(row, form) of each step the page offers: the refused one as it was filled (issue 17 §2), else empty."""
    bound = refused_forms(request)
    return [(row, bound.get(f"transition-{row.name}") or TransitionForm(row=row)) for row in offered]


def _step(request, record, table, name: str, run, back: str, page):
    """One workflow step from a page through the one page path (kesu.core.panels.page_step): a refused step comes
    back on ``page`` as it was filled (422), with the runner's refusal next to the field it names."""
    row = table.get(record.status, name)
    form = TransitionForm(request.POST, row=row) if row is not None else None
    return page_step(request, record, name=name, form=form, run=run, page=page, form_id=f"transition-{name}",
                     back=reverse(back, args=[record.pk]),
                     done=lambda: _("Done: %(step)s. Now “%(status)s”.") % {
                         "step": row.label if row else name,
                         "status": type(record).objects.get(pk=record.pk).get_status_display()})


@login_required
@require_POST
def plan_step(request, pk: int, name: str):
    from .workflow import PLAN_TABLE

    plan = _plan_or_404(request, pk)

    def run(*, actor, name, expected_version, **inputs):
        return services.plan_transition(actor=actor, plan=plan, name=name, inputs=inputs,
                                        expected_version=expected_version)

    return _step(request, plan, PLAN_TABLE, name, run, "service:plan_detail", plan_detail)


@login_required
def plan_rules(request):
    if not request.user.has_role(*permissions.SALES_HEAD) or not request.user.company_id:
        raise PermissionDenied
    company = request.user.company
    form = RulesForm(request.POST or None, instance=services.rules_for(company))
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(actor=request.user, company=company, data={
                k: form.cleaned_data[k] for k in services.plans.RULE_FIELDS})
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Plan rules saved."))
            return redirect("service:plan_list")
    return render(request, "service/plan_rules.html", {"form": form})


# -- after-sales service jobs --------------------------------------------------------------------------------------

JOB_LIST = ListSpec(
    sorts=(Sort("date", ("done_on",), indexed=True), Sort("customer", ("customer__code",)), Sort("kind", ("kind",)),
           Sort("engineer", ("engineer__username",))),
    default_order=("-done_on", "-id"),
)


@login_required
def job_list(request):
    _require(request.user, "view_servicejob")
    listing = Listing(request, JOB_LIST)
    qs = selectors.jobs_visible_to(request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.JOB_COLUMNS,
                               _("Service jobs"), "service-jobs"))
    page, listing = paginate(request, qs, JOB_LIST, listing=listing)
    today = timezone.localdate()
    start = today.replace(day=1)
    from .figures import job_figures

    company_id = request.user.company_id
    return render(request, "service/job_list.html", {
        "page": page, "listing": listing, "can_add": request.user.has_perm("service.add_servicejob"),
        "figures": job_figures(company_id, start, today) if company_id else None, "since": start})


@login_required
def job_create(request):
    _require(request.user, "add_servicejob")
    initial = {"done_on": timezone.localdate()}
    if request.GET.get("complaint", "").isdigit():
        complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=int(request.GET["complaint"]))
        initial.update(customer=complaint.customer.code, complaint=complaint.number)
    form = JobForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            job = services.job_create(actor=request.user, company=data["customer"].company, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Service job recorded."))
            return redirect("service:job_detail", job.pk)
    return render(request, "service/job_form.html", {"form": form})


@login_required
def job_edit(request, pk: int):
    """Correct a recorded job (the customer stays: a job for another customer is another job)."""
    _require(request.user, "change_servicejob")
    job = selectors.job_get_for_user(request.user, pk)
    form = JobForm(request.POST or None, instance=job, user=request.user,
                   initial={"customer": job.customer.code, "part": job.part.part_no if job.part_id else "",
                            "complaint": job.complaint.number if job.complaint_id else ""})
    form.fields["customer"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("customer", None)
        try:
            services.job_update(actor=request.user, job=selectors.job_get_for_user(request.user, pk), data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Service job saved."))
            return redirect("service:job_detail", job.pk)
    return render(request, "service/job_form.html", {"form": form, "job": job},
                  status=422 if request.method == "POST" else 200)


@login_required
def job_detail(request, pk: int):
    _require(request.user, "view_servicejob")
    job = selectors.job_get_for_user(request.user, pk)
    return render(request, "service/job_detail.html", {
        "job": job, "audit_entries": audit_entries_for(job, user=request.user),
        "can_edit": request.user.has_perm("service.change_servicejob") and request.user.has_role(
            *permissions.JOB_WRITERS)})


# -- product quality reports to the GM -------------------------------------------------------------------------------


@login_required
def quality_list(request):
    _require(request.user, "view_qualityreport")
    return render(request, "service/quality_list.html", {
        "reports": selectors.quality_reports_visible_to(request.user)[:200]})


@login_required
def quality_detail(request, pk: int):
    _require(request.user, "view_qualityreport")
    report = selectors.quality_report_get_for_user(request.user, pk)
    from .workflow import QUALITY_TABLE

    offered, _refused = QUALITY_TABLE.offer(report, request.user)
    return render(request, "service/quality_detail.html", {
        "report": report, "f": report.figures, "steps": _step_forms(request, offered),
        "can_raise": request.user.has_role(*permissions.GM) and not report.action_id and report.cause_analysis,
        "changes": report.changes.select_related("actor")})


@login_required
@require_POST
def quality_step(request, pk: int, name: str):
    from .workflow import QUALITY_TABLE

    _require(request.user, "view_qualityreport")
    report = selectors.quality_report_get_for_user(request.user, pk)

    def run(*, actor, name, expected_version, **inputs):
        return services.quality_report_transition(actor=actor, report=report, name=name, inputs=inputs,
                                                  expected_version=expected_version)

    return _step(request, report, QUALITY_TABLE, name, run, "service:quality_detail", quality_detail)


@login_required
@require_POST
def quality_raise_action(request, pk: int):
    _require(request.user, "view_qualityreport")
    report = selectors.quality_report_get_for_user(request.user, pk)
    try:
        action = services.quality_report_raise_action(actor=request.user, report=report)
    except ValidationError as error:
        for errors in error.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _("Corrective action %(number)s raised.") % {"number": action.number})
    return redirect("service:quality_detail", report.pk)


@login_required
def quality_pdf(request, pk: int):
    _require(request.user, "view_qualityreport")
    report = selectors.quality_report_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.quality_report_pdf(report), f"quality-report-{report.period_start}")


# -- customer and market information -------------------------------------------------------------------------------


@login_required
def market_list(request):
    _require(request.user, "view_marketentry")
    qs = selectors.market_visible_to(request.user)
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind", "")
    if q:
        qs = selectors.market_search(qs, q)
    if kind in MarketKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.MARKET_COLUMNS, _("Market information"),
                               "market-information"))
    query = request.GET.copy()
    query["format"] = "xlsx"
    today = timezone.localdate()
    month = request.GET.get("month", "")
    year, mon = (int(month[:4]), int(month[5:7])) if len(month) == 7 and month[:4].isdigit() and month[5:].isdigit() \
        and 1 <= int(month[5:]) <= 12 else (today.year, today.month)
    return render(request, "service/market_list.html", {
        "entries": qs[:200], "q": q, "kind": kind, "kinds": MarketKind.choices, "export_query": query.urlencode(),
        "can_change": request.user.has_perm("service.change_marketentry"),
        "summary": selectors.market_month_summary(selectors.market_visible_to(request.user), year, mon),
        "can_add": request.user.has_perm("service.add_marketentry")})


@login_required
def market_create(request):
    _require(request.user, "add_marketentry")
    form = MarketForm(request.POST or None, initial={"reported_on": timezone.localdate()}, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            services.market_entry_create(actor=request.user, company=request.user.company, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Information recorded."))
            return redirect("service:market_list")
    return render(request, "service/market_form.html", {"form": form})


@login_required
def market_edit(request, pk: int):
    _require(request.user, "change_marketentry")
    entry = get_object_or_404(selectors.market_visible_to(request.user), pk=pk)
    form = MarketForm(request.POST or None, instance=entry, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k == "customer"}
        try:
            services.market_entry_update(actor=request.user, entry=entry, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Information saved."))
            return redirect("service:market_list")
    return render(request, "service/market_form.html", {"form": form, "entry": entry})


# -- the after-sales feedback report (issue 21 §4) -------------------------------------------------------------------


def _period(request):
    """``?from=…&to=…`` (ISO dates); missing or unreadable: this year so far. A period longer than five years or
    upside down is cut to one year, so a typo cannot ask for a century of visits."""
    import datetime

    from django.utils.dateparse import parse_date

    today = timezone.localdate()

    def read(name, default):
        try:
            return parse_date(request.GET.get(name, "")) or default
        except ValueError:
            return default

    date_from, date_to = read("from", today.replace(month=1, day=1)), read("to", today)
    if date_to < date_from or (date_to - date_from).days > 5 * 366:
        date_from = date_to - datetime.timedelta(days=365)
    return date_from, date_to


@login_required
def aftersales_report(request):
    from . import aftersales

    _require(request.user, "view_visit")
    date_from, date_to = _period(request)
    summary = aftersales.aftersales_summary(request.user, date_from, date_to)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return _xlsx(rows_xlsx(aftersales.export_rows(summary), aftersales.export_columns(),
                               _("After-sales feedback"), "after-sales-feedback"))
    if fmt == "pdf":
        return printouts.pdf_response(aftersales.aftersales_pdf(summary, request.user.company),
                                      f"after-sales-feedback-{date_from}-{date_to}")
    query = f"from={date_from:%Y-%m-%d}&to={date_to:%Y-%m-%d}"
    return render(request, "service/aftersales_report.html", {"s": summary, "query": query,
                                                              "shown": aftersales.SHOWN})


# -- the customer's processing yield and audits (issue 21 §6) -------------------------------------------------------


def _customer_record_page(request, form_class, perm: str, service, template: str, message):
    _require(request.user, perm)
    initial = {}
    if request.GET.get("customer", "").isdigit():
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=int(request.GET["customer"]))
        initial["customer"] = customer.code
    form = form_class(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k in ("part", "score", "passed")}
        try:
            row = service(actor=request.user, company=data["customer"].company, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("Your role may not do this."))
        else:
            messages.success(request, message)
            return redirect("customers:customer_detail", row.customer_id)
    return render(request, template, {"form": form}, status=422 if form.errors else 200)


@login_required
def yield_create(request):
    return _customer_record_page(request, CustomerYieldForm, "add_customeryield", services.customer_yield_record,
                                 "service/yield_form.html", _("Processing yield recorded."))


@login_required
def audit_create(request):
    return _customer_record_page(request, CustomerAuditForm, "add_customeraudit", services.customer_audit_record,
                                 "service/audit_form.html", _("Customer audit recorded."))
