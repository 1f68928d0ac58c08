"""Customer property pages (thin views: access → form → one service → render or redirect)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.core.importexport import rows_xlsx
from kesu.core.listing import Listing, ListSpec, Sort, paginate
from kesu.core.pages import error_messages as _messages
from kesu.core.pages import export_query as _export_query
from kesu.core.pages import form_error_messages as _form_errors
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import next_step, refused_forms, table_actions, table_step
from kesu.core.selectors import audit_entries_for
from kesu.core.services import TransitionRefused
from kesu.core.uploads import StoredFileDamaged, open_checked, thumbnail_response

from . import exports, printouts, selectors, services
from .choices import InventoryStatus, ItemStatus, ItemType, LoanStatus, RevisionStatus
from .filters import damage_filtered, items_filtered, loans_filtered
from .forms import (
    CalibrationForm,
    DamageForm,
    DocumentForm,
    ImportForm,
    InformationForm,
    InventoryLineForm,
    IssueCopiesForm,
    ItemForm,
    LoanForm,
    RevisionForm,
    TransitionForm,
)
from .models import InventoryCheck
from .panels import who_may_see
from .workflow import COPY_TABLE, DAMAGE_TABLE, ITEM_TABLE, LOAN_TABLE, SYSTEM_STEPS

ITEM_LIST = ListSpec(
    sorts=(Sort("number", ("number",), indexed=True), Sort("received", ("received_on",), indexed=True),
           Sort("customer", ("customer__code",)), Sort("type", ("item_type",)), Sort("status", ("status",)),
           Sort("keeper", ("keeper_department__code",))),
    default_order=("-received_on", "-id"), defaults={"on_site": "true"},
    default_labels={"on_site": gettext_lazy("With us only")})
LOAN_LIST = ListSpec(
    sorts=(Sort("number", ("number",), indexed=True), Sort("status", ("status",)),
           Sort("due", ("expected_return_on",))),
    default_order=("-id",), defaults={"open": "true"}, default_labels={"open": gettext_lazy("Open only")})
DAMAGE_LIST = ListSpec(
    sorts=(Sort("number", ("number",), indexed=True), Sort("status", ("status",)),
           Sort("reported", ("reported_at",))),
    default_order=("-reported_at", "-id"), defaults={"open": "true"}, default_labels={"open": gettext_lazy("Open only")})


def _require(user, perm: str) -> None:
    if not user.has_perm(f"property.{perm}"):
        raise PermissionDenied


def _version(request) -> int | None:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


def _actions(table, record, request, url_name: str, skip=frozenset()):
    offered, refused = table.offer(record, request.user)
    offered = [row for row in offered if row.name not in skip]
    refused = [(row, why) for row, why in refused if row.name not in skip]
    actions = table_actions(offered, lambda row: reverse(url_name, args=[record.pk, row.name]),
                            version=record.version, form=lambda row: TransitionForm(row=row, prefix=row.name),
                            bound=refused_forms(request))
    return actions, refused


# -- the ledger --------------------------------------------------------------------------------------------------


@login_required
def index(request):
    """The ledger (《顾客财产台帐》): the module's main page."""
    _require(request.user, "view_propertyitem")
    listing = Listing(request, ITEM_LIST)
    qs, filterset = items_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.item_columns(),
                               _("Customer property ledger"), "property-ledger"))
    if request.GET.get("format") == "pdf":
        return printouts.ledger_response(request.user, qs.order_by(*listing.ordering())[:2000])
    page, listing = paginate(request, qs, ITEM_LIST, listing=listing, filterset=filterset)
    return render(request, "property/index.html", {
        "filterset": filterset, "page": page, "listing": listing, "export_query": _export_query(request),
        "can_add": request.user.has_perm("property.add_propertyitem")})


def _item_form_page(request, form, item=None):
    return render(request, "property/item_form.html", {"form": form, "item": item})


