"""The yearly plan on paper (《客户服务年度计划表》): A4 landscape, customers × months, ★ planned and ☆ done."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kesu.capa.printouts import pdf_response
from kesu.core.printing import cjk_font, text

__all__ = ["cell_text", "pdf_response", "plan_pdf"]

PLANNED, DONE = "★", "☆"


def cell_text(cell) -> str:
    return (PLANNED if cell["planned"] else "") + (DONE if cell["actual"] else "")


def plan_pdf(plan, grid: list[dict], summary: list[dict]) -> bytes:
    font = cjk_font()
    body = ParagraphStyle("plan-body", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("plan-title", parent=body, fontSize=15, leading=20, alignment=1)
    sub = ParagraphStyle("plan-sub", parent=body, fontSize=9, leading=12, alignment=1)
    page = landscape(A4)
    story = [Paragraph(text(f"{plan.year}年度客户服务年度计划表"), title),
             Paragraph(text(_("%(company)s · %(status)s · ★ planned ☆ done") % {
                 "company": plan.company.name, "status": plan.get_status_display()}), sub), Spacer(1, 4 * mm)]
    header = [_("Salesperson"), _("Customer"), _("Kind")] + [f"{m}月" for m in range(1, 13)] + [
        _("Planned"), _("Done")]
    rows = [[Paragraph(text(h), body) for h in header]]
    for row in grid:
        line = row["line"]
        rows.append([Paragraph(text(line.salesperson or ""), body),
                     Paragraph(text(f"{line.customer.code} {line.customer.name}"), body),
                     Paragraph(text(row["kind_label"]), body)]
                    + [Paragraph(text(cell_text(c)), body) for c in row["cells"]]
                    + [str(row["planned"]), str(row["actual"])])
    usable = page[0] - 20 * mm
    widths = [usable * 0.09, usable * 0.2, usable * 0.07] + [usable * 0.046] * 12 + [usable * 0.044] * 2
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("FONT", (0, 0), (-1, -1), font, 8),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(table)
    story.append(Spacer(1, 5 * mm))
    story.append(Paragraph(text(_("Plan vs actual per salesperson and month (planned / done)")), body))
    sums = [[Paragraph(text(_("Salesperson")), body)] + [f"{m}月" for m in range(1, 13)] + [_("Total")]]
    for entry in summary:
        sums.append([Paragraph(text(entry["salesperson"] or "—"), body)]
                    + [f"{m['planned']}/{m['done']}" for m in entry["months"]]
                    + [f"{entry['total']['planned']}/{entry['total']['done']}"])
    summary_table = Table(sums, colWidths=[usable * 0.16] + [usable * 0.06] * 12 + [usable * 0.12], repeatRows=1)
    summary_table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                                       ("FONT", (0, 0), (-1, -1), font, 8),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]))
    story.append(summary_table)
    signed = [_("Prepared by"), str(plan.prepared_by or ""), _("Approved by"), str(plan.approved_by or "")]
    story += [Spacer(1, 5 * mm), Paragraph(text("    ".join(signed)), body)]
    buffer = io.BytesIO()
    printed = timezone.localtime(timezone.now(), plan.company.tz).strftime("%Y-%m-%d %H:%M")

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(10 * mm, page[1] - 8 * mm, str(plan.company.name))
        canvas.drawRightString(page[0] - 10 * mm, page[1] - 8 * mm, printed)
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm,
                            bottomMargin=10 * mm, title=f"{plan.year} 客户服务年度计划表")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def quality_report_pdf(report) -> bytes:
    """The report as the GM prints it: figures, the cause analysis, the action and what the customers were told."""
    from kesu.core.printing import PrintForm

    f = report.figures
    form = PrintForm(company=report.company, title_zh="售出产品质量报告", title=str(report._meta.verbose_name))
    form.grid([(_("Period"), f"{report.period_start:%Y-%m-%d} — {report.period_end:%Y-%m-%d}"),
               (_("General manager"), str(report.gm or "")),
               (_("Complaints"), f.get("complaints", 0)), (_("Defective units"), f.get("defective_units", 0)),
               (_("Returned units"), f.get("returned_units", 0)), (_("Units delivered"), f.get("units_delivered", 0)),
               (_("Repair rate"), f.get("repair", {}).get("rate_percent") or "—"),
               (_("First-time fix rate"), f.get("first_time_fix", {}).get("rate_percent") or "—"),
               (_("Open corrective actions"), f.get("open_actions", 0))])
    form.heading(_("Customers with the most complaints"))
    form.table([_("Customer"), _("Complaints")], [[r["customer"], r["complaints"]] for r in f.get("top_customers", [])],
               widths=[0.8, 0.2], empty=_("None."))
    form.heading(_("Cause analysis"))
    form.paragraph(report.cause_analysis or "\n\n")
    if report.action_id:
        form.paragraph(_("Corrective action %(number)s") % {"number": report.action.number})
    form.heading(_("Result reported to the customers"))
    form.paragraph(report.customer_reply or "\n\n")
    form.sign_off([_("General manager"), _("Sales")])
    return form.render()
