"""The claim's paper forms as PDF (issue 5).

- 《索赔处理单》 the claim settlement sheet: what the customer claimed item by item, the vice
  GM's analysis and proposal, every negotiation round, the responsibility meeting, what
  finance paid or credited and the charge-backs raised, with the sign-off boxes of sales,
  the vice GM, the GM and finance — the sheet the file keeps once the claim is closed.
- 《供应商索赔函》 the supplier claim letter: the charge-back as the supplier receives it,
  addressed to its contact, naming the customer claim or complaint it comes from.

Amounts are Decimal from the database to the page (issue 5 §6): formatted with thousands
separators and two places, converted to the base currency only with the rate recorded on
the claim, so the sheet shows the figures the ledger booked. Labels are the models' own
field names in the active language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.capa.printouts import pdf_response
from kesu.core.printing import PrintForm

from .choices import ResponsibleParty
from .models import Claim, ClaimItem, NegotiationRound, SupplierClaim
from .money import money, to_base
from .selectors import claim_detail_rows, claim_settings_for

__all__ = ["claim_pdf", "pdf_response", "supplier_claim_pdf"]

EMPTY = "—"


def _amount(value: Decimal | None, currency: str = "") -> str:
    """``1,234.50`` (with the currency code in front when given); the Decimal never becomes a float."""
    if value is None:
        return EMPTY
    formatted = f"{money(value):,.2f}"
    return f"{currency} {formatted}" if currency else formatted


def _number(value: Decimal | None) -> str:
    """A quantity, rate or percentage without trailing zeros (``3``, ``1.5``, ``7.1``), never in exponent form."""
    if value is None:
        return EMPTY
    return f"{Decimal(value).normalize():,f}"


def _when(company: Any, value: datetime.date | datetime.datetime | None) -> str:
    """Dates as they are; moments in the company's time zone, as everywhere else on its forms."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, company.tz).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _or_empty(value: Any) -> Any:
    return EMPTY if value in (None, "") else value


def _heading(form: PrintForm, value: str) -> None:
    """A heading kept on the page of what it heads (PrintForm's own may end a page alone)."""
    form.heading(value)
    form.story[-1].keepWithNext = True


def _claim_pairs(claim: Claim, names: Iterable[str]) -> list[tuple[str, Any]]:
    """Label / value of plain claim fields: choices by their label, people and records by their name."""
    rows = []
    for name in names:
        field = Claim._meta.get_field(name)
        value = getattr(claim, f"get_{name}_display")() if field.choices else getattr(claim, name)
        if isinstance(value, datetime.date):
            value = _when(claim.company, value)
        rows.append((str(field.verbose_name), _or_empty(value)))
    return rows


def _responsible(claim: Claim) -> str:
    """Who the meeting found responsible, by name; a supplier with its share of the compensation."""
    party = claim.responsible_party
    if party == ResponsibleParty.DEPARTMENT and claim.responsible_department_id:
        return str(claim.responsible_department)
    if party == ResponsibleParty.SALESPERSON and claim.responsible_salesperson_id:
        return str(claim.responsible_salesperson)
    if party == ResponsibleParty.SUPPLIER and claim.supplier_id:
        return _("%(supplier)s, share %(share)s %%") % {"supplier": f"{claim.supplier.code} {claim.supplier.name}",
                                                         "share": _number(claim.supplier_share)}
    return EMPTY


def _items_table(form: PrintForm, claim: Claim, items: list[ClaimItem]) -> None:
    """The claimed items with a total line; the settled column stays empty until finance fills it."""
    settled = [i.settled_amount for i in items if i.settled_amount is not None]
    rows: list[tuple[Any, ...]] = [
        (item.get_kind_display(), item.description, _number(item.quantity), _amount(item.unit_price),
         _amount(item.claimed_amount), _amount(item.settled_amount)) for item in items]
    if items:
        rows.append((_("Total"), "", "", "", _amount(claim.claimed_amount),
                     _amount(sum(settled, Decimal(0))) if settled else EMPTY))
    form.table([_label(ClaimItem, n) for n in ("kind", "description", "quantity", "unit_price", "claimed_amount",
                                                  "settled_amount")],
               rows, widths=[0.15, 0.29, 0.1, 0.14, 0.16, 0.16], empty=_("None."))


