"""Printable forms as PDF for every module (conventions: reportlab with its built-in CJK font).

reportlab's ``STSong-Light`` is one of the Adobe CJK fonts every PDF reader
carries, so nothing is embedded or installed and Chinese renders on any
machine. A form is a title (Chinese, with the translated title beneath when
the reader's language is not Simplified Chinese), a document number, grids of
label / value cells like the paper form, lists, and sign-off boxes; every page
has the company's name, the print time in the company's time zone and
"page x of y". User text is escaped before reportlab reads it as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def cjk_font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle("kesu-body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    return {
        "body": base,
        "label": ParagraphStyle("kesu-label", parent=base, textColor=colors.HexColor("#333333")),
        "title": ParagraphStyle("kesu-title", parent=base, fontSize=16, leading=21, alignment=1),
        "subtitle": ParagraphStyle("kesu-subtitle", parent=base, fontSize=10, leading=13, alignment=1,
                                   textColor=colors.HexColor("#555555")),
        "heading": ParagraphStyle("kesu-heading", parent=base, fontSize=11, leading=15, spaceBefore=6,
                                  spaceAfter=3),
        "letter": ParagraphStyle("kesu-letter", parent=base, fontSize=11, leading=17),
    }


def text(value: Any) -> str:
    """User text made safe for a Paragraph: markup escaped, line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "—"
    return escape(str(value)).replace("\n", "<br/>")


_TABLE_STYLE = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
]
_KEPT_ROWS = 2  # rows of a final list printed on the signatures' page


@dataclass
class PrintForm:
    """A form being written: call the add_* methods in order, then ``render()`` for the PDF bytes."""

    company: Any
    title_zh: str
    title: str = ""
    document_no: str = ""
    story: list[Flowable] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.styles = _styles()
        self.story.append(Paragraph(text(self.title_zh), self.styles["title"]))
        if self.title and translation.get_language() not in ("zh-hans", None):
            self.story.append(Paragraph(text(self.title), self.styles["subtitle"]))
        if self.document_no:
            # The colon inside the message: Chinese writes a full-width one (文件编号：).
            self.story.append(Paragraph(text(_("Document no.: %(number)s") % {"number": self.document_no}),
                                        self.styles["subtitle"]))
        self.story.append(Spacer(1, 4 * mm))

    def heading(self, value: str) -> None:
        self.story.append(Paragraph(text(value), self.styles["heading"]))

    def paragraph(self, value: str, style: str = "body") -> None:
        self.story.append(Paragraph(text(value), self.styles[style]))

    def space(self, height_mm: float = 4) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def grid(self, rows: Sequence[tuple[Any, Any]], columns: int = 2) -> None:
        """Label / value cells, ``columns`` pairs per line, wrapped like a paper form."""
        width = (A4[0] - 30 * mm) / columns
        cells: list[list[Any]] = []
        line: list[Any] = []
        for label, value in rows:
            line += [Paragraph(text(label), self.styles["label"]), Paragraph(text(value), self.styles["body"])]
            if len(line) == 2 * columns:
                cells.append(line)
                line = []
        if line:
            cells.append(line + [""] * (2 * columns - len(line)))
        widths = [width * 0.35, width * 0.65] * columns
        table = Table(cells, colWidths=widths, repeatRows=0)
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        style += [("BACKGROUND", (i, 0), (i, -1), colors.HexColor("#f0f0f0")) for i in range(0, 2 * columns, 2)]
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def table(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None,
              empty: str = "") -> None:
        """A list with a header row repeated on every page."""
        body = [[Paragraph(text(h), self.styles["label"]) for h in header]]
        body += [[Paragraph(text(v), self.styles["body"]) for v in row] for row in rows]
        if len(body) == 1:
            body.append([Paragraph(text(empty), self.styles["body"])] + [""] * (len(header) - 1))
        total = A4[0] - 30 * mm
        col_widths = [total * w for w in widths] if widths else None
        table = Table(body, colWidths=col_widths, repeatRows=1)
        table.setStyle(TableStyle(_TABLE_STYLE))
        table._kesu_rows = (body, col_widths)  # sign_off keeps the last rows with the signatures
        self.story.append(table)

    def sign_off(self, roles: Sequence[str]) -> None:
        """Boxes for signatures and dates, one per role, as on the paper form."""
        label = self.styles["label"]
        # Outside the f-string: xgettext does not see a message inside one, and it stayed English in Chinese.
        signature, date = text(_("Signature:")), text(_("Date:"))
        cells = [[Paragraph(text(r), label) for r in roles],
                 [Paragraph(f"<br/><br/>{signature}<br/>{date}", label) for _r in roles]]
        table = Table(cells, colWidths=[(A4[0] - 30 * mm) / len(roles)] * len(roles))
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]))
        # Never a page of signatures alone (issue 17 §10): the signatures stay with what precedes them — the last
        # flowable, or the last rows of a list (the list split in two tables that print as one when together).
        kept: list[Any] = []
        last = self.story.pop() if self.story else None
        rows = getattr(last, "_kesu_rows", None)
        if rows is not None and len(rows[0]) > 1 + _KEPT_ROWS:
            body, widths = rows
            head = Table(body[:-_KEPT_ROWS], colWidths=widths, repeatRows=1)
            head.setStyle(TableStyle(_TABLE_STYLE))
            tail = Table(body[-_KEPT_ROWS:], colWidths=widths)
            tail.setStyle(TableStyle(_TABLE_STYLE[:2]))
            self.story.append(head)
            kept.append(tail)
        elif last is not None:
            kept.append(last)
        self.story.append(KeepTogether([*kept, Spacer(1, 5 * mm), table]))

    def render(self) -> bytes:
        buffer = io.BytesIO()
        company_name = str(self.company.name)
        printed = timezone.localtime(timezone.now(), self.company.tz).strftime("%Y-%m-%d %H:%M")
        printed_label = _("Printed")
        page_label = _("Page %(page)s of %(pages)s")
        font = cjk_font()

        def decorate(canvas, doc) -> None:
            canvas.saveState()
            canvas.setFont(font, 8)
            canvas.drawString(15 * mm, A4[1] - 10 * mm, company_name)
            canvas.drawRightString(A4[0] - 15 * mm, A4[1] - 10 * mm, f"{printed_label} {printed}")
            canvas.restoreState()

        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                bottomMargin=15 * mm, title=self.title_zh, author=company_name)

        def canvas_maker(*args, **kwargs):
            return CountingCanvas(*args, page_label=page_label, font=font, **kwargs)

        doc.build(list(self.story), onFirstPage=decorate, onLaterPages=decorate, canvasmaker=canvas_maker)
        return buffer.getvalue()


class CountingCanvas(Canvas):
    """Holds each finished page back until the end, when the page count is known for "page x of y"."""

    def __init__(self, *args, page_label: str, font: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._font_name = font
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(self._font_name, 8)
            self.drawCentredString(self._pagesize[0] / 2, 8 * mm, self._page_label % {"page": self._pageNumber, "pages": total})
            super().showPage()
        super().save()
