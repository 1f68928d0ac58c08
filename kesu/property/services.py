"""Every write of customer property (conventions habit 1): pages, API, import, jobs and demo call these.

Each service checks the actor's role and company, validates naming the field, writes in one transaction
(audit entries by ``acting_as``), moves statuses only through :func:`kesu.core.workflow.run_transition`, and
announces after commit (``signals``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department
from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import TransitionRefused, actor_or_none, require_role
from kesu.core.workflow import run_transition

from . import signals
from .choices import (
    KEEPER_KIND,
    LENDABLE_STATUSES,
    ON_SITE_STATUSES,
    OPEN_LOAN_STATUSES,
    Condition,
    CopyStatus,
    DamageKind,
    InventoryResult,
    InventoryStatus,
    ItemStatus,
    ItemType,
    LoanStatus,
    RevisionStatus,
    Terms,
)
from .models import (
    ControlledCopy,
    ControlledCopyChange,
    DamageReport,
    DamageReportChange,
    DrawingRevision,
    ExternalDocument,
    InventoryCheck,
    InventoryCheckChange,
    InventoryLine,
    Loan,
    LoanChange,
    Photo,
    PropertyItem,
    PropertyItemChange,
    PropertySettings,
)
from .workflow import (
    COPY_TABLE,
    DAMAGE_TABLE,
    ENGINEERING,
    INVENTORY_TABLE,
    ITEM_TABLE,
    KEEPERS,
    LOAN_TABLE,
    SALES,
    STAFF,
    SYSTEM_STEPS,
    label_of,
)

REGISTER = SALES | ENGINEERING | frozenset({"qa"})  # sales compiles the ledger (§4.4.1); engineering its drawings
ITEM_FIELDS = ("customer", "item_type", "description", "quantity", "unit", "customer_reference", "serial_or_lot",
               "part", "received_on", "received_from", "condition_on_receipt", "keeper_department", "keeper",
               "location", "confidentiality", "access_roles", "terms", "return_by", "loan_needs_consent",
               "calibration_due_on", "sales_owner")
LOAN_FIELDS = ("purpose", "borrow_from", "expected_return_on", "department")
DAMAGE_FIELDS = ("kind", "description", "happened_on", "loan")
DOCUMENT_FIELDS = ("number", "kind", "customer", "title", "item")


def settings_for(company) -> PropertySettings:
    """The company's settings row, or the defaults (unsaved) when it has none."""
    return PropertySettings.objects.filter(company=company).first() or PropertySettings(company=company)


def default_keeper(company, item_type: str) -> Department | None:
    """The department that keeps an item of ``item_type`` by default (seed 000 §4.4.1)."""
    kind = KEEPER_KIND.get(item_type)
    return Department.objects.filter(company=company, kind=kind).order_by("id").first() if kind else None


def _check_fields(data: dict[str, Any], allowed) -> None:
    unknown = sorted(set(data) - set(allowed) - {f"{n}_id" for n in allowed})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})