def _rounds_table(form: PrintForm, claim: Claim, rounds: list[NegotiationRound]) -> None:
    company = claim.company
    form.table(
        [_label(NegotiationRound, n) for n in ("round_no", "outcome", "offered_amount", "answer", "answer_note",
                                                 "offered_at", "answered_at")],
        [(r.round_no, r.get_outcome_display(), _amount(r.offered_amount), r.get_answer_display(), r.answer_note,
          _when(company, r.offered_at), _when(company, r.answered_at)) for r in rounds],
        widths=[0.07, 0.18, 0.13, 0.12, 0.22, 0.14, 0.14], empty=_("None yet."))


def claim_pdf(claim: Claim) -> bytes:
    """《索赔处理单》 of one claim: the whole case on one sheet for the signatures and the file."""
    company = claim.company
    rows = claim_detail_rows(claim)
    base_currency = claim_settings_for(company).base_currency
    currency = claim.currency
    form = PrintForm(company=company, title_zh="索赔处理单", title=_("Claim settlement sheet"),
                     document_no=claim.number)

    form.grid([
        (_label(Claim, "number"), claim.number),
        (_label(Claim, "status"), claim.get_status_display()),
        (_label(Claim, "customer"), f"{claim.customer.code} {claim.customer.name}"),
        (_label(Claim, "complaint"), claim.complaint.number if claim.complaint_id else EMPTY),
        (_label(Claim, "part"), str(claim.part) if claim.part_id else EMPTY),
        *_claim_pairs(claim, ("received_on", "customer_reference", "owner")),
        (_label(Claim, "currency"), claim.get_currency_display()),
        # Written out as "1 USD = 7.1 CNY" so nobody has to guess which way the rate goes.
        (_label(Claim, "exchange_rate"), f"1 {currency} = {_number(claim.exchange_rate)} {base_currency}"),
    ], columns=2)
    _heading(form, claim.title)
    form.paragraph(claim.description)

    _heading(form, _("Claimed items"))
    _items_table(form, claim, rows["items"])

    _heading(form, _("Amounts"))
    compensation_base = (to_base(claim.compensation_amount, claim.exchange_rate)
                         if claim.compensation_amount is not None else None)
    form.grid([
        (_label(Claim, "claimed_amount"), _amount(claim.claimed_amount, currency)),
        (_label(Claim, "agreed_amount"), _amount(claim.agreed_amount, currency)),
        (_label(Claim, "compensation_amount"), _amount(claim.compensation_amount, currency)),
        (_("compensation in %(currency)s at the recorded rate") % {"currency": base_currency},
         _amount(compensation_base, base_currency)),
    ], columns=2)

    _heading(form, _("Initial analysis and proposal (vice general manager)"))
    form.paragraph(claim.analysis or EMPTY)
    form.grid([
        *_claim_pairs(claim, ("proposed_outcome",)),
        (_label(Claim, "proposed_amount"), _amount(claim.proposed_amount, currency)),
        (_label(Claim, "analysed_by"), _or_empty(claim.analysed_by)),
        (_label(Claim, "analysed_at"), _or_empty(_when(company, claim.analysed_at))),
        (_label(Claim, "approved_by"), _or_empty(claim.approved_by)),
        (_label(Claim, "approved_at"), _or_empty(_when(company, claim.approved_at))),
    ], columns=2)

    _heading(form, _("Negotiation with the customer"))
    _rounds_table(form, claim, rows["rounds"])
    if claim.agreement_note:
        form.paragraph(f"{_label(Claim, 'agreement_note')}: {claim.agreement_note}")

    _heading(form, _("Responsibility meeting"))
    attendees = "、".join(f"{u} ({u.department})" if u.department_id else str(u) for u in rows["attendees"])
    form.grid([
        *_claim_pairs(claim, ("responsible_party",)),
        (_("responsible"), _responsible(claim)),
        (_label(Claim, "meeting_at"), _or_empty(_when(company, claim.meeting_at))),
        (_label(Claim, "meeting_attendees"), _or_empty(attendees)),
    ], columns=1)
    form.paragraph(_label(Claim, "meeting_conclusion"), "label")
    form.paragraph(claim.meeting_conclusion or EMPTY)

    _heading(form, _("Settlement"))
    form.grid(_claim_pairs(claim, ("settlement_method", "settled_on", "settlement_reference", "settled_by")),
              columns=2)

    _heading(form, _("Supplier charge-backs"))
    form.table(
        [_label(SupplierClaim, n) for n in ("number", "supplier", "amount", "status")],
        [(sc.number, f"{sc.supplier.code} {sc.supplier.name}", _amount(sc.amount, sc.currency),
          sc.get_status_display()) for sc in rows["supplier_claims"]],
        widths=[0.2, 0.4, 0.2, 0.2], empty=_("None."))

    form.sign_off([_("Sales"), _("Vice general manager"), _("General manager"), _("Finance")])
    return form.render()


