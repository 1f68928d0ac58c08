"""Registering a complaint: categories, numbering, the acceptance check, create and update."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.core import events
from kesu.core.audit import audit_batch
from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.models import insert_all, loaded_relations
from kesu.core.numbering import next_number

from .. import permissions
from ..choices import (
    FINAL_STATUSES,
    DeadlineKind,
    Direction,
    Exclusion,
    Status,
    TimelineKind,
    WindowKind,
    WindowStatus,
)
from ..models import (
    Complaint,
    ComplaintCategory,
    DefectType,
    StatusChange,
)
from ..search import search_document_create, search_document_rebuild
from ..selectors import intake_settings
from .base import _actor_or_none, _first_deadlines, _require_role, _timeline
from .handling import apply_priority, assignment_conflicts, conflict_refusal

# -- settings and categories -----------------------------------------------------------

DEFAULT_CATEGORIES = (
    ("appearance", gettext_lazy("Appearance"), WindowKind.WORKING_DAYS, 3),
    ("model_quantity", gettext_lazy("Model and quantity"), WindowKind.WORKING_DAYS, 3),
    ("performance", gettext_lazy("Performance and parameters"), WindowKind.WARRANTY_MONTHS, None),
)


# The second level (seed 004 §5.1 names each category's defects); codes are shared across the group, so the
# analyses add up a group's complaints by code (migration 0009 gave existing categories the same ones).
DEFAULT_DEFECT_TYPES = {
    "appearance": (("dent", gettext_lazy("Dent")), ("scratch", gettext_lazy("Scratch")),
                   ("deformation", gettext_lazy("Deformation")), ("paint", gettext_lazy("Paint defect"))),
    "model_quantity": (("missing_part", gettext_lazy("Missing part")), ("wrong_model", gettext_lazy("Wrong model"))),
    "performance": (("function", gettext_lazy("Function")), ("parameter", gettext_lazy("Linear parameters"))),
}


def defect_types_for(category) -> QuerySet:
    """The active defect types of ``category`` (the assessment's second choice), none without a category."""
    if category is None:
        return DefectType.objects.none()
    return DefectType.objects.filter(category=category, is_active=True).order_by("code")


def complaint_categories_ensure_defaults(*, actor=None, company) -> list[ComplaintCategory]:
    """Create the three categories of seed 004 §5.1 and their defect types where missing (idempotent)."""
    from django.conf import settings as django_settings
    from django.utils import translation

    made = []
    with acting_as(actor, "system"), transaction.atomic(), translation.override(django_settings.LANGUAGE_CODE):
        for code, name, kind, value in DEFAULT_CATEGORIES:
            category, _created = ComplaintCategory.objects.get_or_create(
                company=company, code=code, defaults={"name": str(name), "window_kind": kind, "window_value": value}
            )
            for type_code, type_name in DEFAULT_DEFECT_TYPES.get(code, ()):
                DefectType.objects.get_or_create(category=category, code=type_code,
                                                 defaults={"company": company, "name": str(type_name)})
            made.append(category)
    return made


COUNTER_KEY = "complaint"


# -- numbering ------------------------------------------------------------------------


def _next_number(company, now: datetime.datetime, cfg) -> str:
    """Take the next complaint number (kesu.core.numbering) with the company's settings ``cfg``; inside the
    creating transaction."""
    return next_number(company, COUNTER_KEY, cfg.number_pattern, now, per_year=cfg.gap_free_per_year,
                       taken=lambda number: Complaint.objects.filter(company=company, number=number).exists())


# -- acceptance check -------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def acceptance_check(complaint: Complaint, calendar: WorkingCalendar | None = None
                     ) -> tuple[str, str, datetime.date | None]:
    """Is the complaint inside its category's acceptance window, and why (seed 004 §5.1)?

    Working-day windows count from the customer's receipt of the goods (the
    shipment's receipt date, else the delivery date on the form); a window of
    N working days ends with the N-th working day after receipt, the receipt
    day being day 0 whatever kind of day it is (goods received on a Saturday
    or a holiday get N working days, not N + 1). Warranty windows count months
    from receipt, else shipping.
    Returns (window status, reason, last day of the window).
    """
    category = complaint.category
    if complaint.exclusion and complaint.exclusion != Exclusion.NONE:
        return WindowStatus.EXCLUDED, _("Excluded: %(exclusion)s is not covered (004 §5.1).") % {
            "exclusion": complaint.get_exclusion_display()}, None
    if category is None:
        return WindowStatus.UNKNOWN, _("No category chosen yet."), None
    if category.window_kind == WindowKind.NONE:
        return WindowStatus.INSIDE, _("The category “%(category)s” has no acceptance window.") % {
            "category": category.name}, None
    company = complaint.company
    received_on = timezone.localtime(complaint.received_at, company.tz).date()
    shipment = complaint.shipment
    receipt = (shipment.receipt_date if shipment else None) or complaint.delivery_date
    if category.window_kind == WindowKind.WORKING_DAYS:
        if receipt is None:
            return WindowStatus.UNKNOWN, _(
                "The customer's receipt date is unknown: enter the delivery date or link the shipment."), None
        calendar = calendar or WorkingCalendar(company)
        last_day = calendar.nth_working_day_after(receipt, category.window_value or 0)
        params = {"received": received_on.isoformat(), "receipt": receipt.isoformat(), "days": category.window_value,
                  "last": last_day.isoformat(), "category": category.name}
        if received_on <= last_day:
            return WindowStatus.INSIDE, _(
                "Received on %(received)s, within %(days)s working days of the customer's receipt on %(receipt)s "
                "(last day %(last)s, %(category)s).") % params, last_day
        return WindowStatus.OUTSIDE, _(
            "Received on %(received)s, after the %(days)s working days from the customer's receipt on "
            "%(receipt)s (last day was %(last)s, %(category)s).") % params, last_day
    # Warranty months: the category's own length, else the part's warranty (default 12).
    months = category.window_value or (complaint.part.warranty_months if complaint.part_id else 12)
    start_day = receipt or (shipment.ship_date if shipment else None)
    if start_day is None:
        return WindowStatus.UNKNOWN, _(
            "The delivery date is unknown: enter it or link the shipment to check the %(months)s-month warranty."
        ) % {"months": months}, None
    last_day = _add_months(start_day, months)
    params = {"received": received_on.isoformat(), "start": start_day.isoformat(), "months": months,
              "last": last_day.isoformat()}
    if received_on <= last_day:
        return WindowStatus.INSIDE, _(
            "Received on %(received)s, within the %(months)s-month warranty from %(start)s (until %(last)s)."
        ) % params, last_day
    return WindowStatus.OUTSIDE, _(
        "Received on %(received)s, after the %(months)s-month warranty from %(start)s ended on %(last)s."
    ) % params, last_day


