"""An audit sample (issue 18 §15, ISO 10002 §8.4, ISO 9001 §9.2): N random closed complaints of a period with their
whole record — feedback form, timeline, status changes, approvals, deadlines met or missed, corrective actions — as
one PDF and one Excel workbook for internal and external auditors.

The draw is reproducible: the seed is shown on the page, the PDF and the workbook, and the same period, N and seed
give the same complaints (the candidates are ordered by id before ``random.Random(seed).sample``).
"""

from __future__ import annotations

import datetime
import io
import random
import secrets
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.privacy import NAME, for_reader

MAX_SAMPLE = 200


def may_draw(user) -> bool:
    """QA, the GM and administrators draw audit samples (issue 18 §15)."""
    from kesu.accounts.roles import Role

    return bool(getattr(user, "is_authenticated", False)
                and (user.is_superuser or user.role in {Role.QA, Role.GM, Role.ADMIN}))


@dataclass
class SampledComplaint:
    complaint: Any
    status_changes: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    remedies: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    actions: list = field(default_factory=list)


@dataclass
class AuditSample:
    start: datetime.date
    end: datetime.date
    size: int
    seed: int
    population: int
    items: list[SampledComplaint]


def new_seed() -> int:
    return secrets.randbelow(1_000_000)


def draw(user, *, start: datetime.date, end: datetime.date, size: int, seed: int | None = None) -> AuditSample:
    """``size`` complaints closed between ``start`` and ``end`` (inclusive, company time), drawn with ``seed``."""
    from kesu.capa.models import ActionLink
    from kesu.complaints.choices import Status
    from kesu.complaints.models import Complaint
    from kesu.complaints.selectors import complaints_visible_to

    if not may_draw(user):
        raise PermissionDenied
    if end < start:
        raise ValidationError({"end": _("The period must end on or after its start.")})
    if not 1 <= size <= MAX_SAMPLE:
        raise ValidationError({"size": _("Draw between 1 and %(max)s complaints.") % {"max": MAX_SAMPLE}})
    seed = new_seed() if seed is None else seed
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    candidates = list(complaints_visible_to(user).filter(status=Status.CLOSED, closed_at__gte=since,
                                                         closed_at__lt=until).order_by("pk")
                      .values_list("pk", flat=True))
    chosen = sorted(random.Random(seed).sample(candidates, min(size, len(candidates))))
    complaints = {c.pk: c for c in Complaint.objects.filter(pk__in=chosen).select_related(
        "customer", "part", "category", "owner", "contact", "initial_report_approved_by", "company")}
    links: dict[int, list] = {}
    for link in ActionLink.objects.filter(content_type=ContentType.objects.get_for_model(Complaint),
                                          object_id__in=chosen).select_related("action"):
        links.setdefault(link.object_id, []).append(link.action)
    items = []
    for pk in chosen:
        complaint = complaints[pk]
        items.append(SampledComplaint(
            complaint=complaint,
            status_changes=list(complaint.status_changes.select_related("actor").order_by("at", "id")),
            timeline=list(complaint.timeline.select_related("actor").order_by("at", "id")),
            remedies=list(complaint.remedies.select_related("proposed_by", "approved_by").order_by("round")),
            deadlines=list(complaint.deadlines.order_by("due_at", "id")),
            actions=links.get(pk, []),
        ))
    return AuditSample(start=start, end=end, size=size, seed=seed, population=len(candidates), items=items)


# -- what each row says ----------------------------------------------------------------------------------------

def _at(value) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def deadline_outcome(deadline) -> str:
    """Met on time, met late, missed (still open past its due time at closure) or no longer needed."""
    if deadline.cancelled_at is not None:
        return _("no longer needed")
    if deadline.met_at is None:
        return _("missed")
    return _("met") if deadline.met_at <= deadline.due_at else _("met late")


def _summary(item: SampledComplaint) -> list[tuple[str, Any]]:
    c = item.complaint
    return [
        (_("Complaint number"), c.number), (_("Customer"), f"{c.customer.code} {c.customer.name}"),
        (_("Contact"), for_reader(c.contact.name, NAME, c) if c.contact_id else ""),
        (_("Part"), str(c.part) if c.part_id else ""), (_("Category"), str(c.category) if c.category_id else ""),
        (_("Severity"), c.get_severity_display()), (_("Responsibility"), c.get_responsibility_display()),
        (_("Quantity defective"), c.quantity_defective), (_("Received at"), _at(c.received_at)),
        (_("Closed at"), _at(c.closed_at)), (_("Owner"), str(c.owner or "")),
        (_("Initial report approved by"), str(c.initial_report_approved_by or "")),
    ]


