"""The monthly complaint summary (《顾客投诉/抱怨汇总处理表》, issue 7 §1; seed 000 §4.1.7): every complaint a
company received in one month with its handling result, as rows for the page, the API, Excel and PDF.

What is listed, and why:

- every complaint received in the month in the company's time zone, whatever its status: the paper form lists
  what came in, so one rejected at intake or cancelled is listed too, marked as not counted in the analyses;
- oldest first (the order of the register);
- the handling result is what the customer got: the accepted remedy (else the last one proposed, with the
  customer's decision), the disposition lines (return, repair, exchange … × quantity) and the written
  explanation when the complaint was answered by one;
- corrective actions raised from the complaint (capa links) by number;
- the complaint's claims next to it (seed 000 §4.2.5: sales records each claim's handling on this form): number,
  status and — for those who may see claim money only — the amount as it stands (paid, else agreed, else
  claimed, in the claim's currency);
- closure working days count the company's working days after the day it was received up to and including
  the day it was closed, as in the analyses (design §11).

Cost: rows are read a chunk of ids at a time (ids first, see :mod:`kesu.core.paging`) with the customer,
part, category and departments joined, remedies and dispositions prefetched and the chunk's action numbers in
one query, so the page costs a fixed number of queries and the Excel of a 20,000-complaint month streams with
flat memory.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from kesu.accounts.models import Company
from kesu.complaints.choices import OPEN_STATUSES, CustomerDecision, Status
from kesu.complaints.models import Complaint, DispositionLine, RemedyProposal
from kesu.surveys.indicators import NOT_COUNTED_STATUSES

from .analyses import WorkingDayCounter, add_months

TITLE_ZH = "顾客投诉/抱怨汇总处理表"
CHUNK = 1000


def month_bounds(company: Company, month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight of the month's first day and of the next month's, in the company's time zone."""
    tz = company.tz
    start = datetime.datetime.combine(month.replace(day=1), datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(add_months(month, 1), datetime.time.min, tzinfo=tz)
    return start, end


def month_complaints(company: Company, month: datetime.date) -> QuerySet[Complaint]:
    """The month's complaints (every status), oldest first, with what a row shows joined or prefetched."""
    start, end = month_bounds(company, month)
    return (Complaint.objects.filter(company=company, received_at__gte=start, received_at__lt=end)
            .select_related("customer", "part", "category", "responsible_department", "responsible_supplier")
            .prefetch_related(Prefetch("remedies", queryset=RemedyProposal.objects.order_by("round")),
                              Prefetch("dispositions", queryset=DispositionLine.objects.order_by("id")))
            .order_by("received_at", "id"))


@dataclass
class ClaimLine:
    """A claim of the complaint as the summary lists it; ``amount`` is None for those who may not see money."""

    pk: int
    number: str
    status: str
    status_label: str
    currency: str
    amount: Any = None

    @property
    def amount_text(self) -> str:
        return "" if self.amount is None else f"{self.currency} {self.amount:,.2f}"


@dataclass
class SummaryRow:
    """One line of the summary, as plain values (labels already translated)."""

    pk: int
    number: str
    received: datetime.date
    customer: str
    part: str
    category: str
    defect_location: str
    defect_nature: str
    quantity_defective: int | None
    severity: str
    responsibility: str
    responsible: str
    remedy: str
    dispositions: str
    explanation: str
    actions: list[tuple[int, str]]
    claims: list[ClaimLine]
    status: str
    status_label: str
    counted: bool
    closed: datetime.date | None
    closure_working_days: int | None

    @property
    def handling(self) -> str:
        """The handling result in one text: remedy, dispositions, explanation."""
        parts = []
        if self.remedy:
            parts.append(f"{_('Remedy')}: {self.remedy}")
        if self.dispositions:
            parts.append(f"{_('Disposition')}: {self.dispositions}")
        if self.explanation:
            parts.append(f"{_('Explanation')}: {self.explanation}")
        return "\n".join(parts)

    @property
    def action_numbers(self) -> str:
        return ", ".join(number for _pk, number in self.actions)

    @property
    def claim_numbers(self) -> str:
        return ", ".join(c.number for c in self.claims)

    @property
    def claim_amounts(self) -> str:
        return ", ".join(c.amount_text for c in self.claims if c.amount is not None)

    @property
    def claim_statuses(self) -> str:
        return ", ".join(str(c.status_label) for c in self.claims)


@dataclass
class Totals:
    count: int = 0
    closed: int = 0
    open: int = 0
    not_counted: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _remedy_text(remedies: list[RemedyProposal]) -> str:
    accepted = [r.text.strip() for r in remedies if r.customer_decision == CustomerDecision.ACCEPTED]
    if accepted:
        return "；".join(accepted)
    if remedies:
        last = remedies[-1]
        return f"{last.text.strip()} ({last.get_customer_decision_display()})"
    return ""


def _action_numbers(ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Corrective actions linked to these complaints, by complaint id (one query)."""
    from kesu.capa.models import ActionLink

    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not ids:
        return found
    content_type = ContentType.objects.get_for_model(Complaint)
    for object_id, action_id, number in (ActionLink.objects.filter(content_type=content_type, object_id__in=ids)
                                         .order_by("action__number").values_list("object_id", "action_id",
                                                                                 "action__number")):
        found[object_id].append((action_id, number))
    return found


def _claims(ids: list[int], show_money: bool) -> dict[int, list[ClaimLine]]:
    """The claims of these complaints, by complaint id, oldest number first (one query)."""
    from kesu.claims.models import Claim

    found: dict[int, list[ClaimLine]] = defaultdict(list)
    if not ids:
        return found
    for claim in (Claim.objects.filter(complaint_id__in=ids).order_by("number", "id")
                  .only("pk", "number", "status", "currency", "claimed_amount", "agreed_amount",
                        "compensation_amount", "complaint_id")):
        amount = next((a for a in (claim.compensation_amount, claim.agreed_amount, claim.claimed_amount)
                       if a is not None), None) if show_money else None
        found[claim.complaint_id].append(ClaimLine(
            pk=claim.pk, number=claim.number, status=claim.status, status_label=claim.get_status_display(),
            currency=claim.currency, amount=amount))
    return found


def summary_rows(company: Company, complaints: Iterable[Complaint],
                 counter: WorkingDayCounter | None = None, *, show_money: bool = False) -> list[SummaryRow]:
    """The rows of already loaded complaints (from :func:`month_complaints`), with one query for actions and one
    for claims (their amounts only when ``show_money``: the viewer may see claim money)."""
    complaints = list(complaints)
    actions = _action_numbers([c.pk for c in complaints])
    claims = _claims([c.pk for c in complaints], show_money)
    tz = company.tz
    rows = []
    for c in complaints:
        closed = timezone.localtime(c.closed_at, tz).date() if c.closed_at and c.status == Status.CLOSED else None
        received = timezone.localtime(c.received_at, tz).date()
        working = None
        if closed is not None:
            counter = counter or WorkingDayCounter(company.pk)
            working = counter.between(received, closed)
        responsible = ""
        if c.responsible_department_id:
            responsible = str(c.responsible_department)
        elif c.responsible_supplier_id:
            responsible = str(c.responsible_supplier)
        rows.append(SummaryRow(
            pk=c.pk, number=c.number, received=received,
            customer=f"{c.customer.code} {c.customer.name}",
            part=f"{c.part.part_no} {c.part.name}" if c.part_id else "",
            category=c.category.name if c.category_id else "",
            defect_location=c.defect_location, defect_nature=c.defect_nature,
            quantity_defective=c.quantity_defective, severity=c.get_severity_display() if c.severity else "",
            responsibility=c.get_responsibility_display() if c.responsibility else "", responsible=responsible,
            remedy=_remedy_text(list(c.remedies.all())),
            dispositions="；".join(f"{d.get_kind_display()} × {d.quantity}" for d in c.dispositions.all()),
            explanation=c.explanation.strip(), actions=actions.get(c.pk, []), claims=claims.get(c.pk, []),
            status=c.status,
            status_label=c.get_status_display(), counted=c.status not in NOT_COUNTED_STATUSES, closed=closed,
            closure_working_days=working))
    return rows


def summary_totals(company: Company, month: datetime.date) -> Totals:
    """Count, closed, open and not counted complaints of the month (one query)."""
    start, end = month_bounds(company, month)
    qs = Complaint.objects.filter(company=company, received_at__gte=start, received_at__lt=end).order_by()
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return Totals(count=sum(by_status.values()), closed=by_status.get(Status.CLOSED, 0),
                  open=sum(n for s, n in by_status.items() if s in OPEN_STATUSES),
                  not_counted=sum(n for s, n in by_status.items() if s in NOT_COUNTED_STATUSES),
                  by_status=by_status)


def iter_summary_rows(company: Company, month: datetime.date, chunk: int = CHUNK, *,
                      show_money: bool = False) -> Iterator[SummaryRow]:
    """Every row of the month, a chunk of ids at a time (flat memory for the Excel of a large month)."""
    qs = month_complaints(company, month)
    ids = list(qs.values_list("pk", flat=True))
    counter = WorkingDayCounter(company.pk)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        loaded = {c.pk: c for c in qs.filter(pk__in=part).order_by()}
        yield from summary_rows(company, [loaded[pk] for pk in part if pk in loaded], counter,
                                show_money=show_money)


def columns(show_money: bool = False) -> list[tuple[str, Any]]:
    """The summary's columns: (label, value of a row), shared by Excel and PDF (the claim amount only for those
    who may see claim money)."""
    claims: list[tuple[str, Any]] = [(_("Claim"), lambda r: r.claim_numbers)]
    if show_money:
        claims.append((_("Claim amount"), lambda r: r.claim_amounts))
    claims.append((_("Claim status"), lambda r: r.claim_statuses))
    return [
        (_("Number"), lambda r: r.number), (_("Received"), lambda r: r.received),
        (_("Customer"), lambda r: r.customer), (_("Part"), lambda r: r.part), (_("Category"), lambda r: r.category),
        (_("Defect location"), lambda r: r.defect_location), (_("Defect nature"), lambda r: r.defect_nature),
        (_("Quantity defective"), lambda r: r.quantity_defective), (_("Severity"), lambda r: r.severity),
        (_("Responsibility"), lambda r: r.responsibility), (_("Responsible department or supplier"),
                                                            lambda r: r.responsible),
        (_("Remedy"), lambda r: r.remedy), (_("Disposition"), lambda r: r.dispositions),
        (_("Explanation"), lambda r: r.explanation), (_("Corrective action"), lambda r: r.action_numbers),
        *claims,
        (_("Status"), lambda r: r.status_label),
        (_("Counted in analyses"), lambda r: _("yes") if r.counted else _("no")),
        (_("Closed"), lambda r: r.closed), (_("Closure (working days)"), lambda r: r.closure_working_days),
    ]


def title(company: Company, month: datetime.date) -> str:
    return _("Monthly complaint summary %(month)s") % {"month": f"{month:%Y-%m}"}


def summary_xlsx(company: Company, month: datetime.date, *, show_money: bool = False) -> tuple[Any, str]:
    """The month as a workbook streamed row by row (openpyxl write-only), totals at the bottom."""
    from kesu.core.importexport import write_xlsx

    cols = columns(show_money)
    totals = summary_totals(company, month)

    def rows() -> Iterator[list[Any]]:
        yield [f"《{TITLE_ZH}》", title(company, month), f"{company.code} {company}"]
        yield [label for label, _get in cols]
        for row in iter_summary_rows(company, month, show_money=show_money):
            yield [get(row) for _label, get in cols]
        yield []
        yield [_("Complaints"), totals.count]
        yield [_("Closed"), totals.closed]
        yield [_("Open"), totals.open]
        yield [_("Rejected at intake or cancelled"), totals.not_counted]

    # write_xlsx writes its header first: the title line is the header, the column labels the first row.
    generated = rows()
    header = next(generated)
    handle = write_xlsx(f"{month:%Y-%m}", header, generated)
    return handle, f"complaint-summary-{company.code}-{month:%Y-%m}.xlsx"


# -- PDF: a landscape A4 table like the paper form --------------------------------------------------------------

def summary_pdf(company: Company, month: datetime.date, *, show_money: bool = False) -> bytes:
    """The month as a landscape A4 table with the Chinese form title, totals and 制表 / 审核 lines."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from kesu.core.printing import CountingCanvas, cjk_font, text

    font = cjk_font()
    page = landscape(A4)
    body = ParagraphStyle("summary-body", fontName=font, fontSize=6.5, leading=8.5, wordWrap="CJK")
    head = ParagraphStyle("summary-head", parent=body, textColor=colors.HexColor("#333333"))
    big = ParagraphStyle("summary-title", fontName=font, fontSize=15, leading=20, alignment=1)
    sub = ParagraphStyle("summary-sub", fontName=font, fontSize=9.5, leading=13, alignment=1)
    story: list[Any] = [Paragraph(text(f"《{TITLE_ZH}》"), big)]
    if translation.get_language() not in ("zh-hans", None):
        story.append(Paragraph(text(title(company, month)), sub))
    story.append(Paragraph(text(f"{company.name}　{month:%Y-%m}"), sub))
    story.append(Spacer(1, 3 * mm))
    header = [_("No."), _("Number"), _("Received"), _("Customer"), _("Part"), _("Category"), _("Defect"),
              _("Quantity defective"), _("Severity"), _("Responsibility"), _("Handling result"),
              _("Corrective action"), _("Claim"), _("Status"), _("Closed"), _("Working days")]
    widths = [0.03, 0.08, 0.06, 0.08, 0.07, 0.05, 0.08, 0.04, 0.04, 0.07, 0.14, 0.06, 0.08, 0.05, 0.04, 0.03]
    usable = page[0] - 20 * mm
    col_widths = [usable * w for w in widths]
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))])
    head_row = [Paragraph(text(h), head) for h in header]
    batch: list[list[Any]] = []
    number = 0

    def flush() -> None:
        # Tables of a few hundred rows: reportlab splits one huge table slowly.
        table = Table([head_row, *batch], colWidths=col_widths, repeatRows=1)
        table.setStyle(style)
        story.append(table)
        batch.clear()

    for row in iter_summary_rows(company, month, show_money=show_money):
        number += 1
        status = row.status_label if row.counted else f"{row.status_label} ({_('not counted')})"
        responsibility = " / ".join(v for v in (row.responsibility, row.responsible) if v)
        defect = " / ".join(v for v in (row.defect_location, row.defect_nature) if v)
        cells = [number, row.number, row.received.isoformat(), row.customer, row.part, row.category, defect,
                 row.quantity_defective if row.quantity_defective is not None else "", row.severity,
                 responsibility, row.handling, row.action_numbers,
                 "\n".join(" ".join(v for v in (c.number, str(c.status_label), c.amount_text) if v)
                           for c in row.claims), status,
                 row.closed.isoformat() if row.closed else "",
                 row.closure_working_days if row.closure_working_days is not None else ""]
        batch.append([Paragraph(text(v), body) for v in cells])
        if len(batch) >= 300:
            flush()
    if batch or number == 0:
        if number == 0:
            batch.append([Paragraph(text(_("No complaint was received in this month.")), body)]
                         + [""] * (len(header) - 1))
        flush()
    totals = summary_totals(company, month)
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(text(
        _("Complaints: %(count)s; closed: %(closed)s; open: %(open)s; rejected at intake or cancelled: "
          "%(other)s") % {"count": totals.count, "closed": totals.closed, "open": totals.open,
                          "other": totals.not_counted}), sub))
    story.append(Spacer(1, 8 * mm))
    zh = translation.get_language() in ("zh-hans", None)
    prepared = "制表" if zh else f"制表 {_('Prepared by')}"
    reviewed = "审核" if zh else f"审核 {_('Reviewed by')}"
    sign = Table([[Paragraph(text(f"{prepared}：________________　{_('Date')}：__________"), sub),
                   Paragraph(text(f"{reviewed}：________________　{_('Date')}：__________"), sub)]],
                 colWidths=[usable / 2, usable / 2])
    story.append(sign)

    buffer = io.BytesIO()
    printed = timezone.localtime(timezone.now(), company.tz).strftime("%Y-%m-%d %H:%M")
    printed_label, page_label = _("Printed"), _("Page %(page)s of %(pages)s")
    company_name = str(company.name)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(10 * mm, page[1] - 8 * mm, company_name)
        canvas.drawRightString(page[0] - 10 * mm, page[1] - 8 * mm, f"{printed_label} {printed}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=TITLE_ZH, author=company_name)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate,
              canvasmaker=lambda *a, **k: CountingCanvas(*a, page_label=page_label, font=font, **k))
    return buffer.getvalue()


