"""Supplier claims (charge-backs): raised from a claim or a complaint, sent, agreed, recovered."""

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
from kesu.core.workflow import run_transition

from .. import permissions, signals
from ..choices import Bearer, CostCategory, EntryKind
from ..models import Claim, CostEntry, SupplierClaim, SupplierClaimChange
from ..money import money
from ..selectors import claim_settings_for, rate_for
from ..workflow import INPUT_LABELS, SUPPLIER_TABLE
from .common import full_clean

COUNTER_KEY = "supplier_claim"
_DESCRIPTION_MAX = CostEntry._meta.get_field("description").max_length
RAISE_FIELDS = ("claim", "complaint", "supplier", "description", "currency", "share_percent", "amount", "handler")


def _create(sc: SupplierClaim, person, now) -> SupplierClaim:
    cfg = claim_settings_for(sc.company)
    sc.number = next_number(sc.company, COUNTER_KEY, cfg.supplier_number_pattern, now, taken=lambda n: (
        SupplierClaim.objects.filter(company=sc.company, number=n).exists()))
    sc.save()
    SupplierClaimChange.write(sc, name="raise", old="", new=sc.status, actor=person, at=now)
    return sc


def raise_for_claim(claim: Claim, person, amount: Decimal) -> SupplierClaim:
    """The charge-back of a settled claim whose responsible party is a supplier (inside its transaction)."""
    cfg = claim_settings_for(claim.company)
    sc = SupplierClaim(
        company=claim.company, claim=claim, complaint=claim.complaint, supplier=claim.supplier,
        description=_("Share of %(percent)s %% of the compensation of claim %(number)s: %(conclusion)s") % {
            "percent": claim.supplier_share, "number": claim.number, "conclusion": claim.meeting_conclusion},
        currency=cfg.base_currency, share_percent=claim.supplier_share,
        amount=money(amount * claim.exchange_rate) if claim.currency != cfg.base_currency else amount,
        raised_by=person, raised_at=timezone.now())
    return _create(sc, person, sc.raised_at)


def supplier_claim_raise(*, actor, company, data: dict[str, Any], source: str = "web") -> SupplierClaim:
    """Raise a charge-back by hand (a complaint whose responsibility is a supplier's, or a claim's extra cost)."""
    require_role(actor, permissions.RAISE_SUPPLIER_CLAIM, company.pk)
    unknown = sorted(set(data) - set(RAISE_FIELDS) - {f"{n}_id" for n in RAISE_FIELDS})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    now = timezone.now()
    sc = SupplierClaim(company=company, raised_by=actor_or_none(actor), raised_at=now, **data)
    if not sc.currency:
        sc.currency = claim_settings_for(company).base_currency
    if not (sc.claim_id or sc.complaint_id):
        raise ValidationError({"claim": _("Raise the supplier claim from a customer claim or a complaint.")})
    full_clean(sc, exclude=["number"])
    with acting_as(actor, source), transaction.atomic():
        return _create(sc, actor_or_none(actor), now)


def _label(name: str) -> str:
    return str(INPUT_LABELS.get(name) or SupplierClaim._meta.get_field(name).verbose_name)


def _sent(sc: SupplierClaim, person, inputs: dict[str, Any], now) -> None:
    sc.sent_at, sc.handler = now, sc.handler or person


def _agreed(sc: SupplierClaim, person, inputs: dict[str, Any], now) -> None:
    sc.agreed_amount, sc.negotiator = money(inputs["agreed_amount"]), person
    sc.outcome_note = (inputs.get("note") or "").strip()


def _recovered(sc: SupplierClaim, person, inputs: dict[str, Any], now) -> None:
    sc.recovered_amount, sc.recovered_on = money(inputs["recovered_amount"]), inputs["recovered_on"]
    sc.recovery_reference = (inputs.get("recovery_reference") or "").strip()
    sc.closed_at = now
    _book_recovery(sc, person)


def _written_off(sc: SupplierClaim, person, inputs: dict[str, Any], now) -> None:
    sc.outcome_note, sc.closed_at = inputs["reason"].strip(), now


# What each step of SUPPLIER_ROWS writes besides the status; a step missing here fails loudly (KeyError).
STEP_EFFECTS = {"send": _sent, "agree": _agreed, "recover": _recovered, "write_off": _written_off}


def _effects(actor):
    person = actor_or_none(actor)

    def apply(sc: SupplierClaim, row, inputs: dict[str, Any], now) -> None:
        STEP_EFFECTS[row.name](sc, person, inputs, now)
    return apply


def _book_recovery(sc: SupplierClaim, person) -> None:
    from .ledger import entry_for

    claim = sc.claim
    complaint = sc.complaint or (claim.complaint if claim else None)
    customer = claim.customer if claim else (complaint.customer if complaint else None)
    part = claim.part if claim and claim.part_id else (complaint.part if complaint and complaint.part_id else None)
    rate = rate_for(sc.company, sc.currency, sc.recovered_on)  # 1 for the base currency
    if rate is None:
        raise ValidationError({"recovered_amount": _(
            "No exchange rate of %(currency)s is recorded for that day.") % {"currency": sc.currency}})
    entry_for(company=sc.company, kind=EntryKind.RECOVERY, category=CostCategory.COMPENSATION,
              booked_on=sc.recovered_on, currency=sc.currency, amount=sc.recovered_amount, rate=rate,
              bearer=Bearer.SUPPLIER, supplier=sc.supplier, supplier_claim=sc, claim=claim, complaint=complaint,
              customer=customer, part=part, description=f"{sc.number} {sc.supplier}"[:_DESCRIPTION_MAX],
              booked_by=person).save()


def _announce(actor):
    def announce(sc: SupplierClaim, row, old: str, note: str, now) -> None:
        transaction.on_commit(lambda: signals.supplier_claim_transitioned.send(
            SupplierClaim, supplier_claim=sc, name=row.name, old_status=old, new_status=row.target, actor=actor,
            note=note))
    return announce


def supplier_claim_transition(*, actor, supplier_claim: SupplierClaim, name: str,
                              expected_version: int | None = None, source: str = "web", **inputs: Any
                              ) -> SupplierClaim:
    """Move a supplier claim one step through ``workflow.SUPPLIER_ROWS``."""
    return run_transition(table=SUPPLIER_TABLE, obj=supplier_claim, name=name, actor=actor, inputs=inputs,
                          noun=SupplierClaim._meta.verbose_name, label_of=_label, effects=_effects(actor),
                          changes=SupplierClaimChange, announce=_announce(actor),
                          expected_version=expected_version, source=source)


