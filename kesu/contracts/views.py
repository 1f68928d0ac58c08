"""Contract review pages (thin views: access → form → one service → render)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import export_query as _export_query
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import next_step, page_step, refused_forms, table_actions
from kesu.customers.models import Customer

from . import exports, selectors, services
from .choices import ReviewStatus
from .filters import reviews_filtered
from .forms import NoticeForm, PlanForm, ReviewForm, RulesForm, TransitionForm
from .rules import rules_for
from .workflow import CHANGE_TABLE, PLAN_TABLE, REVIEW_TABLE

REVIEW_LIST = ListSpec(
    sorts=(
        Sort("number", ("number",), indexed=True),
        Sort("received", ("received_on",), indexed=True),
        Sort("customer", ("customer__code",)),
        Sort("type", ("review_type",)),
        Sort("title", ("title",)),
        Sort("status", ("status",)),
        Sort("amount", ("amount_base",)),
        Sort("delivery", ("delivery_date",)),
    ),
    default_order=("-received_on", "-id"),
    defaults={"open": "true"},
    default_labels={"open": gettext_lazy("Open only")},
)
LEDGER_LIST = ListSpec(
    sorts=REVIEW_LIST.sorts, default_order=("-received_on", "-id"), defaults={}, default_labels={})
# The waiting steps of work.py and the transitions that do them.
FULFILS: dict[str, tuple[str, ...]] = {
    **{f"sign_off_{d}": ("sign_off",) for d in ("engineering", "purchasing", "production", "qa", "finance", "sales")},
    "conclude": ("accept", "accept_with_changes", "agree_change", "refer_to_gm", "decline"),
    "decide": ("gm_accept", "gm_decline"),
    "approve_branch": ("approve", "return"),
    "approve": ("approve", "return"),
}
NOTICE_FULFILS: dict[str, tuple[str, ...]] = {
    "submit_change": ("submit",),
    **{f"review_change_{d}": ("sign_off",) for d in ("engineering", "purchasing", "production", "qa", "finance",
                                                      "sales")},
    **{f"confirm_{d}": ("confirm",) for d in ("engineering", "purchasing", "production", "qa", "finance", "sales")},
}


def _require(user, perm: str) -> None:
    if not user.has_perm(f"contracts.{perm}"):
        raise PermissionDenied


def _version(request) -> int | None:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


@login_required
def index(request):
    """The review list (the module's main page)."""
    _require(request.user, "view_contractreview")
    listing = Listing(request, REVIEW_LIST)
    qs, filterset = reviews_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.REVIEW_COLUMNS,
                               _("Contract reviews"), "contract-reviews"))
    page, listing = paginate(request, qs, REVIEW_LIST, listing=listing, filterset=filterset)
    return render(request, "contracts/index.html", {
        "filterset": filterset, "page": page, "listing": listing, "export_query": _export_query(request),
        "can_add": request.user.has_perm("contracts.add_contractreview")})


@login_required
def ledger(request):
    """The contract ledger (合同台账) of the companies the user sees."""
    _require(request.user, "view_contractreview")
    listing = Listing(request, LEDGER_LIST)
    qs, filterset = reviews_filtered(request.user, listing.params)
    qs = selectors.ledger(qs)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.LEDGER_COLUMNS,
                               _("Contract ledger"), "contract-ledger"))
    page, listing = paginate(request, qs, LEDGER_LIST, listing=listing, filterset=filterset)
    return render(request, "contracts/ledger.html", {
        "filterset": filterset, "page": page, "listing": listing, "export_query": _export_query(request)})


def _save_form(request, form, run):
    try:
        return run(form.service_data())
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


@login_required
def create(request):
    _require(request.user, "add_contractreview")
    form = ReviewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        company = data["customer"].company if isinstance(data.get("customer"), Customer) else request.user.company
        review = _save_form(request, form, lambda d: services.review_create(actor=request.user, company=company,
                                                                           data=d))
        if review is not None:
            messages.success(request, _("Review %(number)s recorded.") % {"number": review.number})
            return redirect("contracts:detail", review.pk)
    return render(request, "contracts/review_form.html", {"form": form})


