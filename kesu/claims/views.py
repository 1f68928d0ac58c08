"""Claim, supplier-claim, ledger and settings pages (thin views: access → form → one service → render)."""

from __future__ import annotations

import datetime
from functools import partial

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

from kesu.complaints.models import Complaint
from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import error_messages as _messages
from kesu.core.pages import export_query as _export_query
from kesu.core.pages import form_error_messages as _form_errors
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import next_step, refused_forms, table_actions, table_step
from kesu.core.selectors import audit_entries_for
from kesu.core.uploads import file_sha256, thumbnail_response

from . import exports, permissions, printouts, selectors, services
from .choices import ClaimStatus, DocumentKind, LedgerGroup
from .filters import claims_filtered, ledger_filtered, supplier_claims_filtered
from .forms import (
    ClaimForm,
    ClaimSettingsForm,
    CostBookForm,
    DocumentForm,
    ExchangeRateForm,
    ItemFormSet,
    SettlementForm,
    SupplierClaimForm,
    TransitionForm,
    item_rows,
)
from .models import ClaimDocument, ExchangeRate
from .workflow import CLAIM_TABLE, SUPPLIER_TABLE, missing_documents

PAGE_SIZE = 50
# The claim list's sortable columns (issue 17 §7, kesu.core.listing). Number is index-served ((company, number)
# unique) and received is the list's own default order; the others sort only below the listing's threshold.
CLAIM_LIST = ListSpec(
    sorts=(
        Sort("number", ("number",), indexed=True),
        Sort("received", ("received_on",), indexed=True),
        Sort("customer", ("customer__code",)),
        Sort("title", ("title",)),
        Sort("complaint", ("complaint__number",)),
        Sort("status", ("status",)),
        Sort("owner", ("owner__username",)),
        Sort("claimed", ("claimed_amount",)),
        Sort("agreed", ("agreed_amount",)),
    ),
    default_order=("-received_on", "-id"),
    defaults={"open": "true"},
    default_labels={"open": gettext_lazy("Open only")},
)


def _require(user, perm: str) -> None:
    if not user.has_perm(f"claims.{perm}"):
        raise PermissionDenied


def _version(request) -> int | None:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


# -- claims -------------------------------------------------------------------------------------


@login_required
def claim_list(request):
    _require(request.user, "view_claim")
    listing = Listing(request, CLAIM_LIST)
    qs, filterset = claims_filtered(request.user, listing.params)
    show_money = permissions.sees_claim_money(request.user)
    if not show_money and listing.sort_key in ("claimed", "agreed"):
        listing.sort_obj, listing.sort_key = None, ""  # amounts hidden from this user are not an order either
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000),
                               exports.claim_columns(show_money), _("Claims"), "claims"))
    page, listing = paginate(request, qs, CLAIM_LIST, listing=listing, filterset=filterset)
    return render(request, "claims/claim_list.html", {
        "filterset": filterset, "page": page, "export_query": _export_query(request), "show_money": show_money,
        "can_add": request.user.has_perm("claims.add_claim"), "listing": listing})


@login_required
def claim_create(request):
    _require(request.user, "add_claim")
    initial = {}
    if request.GET.get("complaint", "").isdigit():
        complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=int(request.GET["complaint"]))
        initial = {"complaint": complaint.number, "customer": complaint.customer.code,
                   "part": complaint.part.part_no if complaint.part_id else "",
                   "title": f"{complaint.defect_location}{complaint.defect_nature}"[:200],
                   "received_on": timezone.localdate()}
    form = ClaimForm(request.POST or None, initial=initial, user=request.user)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = form.service_data()
        company = data["complaint"].company if data.get("complaint") else (
            data["customer"].company if data.get("customer") else request.user.company)
        try:
            claim = services.claim_create(actor=request.user, company=company, data=data, items=item_rows(items))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Claim %(number)s recorded.") % {"number": claim.number})
            return redirect("claims:detail", claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "items": items})


@login_required
def claim_edit(request, pk: int):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    form = ClaimForm(request.POST or None, instance=claim, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_update(actor=request.user, claim=claim, data=form.service_data(),
                                  expected_version=_version(request))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("claims:detail", claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "claim": claim})


# The waiting steps of claims/work.py and the transitions that do them.
CLAIM_FULFILS: dict[str, tuple[str, ...]] = {
    "approve": ("approve", "return_proposal"),
    "negotiate": ("customer_accepts", "withdraw", "customer_rejects"),
}


