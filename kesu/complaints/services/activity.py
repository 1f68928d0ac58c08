"""What happens around the steps: assignment, communications, notes, attachments, meetings, dispositions."""

from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.uploads import check_upload, file_sha256, store_thumbnail

from .. import permissions, signals
from ..choices import (
    Channel,
    Direction,
    DispositionKind,
    InspectionResult,
    Status,
    TimelineKind,
    VerificationResult,
)
from ..models import (
    AdHocMeeting,
    Complaint,
    ComplaintAttachment,
    DeliveryVerification,
    DispositionLine,
    TimelineEntry,
)
from ..search import search_document_append
from .base import _actor_or_none, _first_response, _lock_open, _require_role, _timeline
from .handling import assignment_conflicts, conflict_refusal
from .intake import _validate


def complaint_assign(*, actor, complaint: Complaint, owner, department=None, override_reason: str = "",
                     source: str = "web") -> Complaint:
    """Give the complaint a new owner (and department); recorded on the timeline.

    ISO 10002 §6.4 (objectivity): the person who caused the nonconformity, or the part's responsible engineer,
    does not investigate it. Such an assignment is refused with a warning unless ``override_reason`` says why it
    is accepted; the reason is kept on the complaint (audited) and on the timeline.
    """
    _require_role(actor, permissions.ASSIGN, complaint.company_id)
    now = timezone.now()
    override_reason = (override_reason or "").strip()
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        conflicts = assignment_conflicts(locked, owner)
        if conflicts and not override_reason:
            raise conflict_refusal(conflicts)
        locked.owner = owner
        locked.department = department or owner.department
        locked.assignment_override_reason = override_reason[:500] if conflicts else ""
        _validate(locked, exclude=["number"])
        locked.version += 1
        locked.save()
        text = _("Assigned to %(owner)s.") % {"owner": owner}
        if conflicts:
            text = "\n".join([text, _("Conflict of interest accepted (%(conflicts)s): %(reason)s") % {
                "conflicts": "; ".join(conflicts), "reason": override_reason}])
        _timeline(locked, TimelineKind.ASSIGNMENT, text, actor=actor, now=now)
        transaction.on_commit(lambda: signals.complaint_assigned.send(
            Complaint, complaint=locked, owner=owner, actor=actor))
    return locked