@login_required
def item_create(request):
    _require(request.user, "add_propertyitem")
    form = ItemForm(request.POST or None, request.FILES or None, user=request.user,
                    initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            item = services.item_create(actor=request.user, company=data["customer"].company, data=data,
                                        photos=request.FILES.getlist("photos"))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": item.number})
            return redirect("property:item_detail", item.pk)
    return _item_form_page(request, form)


@login_required
def item_edit(request, pk: int):
    _require(request.user, "change_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    form = ItemForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.item_update(actor=request.user, item=item, data=data, expected_version=_version(request))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("property:item_detail", item.pk)
    return _item_form_page(request, form, item)


@login_required
def item_detail(request, pk: int):
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    user = request.user
    actions, refused = _actions(ITEM_TABLE, item, request, "property:item_step", skip=SYSTEM_STEPS)
    open_loan = item.loans.filter(status__in=(LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.ISSUED)).first()
    return render(request, "property/item_detail.html", {
        "item": item, "next_step": next_step(item, user, actions, refused=refused,
                                             fulfils={"calibrate": ("calibrate",)}),
        "loans": item.loans.select_related("requested_by", "department").order_by("-id")[:20],
        "reports": item.damage_reports.order_by("-id")[:20],
        "documents": item.documents.prefetch_related("revisions"),
        "photos": item.photos.all(), "open_loan": open_loan,
        "loan_form": LoanForm(prefix="loan", initial={"borrow_from": timezone.localdate()})
        if item.status in (ItemStatus.RECEIVED, ItemStatus.IN_USE) and open_loan is None else None,
        "damage_form": DamageForm(prefix="damage", initial={"happened_on": timezone.localdate()})
        if item.status in (ItemStatus.RECEIVED, ItemStatus.IN_USE, ItemStatus.ON_LOAN, ItemStatus.DAMAGED) else None,
        "calibration_form": CalibrationForm(prefix="cal") if item.item_type == ItemType.GAUGE else None,
        "who_may_see": who_may_see(item)
        if item.restricted else "",
        "audit_entries": audit_entries_for(item),
        "can_edit": user.has_perm("property.change_propertyitem") and item.status in (
            ItemStatus.RECEIVED, ItemStatus.IN_USE, ItemStatus.ON_LOAN, ItemStatus.DAMAGED),
    })


@login_required
@require_POST
def item_step(request, pk: int, name: str):
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    return table_step(request, item, ITEM_TABLE, name, run=partial(services.item_transition, item=item),
                      back="property:item_detail", page=item_detail, form_class=TransitionForm)


@login_required
@require_POST
def item_calibration(request, pk: int):
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    form = CalibrationForm(request.POST, prefix="cal")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("property:item_detail", pk)
    try:
        services.item_calibrated(actor=request.user, item=item, **form.cleaned_data)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Calibration recorded."))
    return redirect("property:item_detail", pk)


@login_required
@require_POST
def loan_request(request, pk: int):
    _require(request.user, "add_loan")
    item = selectors.item_get_for_user(request.user, pk)
    form = LoanForm(request.POST, prefix="loan")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("property:item_detail", pk)
    try:
        loan = services.loan_request(actor=request.user, item=item, data=form.cleaned_data)
    except ValidationError as error:
        _messages(request, error)
        return redirect("property:item_detail", pk)
    messages.success(request, _("Loan %(number)s requested.") % {"number": loan.number})
    return redirect("property:loan_detail", loan.pk)


@login_required
@require_POST
def damage_create(request, pk: int):
    _require(request.user, "add_damagereport")
    item = selectors.item_get_for_user(request.user, pk)
    form = DamageForm(request.POST, request.FILES, prefix="damage")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("property:item_detail", pk)
    data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
    try:
        report = services.damage_report(actor=request.user, item=item, data=data,
                                        photos=request.FILES.getlist("damage-photos"))
    except ValidationError as error:
        _messages(request, error)
        return redirect("property:item_detail", pk)
    messages.success(request, _("Reported as %(number)s.") % {"number": report.number})
    return redirect("property:damage_detail", report.pk)


@login_required
def photo(request, pk: int, photo_pk: int):
    """A photo as uploaded (same access as its item): pictures and PDFs shown, anything else downloaded."""
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    p = get_object_or_404(item.photos, pk=photo_pk)
    inline = p.content_type.startswith("image/") or p.content_type == "application/pdf"
    try:
        # Only while it has the content hash recorded at upload, whatever the storage (issue 24 §2).
        handle = open_checked(p.file, p.sha256)
    except StoredFileDamaged:
        raise Http404(_("The stored file was changed after upload and is not served.")) from None
    response = FileResponse(handle, as_attachment=not inline, filename=p.name,
                            content_type=p.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox"
    return response


@login_required
def photo_thumbnail(request, pk: int, photo_pk: int):
    """The small JPEG made on upload; same access as the photo, 404 when there is none."""
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    return thumbnail_response(get_object_or_404(item.photos, pk=photo_pk))


@login_required
@require_POST
def photos_add(request, pk: int):
    """Several photos at once for the item, one of its damage reports or one of its loans (posted ids)."""
    _require(request.user, "view_propertyitem")
    item = selectors.item_get_for_user(request.user, pk)
    report = loan = None
    back = reverse("property:item_detail", args=[item.pk]) + "#photos"
    if request.POST.get("damage_report", "").isdigit():
        report = get_object_or_404(item.damage_reports, pk=int(request.POST["damage_report"]))
        back = reverse("property:damage_detail", args=[report.pk]) + "#photos"
    elif request.POST.get("loan", "").isdigit():
        loan = get_object_or_404(item.loans, pk=int(request.POST["loan"]))
        back = reverse("property:loan_detail", args=[loan.pk]) + "#photos"
    try:
        rows = services.photos_add(actor=request.user, item=item, photos=request.FILES.getlist("photos"),
                                   report=report, loan=loan)
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, PermissionDenied):
            raise
        _messages(request, error)
    else:
        messages.success(request, _("%(count)s photo(s) added.") % {"count": len(rows)})
    return redirect(back)


@login_required
def item_import(request):
    _require(request.user, "add_propertyitem")
    from .importing import ledger_import

    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = ledger_import(actor=request.user, upload=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("%(count)s items imported.") % {"count": result.created})
            return redirect("property:index")
    return render(request, "property/import.html", {"form": form, "result": result})


@login_required
def import_template(request):
    _require(request.user, "add_propertyitem")
    from .importing import template_xlsx

    return _xlsx(template_xlsx())


# -- loans -------------------------------------------------------------------------------------------------------


@login_required
def loan_list(request):
    _require(request.user, "view_loan")
    listing = Listing(request, LOAN_LIST)
    qs, filterset = loans_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000), exports.loan_columns(),
                               _("Customer property loans"), "property-loans"))
    page, listing = paginate(request, qs, LOAN_LIST, listing=listing, filterset=filterset)
    return render(request, "property/loan_list.html", {"filterset": filterset, "page": page, "listing": listing,
                                                       "export_query": _export_query(request),
                                                       "now": timezone.now()})


