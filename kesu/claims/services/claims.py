"""Recording, completing and moving customer claims: the one write path (pages, API, demo)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import actor_or_none, require_role
from kesu.core.uploads import check_upload, store_thumbnail
from kesu.core.workflow import run_transition

from .. import permissions, signals
from ..choices import BEARER_OF_PARTY, CATEGORY_OF_ITEM, Answer, ClaimStatus, EntryKind, ResponsibleParty
from ..models import Claim, ClaimChange, ClaimDocument, ClaimItem, NegotiationRound
from ..money import line_total, money, share
from ..selectors import claim_settings_for, rate_for
from ..workflow import CLAIM_TABLE, INPUT_LABELS, approves_by_delegation, capa_assignment
from .common import full_clean, locked_for_edit

COUNTER_KEY = "claim"
CREATE_FIELDS = ("complaint", "customer", "part", "title", "description", "customer_reference", "received_on",
                 "owner", "currency", "exchange_rate")
EDITABLE = (ClaimStatus.COLLECTING, ClaimStatus.ANALYSING)
EDIT_FIELDS = ("part", "title", "description", "customer_reference", "received_on", "owner", "currency",
               "exchange_rate")


def _check_fields(data: dict[str, Any], allowed) -> None:
    unknown = sorted(set(data) - set(allowed) - {f"{n}_id" for n in allowed})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})


def _default_rate(claim: Claim) -> None:
    if claim.exchange_rate in (None, ""):
        rate = rate_for(claim.company, claim.currency, claim.received_on or timezone.localdate())
        if rate is None:
            raise ValidationError({"exchange_rate": _(
                "No exchange rate of %(currency)s is recorded for that day: give the rate to the base currency.")
                % {"currency": claim.currency}})
        claim.exchange_rate = rate


def claim_create(*, actor, company, data: dict[str, Any], items=(), source: str = "web") -> Claim:
    """Record a claim (usually from a complaint: its customer and part are taken over) with its items."""
    require_role(actor, permissions.RECORD, company.pk)
    _check_fields(data, CREATE_FIELDS)
    data = dict(data)
    data.setdefault("exchange_rate", None)
    claim = Claim(company=company, created_by=actor_or_none(actor), **data)
    if claim.complaint_id:
        complaint = claim.complaint
        if not claim.customer_id:
            claim.customer = complaint.customer
        if not claim.part_id and complaint.part_id:
            claim.part = complaint.part
    if not claim.owner_id and actor_or_none(actor) is not None:
        claim.owner = actor
    _default_rate(claim)
    full_clean(claim, exclude=["number"])
    rows = _item_rows(claim, list(items))
    cfg = claim_settings_for(company)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        claim.number = next_number(company, COUNTER_KEY, cfg.number_pattern, now, taken=lambda n: (
            Claim.objects.filter(company=company, number=n).exists()))
        claim.claimed_amount = money(sum((r.claimed_amount for r in rows), Decimal(0)))
        claim.save()
        for row in rows:
            row.claim = claim
            row.save()
        ClaimChange.write(claim, name="create", old="", new=claim.status, actor=actor_or_none(actor), at=now)
        transaction.on_commit(lambda: signals.claim_created.send(Claim, claim=claim, actor=actor))
    return claim


def claim_update(*, actor, claim: Claim, data: dict[str, Any], expected_version: int | None = None,
                 source: str = "web") -> Claim:
    """Change the claim's facts while sales collects or the vice GM analyses."""
    require_role(actor, permissions.RECORD | permissions.ANALYSTS, claim.company_id)
    _check_fields(data, EDIT_FIELDS)
    with acting_as(actor, source), transaction.atomic():
        locked = locked_for_edit(Claim, claim, expected_version, EDITABLE)
        for key, value in data.items():
            setattr(locked, key, value)
        full_clean(locked)
        locked.version += 1
        locked.save()
    return locked


