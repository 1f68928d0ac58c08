"""The paper forms of customer property as PDF (issue 19 §6; kesu.core.printing):

- 《顾客财产台帐》 the ledger; 《外来图纸及文件登记记录表》 the drawing and document register;
- 《顾客财产借用单》 the loan slip, with the sign-off boxes of borrower, sales and keeper;
- the written notice of damage or loss to the customer (seed 000 §4.4.3), in the customer's language.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.capa.printouts import pdf_response
from kesu.core.printing import PrintForm

from .models import DamageReport, Loan, PropertyItem

EMPTY = "—"


def _when(company, value) -> str:
    if value in (None, ""):
        return EMPTY
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, company.tz).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _v(value: Any) -> Any:
    return EMPTY if value in (None, "") else value


def ledger_pdf(company, items) -> bytes:
    form = PrintForm(company=company, title_zh="顾客财产台帐", title=_("Customer property ledger"))
    header = [_label(PropertyItem, n) for n in ("number", "customer", "item_type", "description", "quantity",
                                                "received_on", "keeper_department", "location", "status")]
    rows = [[i.number, i.customer.code, i.get_item_type_display(), i.description, f"{i.quantity.normalize():f} {i.unit}",
             _when(company, i.received_on), str(i.keeper_department), _v(i.location), i.get_status_display()]
            for i in items]
    form.table(header, rows, widths=[0.12, 0.08, 0.12, 0.2, 0.08, 0.1, 0.1, 0.1, 0.1], empty=_("No customer property."))
    form.sign_off([_("Compiled by (sales)"), _("Checked by")])
    return form.render()


def ledger_response(user, items):
    items = list(items)
    company = items[0].company if items else user.company
    return pdf_response(ledger_pdf(company, items), "property-ledger")


def register_pdf(company, documents) -> bytes:
    form = PrintForm(company=company, title_zh="外来图纸及文件登记记录表",
                     title=_("External drawing and document register"))
    header = [_("drawing or document number"), _("title"), _("customer"), _("revision"), _("pages"),
              _("received on"), _("part numbers"), _("holders")]
    rows = []
    for document in documents:
        parts = ", ".join(p.part_no for p in document.parts.all())
        for revision in document.revisions.all():
            holders = "、".join(f"{c.department}#{c.copy_no}({c.get_status_display()})" for c in revision.copies.all())
            rows.append([document.number, document.title, document.customer.code,
                         f"{revision.revision} ({revision.get_status_display()})", revision.pages,
                         _when(company, revision.received_on), _v(parts), _v(holders)])
    form.table(header, rows, widths=[0.13, 0.17, 0.08, 0.12, 0.06, 0.1, 0.12, 0.22], empty=_("No drawings."))
    form.sign_off([_("Registered by (engineering)"), _("Checked by")])
    return form.render()


def register_response(user, documents):
    documents = list(documents)
    company = documents[0].company if documents else user.company
    return pdf_response(register_pdf(company, documents), "drawing-register")


def loan_slip_pdf(loan: Loan) -> bytes:
    company, item = loan.company, loan.item
    form = PrintForm(company=company, title_zh="顾客财产借用单", title=_("Customer property loan slip"),
                     document_no=loan.number)
    form.grid([
        (_label(PropertyItem, "number"), item.number), (_label(PropertyItem, "customer"), item.customer.code),
        (_label(PropertyItem, "description"), item.description),
        (_label(PropertyItem, "customer_reference"), _v(item.customer_reference)),
        (_label(Loan, "requested_by"), loan.requested_by), (_label(Loan, "department"), _v(loan.department)),
        (_label(Loan, "purpose"), loan.purpose), (_label(Loan, "borrow_from"), _when(company, loan.borrow_from)),
        (_label(Loan, "expected_return_on"), _when(company, loan.expected_return_on)),
        (_label(Loan, "customer_consent"), _v(loan.customer_consent)),
        (_label(Loan, "approved_by"), _v(loan.approved_by)), (_label(Loan, "issued_at"), _when(company, loan.issued_at)),
        (_label(Loan, "returned_at"), _when(company, loan.returned_at)),
        (_label(Loan, "return_condition"), _v(loan.get_return_condition_display())),
        (_label(Loan, "return_note"), _v(loan.return_note)), (_label(Loan, "status"), loan.get_status_display()),
    ])
    form.sign_off([_("Borrower"), _("Sales"), _("Keeper")])
    return form.render()


def loan_slip_response(loan: Loan):
    return pdf_response(loan_slip_pdf(loan), loan.number)


def damage_notice_pdf(report: DamageReport) -> bytes:
    """The written notice to the customer, in the report's notice language (the customer contact's)."""
    with translation.override(report.notice_language):
        company, item = report.company, report.item
        form = PrintForm(company=company, title_zh="顾客财产损坏/遗失通知",
                         title=_("Notice of damage or loss of customer property"), document_no=report.number)
        form.paragraph(f"{item.customer.name}：", "letter")
        form.space()
        form.paragraph(_("We regret to inform you that the following property you provided was %(what)s on "
                         "%(date)s.") % {"what": report.get_kind_display(), "date": report.happened_on.isoformat()},
                       "letter")
        form.space()
        form.grid([
            (_label(PropertyItem, "description"), item.description),
            (_label(PropertyItem, "customer_reference"), _v(item.customer_reference)),
            (_label(PropertyItem, "serial_or_lot"), _v(item.serial_or_lot)),
            (_label(PropertyItem, "received_on"), _when(company, item.received_on)),
            (_label(DamageReport, "description"), report.description),
            (_label(DamageReport, "remedial_action"), _v(report.remedial_action)),
        ], columns=1)
        form.space()
        form.paragraph(_("Please let us know how you wish us to proceed. Our reference: %(number)s.") % {
            "number": report.number}, "letter")
        form.sign_off([_("Sales")])
        return form.render()


def damage_notice_response(report: DamageReport):
    return pdf_response(damage_notice_pdf(report), f"{report.number}-notice")