@login_required
def loan_detail(request, pk: int):
    _require(request.user, "view_loan")
    loan = selectors.loan_get_for_user(request.user, pk)
    actions, refused = _actions(LOAN_TABLE, loan, request, "property:loan_step")
    for action in actions:
        action.multipart = action.name == "return"  # photos of the condition check go with the return
    return render(request, "property/loan_detail.html", {
        "loan": loan, "next_step": next_step(loan, request.user, actions, refused=refused),
        "changes": loan.changes.select_related("actor"), "reports": loan.damage_reports.all(),
        "photos": loan.photos.all(),
        "overdue": loan.status == LoanStatus.ISSUED and loan.due_at and loan.due_at < timezone.now(),
        "audit_entries": audit_entries_for(loan)})


@login_required
@require_POST
def loan_step(request, pk: int, name: str):
    _require(request.user, "view_loan")
    loan = selectors.loan_get_for_user(request.user, pk)
    # The return's condition check may bring photos (the panel's form field, or a plain "photos" field).
    photos = (request.FILES.getlist("return-photos") or request.FILES.getlist("photos")) if name == "return" else ()
    return table_step(request, loan, LOAN_TABLE, name, run=partial(services.loan_transition, loan=loan, photos=photos),
                      back="property:loan_detail", page=loan_detail, form_class=TransitionForm)


