"""The complaint's paper forms as PDF (issue 3 §8).

- 《质量信息反馈单》 Quality Information Feedback form (seed 000 §4.1.1, 004 §5.2): what the
  customer reported, the acceptance check, the assessment, responsibility, remedies and
  disposition, with sign-off boxes.
- 书面说明 the written explanation to the customer when the problem is not ours (004 §6.5):
  a letter with the explanation and evidence; internal notes never appear in it.

Labels are the model's own field names in the active language.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.printing import PrintForm
from kesu.core.privacy import NAME, for_reader

from .models import Complaint

FEEDBACK_FIELDS = (
    "number", "channel", "received_at", "customer", "contact", "contract", "shipment", "part", "delivery_date",
    "quantity_shipped", "quantity_defective", "defect_location", "defect_nature", "occurred_at",
    "operated_as_instructed",
)
ASSESSMENT_FIELDS = (
    "category", "window_status", "window_reason", "acceptance_decision", "exclusion", "severity",
    "safety_or_regulatory_impact", "warning_class", "escalated_to_qa", "responsibility", "responsible_department",
    "responsible_supplier", "owner", "status",
)


def _local(complaint: Complaint, value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value, complaint.company.tz).strftime("%Y-%m-%d %H:%M")
    return value


def _pairs(complaint: Complaint, names) -> list[tuple[str, object]]:
    rows = []
    for name in names:
        field = Complaint._meta.get_field(name)
        value = getattr(complaint, f"get_{name}_display")() if field.choices else getattr(complaint, name)
        if name == "customer":
            value = f"{value.code} {value.name}"  # the full registered name on a form that leaves the house
        elif name == "contact" and value is not None:
            value = for_reader(value.name, NAME, complaint)  # issue 18 §13: a person's name, shown by need
        rows.append((str(field.verbose_name), _local(complaint, value) if value is not None else ""))
    return rows


def _label(name: str) -> str:
    return str(Complaint._meta.get_field(name).verbose_name)


# The customer's copy (issue 23 §1): what the customer gave, the number, dates, the owner and the results agreed
# with them; no channel, contract or shipment links, no assessment, approvers, departments or sign-off boxes.
CUSTOMER_FEEDBACK_FIELDS = (
    "number", "received_at", "customer", "contact", "part", "delivery_date", "quantity_shipped",
    "quantity_defective", "lot_number", "defect_location", "defect_nature", "occurred_at", "operated_as_instructed",
)


def feedback_form_pdf(complaint: Complaint, *, for_customer: bool = False, status_text: str = "") -> bytes:
    """《质量信息反馈单》 of one complaint; ``for_customer`` prints the customer's copy, with the status in the
    plain words ``status_text`` (the portal's), the owner's name and only the remedies shown to the customer."""
    form = PrintForm(company=complaint.company, title_zh="质量信息反馈单",
                     title=_("Quality Information Feedback"), document_no=complaint.number)
    form.grid(_pairs(complaint, CUSTOMER_FEEDBACK_FIELDS if for_customer else FEEDBACK_FIELDS), columns=2)
    form.heading(_label("customer_request"))
    form.paragraph(complaint.customer_request)
    form.heading(_label("description"))
    form.paragraph(complaint.description)
    if for_customer:
        _customer_results(form, complaint, status_text)
        return form.render()
    form.heading(_("Assessment and responsibility"))
    form.grid(_pairs(complaint, ASSESSMENT_FIELDS), columns=2)
    if complaint.root_cause:
        form.heading(_label("root_cause"))
        form.paragraph(complaint.root_cause)
    form.heading(_("Remedy proposals"))
    form.table(
        [_("Round"), _("Remedy"), _("Approved"), _("Customer's decision")],
        [(r.round, r.text, f"{r.approved_by or ''} {_local(complaint, r.approved_at) or ''}".strip(),
          f"{r.get_customer_decision_display()} {r.decision_reason}".strip())
         for r in complaint.remedies.select_related("approved_by").order_by("round")],
        widths=[0.08, 0.5, 0.2, 0.22], empty=_("None yet."),
    )
    form.heading(_("Disposition"))
    form.table(
        [_("Disposition"), _("Quantity"), _("Customer mis-order"), _("Incoming inspection"), _("Note")],
        [(d.get_kind_display(), d.quantity, d.mis_order, d.get_incoming_inspection_result_display(), d.note)
         for d in complaint.dispositions.order_by("id")],
        widths=[0.18, 0.1, 0.14, 0.16, 0.42], empty=_("None yet."),
    )
    form.sign_off([_("Registered by"), _("Sales"), _("Quality assurance"), _("Approved by")])
    return form.render()


def _customer_results(form: PrintForm, complaint: Complaint, status_text: str) -> None:
    """The customer's copy below what they reported: status, dates, owner, remedies they saw, dispositions."""
    form.heading(_("Handling"))
    form.grid([(_label("status"), status_text or complaint.get_status_display()),
               (_label("owner"), str(complaint.owner) if complaint.owner_id else ""),
               (_label("closed_at"), _local(complaint, complaint.closed_at) if complaint.closed_at else "")],
              columns=2)
    form.heading(_("Remedy proposals"))
    form.table(
        [_("Round"), _("Remedy"), _("Customer's decision")],
        [(r.round, r.text, f"{r.get_customer_decision_display()} {r.decision_reason}".strip())
         for r in complaint.remedies.filter(approved_at__isnull=False).order_by("round")],
        widths=[0.1, 0.6, 0.3], empty=_("None yet."),
    )
    form.heading(_("Disposition"))
    form.table([_("Disposition"), _("Quantity")],
               [(d.get_kind_display(), d.quantity) for d in complaint.dispositions.order_by("id")],
               widths=[0.7, 0.3], empty=_("None yet."))


def explanation_pdf(complaint: Complaint) -> bytes:
    """The written explanation to the customer (书面说明): the explanation and evidence only."""
    form = PrintForm(company=complaint.company, title_zh="书面说明", title=_("Written explanation"),
                     document_no=complaint.number)
    contact = f" {for_reader(complaint.contact.name, NAME, complaint)}" if complaint.contact_id else ""
    form.paragraph(f"{complaint.customer.name}{contact}：", "letter")
    form.space()
    received = timezone.localtime(complaint.received_at, complaint.company.tz).strftime("%Y-%m-%d")
    form.paragraph(_("Regarding your complaint %(number)s received on %(date)s (%(part)s): "
                     "we have examined it and explain our findings below.") % {
        "number": complaint.number, "date": received,
        "part": complaint.part.name if complaint.part_id else complaint.defect_nature}, "letter")
    form.heading(_label("explanation"))
    form.paragraph(complaint.explanation, "letter")
    form.heading(_label("explanation_evidence"))
    form.paragraph(complaint.explanation_evidence, "letter")
    form.space(10)
    form.paragraph(str(complaint.company.name), "letter")
    form.paragraph(timezone.localdate(timezone.now(), complaint.company.tz).strftime("%Y-%m-%d"), "letter")
    form.sign_off([_("Quality assurance"), _("Approved by")])
    return form.render()


PRINTOUTS = {"feedback": (feedback_form_pdf, "feedback"), "explanation": (explanation_pdf, "explanation")}


def printout_response(complaint: Complaint, kind: str) -> HttpResponse:
    """The PDF of one of the complaint's forms; the written explanation exists only once it is written."""
    if kind not in PRINTOUTS or (kind == "explanation" and not complaint.explanation):
        raise Http404
    render_pdf, stem = PRINTOUTS[kind]
    response = HttpResponse(render_pdf(complaint), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.number}-{stem}.pdf"'
    return response
