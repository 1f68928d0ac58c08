"""The paper forms as PDF: 《合同评审单》 (the review record with every department's opinion and the conclusion) and
《合同变更通知单》 (the change notice with the re-review and each department's receipt)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.capa.printouts import pdf_response
from kesu.claims.money import money
from kesu.core.printing import PrintForm

from . import selectors
from .choices import ITEM_FIELDS
from .models import ChangeNotice, ContractReview, DeliveryPlan

EMPTY = "—"


def _when(company, value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, company.tz).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _label(name: str) -> str:
    return str(ContractReview._meta.get_field(name).verbose_name)


def _value(review: ContractReview, name: str) -> Any:
    value = getattr(review, name)
    if name == "amount":
        return f"{review.currency} {money(value):,.2f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return EMPTY if value in (None, "") else value


def conclusion_label(code: str) -> str:
    from .workflow import REVIEW_TABLE

    if code == "self":
        return _("Self review")
    return str(REVIEW_TABLE.label(code)) if code else EMPTY


def review_pdf(review: ContractReview) -> bytes:
    company = review.company
    form = PrintForm(company=company, title_zh="合同评审单", title=_("Contract review record"),
                     document_no=review.number)
    form.grid([
        (_label("number"), review.number), (_label("status"), review.get_status_display()),
        (_label("review_type"), review.get_review_type_display()), (_label("mode"), review.get_mode_display()),
        (_label("customer"), f"{review.customer.code} {review.customer.name}"),
        (_label("received_on"), _when(company, review.received_on)), (_label("title"), review.title),
        (_label("revision"), review.revision),
    ])
    form.heading(_("Review items"))
    form.grid([(_label(name), _value(review, name)) for name in ITEM_FIELDS])
    form.heading(_("Department opinions"))
    rows = [(s.get_dept_display(), s.round, s.get_answer_display(), s.comment, str(s.answered_by or ""),
             _when(company, s.answered_at)) for s in review.signoffs.filter(change__isnull=True)
            .select_related("answered_by")]
    form.table([_("Department"), _("Round"), _("Answer"), _("Comment"), _("Signed by"), _("Signed at")], rows,
               widths=[0.22, 0.08, 0.12, 0.3, 0.12, 0.16], empty=_("No department was asked."))
    form.heading(_("Conclusion"))
    proxy = str(_("as the GM's proxy")) if review.approved_as_proxy else ""
    form.grid([
        (_("Conclusion"), conclusion_label(review.conclusion)), (_label("concluded_by"), str(review.concluded_by or "")),
        (_label("change_note"), review.change_note or EMPTY), (_label("gm_decision"), review.gm_decision or EMPTY),
        (_label("approved_by"), " ".join(p for p in (str(review.approved_by or ""), proxy) if p)),
        (_label("approved_at"), _when(company, review.approved_at)),
        (_label("confirmation_method"), review.get_confirmation_method_display() or EMPTY),
        (_label("confirmation_note"), review.confirmation_note or EMPTY),
    ], columns=1)
    form.sign_off([_("Sales"), _("Approved by")])
    form.paragraph(_("Numbered AA-B (year, serial); kept three years."))
    return form.render()


def notice_pdf(notice: ChangeNotice) -> bytes:
    company = notice.company
    review = notice.review
    form = PrintForm(company=company, title_zh="合同变更通知单", title=_("Contract change notice"),
                     document_no=notice.number)
    form.grid([
        (_("Contract review"), review.number), (_("Customer"), f"{review.customer.code} {review.customer.name}"),
        (_("Status"), notice.get_status_display()), (_("Notice sent at"), _when(company, notice.issued_at)),
    ])
    form.heading(_("What changes"))
    form.paragraph(notice.description)
    if notice.new_values:
        form.grid([(_label(k), v) for k, v in notice.new_values.items() if k in ITEM_FIELDS])
    form.heading(_("Re-review by the affected departments"))
    form.table([_("Department"), _("Answer"), _("Comment"), _("Signed by"), _("Signed at")],
               [(s.get_dept_display(), s.get_answer_display(), s.comment, str(s.answered_by or ""),
                 _when(company, s.answered_at)) for s in notice.signoffs.select_related("answered_by")],
               widths=[0.25, 0.12, 0.31, 0.14, 0.18])
    form.heading(_("Receipt by the departments concerned"))
    form.table([_("Department"), _("Confirmed by"), _("Confirmed at")],
               [(r.get_dept_display(), str(r.confirmed_by or ""), _when(company, r.confirmed_at))
                for r in notice.receipts.select_related("confirmed_by")], widths=[0.4, 0.3, 0.3],
               empty=_("Not sent yet."))
    return form.render()


@login_required
def review_pdf_view(request, pk: int):
    if not request.user.has_perm("contracts.view_contractreview"):
        raise PermissionDenied
    review = selectors.review_get_for_user(request.user, pk)
    return pdf_response(review_pdf(review), review.number)


@login_required
def notice_pdf_view(request, pk: int):
    if not request.user.has_perm("contracts.view_changenotice"):
        raise PermissionDenied
    notice = selectors.notice_get_for_user(request.user, pk)
    return pdf_response(notice_pdf(notice), notice.number)


def plan_pdf(plan: DeliveryPlan) -> bytes:
    """《交货计划表》 with the production notice's checks, the vice GM's approval, the customer's confirmation and the
    departments' signatures."""
    company = plan.company
    form = PrintForm(company=company, title_zh="交货计划表", title=_("Delivery plan"), document_no=plan.number)
    form.grid([
        (_("Customer"), f"{plan.customer.code} {plan.customer.name}"), (_("Status"), plan.get_status_display()),
        (_("Customer order"), plan.order_reference), (_("Quantity"), plan.quantity if plan.quantity else EMPTY),
        (_("Delivery date asked"), _when(company, plan.due_on)), (_("Outsourcer"), str(plan.outsourcer or EMPTY)),
    ])
    form.heading(_("Order content"))
    form.paragraph(plan.order_text)
    if plan.clarification:
        form.heading(_("Clarified with the customer"))
        form.paragraph(plan.clarification)
    form.heading(_("Checks"))
    form.table([_("Department"), _("Answer"), _("Comment"), _("Signed by")],
               [(dept, c.get("answer", ""), c.get("comment", ""), c.get("by", "")) for dept, c in plan.checks.items()],
               widths=[0.2, 0.15, 0.45, 0.2], empty=EMPTY)
    form.heading(_("Delivery plan"))
    form.paragraph(plan.plan or EMPTY)
    form.grid([(_("First delivery"), _when(company, plan.first_delivery)),
               (_("Last delivery"), _when(company, plan.last_delivery)),
               (_("Approved by"), str(plan.approved_by or "")), (_("Approved at"), _when(company, plan.approved_at)),
               (_("Customer's confirmation"), plan.customer_confirmation or EMPTY),
               (_("Confirmed at"), _when(company, plan.confirmed_at))])
    form.heading(_("Signed for"))
    form.table([_("Department"), _("Signed by"), _("Signed at")],
               [(dept, r.get("by", ""), r.get("at", "")[:16].replace("T", " ")) for dept, r in plan.receipts.items()],
               widths=[0.3, 0.35, 0.35], empty=_("Not sent yet."))
    return form.render()