@login_required
def loan_slip(request, pk: int):
    _require(request.user, "view_loan")
    loan = selectors.loan_get_for_user(request.user, pk)
    return printouts.loan_slip_response(loan)


# -- damage, loss or unsuitability -------------------------------------------------------------------------------


@login_required
def damage_list(request):
    _require(request.user, "view_damagereport")
    listing = Listing(request, DAMAGE_LIST)
    qs, filterset = damage_filtered(request.user, listing.params)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by(*listing.ordering()).iterator(chunk_size=2000),
                               exports.damage_columns(), _("Damage and loss reports"), "property-damage"))
    page, listing = paginate(request, qs, DAMAGE_LIST, listing=listing, filterset=filterset)
    return render(request, "property/damage_list.html", {"filterset": filterset, "page": page,
                                                         "listing": listing, "export_query": _export_query(request)})


@login_required
def damage_detail(request, pk: int):
    _require(request.user, "view_damagereport")
    report = selectors.damage_get_for_user(request.user, pk)
    actions, refused = _actions(DAMAGE_TABLE, report, request, "property:damage_step")
    return render(request, "property/damage_detail.html", {
        "report": report, "next_step": next_step(report, request.user, actions, refused=refused,
                                                 fulfils={"book_cost": ("book_cost", "close_without_cost")}),
        "changes": report.changes.select_related("actor"), "photos": report.photos.all(),
        "can_raise_action": request.user.has_perm("capa.add_correctiveaction") and not report.capa_id,
        "audit_entries": audit_entries_for(report)})


@login_required
@require_POST
def damage_step(request, pk: int, name: str):
    _require(request.user, "view_damagereport")
    report = selectors.damage_get_for_user(request.user, pk)
    return table_step(request, report, DAMAGE_TABLE, name, run=partial(services.damage_transition, report=report),
                      back="property:damage_detail", page=damage_detail, form_class=TransitionForm)


@login_required
def damage_notice(request, pk: int):
    _require(request.user, "view_damagereport")
    report = selectors.damage_get_for_user(request.user, pk)
    return printouts.damage_notice_response(report)


@login_required
@require_POST
def damage_capa(request, pk: int):
    _require(request.user, "view_damagereport")
    report = selectors.damage_get_for_user(request.user, pk)
    try:
        action = services.damage_action_raise(actor=request.user, report=report)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Corrective action %(number)s raised.") % {"number": action.number})
    return redirect("property:damage_detail", pk)


# -- the external drawing and document register ------------------------------------------------------------------


@login_required
def document_list(request):
    _require(request.user, "view_externaldocument")
    qs = selectors.documents_visible_to(request.user).prefetch_related("revisions")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(title__icontains=q)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.order_by("customer__code", "number").iterator(chunk_size=2000),
                               exports.document_columns(), _("External drawing and document register"),
                               "drawing-register"))
    if request.GET.get("format") == "pdf":
        return printouts.register_response(request.user, qs.order_by("customer__code", "number")[:2000])
    from django.core.paginator import Paginator

    page = Paginator(qs.order_by("customer__code", "number"), 50).get_page(request.GET.get("page"))
    return render(request, "property/document_list.html", {"page": page, "q": q,
                                                           "can_add": request.user.has_perm(
                                                               "property.add_externaldocument")})