def _item_rows(claim: Claim, items: list[dict[str, Any]]) -> list[ClaimItem]:
    rows = []
    for i, item in enumerate(items):
        unknown = sorted(set(item) - {"kind", "description", "quantity", "unit_price"})
        if unknown:
            raise ValidationError({f"items[{i}].{unknown[0]}": _("This field cannot be set here.")})
        row = ClaimItem(claim=claim, **item)
        try:
            row.quantity = Decimal(row.quantity if row.quantity is not None else 1)
            row.claimed_amount = line_total(row.quantity, row.unit_price if row.unit_price is not None else 0)
        except (ArithmeticError, TypeError, ValueError):
            raise ValidationError({f"items[{i}].unit_price": _("Enter a number.")}) from None
        try:
            row.full_clean(exclude=["claim"])
        except ValidationError as error:
            raise ValidationError({f"items[{i}].{k}": v for k, v in error.message_dict.items()}) from error
        rows.append(row)
    return rows


def claim_items_save(*, actor, claim: Claim, items: list[dict[str, Any]], expected_version: int | None = None,
                     source: str = "web") -> Claim:
    """Replace the claimed items (sales, while collecting or in analysis); the claimed amount follows."""
    require_role(actor, permissions.RECORD | permissions.ANALYSTS, claim.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = locked_for_edit(Claim, claim, expected_version, EDITABLE)
        rows = _item_rows(locked, list(items))
        if not rows:
            raise ValidationError({"items": _("List at least one item.")})
        locked.items.all().delete()
        for row in rows:
            row.save()
        locked.claimed_amount = money(sum((r.claimed_amount for r in rows), Decimal(0)))
        locked.version += 1
        locked.save()
    return locked


def claim_document_add(*, actor, claim: Claim, kind: str, file, note: str = "", source: str = "web") -> ClaimDocument:
    """Add a collected document or invoice (type, size and content checked; SHA-256 kept)."""
    require_role(actor, permissions.RECORD | permissions.ANALYSTS, claim.company_id)
    if claim.status in (ClaimStatus.SETTLED, ClaimStatus.WITHDRAWN, ClaimStatus.CANCELLED):
        raise ValidationError({"file": _("A closed claim takes no new documents.")})
    info = check_upload(file, field="file")
    doc = ClaimDocument(claim=claim, kind=kind, name=info.name, content_type=info.content_type, size=info.size,
                        sha256=info.sha256, note=note, uploaded_by=actor_or_none(actor), uploaded_at=timezone.now())
    try:
        doc.full_clean(exclude=["file", "claim"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    with acting_as(actor, source):
        try:
            with transaction.atomic():
                doc.file.save(info.sha256, file, save=False)
                store_thumbnail(doc, file)  # made once here, never on a page view (issue 17 §8)
                doc.save()
        except BaseException:
            if doc.thumbnail.name:
                doc.thumbnail.delete(save=False)
            if doc.file.name:
                doc.file.delete(save=False)  # nothing half-saved: no stored file without its row
            raise
    return doc


def claim_settlement_save(*, actor, claim: Claim, amounts: dict[int, Any], expected_version: int | None = None,
                          source: str = "web") -> Claim:
    """Finance computes the compensation item by item (seed 000 §3.6); the sum is the compensation."""
    require_role(actor, permissions.SETTLE, claim.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = locked_for_edit(Claim, claim, expected_version, (ClaimStatus.SETTLING,))
        items = {item.pk: item for item in locked.items.all()}
        for item_id, value in amounts.items():
            item = items.get(int(item_id))
            if item is None:
                raise ValidationError({f"items.{item_id}": _("No such item on this claim.")})
            try:
                item.settled_amount = money(value)
            except (TypeError, ValueError):
                raise ValidationError({f"items.{item_id}": _("Enter an amount.")}) from None
            if item.settled_amount < 0:
                raise ValidationError({f"items.{item_id}": _("The amount cannot be negative.")})
            item.save(update_fields=["settled_amount", "updated_at"])
        settled = [i.settled_amount for i in items.values() if i.settled_amount is not None]
        locked.compensation_amount = money(sum(settled, Decimal(0))) if settled else None
        locked.version += 1
        locked.save()
    return locked


# -- the workflow -------------------------------------------------------------------------------


def _label(name: str) -> str:
    return str(INPUT_LABELS.get(name) or Claim._meta.get_field(name).verbose_name)


def _effects(actor):
    person = actor_or_none(actor)

    def apply(c: Claim, row, inputs: dict[str, Any], now) -> None:
        name = row.name
        if name == "propose":
            c.analysis = inputs["analysis"].strip()
            c.proposed_outcome, c.proposed_amount = inputs["proposed_outcome"], money(inputs["proposed_amount"])
            c.analysed_by, c.analysed_at = person, now
        elif name == "approve":
            c.approved_by, c.approved_at = person, now
            c.approved_by_delegation = approves_by_delegation(actor)
            round_no = c.rounds.count() + 1
            NegotiationRound.objects.create(claim=c, round_no=round_no, outcome=c.proposed_outcome,
                                            offered_amount=c.proposed_amount, offered_at=now, approved_by=person)
        elif name == "return_proposal":
            c.approved_by = c.approved_at = None
            c.approved_by_delegation = False
        elif name in ("customer_rejects", "customer_accepts", "withdraw"):
            offer = c.rounds.order_by("-round_no").first()
            offer.answer = Answer.REJECTED if name == "customer_rejects" else Answer.ACCEPTED
            offer.answer_note = (inputs.get("reason") or inputs.get("note") or inputs.get("agreement_note") or "")
            offer.answered_at = now
            offer.save()
            if name != "customer_rejects":
                c.outcome, c.agreed_amount, c.agreed_at = offer.outcome, offer.offered_amount, now
            if name == "withdraw":
                c.agreement_note, c.closed_at = inputs["agreement_note"].strip(), now
        elif name == "fix_responsibility":
            _fix_responsibility(c, inputs, now)
        elif name == "settle":
            c.settlement_method, c.settled_on = inputs["settlement_method"], inputs["settled_on"]
            c.settlement_reference = (inputs.get("settlement_reference") or "").strip()
            c.settled_by = person
            _book_settlement(c, person)
            _root_cause(c, inputs, now)
        elif name == "accept_no_capa":
            c.no_capa_accepted_by, c.no_capa_accepted_at, c.closed_at = person, now, now
        elif name == "cancel":
            c.closed_at = now
    return apply


def _fix_responsibility(c: Claim, inputs: dict[str, Any], now) -> None:
    party = inputs["responsible_party"]
    c.responsible_party = party
    c.meeting_conclusion, c.meeting_at = inputs["meeting_conclusion"].strip(), now
    c.responsible_department = inputs.get("responsible_department") if party == ResponsibleParty.DEPARTMENT else None
    c.responsible_salesperson = (inputs.get("responsible_salesperson")
                                 if party == ResponsibleParty.SALESPERSON else None)
    c.supplier = inputs.get("supplier") if party == ResponsibleParty.SUPPLIER else None
    c.supplier_share = inputs.get("supplier_share") if party == ResponsibleParty.SUPPLIER else None
    for name in ("responsible_department", "responsible_salesperson", "supplier"):
        related = getattr(c, name)
        if related is not None and getattr(related, "company_id", c.company_id) != c.company_id:
            raise ValidationError({name: _("Choose a record of the claim's company.")})
    attendees = list(inputs["meeting_attendees"])
    if any(u.company_id != c.company_id for u in attendees):
        raise ValidationError({"meeting_attendees": _("Choose people of the claim's company.")})
    c.meeting_attendees.set(attendees)


def _root_cause(c: Claim, inputs: dict[str, Any], now) -> None:
    """Seed 000 §4.2.6: once the claim is settled, its root cause is analysed under a corrective action, raised
    here through the CAPA service (by the system, on the vice GM's behalf) and linked to the claim and its
    complaint; the claim is closed. When finance records why none is needed, the claim stays open for QA to
    accept the reason (``accept_no_capa``) or raise the action after all (:func:`claim_action_raise`)."""
    reason = (inputs.get("no_capa_reason") or "").strip()
    if reason:
        c.no_capa_reason = reason
        return
    c.capa = claim_action_raise(actor=None, claim=c, source="command")
    c.closed_at = now


def _book_settlement(c: Claim, person) -> None:
    """The compensation goes into the quality cost ledger item by item, borne by the responsible party;
    a responsible supplier gets its charge-back raised for its share."""
    from .ledger import entry_for
    from .supplier import raise_for_claim

    bearer = BEARER_OF_PARTY.get(c.responsible_party)
    on = c.settled_on
    for item in c.items.all():
        if not item.settled_amount:
            continue
        entry_for(company=c.company, kind=EntryKind.COST, category=CATEGORY_OF_ITEM[item.kind], booked_on=on,
                  currency=c.currency, amount=item.settled_amount, rate=c.exchange_rate, claim=c,
                  complaint=c.complaint, customer=c.customer, part=c.part, bearer=bearer,
                  department=c.responsible_department, salesperson=c.responsible_salesperson, supplier=c.supplier,
                  description=f"{c.number} {item}"[:300], booked_by=person).save()
    c.compensation_amount = money(sum((i.settled_amount or 0 for i in c.items.all()), Decimal(0)))
    if c.responsible_party == ResponsibleParty.SUPPLIER and c.supplier_id and c.compensation_amount:
        raise_for_claim(c, person, share(c.compensation_amount, c.supplier_share))


def _announce(actor):
    def announce(c: Claim, row, old: str, note: str, now) -> None:
        transaction.on_commit(lambda: signals.claim_transitioned.send(
            Claim, claim=c, name=row.name, old_status=old, new_status=row.target, actor=actor, note=note))
    return announce


def claim_transition(*, actor, claim: Claim, name: str, expected_version: int | None = None, source: str = "web",
                     **inputs: Any) -> Claim:
    """Move a claim one step through ``workflow.ROWS``; the only way its status changes.

    An approval the vice GM takes under the company's delegation says so in its history row (issue 18 §1)."""
    if name == "approve" and approves_by_delegation(actor):
        note = (inputs.get("note") or "").strip()
        inputs["note"] = _("By delegation of the general manager.") + (f" {note}" if note else "")
    return run_transition(table=CLAIM_TABLE, obj=claim, name=name, actor=actor, inputs=inputs,
                          noun=Claim._meta.verbose_name, label_of=_label, effects=_effects(actor),
                          changes=ClaimChange, announce=_announce(actor), expected_version=expected_version,
                          source=source)


def claim_action_raise(*, actor, claim: Claim, data: dict[str, Any] | None = None, source: str = "web"):
    """Root cause and corrective action of a claim go through the CAPA service (seed 000 §4.2.6).

    Raised at settlement by the system (``actor`` None), or by hand; the responsible department and its owner
    are :func:`~kesu.claims.workflow.capa_assignment`'s unless ``data`` names them. A settled claim whose
    corrective action was waived pending QA's acceptance takes this one instead and is closed."""
    from kesu.capa.choices import SourceKind
    from kesu.capa.services import action_raise

    base: dict[str, Any] = {"title": f"{claim.number} {claim.title}"[:200], "problem": claim.description,
                            "customer": claim.customer}
    department, owner = capa_assignment(claim)
    if department is not None:
        base["responsible_department"] = department
    if owner is not None:
        base["owner"] = owner
    base.update(data or {})
    sources = [(SourceKind.CLAIM, claim)]
    if claim.complaint_id:
        sources.append((SourceKind.COMPLAINT, claim.complaint))
    with transaction.atomic():
        action = action_raise(actor=actor, company=claim.company, data=base,
                              parts=[claim.part] if claim.part_id else [], sources=sources, source=source)
        if actor is not None and claim.status == ClaimStatus.SETTLED and claim.closed_at is None:
            with acting_as(actor, source):
                locked = Claim.objects.select_for_update().get(pk=claim.pk)
                if locked.closed_at is None and locked.capa_id is None:
                    locked.capa, locked.closed_at, locked.version = action, timezone.now(), locked.version + 1
                    locked.save()
                    claim.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_state")})
    return action