def _clean(instance, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def _same_company(company, **records) -> None:
    for field, record in records.items():
        if record is not None and getattr(record, "company_id", company.pk) != company.pk:
            raise ValidationError({field: _("Choose a record of the same company.")})


def _locked(model, obj, expected_version: int | None):
    locked = model.objects.select_for_update().select_related("company").get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError({"version": _("Someone else changed this record meanwhile; reload it and try again.")})
    return locked


def _transition(table, obj, name: str, actor, inputs: dict[str, Any], *, noun, changes, effects, announce,
                expected_version: int | None, source: str):
    return run_transition(table=table, obj=obj, name=name, actor=actor, inputs=inputs, noun=noun,
                          label_of=label_of, effects=effects, changes=changes, announce=announce,
                          expected_version=expected_version, source=source)


# -- the ledger ------------------------------------------------------------------------------------------------


def _item_rules(item: PropertyItem) -> None:
    if item.terms == Terms.RETURN_BY and item.return_by is None:
        raise ValidationError({"return_by": _("Give the date by which the item goes back to the customer.")})
    if item.calibration_due_on is not None and item.item_type != ItemType.GAUGE:
        raise ValidationError({"calibration_due_on": _("Only measuring equipment has a calibration due date.")})
    roles = [r for r in (item.access_roles or "").split(",") if r]
    if any(r not in STAFF for r in roles):
        raise ValidationError({"access_roles": _("Unknown role.")})
    item.access_roles = ",".join(roles)


def item_create(*, actor, company, data: dict[str, Any], photos=(), source: str = "web") -> PropertyItem:
    """Register an item in the ledger on arrival (seed 000 §4.4.1); the keeping department follows the type
    unless given."""
    require_role(actor, REGISTER, company.pk)
    _check_fields(data, ITEM_FIELDS)
    item = PropertyItem(company=company, registered_by=actor_or_none(actor), **data)
    if item.item_type in ItemType.values and not item.keeper_department_id:
        keeper_department = default_keeper(company, item.item_type)
        if keeper_department is None:
            raise ValidationError({"keeper_department": _("Choose the department that keeps the item.")})
        item.keeper_department = keeper_department
    if not item.sales_owner_id and item.customer_id:
        item.sales_owner = item.customer.owner or (actor if actor_or_none(actor) and actor.role in SALES else None)
    _clean(item, exclude=["number"])
    _same_company(company, customer=item.customer, keeper_department=item.keeper_department,
                  part=item.part if item.part_id else None)
    _item_rules(item)
    checked = _checked_photos(photos)
    cfg = settings_for(company)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        item.number = next_number(company, "property_item", cfg.item_pattern, now, taken=lambda n: (
            PropertyItem.objects.filter(company=company, number=n).exists()))
        item.save()
        for upload in checked:
            _save_photo(item, None, upload, actor)
        PropertyItemChange.write(item, name="create", old="", new=item.status, actor=actor_or_none(actor), at=now)
        transaction.on_commit(lambda: signals.item_created.send(PropertyItem, item=item, actor=actor))
    return item


def item_update(*, actor, item: PropertyItem, data: dict[str, Any], expected_version: int | None = None,
                source: str = "web") -> PropertyItem:
    """Change an item's facts (not its status) while it is with us."""
    require_role(actor, REGISTER | KEEPERS, item.company_id)
    _check_fields(data, ITEM_FIELDS)
    with acting_as(actor, source), transaction.atomic():
        locked = _locked(PropertyItem, item, expected_version)
        if locked.status not in ON_SITE_STATUSES:
            raise ValidationError({"status": _("This cannot be changed while the record is “%(status)s”.") % {
                "status": locked.get_status_display()}})
        for key, value in data.items():
            setattr(locked, key, value)
        _clean(locked)
        _same_company(locked.company, customer=locked.customer, keeper_department=locked.keeper_department)
        _item_rules(locked)
        locked.version += 1
        locked.save()
    return locked


def _checked_photo(upload):
    """One photo checked (type by content, size; core.uploads) before anything is written: (file, info)."""
    from kesu.core.uploads import check_upload

    return upload, check_upload(upload, field="photos")


def _checked_photos(photos) -> list:
    from django.conf import settings

    photos = [p for p in (photos or ()) if p]
    limit = settings.KESU_ATTACHMENTS_PER_UPLOAD
    if len(photos) > limit:
        raise ValidationError({"photos": _("At most %(limit)s files at a time.") % {"limit": limit}})
    return [_checked_photo(p) for p in photos]


def _save_photo(item, report, checked, actor, loan=None) -> Photo:
    from kesu.core.uploads import store_thumbnail

    upload, info = checked
    row = Photo(company_id=item.company_id, item=item, damage_report=report, loan=loan, name=info.name,
                content_type=info.content_type, size=info.size, sha256=info.sha256,
                uploaded_by=actor_or_none(actor), uploaded_at=timezone.now())
    ext = info.name.rsplit(".", 1)[-1].lower()
    row.file.save(f"{info.sha256}.{ext}", upload, save=False)
    store_thumbnail(row, upload)  # made once here, never on a page view (issue 17 §8)
    row.save()
    return row


def photos_add(*, actor, item: PropertyItem, photos, report: DamageReport | None = None, loan: Loan | None = None,
               source: str = "web") -> list[Photo]:
    """Add photos to an item, one of its damage reports or one of its loans (issue 19 §1, §3, §4).

    Every file is checked first; one bad file refuses them all, naming it.
    """
    require_role(actor, STAFF, item.company_id)
    if report is not None and report.item_id != item.pk:
        raise ValidationError({"damage_report": _("Choose a damage report of this item.")})
    if loan is not None and loan.item_id != item.pk:
        raise ValidationError({"loan": _("Choose a loan of this item.")})
    checked = _checked_photos(photos)
    if not checked:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    with acting_as(actor, source), transaction.atomic():
        return [_save_photo(item, report, c, actor, loan=loan) for c in checked]


def _announce(signal, sender, key: str):
    def announce(obj, row, old, note, now):
        actor = _current_actor()
        transaction.on_commit(lambda: signal.send(sender, **{key: obj}, name=row.name, old_status=old,
                                                  new_status=obj.status, actor=actor, note=note))
    return announce


def _current_actor():
    from kesu.core.context import current_actor

    actor = current_actor()
    return actor_or_none(getattr(actor, "user", None)) if actor is not None else None


def item_transition(*, actor, item: PropertyItem, name: str, expected_version: int | None = None,
                    source: str = "web", internal: bool = False, **inputs) -> PropertyItem:
    """Move a ledger item by step ``name``; the loan and damage steps are only theirs (``internal``)."""
    if name in SYSTEM_STEPS and not internal:
        raise TransitionRefused(TransitionRefused.WRONG_STATE, _(
            "“%(action)s” is done through a loan or a damage report.") % {"action": ITEM_TABLE.label(name)})
    return _transition(ITEM_TABLE, item, name, actor, inputs, noun=_("customer property item"), changes=PropertyItemChange,
                       effects=lambda *a: None, announce=_announce(signals.item_transitioned, PropertyItem, "item"),
                       expected_version=expected_version, source=source)


def item_calibrated(*, actor, item: PropertyItem, calibrated_on: datetime.date, next_due_on: datetime.date,
                    source: str = "web") -> PropertyItem:
    """Record a calibration of customer measuring equipment and its next due date."""
    require_role(actor, KEEPERS, item.company_id)
    if item.item_type != ItemType.GAUGE:
        raise ValidationError({"calibration_due_on": _("Only measuring equipment has a calibration due date.")})
    if next_due_on <= calibrated_on:
        raise ValidationError({"next_due_on": _("The next calibration is due after this one.")})
    with acting_as(actor, source), transaction.atomic():
        locked = _locked(PropertyItem, item, None)
        locked.calibration_due_on = next_due_on
        locked.calibration_reminded_for = None
        locked.version += 1
        locked.save()
    return locked


# -- loans -----------------------------------------------------------------------------------------------------

ALREADY_LENT = "This item is already on loan or asked for (loan %(number)s); it cannot be lent twice at once."


def loan_request(*, actor, item: PropertyItem, data: dict[str, Any], source: str = "web") -> Loan:
    """Ask to borrow an item (the loan slip, seed 000 §4.4.2). One open loan per item: the item's row is
    locked while checking, and the partial unique constraint refuses the second of two simultaneous requests."""
    require_role(actor, STAFF, item.company_id)
    _check_fields(data, LOAN_FIELDS)
    loan = Loan(company_id=item.company_id, item=item, requested_by=actor, keeper_department=item.keeper_department,
                sales_owner=item.sales_owner, **data)
    if not loan.department_id and actor_or_none(actor) is not None:
        loan.department = actor.department
    _clean(loan, exclude=["number", "item"])
    if loan.expected_return_on < loan.borrow_from:
        raise ValidationError({"expected_return_on": _("The expected return cannot be before the loan starts.")})
    cfg = settings_for(item.company)
    now = timezone.now()
    try:
        with acting_as(actor, source), transaction.atomic():
            locked = PropertyItem.objects.select_for_update().get(pk=item.pk)
            if locked.status not in LENDABLE_STATUSES:
                raise ValidationError({"item": _("The item is “%(status)s” and cannot be lent.") % {
                    "status": locked.get_status_display()}})
            open_loan = Loan.objects.filter(item=locked, status__in=OPEN_LOAN_STATUSES).first()
            if open_loan is not None:
                raise ValidationError({"item": _(ALREADY_LENT) % {"number": open_loan.number}})
            loan.number = next_number(item.company, "property_loan", cfg.loan_pattern, now, taken=lambda n: (
                Loan.objects.filter(company_id=item.company_id, number=n).exists()))
            with transaction.atomic():
                loan.save()
            LoanChange.write(loan, name="request", old="", new=loan.status, actor=actor_or_none(actor), at=now)
            transaction.on_commit(lambda: signals.loan_transitioned.send(
                Loan, loan=loan, name="request", old_status="", new_status=loan.status, actor=actor, note=""))
    except IntegrityError:
        # The other request won the race between our check and our insert.
        other = Loan.objects.filter(item=item, status__in=OPEN_LOAN_STATUSES).first()
        raise ValidationError({"item": _(ALREADY_LENT) % {"number": other.number if other else ""}}) from None
    return loan


def _end_of_day(company, day: datetime.date) -> datetime.datetime:
    """The end of working time on ``day`` in the company's time zone (a loan is due back by then)."""
    return datetime.datetime.combine(day, company.work_end, tzinfo=company.tz)


def loan_transition(*, actor, loan: Loan, name: str, expected_version: int | None = None, source: str = "web",
                    photos=(), **inputs) -> Loan:
    """Move a loan by step ``name``; issuing and taking back move the item too, a damaged return reports it.

    Photos taken at the return's condition check are kept on the loan (and on the damage report it raises).
    """
    checked = _checked_photos(photos) if name == "return" else []

    def effects(locked: Loan, row, given, now):
        person = actor_or_none(actor)
        if row.name == "approve":
            locked.approved_by, locked.approved_at = person, now
        elif row.name == "issue":
            locked.issued_by, locked.issued_at = person, now
            locked.due_at = _end_of_day(locked.company, locked.expected_return_on)
            item_transition(actor=actor, item=locked.item, name="lend", internal=True, source=source,
                            note=locked.number)
        elif row.name == "return":
            locked.returned_at = now
            locked.returned_late = bool(locked.due_at and now > locked.due_at)
            item = item_transition(actor=actor, item=locked.item, name="take_back", internal=True, source=source,
                                   note=locked.number)
            report = None
            if locked.return_condition == Condition.DAMAGED:
                report = _damage_create(actor, item, {"kind": DamageKind.DAMAGED, "description": locked.return_note,
                                                      "happened_on": timezone.localdate(now), "loan": locked}, (),
                                        source)
            for upload in checked:
                _save_photo(item, report, upload, actor, loan=locked)

    return _transition(LOAN_TABLE, loan, name, actor, inputs, noun=_("loan"), changes=LoanChange, effects=effects,
                       announce=_announce(signals.loan_transitioned, Loan, "loan"),
                       expected_version=expected_version, source=source)


def loans_remind(now: datetime.datetime | None = None) -> list[Loan]:
    """Remind the borrower of an issued loan past its due time, once; escalate to the borrowing department's head
    once it is the company's number of working days overdue (working days: ``WorkingCalendar``)."""
    now = now or timezone.now()
    touched = []
    calendars: dict[int, WorkingCalendar] = {}
    settings: dict[int, Any] = {}  # each company's settings read once for the run, not once a loan
    for loan in (Loan.objects.filter(status=LoanStatus.ISSUED, due_at__lt=now)
                 .select_related("company", "item", "requested_by", "department")):
        calendar = calendars.setdefault(loan.company_id, WorkingCalendar(loan.company))
        if loan.company_id not in settings:
            settings[loan.company_id] = settings_for(loan.company)
        cfg = settings[loan.company_id]
        kind = None
        escalate_at = calendar.add_working_days(loan.due_at, cfg.overdue_escalate_days).at
        if loan.escalated_at is None and now >= escalate_at:
            kind = "escalated"
        elif loan.reminded_at is None:
            kind = "reminded"
        if kind is None:
            continue
        with transaction.atomic():
            # Compare-and-set: a second worker finds the field already set and tells no one again.
            field = "escalated_at" if kind == "escalated" else "reminded_at"
            changed = Loan.objects.filter(pk=loan.pk, **{f"{field}__isnull": True}).update(**{field: now})
            if changed:
                if kind == "escalated" and loan.reminded_at is None:
                    Loan.objects.filter(pk=loan.pk).update(reminded_at=now)
                transaction.on_commit(lambda loan=loan, kind=kind: signals.property_due.send(
                    Loan, record=loan, kind=kind))
                touched.append(loan)
    return touched


def calibrations_remind(today: datetime.date | None = None) -> list[PropertyItem]:
    """Tell the keepers of measuring equipment whose calibration is due within the company's number of working
    days (or overdue), once per due date."""
    today = today or timezone.localdate()
    touched = []
    calendars: dict[int, WorkingCalendar] = {}
    settings: dict[int, Any] = {}
    for item in (PropertyItem.objects.filter(item_type=ItemType.GAUGE, status__in=ON_SITE_STATUSES,
                                             calibration_due_on__isnull=False)
                 .select_related("company")):
        if item.calibration_reminded_for == item.calibration_due_on:
            continue
        calendar = calendars.setdefault(item.company_id, WorkingCalendar(item.company))
        if item.company_id not in settings:
            settings[item.company_id] = settings_for(item.company)
        days = settings[item.company_id].calibration_notice_days
        day = today
        for _i in range(days):
            day = calendar.nth_working_day_after(day, 1)
        if item.calibration_due_on > day:
            continue
        changed = PropertyItem.objects.filter(pk=item.pk).exclude(
            calibration_reminded_for=item.calibration_due_on).update(calibration_reminded_for=item.calibration_due_on)
        if changed:
            transaction.on_commit(lambda item=item: signals.property_due.send(
                PropertyItem, record=item, kind="calibration"))
            touched.append(item)
    return touched


# -- damage, loss or unsuitability -----------------------------------------------------------------------------


def _damage_create(actor, item: PropertyItem, data: dict[str, Any], photos, source: str) -> DamageReport:
    cfg = settings_for(item.company)
    now = timezone.now()
    report = DamageReport(company_id=item.company_id, item=item, reported_by=actor_or_none(actor), reported_at=now,
                          keeper_department=item.keeper_department, sales_owner=item.sales_owner, **data)
    contact = item.customer.contacts.filter(is_primary=True).first() or item.customer.contacts.first()
    if contact is not None:
        report.notice_language = contact.language
    _clean(report, exclude=["number", "item", "loan", "reported_by"])
    checked = _checked_photos(photos)
    with acting_as(actor, source), transaction.atomic():
        report.number = next_number(item.company, "property_damage", cfg.damage_pattern, now, taken=lambda n: (
            DamageReport.objects.filter(company_id=item.company_id, number=n).exists()))
        report.save()
        for upload in checked:
            _save_photo(item, report, upload, actor)
        DamageReportChange.write(report, name="report", old="", new=report.status, actor=actor_or_none(actor),
                                 at=now)
        # The item's status follows (issue 19 §4): lost, or damaged (unsuitable counts as damaged).
        item.refresh_from_db()
        step = "mark_lost" if report.kind == DamageKind.LOST else "mark_damaged"
        if ITEM_TABLE.get(item.status, step) is not None:
            item_transition(actor=actor, item=item, name=step, internal=True, source=source, note=report.number)
        transaction.on_commit(lambda: signals.damage_transitioned.send(
            DamageReport, report=report, name="report", old_status="", new_status=report.status, actor=actor,
            note=""))
    return report


def damage_report(*, actor, item: PropertyItem, data: dict[str, Any], photos=(), source: str = "web") -> DamageReport:
    """Report damage, loss or unsuitability at once (seed 000 §4.4.3): what, when, how, photos."""
    require_role(actor, STAFF, item.company_id)
    _check_fields(data, DAMAGE_FIELDS)
    if item.status not in ON_SITE_STATUSES:
        raise ValidationError({"item": _("The item is “%(status)s”: it is no longer with us.") % {
            "status": item.get_status_display()}})
    loan = data.get("loan")
    if loan is not None and loan.item_id != item.pk:
        raise ValidationError({"loan": _("Choose a loan of this item.")})
    return _damage_create(actor, item, data, photos, source)


def damage_transition(*, actor, report: DamageReport, name: str, expected_version: int | None = None,
                      source: str = "web", **inputs) -> DamageReport:
    """Move a damage report by step ``name``; booking the cost writes the quality cost ledger entry."""
    if "cost_amount" in inputs:
        try:
            inputs["cost_amount"] = Decimal(str(inputs["cost_amount"]))
        except (InvalidOperation, ValueError):
            raise ValidationError({"cost_amount": _("Enter an amount.")}) from None

    def effects(locked: DamageReport, row, given, now):
        if row.name == "notify_customer":
            locked.notified_at = now
        elif row.name == "record_answer":
            locked.answered_at = now
        elif row.name == "book_cost":
            locked.cost_entry = _book_cost(locked, now)
            locked.closed_at = now
        elif row.name == "close_without_cost":
            locked.closed_at = now

    return _transition(DAMAGE_TABLE, report, name, actor, inputs, noun=_("damage report"),
                       changes=DamageReportChange, effects=effects,
                       announce=_announce(signals.damage_transitioned, DamageReport, "report"),
                       expected_version=expected_version, source=source)


def _book_cost(report: DamageReport, now):
    """The damage cost in the quality cost ledger (质量成本), borne by the bearer chosen (issue 19 §4)."""
    from kesu.claims.choices import Bearer, CostCategory, EntryKind
    from kesu.claims.selectors import claim_settings_for
    from kesu.claims.services.ledger import entry_for

    item = report.item
    department = None
    if report.bearer == Bearer.DEPARTMENT:
        department = report.loan.department if report.loan_id and report.loan.department_id else item.keeper_department
    entry = entry_for(company=report.company, kind=EntryKind.COST, category=CostCategory.OTHER,
                      booked_on=timezone.localdate(now), currency=claim_settings_for(report.company).base_currency,
                      amount=report.cost_amount, rate=Decimal("1"), bearer=report.bearer, customer=item.customer,
                      part=item.part, department=department,
                      salesperson=report.sales_owner if report.bearer == Bearer.SALESPERSON else None,
                      description=(_("Customer property %(item)s: %(report)s") % {
                          "item": item.number, "report": report.number})[:300],
                      booked_by=_current_actor())
    entry.save()
    return entry


def damage_action_raise(*, actor, report: DamageReport, source: str = "web"):
    """Raise a corrective action for the damage through the CAPA service, linked to the report."""
    from kesu.capa.choices import SourceKind
    from kesu.capa.services import action_raise

    if report.capa_id:
        raise ValidationError({"capa": _("A corrective action is already raised for this report.")})
    data: dict[str, Any] = {"title": f"{report.number} {report.item.description}"[:200],
                            "problem": report.description, "customer": report.item.customer,
                            "responsible_department": report.keeper_department,
                            # The keeping department's head owns it, else the keeper, else whoever raises it.
                            "owner": report.keeper_department.head or report.item.keeper or actor_or_none(actor)}
    with acting_as(actor, source), transaction.atomic():
        locked = _locked(DamageReport, report, None)
        action = action_raise(actor=actor, company=report.company, data=data,
                              parts=[report.item.part] if report.item.part_id else [],
                              sources=[(SourceKind.MANUAL, locked)], source=source)
        locked.capa = action
        locked.save(update_fields=["capa", "updated_at"])
    report.capa = action
    return action


# -- the external drawing and document register ----------------------------------------------------------------


def document_register(*, actor, company, data: dict[str, Any], revision: str, received_on: datetime.date,
                      pages: int = 1, parts=(), source: str = "web") -> ExternalDocument:
    """Register a customer drawing or document with its first revision (engineering, seed 000 §4.4.1)."""
    require_role(actor, ENGINEERING, company.pk)
    _check_fields(data, DOCUMENT_FIELDS)
    document = ExternalDocument(company=company, registered_by=actor_or_none(actor), **data)
    _clean(document)
    _same_company(company, customer=document.customer, item=document.item if document.item_id else None)
    parts = list(parts)
    if any(p.company_id != company.pk or p.customer_id not in (None, document.customer_id) for p in parts):
        raise ValidationError({"parts": _("Choose parts of the same company.")})
    if ExternalDocument.objects.filter(company=company, customer=document.customer, number=document.number).exists():
        raise ValidationError({"number": _("This drawing is already registered; add a revision to it instead.")})
    if not (revision or "").strip():
        raise ValidationError({"revision": _("Give the revision.")})
    with acting_as(actor, source), transaction.atomic():
        document.save()
        document.parts.set(parts)
        DrawingRevision.objects.create(company=company, document=document, revision=revision.strip(), pages=pages,
                                       received_on=received_on, registered_by=actor_or_none(actor))
    return document


def revision_add(*, actor, document: ExternalDocument, revision: str, received_on: datetime.date, pages: int = 1,
                 source: str = "web") -> DrawingRevision:
    """Register a new revision: it becomes current, the old one is superseded and every copy of it still held is
    recalled — each holding department then confirms its return or destruction (issue 19 §2)."""
    require_role(actor, ENGINEERING, document.company_id)
    revision = (revision or "").strip()
    if not revision:
        raise ValidationError({"revision": _("Give the revision.")})
    if document.revisions.filter(revision=revision).exists():
        raise ValidationError({"revision": _("Revision %(revision)s is already registered.") % {"revision": revision}})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        ExternalDocument.objects.select_for_update().get(pk=document.pk)
        old = list(document.revisions.filter(status=RevisionStatus.CURRENT))
        document.revisions.filter(status=RevisionStatus.CURRENT).update(status=RevisionStatus.SUPERSEDED,
                                                                        superseded_at=now)
        new = DrawingRevision.objects.create(company_id=document.company_id, document=document, revision=revision,
                                             pages=pages, received_on=received_on, registered_by=actor_or_none(actor))
        for copy in ControlledCopy.objects.filter(revision__in=old, status=CopyStatus.ISSUED):
            copy_transition(actor=actor, copy=copy, name="recall", source=source,
                            note=_("Superseded by revision %(revision)s") % {"revision": revision})
    return new


def copies_issue(*, actor, revision: DrawingRevision, departments, source: str = "web") -> list[ControlledCopy]:
    """Issue controlled copies of the current revision to departments (who holds which revision)."""
    require_role(actor, ENGINEERING, revision.company_id)
    departments = list(departments)
    if not departments:
        raise ValidationError({"departments": _("Choose at least one department.")})
    if any(d.company_id != revision.company_id for d in departments):
        raise ValidationError({"departments": _("Choose departments of the same company.")})
    now = timezone.now()
    copies = []
    with acting_as(actor, source), transaction.atomic():
        locked = DrawingRevision.objects.select_for_update().get(pk=revision.pk)
        if locked.status != RevisionStatus.CURRENT:
            raise ValidationError({"revision": _("Only the current revision is issued.")})
        last = locked.copies.order_by("-copy_no").values_list("copy_no", flat=True).first() or 0
        for i, department in enumerate(departments, start=1):
            copy = ControlledCopy.objects.create(company_id=locked.company_id, revision=locked, department=department,
                                                 copy_no=last + i, issued_by=actor_or_none(actor), issued_at=now)
            ControlledCopyChange.write(copy, name="issue", old="", new=copy.status, actor=actor_or_none(actor), at=now)
            copies.append(copy)
    return copies


def copy_transition(*, actor, copy: ControlledCopy, name: str, expected_version: int | None = None,
                    source: str = "web", **inputs) -> ControlledCopy:
    """Recall a controlled copy, or confirm (its holder) that it was returned or destroyed."""

    def effects(locked: ControlledCopy, row, given, now):
        if row.name == "recall":
            locked.recall_at = now
        else:
            locked.confirmed_by, locked.confirmed_at = actor_or_none(actor), now

    return _transition(COPY_TABLE, copy, name, actor, inputs, noun=_("controlled copy"),
                       changes=ControlledCopyChange, effects=effects,
                       announce=_announce(signals.copy_transitioned, ControlledCopy, "copy"),
                       expected_version=expected_version, source=source)


# -- inventory checks ------------------------------------------------------------------------------------------


def inventory_start(*, actor, company, year: int, source: str = "web") -> InventoryCheck:
    """Start the (yearly) inventory check: one line per item expected on site, for its keeping department."""
    require_role(actor, SALES | frozenset({"qa"}), company.pk)
    if InventoryCheck.objects.filter(company=company, year=year).exists():
        raise ValidationError({"year": _("The inventory check of %(year)s is already started.") % {"year": year}})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        check = InventoryCheck.objects.create(company=company, year=year, started_by=actor_or_none(actor),
                                              started_at=now)
        InventoryLine.objects.bulk_create([
            InventoryLine(company=company, check_run=check, item=item, department_id=item.keeper_department_id)
            for item in PropertyItem.objects.filter(company=company, status__in=ON_SITE_STATUSES)])
        InventoryCheckChange.write(check, name="start", old="", new=check.status, actor=actor_or_none(actor), at=now)
        transaction.on_commit(lambda: signals.inventory_started.send(InventoryCheck, check=check, actor=actor))
    return check


INVENTORY_MONTH = 12  # the yearly check (issue 19 §5) opens in December, before the year's records close


def inventories_start_yearly(today: datetime.date | None = None) -> list[InventoryCheck]:
    """Open this year's inventory check for every company holding customer property, from December on, once
    (the worker's job; a company may also start it earlier by hand)."""
    today = today or timezone.localdate()
    if today.month < INVENTORY_MONTH:
        return []
    from kesu.accounts.models import Company

    started = []
    for company in Company.objects.filter(pk__in=PropertyItem.objects.filter(status__in=ON_SITE_STATUSES)
                                          .values("company_id")).exclude(
            pk__in=InventoryCheck.objects.filter(year=today.year).values("company_id")):
        try:
            started.append(inventory_start(actor=None, company=company, year=today.year, source="system"))
        except ValidationError:  # pragma: no cover - started by hand meanwhile
            continue
    return started


def inventory_confirm(*, actor, line: InventoryLine, result: str, condition_note: str = "",
                      source: str = "web") -> InventoryLine:
    """The keeping department confirms one item: present, present but damaged, or missing."""
    require_role(actor, STAFF, line.company_id)
    if actor_or_none(actor) is not None and not actor.is_superuser and actor.department_id != line.department_id:
        raise PermissionDenied(_("Only the keeping department (%(department)s) confirms its items.") % {
            "department": line.department})
    if result not in InventoryResult.values:
        raise ValidationError({"result": _("Choose present, damaged or missing.")})
    if result != InventoryResult.PRESENT and not condition_note.strip():
        raise ValidationError({"condition_note": _("Say what was found.")})
    with acting_as(actor, source), transaction.atomic():
        locked = InventoryLine.objects.select_for_update().select_related("check_run").get(pk=line.pk)
        if locked.check_run.status != InventoryStatus.OPEN:
            raise ValidationError({"result": _("The inventory check is closed.")})
        locked.result, locked.condition_note = result, condition_note.strip()
        locked.confirmed_by, locked.confirmed_at = actor_or_none(actor), timezone.now()
        locked.save()
    return locked


def inventory_close(*, actor, check: InventoryCheck, expected_version: int | None = None, source: str = "web",
                    **inputs) -> InventoryCheck:
    """Close the check (the ``close`` row of ``property.inventory``) once every line is confirmed; each difference
    becomes a damage or loss report."""

    def effects(locked: InventoryCheck, row, given, now):
        for line in locked.lines.exclude(result=InventoryResult.PRESENT).select_related("item"):
            item = line.item
            if item.status not in ON_SITE_STATUSES:
                continue
            kind = DamageKind.LOST if line.result == InventoryResult.MISSING else DamageKind.DAMAGED
            if kind == DamageKind.DAMAGED and item.status == ItemStatus.DAMAGED:
                continue
            line.damage_report = _damage_create(
                actor, item, {"kind": kind, "description": _("Inventory check %(year)s: %(note)s") % {
                    "year": locked.year, "note": line.condition_note}, "happened_on": timezone.localdate(now)},
                (), source)
            line.save(update_fields=["damage_report", "updated_at"])
        locked.closed_at = now

    return _transition(INVENTORY_TABLE, check, "close", actor, inputs, noun=_("inventory check"),
                       changes=InventoryCheckChange, effects=effects,
                       announce=_announce(signals.inventory_transitioned, InventoryCheck, "check"),
                       expected_version=expected_version, source=source)


# -- customer information kept as property (issue 19 §7) --------------------------------------------------------


def information_register(*, actor, company, data: dict[str, Any], users=(), source: str = "web"):
    """Register a customer's confidential document or information with exactly who may see it."""
    from kesu.accounts.roles import Role

    from .models import CustomerInformation

    require_role(actor, REGISTER, company.pk)
    _check_fields(data, ("customer", "title", "kind", "description", "kept_at", "confidentiality", "access_roles"))
    roles = data.pop("access_roles", None) or []
    if isinstance(roles, str):
        roles = [r.strip() for r in roles.split(",") if r.strip()]
    if any(r not in Role.values or r == Role.ADMIN for r in roles):
        raise ValidationError({"access_roles": _("Unknown role.")})
    users = list(users or ())
    if not roles and not users:
        raise ValidationError({"access_roles": _("Name the roles or the people who may see it.")})
    info = CustomerInformation(company=company, registered_by=actor_or_none(actor), access_roles=",".join(roles),
                               **data)
    _clean(info)
    _same_company(company, customer=info.customer)
    if any(u.company_id != company.pk for u in users):
        raise ValidationError({"access_users": _("Choose people of this company.")})
    with acting_as(actor, source), transaction.atomic():
        info.save()
        info.access_users.set(users)
    return info