def _claim_approval(claim, first, show_money: bool) -> tuple[str, list[tuple[object, object]]]:
    """The proposal being approved beside the approval (issue 16 §5): analysis, outcome, amount, proposer; or,
    for QA's decision on a waived corrective action, the reason finance recorded (issue 18 §2)."""
    if any(step.name == "accept_no_capa" for step in first):
        return _("The reason to accept"), [(_("Why no corrective action is needed"), claim.no_capa_reason),
                                           (_("Settled by"), claim.settled_by)]
    if not any(step.name == "approve" for step in first):
        return "", []
    rows: list[tuple[object, object]] = [
        (_("Initial analysis"), claim.analysis), (_("Proposed outcome"), claim.get_proposed_outcome_display()),
    ]
    if show_money:
        rows.append((_("Proposed settlement"), f"{claim.currency} {claim.proposed_amount}"))
    rows.append((_("Proposed by"), claim.analysed_by))
    return _("The proposal to approve"), rows


@login_required
def claim_detail(request, pk: int):
    _require(request.user, "view_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    rows = selectors.claim_detail_rows(claim)
    user = request.user
    show_money = permissions.sees_claim_money(user)
    offered, refused = CLAIM_TABLE.offer(claim, user)
    transitions = table_actions(
        offered, lambda row: reverse("claims:transition", args=[claim.pk, row.name]), version=claim.version,
        form=lambda row: TransitionForm(row=row, user=user, company_id=claim.company_id, prefix=row.name),
        bound=refused_forms(request))
    editable = claim.status in (ClaimStatus.COLLECTING, ClaimStatus.ANALYSING) and permissions.may(
        user, permissions.RECORD | permissions.ANALYSTS)
    return render(request, "claims/claim_detail.html", {
        "claim": claim, **rows, "show_money": show_money,
        "next_step": next_step(claim, user, transitions, refused=refused, fulfils=CLAIM_FULFILS,
                               approval=lambda first: _claim_approval(claim, first, show_money)),
        "missing": [DocumentKind(kind).label for kind in missing_documents(claim)]
        if claim.status == ClaimStatus.COLLECTING else [],
        "items_formset": ItemFormSet(prefix="items", initial=[
            {"kind": i.kind, "description": i.description, "quantity": i.quantity, "unit_price": i.unit_price}
            for i in rows["items"]]) if editable and show_money else None,
        "document_form": DocumentForm() if claim.closed_at is None and permissions.may(
            user, permissions.RECORD | permissions.ANALYSTS) else None,
        "settlement_form": SettlementForm(items=rows["items"]) if (
            claim.status == ClaimStatus.SETTLING and permissions.may(user, permissions.SETTLE)) else None,
        "base_currency": selectors.claim_settings_for(claim.company).base_currency,
        "can_raise_action": user.has_perm("capa.add_correctiveaction"),
        "audit_entries": audit_entries_for(claim) if show_money else [],
    })


@login_required
@require_POST
def claim_transition(request, pk: int, name: str):
    _require(request.user, "view_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    return table_step(request, claim, CLAIM_TABLE, name, run=partial(services.claim_transition, claim=claim),
                      back="claims:detail", page=claim_detail,
                      form_class=TransitionForm, form_kwargs={"user": request.user, "company_id": claim.company_id},
                      done_message=gettext_lazy("Done: %(step)s. The claim is now “%(status)s”."))


@login_required
@require_POST
def claim_items(request, pk: int):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    formset = ItemFormSet(request.POST, prefix="items")
    if not formset.is_valid():
        for form in formset.forms:
            _form_errors(request, form)
        return redirect("claims:detail", pk)
    try:
        services.claim_items_save(actor=request.user, claim=claim, items=item_rows(formset),
                                  expected_version=_version(request))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Items saved."))
    return redirect("claims:detail", pk)


@login_required
@require_POST
def claim_document(request, pk: int):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("claims:detail", pk)
    try:
        services.claim_document_add(actor=request.user, claim=claim, **form.cleaned_data)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Document added."))
    return redirect("claims:detail", pk)


@login_required
def claim_document_download(request, pk: int, doc: int):
    _require(request.user, "view_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    document = get_object_or_404(ClaimDocument, pk=doc, claim=claim)
    return document_response(document)


@login_required
def claim_document_thumbnail(request, pk: int, doc: int):
    """The small JPEG made on upload (issue 17 §8); same access as the document, 404 when there is none."""
    _require(request.user, "view_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    document = get_object_or_404(ClaimDocument, pk=doc, claim=claim)
    return thumbnail_response(document)


def document_response(document: ClaimDocument) -> FileResponse:
    """The stored file, served only while it still has the content hash recorded at upload."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if file_sha256(handle) != document.sha256:
        handle.close()
        raise Http404(_("The stored file was changed after upload and is not served."))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=document.name, content_type=document.content_type)


@login_required
@require_POST
def claim_settlement(request, pk: int):
    _require(request.user, "change_claim")
    claim = selectors.claim_get_for_user(request.user, pk)
    form = SettlementForm(request.POST, items=list(claim.items.all()))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("claims:detail", pk)
    try:
        services.claim_settlement_save(actor=request.user, claim=claim, amounts=form.amounts(),
                                       expected_version=_version(request))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Settlement computed."))
    return redirect("claims:detail", pk)


@login_required
@require_POST
def claim_action(request, pk: int):
    if not request.user.has_perm("capa.add_correctiveaction"):
        raise PermissionDenied
    claim = selectors.claim_get_for_user(request.user, pk)
    try:
        action = services.claim_action_raise(actor=request.user, claim=claim)
    except ValidationError as error:
        _messages(request, error)
        return redirect("claims:detail", pk)
    messages.success(request, _("Action %(number)s raised.") % {"number": action.number})
    return redirect("capa:detail", action.pk)


@login_required
def claim_printout(request, pk: int):
    _require(request.user, "view_claim")
    if not permissions.sees_claim_money(request.user):
        raise PermissionDenied  # the settlement sheet is a money document
    claim = selectors.claim_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.claim_pdf(claim), claim.number)


@login_required
def claim_review(request):
    """Claims of a period for management review (seed 000 §4.2.7)."""
    _require(request.user, "view_claim")
    today = timezone.localdate()
    try:
        date_from = datetime.date.fromisoformat(request.GET.get("from") or f"{today.year}-01-01")
        date_to = datetime.date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        messages.error(request, _("Dates are written as YYYY-MM-DD."))
        date_from, date_to = datetime.date(today.year, 1, 1), today
    review = selectors.claims_review(request.user, date_from, date_to)
    return render(request, "claims/review.html", {
        **review, "date_from": date_from, "date_to": date_to,
        "show_money": permissions.sees_claim_money(request.user),
        "show_ledger": permissions.sees_ledger(request.user)})


# -- supplier claims -------------------------------------------------------------------------------


@login_required
def supplier_claim_list(request):
    _require(request.user, "view_supplierclaim")
    qs, filterset = supplier_claims_filtered(request.user, request.GET)
    show_money = permissions.sees_supplier_money(request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.supplier_columns(show_money),
                               _("Supplier claims"), "supplier-claims"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/supplier_list.html", {
        "filterset": filterset, "page": page, "export_query": _export_query(request), "show_money": show_money,
        "can_add": request.user.has_perm("claims.add_supplierclaim")})


@login_required
def supplier_claim_create(request):
    _require(request.user, "add_supplierclaim")
    initial = {}
    if request.GET.get("claim", "").isdigit():
        claim = selectors.claim_get_for_user(request.user, int(request.GET["claim"]))
        initial = {"claim": claim.number, "complaint": claim.complaint.number if claim.complaint_id else "",
                   "supplier": claim.supplier.code if claim.supplier_id else "",
                   "share_percent": claim.supplier_share}
    elif request.GET.get("complaint", "").isdigit():
        complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=int(request.GET["complaint"]))
        initial = {"complaint": complaint.number,
                   "supplier": complaint.responsible_supplier.code if complaint.responsible_supplier_id else ""}
    form = SupplierClaimForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        source = data.get("claim") or data.get("complaint")
        try:
            sc = services.supplier_claim_raise(actor=request.user, company=source.company if source else
                                               request.user.company, data=data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Supplier claim %(number)s raised.") % {"number": sc.number})
            return redirect("claims:supplier_detail", sc.pk)
    return render(request, "claims/supplier_form.html", {"form": form})


@login_required
def supplier_claim_detail(request, pk: int):
    _require(request.user, "view_supplierclaim")
    sc = selectors.supplier_claim_get_for_user(request.user, pk)
    show_money = permissions.sees_supplier_money(request.user)
    offered, refused = SUPPLIER_TABLE.offer(sc, request.user) if show_money else ([], [])
    transitions = table_actions(
        offered, lambda row: reverse("claims:supplier_transition", args=[sc.pk, row.name]), version=sc.version,
        form=lambda row: TransitionForm(row=row, user=request.user, company_id=sc.company_id, prefix=row.name),
        bound=refused_forms(request))
    return render(request, "claims/supplier_detail.html", {
        "sc": sc, "show_money": show_money,
        "next_step": next_step(sc, request.user, transitions, refused=refused),
        "changes": list(sc.changes.select_related("actor")),
        "audit_entries": audit_entries_for(sc) if show_money else []})


@login_required
@require_POST
def supplier_claim_transition(request, pk: int, name: str):
    _require(request.user, "view_supplierclaim")
    sc = selectors.supplier_claim_get_for_user(request.user, pk)
    return table_step(request, sc, SUPPLIER_TABLE, name, run=partial(services.supplier_claim_transition, supplier_claim=sc),
                      back="claims:supplier_detail", page=supplier_claim_detail,
                      form_class=TransitionForm, form_kwargs={"user": request.user, "company_id": sc.company_id},
                      done_message=gettext_lazy("Done: %(step)s. The supplier claim is now “%(status)s”."))


@login_required
def supplier_claim_printout(request, pk: int):
    _require(request.user, "view_supplierclaim")
    if not permissions.sees_supplier_money(request.user):
        raise PermissionDenied
    sc = selectors.supplier_claim_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.supplier_claim_pdf(sc), sc.number)


# -- the ledger ------------------------------------------------------------------------------------


@login_required
def ledger(request):
    _require(request.user, "view_costentry")
    if not permissions.sees_ledger(request.user):
        raise PermissionDenied
    qs, filterset = ledger_filtered(request.user, request.GET)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.iterator(chunk_size=2000), exports.LEDGER_COLUMNS, _("Quality cost"), "quality-cost"))
    by = request.GET.get("by") if request.GET.get("by") in LedgerGroup.values else LedgerGroup.PERIOD
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    initial = {"booked_on": timezone.localdate()}
    if request.GET.get("complaint", "").isdigit():
        complaint = Complaint.objects.visible_to(request.user).filter(pk=int(request.GET["complaint"])).first()
        if complaint is not None:
            initial["complaint"] = complaint.number
    return render(request, "claims/ledger.html", {
        "filterset": filterset, "page": page, "export_query": _export_query(request),
        "totals": selectors.ledger_totals(qs), "breakdown": selectors.ledger_breakdown(qs, by), "by": by,
        "groups": LedgerGroup.choices, "book_form": CostBookForm(initial=initial, user=request.user)
        if permissions.may(request.user, permissions.BOOK) else None})


@login_required
@require_POST
def ledger_book(request):
    _require(request.user, "add_costentry")
    form = CostBookForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("claims:ledger")
    data = form.service_data()
    source = data.get("claim") or data.get("complaint")
    try:
        entry = services.cost_book(actor=request.user, company=source.company if source else request.user.company,
                                   data=data)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Booked: %(entry)s.") % {"entry": entry})
    return redirect("claims:ledger")


# -- settings --------------------------------------------------------------------------------------


@login_required
def claim_settings(request):
    _require(request.user, "view_claimsettings")
    company = request.user.company
    if company is None:
        raise Http404
    cfg = selectors.claim_settings_for(company)
    may_change = permissions.may(request.user, permissions.SETTINGS)
    form = ClaimSettingsForm(request.POST or None, instance=cfg, prefix="s")
    rate_form = ExchangeRateForm(prefix="r")
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "r-rate" in request.POST:
            rate_form = ExchangeRateForm(request.POST, prefix="r")
            if rate_form.is_valid():
                try:
                    services.exchange_rate_set(actor=request.user, company=company, **rate_form.cleaned_data)
                except ValidationError as error:
                    _messages(request, error)
                else:
                    messages.success(request, _("Exchange rate recorded."))
                    return redirect("claims:settings")
            else:
                _form_errors(request, rate_form)
            form = ClaimSettingsForm(instance=cfg, prefix="s")
        elif form.is_valid():
            try:
                services.claim_settings_update(actor=request.user, company=company, data=form.cleaned_data)
            except ValidationError as error:
                _messages(request, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("claims:settings")
    return render(request, "claims/settings.html", {
        "form": form, "rate_form": rate_form, "may_change": may_change,
        "rates": ExchangeRate.objects.filter(company=company).order_by("currency", "-valid_from")[:100]})
