"""Contract review pages (thin views: access → form → one service → render)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import export_query as _export_query
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import next_step, refused_forms, show_refused, table_actions, table_step
from kesu.customers.models import Customer

from . import exports, selectors, services
from .choices import ReviewMode, ReviewStatus
from .filters import reviews_filtered
from .forms import (
    MeetingForm,
    NoticeForm,
    OutsourcerForm,
    PlanForm,
    ReviewForm,
    RulesForm,
    TransitionForm,
    WithdrawForm,
)
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
    from kesu.core.panels import panels_for

    _require(request.user, "view_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    user = request.user
    offered, refused = REVIEW_TABLE.offer(review, user)
    actions = table_actions(offered, lambda row: reverse("contracts:transition", args=[review.pk, row.name]),
                            version=review.version, form=lambda row: TransitionForm(row=row, prefix=row.name),
                            bound=refused_forms(request))
    meeting_form = None
    if (review.mode == ReviewMode.CENTRAL and review.status not in (ReviewStatus.DRAFT, ReviewStatus.CANCELLED)
            and user.has_perm("contracts.add_reviewmeeting")):
        meeting_form = refused_forms(request).get("meeting-form") or MeetingForm(company_id=review.company_id, prefix="meeting")
    return render(request, "contracts/review_detail.html", {
        "review": review, **selectors.review_rows(review), "meeting_form": meeting_form,
        "next_step": next_step(review, user, actions, refused=refused, fulfils=FULFILS),
        "panels": panels_for(review, user),  # e.g. the visit whose enquiry it came from (kesu.service)
        "can_edit": review.status == ReviewStatus.DRAFT and user.has_perm("contracts.change_contractreview"),
        "can_change": review.status == ReviewStatus.ACCEPTED and user.has_perm("contracts.add_changenotice"),
    })


@login_required
@require_POST
def transition(request, pk: int, name: str):
    _require(request.user, "view_contractreview")
    review = selectors.review_get_for_user(request.user, pk)
    return table_step(request, review, REVIEW_TABLE, name, run=partial(services.review_transition, review=review),
                      back="contracts:detail", page=detail,
                      form_class=TransitionForm, form_kwargs={"company_id": review.company_id})


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
    return table_step(request, notice, CHANGE_TABLE, name, run=partial(services.notice_transition, notice=notice),
                      back="contracts:notice", page=notice_detail,
                      form_class=TransitionForm, form_kwargs={"company_id": notice.company_id})


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
    return table_step(request, plan, PLAN_TABLE, name, run=partial(services.plan_transition, plan=plan),
                      back="contracts:plan", page=plan_detail,
                      form_class=TransitionForm, form_kwargs={"company_id": plan.company_id})


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


# -- the central review meeting --------------------------------------------------------------------------------------


@login_required
@require_POST
def meeting_create(request, pk: int):
    """Record a central review meeting on the review's page; refused, the page comes back with what was typed."""
    _require(request.user, "add_reviewmeeting")
    review = selectors.review_get_for_user(request.user, pk)
    form = MeetingForm(request.POST, company_id=review.company_id, prefix="meeting")
    if not form.is_valid():
        return show_refused(request, detail, review.pk, form_id="meeting-form", form=form)
    try:
        services.meeting_record(actor=request.user, review=review, data=form.data_for_service(),
                                attendees=form.cleaned_data["attendees"])
    except ValidationError as error:
        return show_refused(request, detail, review.pk, form_id="meeting-form", form=form, error=error)
    messages.success(request, _("The review meeting is recorded."))
    return redirect("contracts:detail", review.pk)


# -- the approved-outsourcer list (《外包加工商清单》) -------------------------------------------------------------------


@login_required
def outsourcers(request):
    """The approved-outsourcer list of the user's company: who may take outsourced work, for what, until when."""
    _require(request.user, "view_approvedoutsourcer")
    user = request.user
    form = _outsourcer_form(user, request.POST or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.outsourcer_approve(actor=user, company=user.company, **form.cleaned_data)
            except ValidationError as error:
                from kesu.core.panels import add_refusal

                add_refusal(form, error)
            else:
                messages.success(request, _("The outsourcer is on the approved list."))
                return redirect("contracts:outsourcers")
    return _outsourcers_page(request, form, status=422 if form is not None and form.is_bound else 200)


def _outsourcer_form(user, data=None) -> OutsourcerForm | None:
    can_add = user.company_id is not None and user.has_perm("contracts.add_approvedoutsourcer")
    return OutsourcerForm(data, company_id=user.company_id) if can_add else None


def _outsourcers_page(request, form, *, status: int = 200):
    user = request.user
    entries = list(selectors.outsourcers_for(user))
    refused, blank = refused_forms(request), WithdrawForm()
    for entry in entries:  # a refused withdrawal comes back on its row as it was typed (issue 17 §2)
        entry.withdraw_form = refused.get(f"withdraw-{entry.pk}", blank)
    return render(request, "contracts/outsourcers.html", {
        "entries": entries, "form": form, "today": timezone.localdate(),
        "can_withdraw": user.has_perm("contracts.change_approvedoutsourcer")}, status=status)


@login_required
@require_POST
def outsourcer_withdraw(request, pk: int):
    _require(request.user, "change_approvedoutsourcer")
    entry = selectors.outsourcer_get_for_user(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.outsourcer_withdraw(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            return show_refused(request, _refused_withdrawal_page, form_id=f"withdraw-{entry.pk}", form=form,
                                error=error)
        messages.success(request, _("The outsourcer is withdrawn from the approved list."))
        return redirect("contracts:outsourcers")
    return show_refused(request, _refused_withdrawal_page, form_id=f"withdraw-{entry.pk}", form=form)


def _refused_withdrawal_page(request):
    return _outsourcers_page(request, _outsourcer_form(request.user))