def _apply_acceptance(complaint: Complaint) -> None:
    complaint.window_status, complaint.window_reason, complaint.window_last_day = acceptance_check(complaint)
    complaint.window_reason = complaint.window_reason[:500]

# -- create and update ------------------------------------------------------------------

FORM_FIELDS = (
    "channel", "received_at", "customer", "contact", "contract", "shipment", "part", "delivery_date",
    "quantity_shipped", "quantity_defective", "defect_location", "defect_nature", "occurred_at",
    "operated_as_instructed", "customer_request", "description", "category", "exclusion", "owner", "department",
    "lot_number", "defect_type", "responsible_person",
)
RELATIONS = {"customer", "contact", "contract", "shipment", "part", "category", "owner", "department", "defect_type",
             "responsible_person"}
UPDATE_FIELDS = tuple(f for f in FORM_FIELDS if f != "customer") + ("acceptance_decision", "acceptance_note")


def _assign_fields(complaint: Complaint, data: dict[str, Any], allowed) -> None:
    names = set(allowed) | {f"{name}_id" for name in allowed if name in RELATIONS}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in data.items():
        setattr(complaint, name, value)


def _validate(complaint: Complaint, exclude: list[str] | None = None) -> None:
    """The model's validation; a foreign key whose record the service holds as read is not asked for again."""
    exclude = [*(exclude or ()), *loaded_relations(complaint)]
    try:
        complaint.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def complaint_create(*, actor, company, data: dict[str, Any], source: str = "web", files=()) -> Complaint:
    """Register a complaint from any channel (issue 3 §1): number, acceptance check, first deadlines.

    ``data`` holds form fields (relations as objects or ``<name>_id``).
    ``actor`` None means the system (e.g. portal intake by a customer).
    ``files`` are the customer's photos and documents given with the intake (issue 17 §1): each is checked
    before anything is written and they are stored with the complaint in the same transaction.
    """
    from .activity import _check_files, _store_files, _stored_on_failure_removed

    _require_role(actor, permissions.CREATE, company.pk)
    checked = _check_files(files)
    now = timezone.now()
    complaint = Complaint(company=company, status=Status.RECEIVED)
    _assign_fields(complaint, data, FORM_FIELDS)
    if complaint.received_at is None:
        complaint.received_at = now
    if complaint.received_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": _("A complaint cannot be received in the future.")})
    if complaint.owner_id is None:
        customer_owner = complaint.customer.owner if complaint.customer_id else None
        complaint.owner = customer_owner or _actor_or_none(actor)
    if complaint.department_id is None and complaint.owner_id:
        complaint.department = complaint.owner.department  # read here, not by the validation and then again
    if complaint.part_id is None and complaint.shipment_id:
        complaint.part_id = complaint.shipment.part_id
    if complaint.delivery_date is None and complaint.shipment_id:
        complaint.delivery_date = complaint.shipment.receipt_date or complaint.shipment.ship_date
    if complaint.quantity_shipped is None and complaint.shipment_id:
        complaint.quantity_shipped = complaint.shipment.quantity
    complaint.created_by = _actor_or_none(actor)
    _validate(complaint, exclude=["number"])
    _apply_acceptance(complaint)
    apply_priority(complaint)
    conflicts = assignment_conflicts(complaint, complaint.owner)
    if conflicts:
        # ISO 10002 §6.4: the owner investigates; who caused the nonconformity or engineers the part does not.
        raise conflict_refusal(conflicts)
    # Everything below is new in this transaction, so nothing is read before it is written (issue 24: the
    # settings once, the first deadlines and the search document inserted, the audit entries in one INSERT).
    with (acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored,
          audit_batch()):
        eff = intake_settings(company, complaint.customer)
        cfg = eff.settings
        deadlines = _first_deadlines(complaint, (DeadlineKind.PASS_ON, DeadlineKind.REPLY, DeadlineKind.CLOSURE),
                                     now, eff, WorkingCalendar(company))
        # In UTC, as the database gives it back (the audit entry shows the value as written).
        complaint.closure_due_at = deadlines[DeadlineKind.CLOSURE].due_at.astimezone(datetime.UTC)
        complaint.number = _next_number(company, now, cfg)
        complaint.save()
        StatusChange.write(complaint, name="create", old="", new=Status.RECEIVED, actor=_actor_or_none(actor), at=now)
        summaries = [_timeline(complaint, TimelineKind.COMMUNICATION, complaint.description, actor=actor, now=now,
                               internal=False, direction=Direction.IN, channel=complaint.channel,
                               indexed=False).summary]
        insert_all(list(deadlines.values()))
        if checked:
            names = "、".join(info.name for _file, info in checked)
            entry = _timeline(complaint, TimelineKind.NOTE, _("Attached: %(names)s") % {"names": names}, actor=actor,
                              now=now, internal=True, indexed=False)
            summaries.append(entry.summary)
            stored += _store_files(complaint, checked, entry=entry, internal=True, actor=actor, now=now)
        search_document_create(complaint, summaries)
        events.publish("complaints.created", complaint, actor=actor, source=source)
    return complaint


def complaint_update(*, actor, complaint: Complaint, data: dict[str, Any], expected_version: int | None = None,
                     source: str = "web") -> Complaint:
    """Edit the feedback form of an open complaint; the acceptance check is computed again."""
    _require_role(actor, permissions.EDIT, complaint.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status in FINAL_STATUSES:
            raise ValidationError({"status": _("A closed, rejected or cancelled complaint cannot be edited.")})
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError({"version": _("Someone else changed this complaint meanwhile; reload it.")})
        _assign_fields(locked, data, UPDATE_FIELDS)
        _validate(locked, exclude=["number"])
        _apply_acceptance(locked)
        apply_priority(locked)
        if "owner" in data or "owner_id" in data or "responsible_person" in data or "responsible_person_id" in data:
            conflicts = assignment_conflicts(locked, locked.owner)
            if conflicts:
                raise conflict_refusal(conflicts)
        locked.version += 1
        locked.save()
        search_document_rebuild(locked)
    return locked


# -- transitions ---------------------------------------------------------------------------
