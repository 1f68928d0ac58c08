"""Reading claims, supplier claims and the quality cost ledger: visibility, rates, totals."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import CharField, Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404

from .choices import CLOSED_STATUSES, EntryKind, LedgerGroup, ResponsibleParty
from .models import Claim, ClaimSettings, CostEntry, ExchangeRate, SupplierClaim
from .money import ZERO, cents_to_money, money, to_base


def claim_settings_for(company) -> ClaimSettings:
    obj, _created = ClaimSettings.objects.get_or_create(company=company)
    return obj


def rate_for(company, currency: str, on: datetime.date) -> Decimal:
    """The recorded rate of ``currency`` on ``on`` (1 for the base currency); None when finance has none."""
    if currency == claim_settings_for(company).base_currency:
        return Decimal("1")
    row = (ExchangeRate.objects.filter(company=company, currency=currency, valid_from__lte=on)
           .order_by("-valid_from").first())
    return row.rate if row else None


def claims_visible_to(user) -> QuerySet:
    return Claim.objects.visible_to(user)


def claim_list(user) -> QuerySet:
    return claims_visible_to(user).select_related("customer", "part", "owner", "complaint", "company")


def claim_get_for_user(user, pk: int) -> Claim:
    return get_object_or_404(
        claims_visible_to(user).select_related(
            "company", "customer", "part", "owner", "complaint", "created_by", "analysed_by", "approved_by",
            "responsible_department", "responsible_salesperson", "supplier", "settled_by", "capa",
            "no_capa_accepted_by"),
        pk=pk)


def claim_detail_rows(claim: Claim) -> dict:
    """Everything the claim page and the printout list, in a fixed number of queries."""
    return {
        "items": list(claim.items.all()),
        "documents": list(claim.documents.select_related("uploaded_by")),
        "rounds": list(claim.rounds.select_related("approved_by")),
        "changes": list(claim.changes.select_related("actor")),
        "attendees": list(claim.meeting_attendees.select_related("department")),
        "supplier_claims": list(claim.supplier_claims.select_related("supplier")),
    }


def settlement_total(claim: Claim) -> Decimal:
    total = claim.items.aggregate(total=Sum("settled_amount"))["total"]
    return money(total or 0)


def claims_for_complaint(complaint, user) -> QuerySet:
    return claims_visible_to(user).filter(complaint=complaint).order_by("received_on", "id")


def supplier_claims_visible_to(user) -> QuerySet:
    return SupplierClaim.objects.visible_to(user)


def supplier_claim_list(user) -> QuerySet:
    return supplier_claims_visible_to(user).select_related("supplier", "claim", "complaint", "handler", "company")


def supplier_claim_get_for_user(user, pk: int) -> SupplierClaim:
    return get_object_or_404(supplier_claim_list(user).select_related("negotiator", "raised_by"), pk=pk)


# -- the ledger -----------------------------------------------------------------------------

def ledger_visible_to(user) -> QuerySet:
    return CostEntry.objects.visible_to(user)


def ledger_list(user) -> QuerySet:
    return ledger_visible_to(user).select_related("customer", "part", "department", "salesperson", "supplier",
                                                  "complaint", "claim", "supplier_claim", "company")


_GROUP_KEYS = {
    LedgerGroup.PERIOD: ("period", None),
    LedgerGroup.CUSTOMER: ("customer__code", "customer__name"),
    LedgerGroup.PART: ("part__part_no", "part__name"),
    LedgerGroup.DEPARTMENT: ("department__name", None),
    LedgerGroup.SALESPERSON: ("salesperson__username", None),
    LedgerGroup.SUPPLIER: ("supplier__code", "supplier__name"),
    LedgerGroup.CATEGORY: ("category", None),
    LedgerGroup.BEARER: ("bearer", None),
}


def _sums() -> dict:
    return {
        "gross": Coalesce(Sum("amount_base_cents", filter=Q(kind=EntryKind.COST)), Value(0)),
        "recovered": Coalesce(Sum("amount_base_cents", filter=Q(kind=EntryKind.RECOVERY)), Value(0)),
        "entries": Count("id"),
    }


def _in_money(row: dict) -> dict:
    row["gross"], row["recovered"] = cents_to_money(row["gross"]), cents_to_money(row["recovered"])
    row["net"] = row["gross"] - row["recovered"]
    return row


def ledger_totals(qs: QuerySet) -> dict:
    """Gross cost, supplier recovery and net cost of the entries, in the base currency."""
    return _in_money(qs.aggregate(**_sums()))


def ledger_breakdown(qs: QuerySet, by: str) -> list[dict]:
    """Totals per period, customer, part, department, salesperson, supplier, category or bearer.

    One GROUP BY query; rows are ordered by net cost, largest first (the Pareto order), except periods,
    which read in time order, oldest first (issue 17 §9).
    """
    key, name = _GROUP_KEYS[LedgerGroup(by)]
    values = [key] + ([name] if name else [])
    rows = list(qs.order_by().values(*values).annotate(**_sums()))
    out = []
    for row in rows:
        _in_money(row)
        label = row[key]
        if by == LedgerGroup.CATEGORY and label:
            from .choices import CostCategory
            label = str(CostCategory(label).label)
        elif by == LedgerGroup.BEARER and label:
            from .choices import Bearer
            label = str(Bearer(label).label)
        elif by == LedgerGroup.PERIOD and label:
            label = label.strftime("%Y-%m")
        elif name and row.get(name):
            label = f"{label} {row[name]}"
        out.append({"key": row[key], "label": label if label not in (None, "") else "—", "gross": row["gross"],
                    "recovered": row["recovered"], "net": row["net"], "entries": row["entries"]})
    if by == LedgerGroup.PERIOD:
        out.sort(key=lambda r: (r["key"] is None, r["key"] or datetime.date.min))
    else:
        out.sort(key=lambda r: (-r["net"], str(r["label"])))
    return out


# -- management review ----------------------------------------------------------------------


def claims_review(user, date_from: datetime.date, date_to: datetime.date, company_ids=None) -> dict:
    """The claims of a period for management review (seed 000 §4.2.7): counts, amounts, open ones; of the
    visible companies, or of those of ``company_ids`` the user sees."""
    qs = claims_visible_to(user).filter(received_on__gte=date_from, received_on__lte=date_to)
    ledger = ledger_visible_to(user).filter(booked_on__gte=date_from, booked_on__lte=date_to)
    if company_ids is not None:
        qs, ledger = qs.filter(company_id__in=company_ids), ledger.filter(company_id__in=company_ids)
    summary = qs.aggregate(
        count=Count("id"),
        open=Count("id", filter=~Q(status__in=CLOSED_STATUSES)),
        withdrawn=Count("id", filter=Q(status="withdrawn")),
        settled=Count("id", filter=Q(status="settled")),
    )
    # A period holds hundreds of claims, not millions: converted one by one in Decimal at each claim's rate.
    claimed = compensation = ZERO
    for amount, paid, rate in qs.values_list("claimed_amount", "compensation_amount", "exchange_rate"):
        claimed += to_base(amount, rate)
        compensation += to_base(paid or 0, rate)
    summary["claimed_base"], summary["compensation_base"] = claimed, compensation
    ledger = ledger_totals(ledger)
    by_customer = list(qs.order_by().values("customer__code", "customer__name").annotate(
        count=Count("id"), label=Concat("customer__code", Value(" "), "customer__name", output_field=CharField()))
        .order_by("-count", "customer__code")[:10])
    responsible = [{**row, "label": ResponsibleParty(row["responsible_party"]).label}
                   for row in qs.exclude(responsible_party="").order_by().values("responsible_party").annotate(
                       count=Count("id")).order_by("-count")]
    return {"summary": summary, "ledger": ledger, "by_customer": by_customer, "responsible": responsible,
            "claims": qs.select_related("customer", "owner").order_by("received_on", "id")}


def open_claims_count(user) -> int:
    return claims_visible_to(user).exclude(status__in=CLOSED_STATUSES).count()