def sample_pdf(sample: AuditSample, company) -> bytes:
    """The whole sample as one PDF: a cover with the draw, then each complaint's record."""
    from kesu.core.printing import PrintForm

    form = PrintForm(company=company, title_zh="审核抽样", title=_("Audit sample"),
                     document_no=f"{sample.start:%Y-%m-%d} – {sample.end:%Y-%m-%d} · seed {sample.seed}")
    form.grid([(_("Period"), f"{sample.start:%Y-%m-%d} – {sample.end:%Y-%m-%d}"), (_("Sample size"), sample.size),
               (_("Random seed"), sample.seed), (_("Closed complaints in the period"), sample.population),
               (_("Drawn"), len(sample.items)), (_("Drawn at"), _at(timezone.now()))])
    for item in sample.items:
        c = item.complaint
        form.heading(f"{c.number}")
        form.grid(_summary(item), columns=2)
        form.paragraph(c.description)
        form.heading(_("Status changes"))
        form.table([_("At"), _("Step"), _("From"), _("To"), _("By"), _("Note")],
                   [(_at(s.at), s.name, s.old_status, s.new_status, str(s.actor or ""), s.note)
                    for s in item.status_changes], widths=[0.16, 0.16, 0.14, 0.14, 0.14, 0.26], empty=_("None."))
        form.heading(_("Timeline"))
        form.table([_("At"), _("Kind"), _("By"), _("Summary")],
                   [(_at(t.at), t.get_kind_display(), str(t.actor or ""), t.summary) for t in item.timeline],
                   widths=[0.16, 0.14, 0.14, 0.56], empty=_("None."))
        form.heading(_("Approvals"))
        form.table([_("Round"), _("Proposed by"), _("Approved by"), _("Approved at"), _("Customer's decision")],
                   [(r.round, str(r.proposed_by or ""), str(r.approved_by or ""), _at(r.approved_at),
                     r.get_customer_decision_display()) for r in item.remedies], empty=_("None."))
        form.heading(_("Deadlines"))
        form.table([_("Deadline"), _("Due at"), _("Met at"), _("Outcome")],
                   [(d.get_kind_display(), _at(d.due_at), _at(d.met_at), deadline_outcome(d)) for d in item.deadlines],
                   empty=_("None."))
        form.heading(_("Corrective actions"))
        form.table([_("Action number"), _("Title"), _("Status"), _("Closed at")],
                   [(a.number, a.title, a.get_status_display(), _at(a.closed_at)) for a in item.actions],
                   empty=_("None."))
    return form.render()


def sample_xlsx(sample: AuditSample) -> bytes:
    """The sample as one workbook: a sheet each for the draw, complaints, status changes, timeline, approvals,
    deadlines and actions, every row keyed by complaint number."""
    from kesu.core.importexport import write_xlsx

    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (_("Draw"), [_("Period start"), _("Period end"), _("Sample size"), _("Random seed"),
                     _("Closed complaints in the period"), _("Drawn")],
         [[sample.start, sample.end, sample.size, sample.seed, sample.population, len(sample.items)]]),
        (_("Complaints"), [label for label, _v in _summary(sample.items[0])] if sample.items else [_("Complaint number")],
         [[value for _l, value in _summary(item)] for item in sample.items]),
        (_("Status changes"), [_("Complaint number"), _("At"), _("Step"), _("From"), _("To"), _("By"), _("Note")],
         [[i.complaint.number, _at(s.at), s.name, s.old_status, s.new_status, str(s.actor or ""), s.note]
          for i in sample.items for s in i.status_changes]),
        (_("Timeline"), [_("Complaint number"), _("At"), _("Kind"), _("By"), _("Summary")],
         [[i.complaint.number, _at(t.at), t.get_kind_display(), str(t.actor or ""), t.summary]
          for i in sample.items for t in i.timeline]),
        (_("Approvals"), [_("Complaint number"), _("Round"), _("Proposed by"), _("Approved by"), _("Approved at"),
                          _("Customer's decision")],
         [[i.complaint.number, r.round, str(r.proposed_by or ""), str(r.approved_by or ""), _at(r.approved_at),
           r.get_customer_decision_display()] for i in sample.items for r in i.remedies]),
        (_("Deadlines"), [_("Complaint number"), _("Deadline"), _("Due at"), _("Met at"), _("Outcome")],
         [[i.complaint.number, d.get_kind_display(), _at(d.due_at), _at(d.met_at), deadline_outcome(d)]
          for i in sample.items for d in i.deadlines]),
        (_("Corrective actions"), [_("Complaint number"), _("Action number"), _("Title"), _("Status"),
                                   _("Closed at")],
         [[i.complaint.number, a.number, a.title, a.get_status_display(), _at(a.closed_at)]
          for i in sample.items for a in i.actions]),
    ]
    return _workbook(sheets, write_xlsx)


def _workbook(sheets, write_xlsx) -> bytes:
    """Several sheets in one workbook: each written by kesu.core.importexport.write_xlsx, then put side by side."""
    out = io.BytesIO()
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        first = None
        for index, (title, header, rows) in enumerate(sheets, start=1):
            handle = write_xlsx(str(title), [str(h) for h in header], rows)
            with zipfile.ZipFile(handle) as part:
                if first is None:
                    first = {name: part.read(name) for name in part.namelist()}
                book.writestr(f"xl/worksheets/sheet{index}.xml", part.read("xl/worksheets/sheet1.xml"))
            names.append("".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31])
        for name, content in first.items():
            if name == "xl/worksheets/sheet1.xml":
                continue
            if name == "xl/workbook.xml":
                content = _workbook_xml(names)
            elif name == "xl/_rels/workbook.xml.rels":
                content = _rels_xml(content.decode(), len(names))
            elif name == "[Content_Types].xml":
                content = _types_xml(content.decode(), len(names))
            book.writestr(name, content)
    return out.getvalue()


def _workbook_xml(names: list[str]) -> str:
    from xml.sax.saxutils import quoteattr

    sheets = "".join(f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rIdS{i}"/>' for i, n in enumerate(names, 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets>{sheets}</sheets></workbook>')


def _rels_xml(original: str, count: int) -> str:
    import re

    kept = re.sub(r'<Relationship [^>]*worksheets/sheet1\.xml"[^>]*/>', "", original)
    extra = "".join(
        f'<Relationship Id="rIdS{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, count + 1))
    return kept.replace("</Relationships>", extra + "</Relationships>")


def _types_xml(original: str, count: int) -> str:
    import re

    kept = re.sub(r'<Override PartName="/xl/worksheets/sheet1\.xml"[^>]*/>', "", original)
    extra = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1))
    return kept.replace("</Types>", extra + "</Types>")