@login_required
def edit(request, pk: int):
    _require(request.user, "change_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    form = ReviewForm(request.POST or None, instance=review, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form, lambda d: services.review_update(
            actor=request.user, review=review, data=d, expected_version=_version(request)))
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("contracts:detail", review.pk)
    return render(request, "contracts/review_form.html", {"form": form, "review": review})


@login_required
def detail(request, pk: int):
    _require(request.user, "view_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    user = request.user
    offered, refused = REVIEW_TABLE.offer(review, user)
    actions = table_actions(offered, lambda row: reverse("contracts:transition", args=[review.pk, row.name]),
                            version=review.version, form=lambda row: TransitionForm(row=row, prefix=row.name),
                            bound=refused_forms(request))
    return render(request, "contracts/review_detail.html", {
        "review": review, **selectors.review_rows(review),
        "next_step": next_step(review, user, actions, refused=refused, fulfils=FULFILS),
        "can_edit": review.status == ReviewStatus.DRAFT and user.has_perm("contracts.change_contractreview"),
        "can_change": review.status == ReviewStatus.ACCEPTED and user.has_perm("contracts.add_changenotice"),
    })


def _step(request, record, table, name: str, run, back: str, page):
    """One workflow step from a page, through the one page path (kesu.core.panels.page_step): a refused step comes
    back on ``page`` as it was filled, with the same refusal as the API."""
    row = table.get(record.status, name)
    form = (TransitionForm(request.POST, row=row, prefix=name, company_id=record.company_id)
            if row is not None else None)
    return page_step(request, record, name=name, form=form, run=run, page=page, form_id=f"transition-{name}",
                     done=lambda: _("Done: %(step)s. Now “%(status)s”.") % {
                         "step": row.label if row else name,
                         "status": type(record).objects.get(pk=record.pk).get_status_display()},
                     back=reverse(back, args=[record.pk]))


@login_required
@require_POST
def transition(request, pk: int, name: str):
    _require(request.user, "view_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    return _step(request, review, REVIEW_TABLE, name, partial(services.review_transition, review=review),
                 "contracts:detail", detail)


@login_required
def notice_create(request, pk: int):
    _require(request.user, "add_changenotice")
    review = selectors.review_get_for_user(request.user, pk)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_create(
                actor=request.user, review=review, description=form.cleaned_data["description"],
                new_values=form.new_values(), affected=form.cleaned_data["affected"],
                concerned=form.cleaned_data["concerned"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Change notice %(number)s drafted.") % {"number": notice.number})
            return redirect("contracts:notice", notice.pk)
    return render(request, "contracts/notice_form.html", {"form": form, "review": review})


@login_required
def notice_detail(request, pk: int):
    _require(request.user, "view_changenotice")
    notice = selectors.notice_get_for_user(request.user, pk)
    offered, refused = CHANGE_TABLE.offer(notice, request.user)
    offered = [row for row in offered if row.name != "close"]  # the system closes it
    actions = table_actions(offered, lambda row: reverse("contracts:notice_transition", args=[notice.pk, row.name]),
                            version=notice.version, form=lambda row: TransitionForm(row=row, prefix=row.name),
                            bound=refused_forms(request))
    return render(request, "contracts/notice_detail.html", {
        "notice": notice, "review": notice.review,
        "signoffs": list(notice.signoffs.select_related("answered_by")),
        "receipts": list(notice.receipts.select_related("confirmed_by")),
        "history": list(notice.changes.select_related("actor")),
        "next_step": next_step(notice, request.user, actions,
                               refused=[(r, w) for r, w in refused if r.name != "close"], fulfils=NOTICE_FULFILS),
    })


@login_required
@require_POST
def notice_transition(request, pk: int, name: str):
    _require(request.user, "view_changenotice")
    notice = selectors.notice_get_for_user(request.user, pk)
    return _step(request, notice, CHANGE_TABLE, name, partial(services.notice_transition, notice=notice),
                 "contracts:notice", notice_detail)


@login_required
def rules(request):
    """The company's review-mode rules (seed 002 §6 by default)."""
    _require(request.user, "change_reviewrules")
    obj = rules_for(request.user.company)
    form = RulesForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        services.rules_save(actor=request.user, form=form)
        messages.success(request, _("Saved."))
        return redirect("contracts:rules")
    return render(request, "contracts/rules.html", {"form": form})


PLAN_FULFILS: dict[str, tuple[str, ...]] = {
    **{f"check_{d}": ("check",) for d in ("engineering", "purchasing", "production")},
    "approve_plan": ("approve", "return"),
    **{f"sign_for_{d}": ("sign_for",) for d in ("engineering", "purchasing", "production", "qa")},
}


@login_required
def plans(request):
    """Delivery plans (交货计划表) of the companies the user sees, newest first."""
    _require(request.user, "view_deliveryplan")
    qs = selectors.plans_for(request.user)
    from django.core.paginator import Paginator

    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "contracts/plans.html", {
        "page": page, "can_add": request.user.has_perm("contracts.add_deliveryplan")})


@login_required
def plan_create(request):
    _require(request.user, "add_deliveryplan")
    review = None
    if request.GET.get("review", "").isdigit():
        review = selectors.review_get_for_user(request.user, int(request.GET["review"]))
    form = PlanForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if review is not None:
            data["review"] = review
        company = review.company if review is not None else data["customer"].company
        plan = _save_form(request, form, lambda d: services.plan_create(actor=request.user, company=company,
                                                                       data={**d, **data}))
        if plan is not None:
            messages.success(request, _("Order %(number)s recorded.") % {"number": plan.number})
            return redirect("contracts:plan", plan.pk)
    return render(request, "contracts/plan_form.html", {"form": form, "review": review})


@login_required
def plan_detail(request, pk: int):
    _require(request.user, "view_deliveryplan")
    plan = selectors.plan_get_for_user(request.user, pk)
    offered, refused = PLAN_TABLE.offer(plan, request.user)
    offered = [row for row in offered if row.name != "close"]  # the system closes it
    actions = table_actions(offered, lambda row: reverse("contracts:plan_transition", args=[plan.pk, row.name]),
                            version=plan.version,
                            form=lambda row: TransitionForm(row=row, prefix=row.name, company_id=plan.company_id),
                            bound=refused_forms(request))
    return render(request, "contracts/plan_detail.html", {
        "plan": plan, "history": list(plan.changes.select_related("actor")),
        "next_step": next_step(plan, request.user, actions,
                               refused=[(r, w) for r, w in refused if r.name != "close"], fulfils=PLAN_FULFILS),
    })


@login_required
@require_POST
def plan_transition(request, pk: int, name: str):
    _require(request.user, "view_deliveryplan")
    plan = selectors.plan_get_for_user(request.user, pk)
    return _step(request, plan, PLAN_TABLE, name, partial(services.plan_transition, plan=plan), "contracts:plan",
                 plan_detail)


@login_required
def import_reviews(request):
    """Upload existing contracts with their review state (all rows or none; every rejected row listed)."""
    _require(request.user, "add_contractreview")
    errors: list[str] = []
    if request.method == "POST" and request.FILES.get("file"):
        from .importing import reviews_import

        try:
            made = reviews_import(actor=request.user, company=request.user.company, upload=request.FILES["file"])
        except ValidationError as error:
            errors = [str(m) for m in error.message_dict.get("file", error.messages)]
        else:
            messages.success(request, _("%(count)d contracts imported.") % {"count": len(made)})
            return redirect("contracts:index")
    elif request.method == "POST":
        errors = [_("Choose an Excel file.")]
    from .importing import COLUMNS

    return render(request, "contracts/import.html", {"errors": errors, "columns": COLUMNS})