def supplier_claim_pdf(supplier_claim: SupplierClaim) -> bytes:
    """《供应商索赔函》: what we charge back, why, and the answer we ask for, as the supplier reads it.

    The customer is named by neither name nor code: which customer complained is ours to
    keep; the supplier gets our claim and complaint numbers to quote in its answer.
    """
    sc = supplier_claim
    company = sc.company
    supplier = sc.supplier
    claim = sc.claim if sc.claim_id else None
    complaint = sc.complaint if sc.complaint_id else (claim.complaint if claim and claim.complaint_id else None)
    form = PrintForm(company=company, title_zh="供应商索赔函", title=_("Supplier claim letter"),
                     document_no=sc.number)

    form.paragraph(f"{supplier.name}：", "letter")
    if supplier.contact_name:
        form.paragraph(_("Attn.: %(contact)s") % {"contact": supplier.contact_name}, "letter")
    if supplier.address:
        form.paragraph(supplier.address, "letter")
    form.space()

    if claim is not None and complaint is not None:
        source = _("our customer claim %(claim)s (customer complaint %(complaint)s)") % {
            "claim": claim.number, "complaint": complaint.number}
    elif claim is not None:
        source = _("our customer claim %(claim)s") % {"claim": claim.number}
    else:
        source = _("customer complaint %(complaint)s") % {"complaint": complaint.number if complaint else EMPTY}
    part = claim.part if claim is not None and claim.part_id else (
        complaint.part if complaint is not None and complaint.part_id else None)
    form.paragraph(_("Regarding %(source)s%(part)s: the responsibility for the defect was found to lie with "
                     "your supply, and we charge back your share of the cost as set out below.") % {
        "source": source, "part": _(", part %(part)s") % {"part": part} if part is not None else ""}, "letter")

    grid: list[tuple[str, Any]] = [
        (_label(SupplierClaim, "number"), sc.number),
        (_label(SupplierClaim, "claim"), claim.number if claim is not None else EMPTY),
        (_label(SupplierClaim, "complaint"), complaint.number if complaint is not None else EMPTY),
        (_label(SupplierClaim, "share_percent"), f"{_number(sc.share_percent)} %"),
    ]
    if claim is not None and claim.compensation_amount is not None:
        # The base of the share in the letter's currency, so the supplier can check the arithmetic.
        basis = claim.compensation_amount
        if claim.currency != sc.currency:
            basis = to_base(basis, claim.exchange_rate)
        grid.append((_("compensation paid to the customer"), _amount(basis, sc.currency)))
    grid += [
        (_label(SupplierClaim, "currency"), sc.get_currency_display()),
        (_label(SupplierClaim, "amount"), _amount(sc.amount, sc.currency)),
    ]
    form.grid(grid, columns=2)

    _heading(form, _label(SupplierClaim, "description"))
    form.paragraph(sc.description, "letter")

    _heading(form, _("Your answer"))
    form.paragraph(_("Please confirm in writing that you accept the amount of %(amount)s, or send us your "
                     "objection with the evidence for it, quoting our number %(number)s. Once agreed, the amount "
                     "is settled against our debit note or deducted from our next payment to you.") % {
        "amount": _amount(sc.amount, sc.currency), "number": sc.number}, "letter")

    form.space(10)
    form.paragraph(str(company.name), "letter")
    written = sc.sent_at or timezone.now()
    form.paragraph(timezone.localtime(written, company.tz).strftime("%Y-%m-%d"), "letter")
    form.sign_off([_("Purchasing"), _("Vice general manager")])
    return form.render()