def communication_log(*, actor, complaint: Complaint, direction: str, channel: str, summary: str,
                      at: datetime.datetime | None = None, files=(), source: str = "web") -> TimelineEntry:
    """Record a call, e-mail, letter or visit with the customer (issue 3 §5). Outgoing ones stop the reply clock."""
    _require_role(actor, permissions.COMMUNICATE, complaint.company_id)
    errors = {}
    if direction not in Direction.values:
        errors["direction"] = _("Say whether the customer or we communicated.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose a valid channel.")
    if not (summary or "").strip():
        errors["summary"] = _("Write what was said.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("A communication cannot lie in the future.")})
    checked = _check_files(files)
    with acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored:
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        entry = _timeline(locked, TimelineKind.COMMUNICATION, summary, actor=actor, now=at, internal=False,
                          direction=direction, channel=channel)
        if direction == Direction.OUT and _first_response(locked, actor, at):
            locked.save(update_fields=["first_response_at", "updated_at"])
        stored += _store_files(locked, checked, entry=entry, internal=False, actor=actor, now=now)
    return entry


def note_add(*, actor, complaint: Complaint, text: str, files=(), source: str = "web") -> TimelineEntry:
    """An internal note, with files if any: never shown to the customer."""
    _require_role(actor, permissions.NOTE, complaint.company_id)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the note.")})
    checked = _check_files(files)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored:
        entry = _timeline(complaint, TimelineKind.NOTE, text, actor=actor, now=now, internal=True)
        stored += _store_files(complaint, checked, entry=entry, internal=True, actor=actor, now=now)
    return entry


# -- attachments -----------------------------------------------------------------------------


def _check_files(files) -> list:
    """Every file checked before anything is written: one bad file refuses them all, naming it."""
    files = list(files or ())
    limit = settings.KESU_ATTACHMENTS_PER_UPLOAD
    if len(files) > limit:
        raise ValidationError({"files": _("At most %(limit)s files at a time.") % {"limit": limit}})
    return [(f, check_upload(f, field="files")) for f in files]


def _store_files(complaint: Complaint, checked, *, entry, internal: bool, actor, now) -> list:
    rows = []
    for file, info in checked:
        row = ComplaintAttachment(
            company_id=complaint.company_id, complaint=complaint, entry=entry, name=info.name,
            content_type=info.content_type, size=info.size, sha256=info.sha256, internal=internal,
            uploaded_by=_actor_or_none(actor), uploaded_at=now,
        )
        row.file.save(info.sha256, file, save=False)
        store_thumbnail(row, file)  # made once here, never on a page view (issue 17 §8)
        row.save()
        rows.append(row)
    return rows


@contextlib.contextmanager
def _stored_on_failure_removed():
    """Files written inside a transaction that then fails are deleted again (nothing half-saved)."""
    stored: list[ComplaintAttachment] = []
    try:
        yield stored
    except BaseException:
        for row in stored:
            if row.thumbnail.name:
                row.thumbnail.delete(save=False)
            row.file.delete(save=False)  # each upload has its own stored file (the storage never overwrites)
        raise


def attachment_add(*, actor, complaint: Complaint, files, internal: bool = True, note: str = "",
                   source: str = "web") -> list[ComplaintAttachment]:
    """Attach photos, PDFs or Office files to a complaint (issue 3 §1); shown on the timeline."""
    _require_role(actor, permissions.NOTE, complaint.company_id)
    checked = _check_files(files)
    if not checked:
        raise ValidationError({"files": _("Choose at least one file.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic(), _stored_on_failure_removed() as stored:
        names = "、".join(info.name for _file, info in checked)
        summary = _("Attached: %(names)s") % {"names": names}
        if note.strip():
            summary = f"{summary}\n{note.strip()}"
        entry = _timeline(complaint, TimelineKind.NOTE, summary, actor=actor, now=now, internal=internal)
        stored += _store_files(complaint, checked, entry=entry, internal=internal, actor=actor, now=now)
    return stored


class AttachmentDamaged(Exception):
    """The stored file no longer has the content hash recorded at upload: it is not served."""


def attachment_open(attachment: ComplaintAttachment):
    """The attachment's file, opened, after checking its content hash against the recorded one."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise AttachmentDamaged(attachment.name) from error
    if file_sha256(handle) != attachment.sha256:
        handle.close()
        raise AttachmentDamaged(attachment.name)
    return handle


def meeting_summary(conclusions: str) -> str:
    return _("Ad-hoc meeting held: %(conclusions)s") % {"conclusions": conclusions}


def meeting_record(*, actor, complaint: Complaint, held_at: datetime.datetime, attendees, departments,
                   conclusions: str, actions: str = "", source: str = "web") -> AdHocMeeting:
    """The ad-hoc meeting for a major quality problem (000 §4.1.3 a): who came, what was concluded."""
    _require_role(actor, permissions.MEETING, complaint.company_id)
    attendees, departments = list(attendees), list(departments)
    errors = {}
    if not attendees:
        errors["attendees"] = _("Name at least one attendee.")
    elif any(not u.is_superuser and u.company_id != complaint.company_id for u in attendees):
        errors["attendees"] = _("Attendees must belong to the same company.")
    if not departments:
        errors["departments"] = _("Name the departments that took part.")
    elif any(d.company_id != complaint.company_id for d in departments):
        errors["departments"] = _("Departments must belong to the same company.")
    if not (conclusions or "").strip():
        errors["conclusions"] = _("Write the conclusions.")
    if held_at and held_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["held_at"] = _("A meeting record cannot lie in the future.")
    if errors:
        raise ValidationError(errors)
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        meeting = AdHocMeeting.objects.create(
            company_id=locked.company_id, complaint=locked, held_at=held_at, conclusions=conclusions,
            actions=actions, recorded_by=_actor_or_none(actor),
        )
        meeting.attendees.set(attendees)
        meeting.departments.set(departments)
        _timeline(locked, TimelineKind.NOTE, meeting_summary(conclusions), actor=actor, now=timezone.now())
    return meeting


def disposition_add(*, actor, complaint: Complaint, kind: str, quantity: int, note: str = "",
                    mis_order: bool = False, lot_number: str = "", source: str = "web") -> DispositionLine:
    """What happens to the goods (004 §7), with the lot, batch or serial numbers concerned (searchable)."""
    _require_role(actor, permissions.DISPOSITION_ADD, complaint.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        line = DispositionLine(company_id=locked.company_id, complaint=locked, kind=kind, quantity=quantity,
                               note=note, mis_order=mis_order, lot_number=(lot_number or "").strip())
        try:
            line.full_clean(validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        line.save()
        if line.kind == DispositionKind.RETURN and not line.mis_order:  # no approval needed: expected at once
            transaction.on_commit(lambda: signals.disposition_approved.send(DispositionLine, line=line, actor=actor))
        _timeline(locked, TimelineKind.NOTE, _("Disposition: %(kind)s × %(quantity)s") % {
            "kind": line.get_kind_display(), "quantity": quantity}, actor=actor, now=timezone.now())
        if line.lot_number:
            search_document_append(locked, line.lot_number)
    return line


def disposition_approve_mis_order(*, actor, line: DispositionLine, source: str = "web") -> DispositionLine:
    """004 §6.6: a return for a customer's mis-order needs a regional manager or above."""
    _require_role(actor, permissions.MIS_ORDER_APPROVE, line.company_id)
    if not line.mis_order or line.kind != DispositionKind.RETURN:
        raise ValidationError({"mis_order": _("Only a mis-order return needs this approval.")})
    with acting_as(actor, source), transaction.atomic():
        line = DispositionLine.objects.select_for_update().get(pk=line.pk)
        if line.regional_manager_approved_at is None:
            line.regional_manager_approved_by = _actor_or_none(actor)
            line.regional_manager_approved_at = timezone.now()
            line.save()
            transaction.on_commit(lambda: signals.disposition_approved.send(DispositionLine, line=line, actor=actor))
    return line


def disposition_record_inspection(*, actor, line: DispositionLine, result: str, source: str = "web"
                                  ) -> DispositionLine:
    _require_role(actor, permissions.INSPECTION, line.company_id)
    if result not in (InspectionResult.PASS, InspectionResult.FAIL):
        raise ValidationError({"incoming_inspection_result": _("Record pass or fail.")})
    with acting_as(actor, source), transaction.atomic():
        line = DispositionLine.objects.select_for_update().get(pk=line.pk)
        if line.restocked_at:
            raise ValidationError({"incoming_inspection_result": _("The goods are already back in stock.")})
        line.incoming_inspection_result = result
        line.save()
    return line


def disposition_restock(*, actor, line: DispositionLine, source: str = "web") -> DispositionLine:
    """Returned goods go back to stock only after approval (mis-orders) and a passed inspection (004 §6.6)."""
    _require_role(actor, permissions.RESTOCK, line.company_id)
    with acting_as(actor, source), transaction.atomic():
        line = DispositionLine.objects.select_for_update().get(pk=line.pk)
        if line.kind != DispositionKind.RETURN:
            raise ValidationError({"kind": _("Only returned goods go back to stock.")})
        if line.mis_order and line.regional_manager_approved_at is None:
            raise ValidationError({"regional_manager_approved_by": _("The regional manager has not approved the return.")})
        if line.incoming_inspection_result != InspectionResult.PASS:
            raise ValidationError({"incoming_inspection_result": _("The goods have not passed incoming inspection.")})
        if line.restocked_at is None:
            line.restocked_at = timezone.now()
            line.save()
    return line


# -- verification on later deliveries (004 §5.2(3)) -----------------------------------------------


def delivery_verification_record(*, actor, complaint: Complaint, shipment, checked_on: datetime.date, result: str,
                                 checked_by=None, note: str = "", source: str = "web") -> DeliveryVerification:
    """QA or sales record the check of one later delivery of the complaint's part to its customer (004 §5.2(3)).

    Only while the complaint is in verification, on a shipment of the same part to the same customer that left
    after the remedy was carried out, once per shipment. A "not OK" result (the problem recurred) records a
    recurrence and sends the complaint back to QA's investigation, in the same transaction.
    """
    from ..selectors import _remedy_done_on
    from .transitions import complaint_transition

    _require_role(actor, permissions.VERIFY_DELIVERY, complaint.company_id)
    checked_by = checked_by or actor
    errors: dict[str, str] = {}
    if complaint.status != Status.VERIFICATION:
        errors["status"] = _("Later deliveries are verified once the remedy is carried out and verification "
                             "has started.")
    elif shipment.company_id != complaint.company_id or shipment.customer_id != complaint.customer_id:
        errors["shipment"] = _("The shipment must be a shipment to the complaint's customer.")
    elif not complaint.part_id:
        errors["shipment"] = _("Name the complaint's part first: later shipments of the same part are verified.")
    elif shipment.part_id != complaint.part_id:
        errors["shipment"] = _("The shipment must be of the complaint's part (%(part)s).") % {"part": complaint.part}
    elif shipment.ship_date is None or shipment.ship_date <= _remedy_done_on(complaint):
        errors["shipment"] = _("The shipment must have left after the remedy was carried out (%(date)s).") % {
            "date": _remedy_done_on(complaint).isoformat()}
    elif DeliveryVerification.objects.filter(complaint=complaint, shipment=shipment).exists():
        errors["shipment"] = _("This shipment is already verified.")
    if result not in VerificationResult.values:
        errors["result"] = _("Choose OK or not OK.")
    elif result == VerificationResult.NOT_OK and not (note or "").strip():
        errors["note"] = _("Describe how the problem recurred.")
    today = timezone.localdate(timezone=complaint.company.tz)
    if checked_on > today:
        errors["checked_on"] = _("A check cannot lie in the future.")
    elif shipment.ship_date and checked_on < shipment.ship_date:
        errors["checked_on"] = _("The check cannot be before the shipment left.")
    if not checked_by.is_superuser and checked_by.company_id != complaint.company_id:
        errors["checked_by"] = _("It must belong to the same company.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        locked = _lock_open(complaint)
        row = DeliveryVerification.objects.create(
            company_id=locked.company_id, complaint=locked, shipment=shipment, checked_on=checked_on,
            checked_by=checked_by, result=result, note=note, recorded_by=_actor_or_none(actor), recorded_at=now)
        summary = _("Delivery %(delivery)s of %(date)s checked by %(who)s: %(result)s") % {
            "delivery": shipment.delivery_no, "date": shipment.ship_date.isoformat(), "who": checked_by,
            "result": row.get_result_display()}
        _timeline(locked, TimelineKind.NOTE, f"{summary}\n{note}".strip(), actor=actor, now=now)
        if result == VerificationResult.NOT_OK:
            complaint_transition(actor=actor, complaint=locked, action="record_recurrence", reason=note,
                                 source=source)
    return row