@login_required
def plan_pdf_view(request, pk: int):
    if not request.user.has_perm("contracts.view_deliveryplan"):
        raise PermissionDenied
    plan = selectors.plan_get_for_user(request.user, pk)
    return pdf_response(plan_pdf(plan), plan.number)


def meeting_pdf(meeting) -> bytes:
    """The record of a central review meeting (合同评审会议记录): when, where, who, the decisions, signed by the
    attendees."""
    company = meeting.company
    review = meeting.review
    form = PrintForm(company=company, title_zh="合同评审会议记录", title=_("Contract review meeting record"),
                     document_no=review.number)
    form.grid([
        (_("Contract review"), f"{review.number} {review.title}"),
        (_("Customer"), f"{review.customer.code} {review.customer.name}"),
        (_("Held at"), _when(company, meeting.held_at)), (_("Place"), meeting.place or EMPTY),
        (_("Chaired by"), str(meeting.chaired_by or EMPTY)), (_("Recorded by"), str(meeting.recorded_by or EMPTY)),
    ])
    form.heading(_("Attendees"))
    names = "、".join(str(person) for person in meeting.attendees.all())
    form.paragraph("；".join(p for p in (names, meeting.other_attendees) if p) or EMPTY)
    form.heading(_("Decisions"))
    form.paragraph(meeting.decisions)
    if meeting.actions:
        form.heading(_("Actions agreed"))
        form.paragraph(meeting.actions)
    form.sign_off([_("Chaired by"), _("Attendees")])
    form.paragraph(_("Kept with the contract review record for three years."))
    return form.render()


@login_required
def meeting_pdf_view(request, pk: int):
    if not request.user.has_perm("contracts.view_reviewmeeting"):
        raise PermissionDenied
    meeting = selectors.meeting_get_for_user(request.user, pk)
    return pdf_response(meeting_pdf(meeting), f"{meeting.review.number}-meeting")