@login_required
def document_create(request):
    _require(request.user, "add_externaldocument")
    form = DocumentForm(request.POST or None, user=request.user, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        parts = form.part_list()
        if not form.errors:
            data = form.cleaned_data
            item = None
            if request.GET.get("item", "").isdigit():
                item = selectors.item_get_for_user(request.user, int(request.GET["item"]))
            try:
                document = services.document_register(
                    actor=request.user, company=data["customer"].company,
                    data={"number": data["number"], "kind": data["kind"], "customer": data["customer"],
                          "title": data["title"], "item": item},
                    revision=data["revision"], received_on=data["received_on"], pages=data["pages"], parts=parts)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Registered."))
                return redirect("property:document_detail", document.pk)
    return render(request, "property/document_form.html", {"form": form})


@login_required
def document_detail(request, pk: int):
    _require(request.user, "view_externaldocument")
    document = selectors.document_get_for_user(request.user, pk)
    user = request.user
    revisions = list(document.revisions.prefetch_related("copies__department", "copies__confirmed_by"))
    for revision in revisions:
        for copy in revision.copies.all():
            offered, _refused = COPY_TABLE.offer(copy, user)
            copy.actions = [row for row in offered if row.name != "recall"]
    current = next((r for r in revisions if r.status == RevisionStatus.CURRENT), None)
    engineering = user.has_perm("property.add_externaldocument")
    return render(request, "property/document_detail.html", {
        "document": document, "revisions": revisions, "current": current,
        "revision_form": RevisionForm(prefix="rev", initial={"received_on": timezone.localdate()})
        if engineering else None,
        "issue_form": IssueCopiesForm(prefix="copies", company_id=document.company_id)
        if engineering and current else None,
        "audit_entries": audit_entries_for(document)})


@login_required
@require_POST
def revision_add(request, pk: int):
    _require(request.user, "add_externaldocument")
    document = selectors.document_get_for_user(request.user, pk)
    form = RevisionForm(request.POST, prefix="rev")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("property:document_detail", pk)
    try:
        services.revision_add(actor=request.user, document=document, **form.cleaned_data)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Revision %(revision)s registered; copies of the old revision are recalled.")
                         % {"revision": form.cleaned_data["revision"]})
    return redirect("property:document_detail", pk)


@login_required
@require_POST
def copies_issue(request, pk: int):
    _require(request.user, "add_controlledcopy")
    document = selectors.document_get_for_user(request.user, pk)
    form = IssueCopiesForm(request.POST, prefix="copies", company_id=document.company_id)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("property:document_detail", pk)
    current = document.revisions.filter(status=RevisionStatus.CURRENT).first()
    try:
        services.copies_issue(actor=request.user, revision=current, departments=form.cleaned_data["departments"])
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Copies issued."))
    return redirect("property:document_detail", pk)


@login_required
@require_POST
def copy_step(request, pk: int, name: str):
    _require(request.user, "view_controlledcopy")
    copy = selectors.copy_get_for_user(request.user, pk)
    try:
        services.copy_transition(actor=request.user, copy=copy, name=name, expected_version=_version(request),
                                 **({"note": request.POST["note"]} if request.POST.get("note") else {}))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": COPY_TABLE.label(name)})
    return redirect("property:document_detail", copy.revision.document_id)


# -- inventory checks --------------------------------------------------------------------------------------------


@login_required
def inventory_list(request):
    _require(request.user, "view_inventorycheck")
    if request.method == "POST":
        _require(request.user, "add_inventorycheck")
        try:
            check = services.inventory_start(actor=request.user, company=request.user.company,
                                             year=int(request.POST.get("year") or timezone.localdate().year))
        except (ValidationError, ValueError) as error:
            if isinstance(error, ValidationError):
                _messages(request, error)
            return redirect("property:inventory_list")
        return redirect("property:inventory_detail", check.pk)
    checks = InventoryCheck.objects.visible_to(request.user).order_by("-year")
    return render(request, "property/inventory_list.html", {
        "checks": checks, "year": timezone.localdate().year,
        "can_add": request.user.has_perm("property.add_inventorycheck")})


@login_required
def inventory_detail(request, pk: int):
    _require(request.user, "view_inventorycheck")
    check = selectors.inventory_get_for_user(request.user, pk)
    user = request.user
    lines = list(check.lines.select_related("item", "item__customer", "department", "confirmed_by", "damage_report"))
    for line in lines:
        line.form = InventoryLineForm(prefix=f"line{line.pk}") if (
            check.status == InventoryStatus.OPEN and not line.result
            and (user.is_superuser or user.department_id == line.department_id)) else None
    return render(request, "property/inventory_detail.html", {
        "check": check, "lines": lines, "waiting": sum(1 for line in lines if not line.result),
        "changes": list(check.changes.select_related("actor")),
        "can_close": check.status == InventoryStatus.OPEN and user.has_perm("property.add_inventorycheck")})


@login_required
@require_POST
def inventory_confirm(request, pk: int, line_pk: int):
    _require(request.user, "view_inventorycheck")
    check = selectors.inventory_get_for_user(request.user, pk)
    line = get_object_or_404(check.lines, pk=line_pk)
    form = InventoryLineForm(request.POST, prefix=f"line{line.pk}")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("property:inventory_detail", pk)
    try:
        services.inventory_confirm(actor=request.user, line=line, **form.cleaned_data)
    except ValidationError as error:
        _messages(request, error)
    return redirect("property:inventory_detail", pk)


@login_required
@require_POST
def inventory_close(request, pk: int):
    _require(request.user, "add_inventorycheck")
    check = selectors.inventory_get_for_user(request.user, pk)
    try:
        services.inventory_close(actor=request.user, check=check, expected_version=_version(request))
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Inventory check closed."))
    return redirect("property:inventory_detail", pk)


# -- customer information kept as property (issue 19 §7) ---------------------------------------------------------


@login_required
def customer_information(request, customer_pk: int):
    """A customer's confidential documents and information with who may see each, and its contacts' personal
    data as the one privacy rule (kesu.core.privacy) shows it to the reader."""
    from kesu.core.selectors import visible_record
    from kesu.customers.models import Customer

    _require(request.user, "view_propertyitem")
    try:
        customer = visible_record(Customer, request.user, customer_pk, "customer")
    except ValidationError:
        from django.http import Http404

        raise Http404 from None
    can_add = request.user.has_perm("property.add_customerinformation")
    form = InformationForm(request.POST or None, company=customer.company) if can_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            users = data.pop("access_users")
            try:
                services.information_register(actor=request.user, company=customer.company,
                                              data={**data, "customer": customer}, users=users)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Saved."))
                return redirect("property:customer_information", customer.pk)
    from kesu.core.privacy import masked_instance_values

    records = list(selectors.information_visible_to(request.user).filter(customer=customer)
                   .prefetch_related("access_users"))
    for record in records:
        record.who = who_may_see_information(record)
    contacts = [(c, masked_instance_values(c, request.user)) for c in customer.contacts.all().order_by(
        "-is_primary", "id")]
    return render(request, "property/customer_information.html", {
        "customer": customer, "records": records, "contacts": contacts, "form": form,
        "rule": selectors.personal_data_rule()}, status=422 if form is not None and form.errors else 200)


def who_may_see_information(record) -> str:
    from kesu.accounts.roles import Role

    names = [str(Role(r).label) for r in record.access_role_list if r in Role.values]
    names += [str(u) for u in record.access_users.all()]
    if record.registered_by_id:
        names.append(str(record.registered_by))
    return "、".join(dict.fromkeys(names))


@login_required
def information_detail(request, pk: int):
    _require(request.user, "view_propertyitem")
    record = selectors.information_get_for_user(request.user, pk)
    return redirect(reverse("property:customer_information", args=[record.customer_id]) + f"#info-{record.pk}")
