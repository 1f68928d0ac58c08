"""Excel import and export: master-data resources, and the lists of every module.

Import is all-or-nothing per file: every row is validated through the same
form as the web page; if any row is rejected nothing is saved and the job
keeps a row-by-row report the user can download. Rows are matched on the
resource's natural key within the company, so importing the same file twice
creates nothing new. Export writes the sheet's XML row by row straight into
a zip in a temporary file, so memory stays flat however long the list is; the header is frozen and
filtered, columns fit their contents, dates and amounts are formatted.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import json
import logging
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.forms import ModelChoiceField
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .models import ImportJob, choice_label, choice_labels

logger = logging.getLogger("kesu.imports")

IMPORT_CHUNK = 500
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无", "無", "×", ""}


class ImportError_(Exception):  # noqa: N801 — "ImportError" is a builtin
    """The file as a whole cannot be imported (wrong type, too big, unknown columns)."""


# -- export ---------------------------------------------------------------

def sheet_value(value: Any) -> Any:
    """A value as openpyxl writes it into a cell: numbers and dates stay typed, an aware date and time is shown
    in the current time zone (Excel has none), anything else as its text."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, bool | int | float | Decimal | datetime.date):
        return value
    return str(value)


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters XML 1.0 cannot hold (control characters other than tab, newline and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'),
    # Style 0: general; 1: date and time; 2: date; 3: the header (bold, underlined, wrapped); 4: an amount with
    # thousands separators and two decimals (a Decimal: money, rates, quantities of the lists).
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="#,##0.00"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
        'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
        '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}


def _xml_text(value: str) -> str:
    text = value.translate(_XML_ESCAPES)
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def _xlsx_cell(value: Any, zone) -> str:
    """One cell of a row (no reference: cells follow one another), typed as Excel expects.

    An aware date and time is shown in ``zone`` (the user's); a value of any other type as its text.
    """
    kind = type(value)
    if kind is str:
        # Always an inline text, never a formula: a text starting with "=" stays text in the user's Excel.
        return f'<c t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'
    if value is None:
        return "<c/>"
    if kind is int or kind is float:
        return f"<c><v>{value}</v></c>"
    if kind is Decimal:
        return f'<c s="4"><v>{value}</v></c>'
    if kind is datetime.datetime:
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return f'<c s="1"><v>{(value - _EXCEL_EPOCH).total_seconds() / 86400!r}</v></c>'
    if kind is datetime.date:
        return f'<c s="2"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    return _xlsx_cell(str(value), zone)


WIDTH_SAMPLE = 200  # rows read ahead to fit the column widths (the rest streams through)
MAX_WIDTH = 60  # characters; longer texts wrap in Excel rather than make a column wider than a screen


def _display_width(value: Any) -> int:
    """How many narrow characters ``value`` takes in a cell (a Chinese character takes two)."""
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    text = "" if value is None else str(value)
    line = max(text.split("\n"), key=len)[:MAX_WIDTH] if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _reader_company() -> str:
    """The short name of the company of whoever is exporting (the sheet says whose figures these are)."""
    from .context import current_actor

    user = current_actor().user
    company = getattr(user, "company", None) if user is not None else None
    return str(getattr(company, "short_name", "") or getattr(company, "name", "") or "") if company else ""


def write_xlsx(title: str, header: list[str], rows) -> Any:
    """Write one sheet (a header row, then ``rows`` as they come) to a temporary xlsx file, open at 0.

    What people expect of an export (issue 17 §12): the header frozen and filterable, columns as wide as their
    first rows need (up to :data:`MAX_WIDTH`), dates and times as dates in the reader's zone, amounts with
    thousands separators, and the exporting company's short name in the sheet and workbook titles.

    The sheet is written row by row straight into the zip, so memory stays flat however many rows there are.
    Writing the XML here rather than through a library is measured in ``bench/xlsx_writers.py``: on the
    100,000-row export openpyxl's write-only mode and XlsxWriter's constant-memory mode were several times
    slower (see bench/README.md). openpyxl reads these files (and the files people upload).
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    zone = timezone.get_current_timezone()
    company = _reader_company()
    full_title = f"{company} {title}" if company else str(title)
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    name = "".join(ch for ch in full_title if ch not in "[]:*?/\\")[:31] or "Sheet"
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    widths = [_display_width(str(label)) for label in header]
    for row in sample:
        for index, value in enumerate(row[:len(widths)]):
            widths[index] = max(widths[index], _display_width(value))
    last_row = 1
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for part, content in _XLSX_PARTS.items():
            archive.writestr(part, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw, io.TextIOWrapper(
                raw, encoding="utf-8") as sheet:
            sheet.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
                        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>')
            if widths:
                sheet.write("<cols>" + "".join(
                    f'<col min="{i + 1}" max="{i + 1}" width="{min(max(w + 2, 6), MAX_WIDTH + 2)}" customWidth="1"/>'
                    for i, w in enumerate(widths)) + "</cols>")
            sheet.write("<sheetData><row>")
            sheet.write("".join(_xlsx_cell(str(h), zone).replace("<c ", '<c s="3" ', 1) for h in header))
            sheet.write("</row>")
            for row in itertools.chain(sample, rows):
                sheet.write("<row>" + "".join([_xlsx_cell(value, zone) for value in row]) + "</row>")
                last_row += 1
            sheet.write("</sheetData>")
            if header:
                sheet.write(f'<autoFilter ref="A1:{_column_letters(len(header) - 1)}{last_row}"/>')
            sheet.write("</worksheet>")
        quoted = _xml_text(name).replace(chr(34), "&quot;")
        defined = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
                   f"&apos;{quoted.replace(chr(39), '&apos;&apos;')}&apos;!$A$1:${_column_letters(len(header) - 1)}"
                   f"${last_row}</definedName></definedNames>") if header else ""
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{quoted}" sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>'))
    handle.seek(0)
    return handle


def field_column(model, name: str) -> tuple[Any, Any]:
    """A list column (label, value of a row) for a model field: choices shown by label, relations as text."""
    field = model._meta.get_field(name)
    if field.choices:
        return field.verbose_name, _ChoiceCell(field)
    if field.is_relation:
        return field.verbose_name, lambda row: str(getattr(row, name) or "")
    return field.verbose_name, lambda row: getattr(row, name)


class _ChoiceCell:
    """A choices field's label in a row. ``for_export`` fixes the language for one file: looking the language up
    for every cell was a tenth of the time of a 100,000-row export."""

    def __init__(self, field) -> None:
        self.field = field

    def __call__(self, row) -> Any:
        return choice_label(self.field, getattr(row, self.field.attname))

    def for_export(self):
        labels, attname = choice_labels(self.field), self.field.attname

        def cell(row) -> Any:
            value = getattr(row, attname)
            return labels.get(value, value)
        return cell


def rows_xlsx(rows, columns: list[tuple[Any, Any]], title, stem: str) -> tuple[Any, str]:
    """Stream ``rows`` through ``columns`` (label, function of a row) into an xlsx file: (open file, name).

    Exported by someone who sees several companies (issue 17 §5), rows that belong to a company get a first
    column naming it (short name, else code): the same numbers and customer codes exist in each subsidiary.
    """
    rows, columns = _with_company_column(iter(rows), list(columns))
    getters = [getattr(get, "for_export", lambda get=get: get)() for _label, get in columns]
    handle = write_xlsx(str(title), [str(label) for label, _get in columns],
                        ([get(row) for get in getters] for row in rows))
    return handle, f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"


def _with_company_column(rows, columns: list[tuple[Any, Any]]):
    """(rows, columns) with a "Company" column first when the exporting user sees several companies and the rows
    carry a ``company_id``; unchanged otherwise (the first row is read ahead to know, and put back)."""
    from .context import current_actor
    from .group import company_labels, sees_several_companies

    user = current_actor().user
    if not sees_several_companies(user):
        return rows, columns
    first = next(rows, None)
    if first is None:
        return iter(()), columns
    rows = itertools.chain([first], rows)
    if not hasattr(first, "company_id"):
        return rows, columns
    labels = company_labels(user)
    return rows, [(_("Company"), lambda row: labels.get(row.company_id, "")), *columns]


class ExportRow:
    """One row of ``export_rows``: plain attributes, no model behind it."""


def export_rows(qs, fields, chunk_size: int = 2000):
    """``qs`` as light rows for an export, streamed from the database in chunks.

    A row has each of ``fields`` and each of the queryset's annotations as an attribute. ``relation__field``
    names give ``row.relation``: an instance of the related model holding those fields, built the first time
    its row is met and shared by every row pointing to it (``row.relation_id`` is there too). Building six model
    instances per row was a third of the time of a 100,000-row export; the shared ones are as many as the
    distinct customers, parts and owners of the list, not as its rows.
    """
    from .dbrouter import replica_alias

    # Exports read from the replica when there is one (issue 24 §3); the alias is chosen when streaming begins.
    qs = qs.using(replica_alias(qs.db))
    meta = qs.model._meta
    related: dict[str, list[str]] = {}
    for name in fields:
        if "__" in name:
            relation, field = name.split("__", 1)
            related.setdefault(relation, []).append(field)
    plain = [meta.get_field(name).attname for name in fields if "__" not in name]
    plain += [meta.get_field(relation).attname for relation in related]
    plain += list(qs.query.annotation_select)
    joined = [f"{relation}__{field}" for relation, names in related.items() for field in names]
    relations = []  # (attribute, model, position of its key, its fields, where they start in a row, cache)
    start = len(plain)
    for relation, names in related.items():
        relations.append((relation, meta.get_field(relation).related_model, plain.index(
            meta.get_field(relation).attname), names, start, {}))
        start += len(names)
    for values in qs.values_list(*plain, *joined).iterator(chunk_size=chunk_size):
        row = ExportRow()
        attributes = row.__dict__
        attributes.update(zip(plain, values, strict=False))  # the joined fields follow
        for relation, model, key_at, names, begin, cache in relations:
            pk = values[key_at]
            if pk is None:
                attributes[relation] = None
                continue
            instance = cache.get(pk)
            if instance is None:
                instance = cache[pk] = model(pk=pk, **dict(zip(names, values[begin:begin + len(names)], strict=True)))
            attributes[relation] = instance
        yield row


def export_xlsx(resource, queryset, user=None) -> tuple[Any, str]:
    """Write the queryset to an xlsx file on disk and return it open for streaming.

    Customers' personal data is masked for a ``user`` the privacy rule does not let see it (issue 18 §13).
    """
    masks = resource.masks_for(user) if user is not None else {}
    rows = ([resource.column_value(obj, c, masks) for c in resource.columns]
            for obj in queryset.iterator(chunk_size=2000))
    handle = write_xlsx(resource.opts.verbose_name_plural, [resource.column_label(c) for c in resource.columns], rows)
    return handle, f"{resource.plural}-{timezone.localdate():%Y%m%d}.xlsx"


# -- bounded reading (issue 15 §2: spreadsheet bombs) ---------------------------
#
# An .xlsx is a zip of XML parts, so a 200 KB upload can unpack to gigabytes, and a sheet may declare any size
# it likes. Every import reads its workbook through ``check_xlsx_upload`` and ``XlsxSheet``: the zip's
# directory is checked before openpyxl opens anything (total unpacked size, compression ratio per part, the
# parts openpyxl reads whole), the sheet's cells are counted in one streamed pass, and then the sheet is read
# in openpyxl's read-only (streaming) mode with its declared dimensions ignored, one row at a time.

_ROW_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?c[\s/>]")
_MEMBERS_MAX = 10_000  # a real workbook has a few dozen parts; each costs memory when the zip is opened
_RATIO_FROM = 1024 * 1024  # below this, a part's compression ratio does not matter
_CARRY = 4096  # bytes kept across chunks when counting tags


def _megabytes(limit: int) -> int:
    return max(1, limit // (1024 * 1024))


def _invalid() -> ImportError_:
    return ImportError_(_("The file is not a valid Excel .xlsx workbook."))


def inspect_xlsx(file) -> None:
    """Refuse a workbook that would unpack to too much, from its zip directory alone (nothing is unpacked).

    The sizes in the directory can be trusted as bounds: Python's zipfile stops reading a part at its declared
    size (and then fails the checksum), so a part that lies about its size cannot unpack to more.
    """
    try:
        file.seek(0)
        end = zipfile._EndRecData(file)  # the member count, before ZipFile builds an object per member
        if end and end[zipfile._ECD_ENTRIES_TOTAL] > _MEMBERS_MAX:
            raise ImportError_(_("The workbook has too many parts."))
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _invalid() from error
    finally:
        file.seek(0)
    if len(members) > _MEMBERS_MAX:
        raise ImportError_(_("The workbook has too many parts."))
    total = 0
    for info in members:
        total += info.file_size
        if total > settings.KESU_IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise ImportError_(_("The workbook unpacks to more than %(mb)d MB; split it into smaller files.") % {
                "mb": _megabytes(settings.KESU_IMPORT_MAX_UNCOMPRESSED_BYTES)})
        if info.file_size > _RATIO_FROM and info.file_size > settings.KESU_IMPORT_MAX_RATIO * max(info.compress_size, 1):
            raise ImportError_(_("The workbook is packed unusually tightly (a part unpacks to more than %(ratio)d "
                                 "times its size). Save it again from Excel, or split it.") % {
                "ratio": settings.KESU_IMPORT_MAX_RATIO})
        # openpyxl streams only the worksheets; shared strings, styles and the rest are read whole into memory.
        if not info.filename.startswith("xl/worksheets/") and info.file_size > settings.KESU_IMPORT_MAX_PART_BYTES:
            raise ImportError_(_("A part of the workbook (%(part)s) unpacks to more than %(mb)d MB; split the file "
                                 "into smaller ones.") % {
                "part": info.filename[:100], "mb": _megabytes(settings.KESU_IMPORT_MAX_PART_BYTES)})


def check_xlsx_upload(upload) -> str:
    """Check an uploaded .xlsx before anything reads it and return its SHA-256, or raise ImportError_ saying what
    is wrong: no file, not .xlsx, over the size limit, not a zip, or a zip that would unpack to too much."""
    if upload is None:
        raise ImportError_(_("Choose an .xlsx file to import."))
    if not upload.name.lower().endswith(".xlsx"):
        raise ImportError_(_("Only Excel .xlsx files can be imported."))
    if upload.size > settings.KESU_IMPORT_MAX_BYTES:
        raise ImportError_(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.KESU_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if not zipfile.is_zipfile(upload):
        raise _invalid()
    inspect_xlsx(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _count_tags(file, path: str) -> tuple[int, int]:
    """(rows, cells) of a sheet part, counted on its XML as it unpacks, a megabyte at a time."""
    rows = cells = 0
    carry = b""
    file.seek(0)
    with zipfile.ZipFile(file) as archive, archive.open(path) as part:
        while chunk := part.read(1024 * 1024):
            data = carry + chunk
            # A tag cut by the chunk's end is counted with the next chunk: keep what follows the last "<".
            cut = data.rfind(b"<")
            cut = len(data) if cut == -1 or len(data) - cut > _CARRY else cut
            rows += sum(1 for _match in _ROW_TAG.finditer(data, 0, cut))
            cells += sum(1 for _match in _CELL_TAG.finditer(data, 0, cut))
            carry = data[cut:]
        rows += sum(1 for _match in _ROW_TAG.finditer(carry))
        cells += sum(1 for _match in _CELL_TAG.finditer(carry))
    file.seek(0)
    return rows, cells


@dataclass
class SheetRow:
    """One non-empty row: its number as Excel counts, its cells, and which cells were cut at the length limit."""

    number: int
    values: list[Any]
    too_long: list[int] = dataclass_field(default_factory=list)


class XlsxSheet:
    """The first sheet (or the active one) of a workbook ``check_xlsx_upload`` accepted, read at flat memory.

    ``rows_estimate`` is the number of rows below the header the sheet holds (counted before reading, for
    progress and to decide whether the worker runs the import). ``rows()`` yields the non-empty rows one at a
    time and raises ImportError_ past ``KESU_IMPORT_MAX_ROWS``; a cell longer than ``KESU_IMPORT_MAX_CELL_CHARS``
    is cut there and named in ``SheetRow.too_long``, so the caller rejects that row with a message.
    """

    def __init__(self, file, *, active: bool = False) -> None:
        from openpyxl import load_workbook

        self._workbook = None
        try:
            file.seek(0)
            self._workbook = load_workbook(file, read_only=True, data_only=True)
            sheet = self._workbook.active if active else (self._workbook.worksheets or [None])[0]
            if sheet is None or not hasattr(sheet, "reset_dimensions"):
                raise ImportError_(_("The first sheet is empty."))
            # The declared <dimension> (A1:XFD1048576 in the bomb) would make openpyxl pad every row to it.
            sheet.reset_dimensions()
            self._sheet = sheet
            rows, cells = _count_tags(file, sheet._worksheet_path)
        except ImportError_:
            self.close()
            raise
        except Exception as error:  # noqa: BLE001 - openpyxl and zipfile raise many kinds for a broken file
            self.close()
            raise _invalid() from error
        if cells > settings.KESU_IMPORT_MAX_CELLS:
            self.close()
            raise ImportError_(_("The sheet has more than %(cells)d cells; split it into smaller files.") % {
                "cells": settings.KESU_IMPORT_MAX_CELLS})
        self.rows_estimate = max(0, rows - 1)

    def __enter__(self) -> XlsxSheet:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def header(self) -> list[Any]:
        """The first row's cells (the column names of a resource import)."""
        try:
            first = next(self._sheet.iter_rows(max_row=1, values_only=True), None)
        except Exception as error:  # noqa: BLE001 - a broken sheet
            raise _invalid() from error
        header = list(first or [])
        while header and header[-1] in (None, ""):
            header.pop()
        limit = settings.KESU_IMPORT_MAX_CELL_CHARS
        return [cell[:limit] if isinstance(cell, str) else cell for cell in header]

    def rows(self, *, min_row: int = 2, width: int | None = None) -> Iterator[SheetRow]:
        """The non-empty rows from ``min_row``, ``width`` cells each at most (cells further right are ignored)."""
        limit, most = settings.KESU_IMPORT_MAX_CELL_CHARS, settings.KESU_IMPORT_MAX_ROWS
        count = 0
        try:
            source = self._sheet.iter_rows(min_row=min_row, max_col=width or None, values_only=True)
            for number, values in enumerate(source, start=min_row):
                if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                count += 1
                if count > most:
                    raise ImportError_(_("The file has more than %(rows)d rows.") % {"rows": most})
                row = SheetRow(number, list(values))
                for index, value in enumerate(row.values):
                    if isinstance(value, str) and len(value) > limit:
                        row.values[index] = value[:limit]
                        row.too_long.append(index)
                yield row
        except ImportError_:
            raise
        except Exception as error:  # noqa: BLE001 - a sheet broken halfway through
            raise _invalid() from error


def too_long_message() -> str:
    return _("The text is longer than %(limit)d characters.") % {"limit": settings.KESU_IMPORT_MAX_CELL_CHARS}


# -- import ---------------------------------------------------------------

def _header_map(resource) -> dict[str, str]:
    """Every accepted spelling of a column header → field name (field names and labels in every language)."""
    accepted: dict[str, str] = {}
    for name in resource.columns:
        accepted[name.lower()] = name
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                accepted[resource.column_label(name).strip().lower()] = name
    return accepted


def _choice_map(model_field) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for value, label in model_field.flatchoices:
        mapping[str(value).lower()] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                mapping[str(label).strip().lower()] = value
    return mapping


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _company_for(actor, company_id: int | None) -> int:
    company_id = company_id or actor.company_id
    if company_id is None:
        raise ImportError_(_("Your user has no company to import into."))
    if not actor.is_superuser and company_id not in actor.visible_company_ids():
        raise ImportError_(_("Choose a company you belong to."))
    return company_id


def import_xlsx(resource, *, actor, upload, company_id: int | None = None) -> ImportJob:
    """Validate every row; save all of them, or none with a report of each rejected row.

    ``company_id`` is the company imported into: the actor's own by default; a
    group-scope user may name another company they can see. A file with more
    than ``KESU_IMPORT_BACKGROUND_ROWS`` rows is checked (type, size, what it
    unpacks to, its columns) and stored, and the job comes back queued for the
    worker (``import_jobs_run``); the import page follows its progress.
    """
    digest = check_xlsx_upload(upload)
    company_id = _company_for(actor, company_id)
    with XlsxSheet(upload) as sheet:
        header, columns = _read_header(resource, sheet)
        job = ImportJob(
            company_id=company_id, resource=resource.name, file_name=upload.name[:255],
            file_sha256=digest, created_by=actor, rows_total=sheet.rows_estimate,
        )
        if sheet.rows_estimate > settings.KESU_IMPORT_BACKGROUND_ROWS:
            job.status = ImportJob.Status.QUEUED
            upload.seek(0)
            job.upload.save(f"{uuid.uuid4().hex}.xlsx", File(upload), save=False)
            job.save()
            return job
        _run(resource, job, sheet, header, columns)
    return job


def _read_header(resource, sheet: XlsxSheet) -> tuple[list[Any], list[str | None]]:
    """The header and the field each column feeds (None: ignored), or ImportError_ naming a wrong column."""
    header = sheet.header()
    if not any(cell not in (None, "") for cell in header):
        raise ImportError_(_("The first sheet is empty."))
    accepted = _header_map(resource)
    ignored = {str(label).lower() for label in (_("Row"), _("Field"), _("Error"))}  # the error report's own columns
    columns: list[str | None] = []
    for cell in header:
        text = str(cell).strip().lower() if cell is not None else ""
        if not text or text in ignored:
            columns.append(None)
            continue
        if text not in accepted:
            raise ImportError_(_("Unknown column “%(column)s”.") % {"column": str(cell)[:100]})
        if accepted[text] in columns:
            raise ImportError_(_("The column “%(column)s” appears twice.") % {"column": str(cell)[:100]})
        columns.append(accepted[text])
    missing = [resource.column_label(k) for k in resource.natural_key if k not in columns]
    if missing:
        raise ImportError_(_("Missing required column: %(columns)s.") % {"columns": "、".join(missing)})
    return header, columns


PAGE_ERRORS = 200  # errors kept on the job for its page; the report file holds the rest
_MESSAGE_CHARS = 500
_REPORT_CHARS = 50_000_000  # cells kept for the report, all rejected rows together (a spooled file, not memory)


class ErrorLog:
    """The errors of one import: every one counted, every rejected row numbered, and the first
    ``KESU_IMPORT_REPORT_MAX_ERRORS`` kept with the row's cells for the report, spooled to a temporary file so
    memory stays flat however many rows are wrong."""

    def __init__(self) -> None:
        self.count = 0
        self.rows: set[int] = set()
        self.first: list[dict] = []
        self.kept = 0
        self._chars = 0
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, error: dict, values: list[Any]) -> None:
        self.count += 1
        self.rows.add(error["row"])
        error = {**error, "message": str(error["message"])[:_MESSAGE_CHARS]}
        if len(self.first) < PAGE_ERRORS:
            self.first.append(error)
        if self.kept >= settings.KESU_IMPORT_REPORT_MAX_ERRORS or self._chars > _REPORT_CHARS:
            return
        line = json.dumps({**error, "values": [_json_cell(v) for v in values]}, ensure_ascii=False)
        self._chars += len(line)
        self._spool.write(line + "\n")
        self.kept += 1

    def kept_rows(self) -> Iterator[dict]:
        self._spool.seek(0)
        for line in self._spool:
            yield json.loads(line)

    def close(self) -> None:
        self._spool.close()


def _run(resource, job: ImportJob, sheet: XlsxSheet, header: list[Any], columns: list[str | None],
         progress: Callable[[int], None] | None = None) -> None:
    """Import the sheet's rows into ``job`` and save the job: done, or rejected with its report file."""
    log = ErrorLog()
    try:
        job.rows_total = _validate_and_save(resource, job.created_by, job.company_id, job, columns,
                                            sheet.rows(width=len(header)), log, progress)
        if log:
            job.status = ImportJob.Status.REJECTED
            job.rows_rejected = len(log.rows)
            job.errors = {
                "header": [str(h)[:200] if h is not None else "" for h in header],
                "rows": log.first, "total": log.count,
            }
            handle = _write_report(job, header, log)
            try:
                job.report.save(f"{resource.name}-{uuid.uuid4().hex}.xlsx", File(handle), save=False)
            finally:
                handle.close()
        job.save()
    finally:
        log.close()


def _write_report(job: ImportJob, header: list[Any], log: ErrorLog):
    """The rejected rows as they were in the file, one line per error, led by row, field and problem.

    The three leading columns are ignored on import, so a user may fix the rows in the report itself and
    import it again. Past the kept errors, a last line says how many more there are.
    """
    def lines():
        for item in log.kept_rows():
            yield [item["row"], item["field"], item["message"], *item.get("values", [])]
        if log.count > log.kept:
            yield ["", "", _("… and %(count)d more errors not listed here; fix these and import again.")
                   % {"count": log.count - log.kept}]

    return write_xlsx(str(_("Rejected rows")), [str(_("Row")), str(_("Field")), str(_("Error")),
                                                 *[str(h) if h is not None else "" for h in header]], lines())


class _Rollback(Exception):
    """Raised inside the import transaction to undo every row saved before a bad one was found."""


PROGRESS_EVERY = 200


def _validate_and_save(resource, actor, company_id, job: ImportJob, columns, sheet_rows, log: ErrorLog,
                       progress: Callable[[int], None] | None = None) -> int:
    """Validate each row and save it through the write service, all in one transaction; return the row count.

    Rows are saved as they pass, so memory stays flat however long the file
    is; the first bad row stops the saving (later rows are still checked, so
    the report lists every one) and the transaction is rolled back at the
    end: all rows or none.
    """
    from . import services

    done = 0
    try:
        with transaction.atomic():
            for row, form, row_errors in _validated_rows(resource, actor, company_id, columns, sheet_rows):
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done)
                if row_errors or log:
                    for error in row_errors:
                        log.add(error, row.values)
                    continue
                try:
                    if form.instance.pk is None:
                        services.record_create(actor=actor, form=form, source="import")
                        job.rows_created += 1
                    elif audit.snapshot(form.instance) == audit.loaded_snapshot(form.instance):
                        # Compared on the built instance, not form.has_changed(): a spreadsheet gives
                        # codes and labels where the form's initial data holds ids and stored values.
                        job.rows_unchanged += 1
                    else:
                        services.record_update(actor=actor, form=form, source="import")
                        job.rows_updated += 1
                except ValidationError as error:  # e.g. another writer took the code meanwhile
                    log.add({"row": row.number, "field": "", "message": " ".join(error.messages)}, row.values)
            if log:
                raise _Rollback
            job.status = ImportJob.Status.DONE
    except _Rollback:
        job.rows_created = job.rows_updated = job.rows_unchanged = 0
    return done


def _json_cell(value: Any) -> Any:
    """A cell value as the job's JSON keeps it for the report."""
    value = _plain(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    return str(value)


def _key_part(value: Any) -> str:
    return "" if value in (None, "") else str(value)


def _validated_rows(resource, actor, company_id, columns, sheet_rows: Iterable[SheetRow]):
    """Yield (sheet row, bound and validated form, [{row, field, message}]) for each row, in order.

    The form is None for a row already refused before it was worth building one. Rows are taken a chunk at a
    time, so memory stays flat: foreign-key codes and existing records are looked up per chunk.
    """
    model = resource.opts
    choice_maps = {
        name: _choice_map(model.get_field(name))
        for name in resource.columns
        if model.get_field(name).choices
    }
    # Foreign keys are given by their code; resolved within the target company only, so another company's code
    # is simply unknown. Each code is looked up once per import (None: no such record).
    fk_columns = [(name, columns.index(name), related, lookup)
                  for name, (related, lookup) in resource.fk_codes.items() if name in columns]
    fk_maps: dict[str, dict[str, int | None]] = {name: {} for name, *_rest in fk_columns}
    key_fields = [model.get_field(k) for k in resource.natural_key]
    first = key_fields[0]
    seen: dict[tuple, int] = {}
    lookups: dict = {}
    source = iter(sheet_rows)
    while chunk := list(itertools.islice(source, IMPORT_CHUNK)):
        for name, index, related, lookup in fk_columns:
            known = fk_maps[name]
            codes = sorted({str(_plain(r.values[index])) for r in chunk
                            if index < len(r.values) and r.values[index] not in (None, "")} - known.keys())
            if codes:
                found = {str(code): pk for code, pk in related.objects.filter(
                    company_id=company_id, **{f"{lookup}__in": codes}).values_list(lookup, "pk")}
                known.update({code: found.get(code) for code in codes})
        rows = [(sheet_row, *_row_values(resource, actor, company_id, columns, sheet_row, choice_maps, fk_maps))
                for sheet_row in chunk]
        # Existing records of the company, matched on the natural key (foreign keys by id, after resolving codes).
        first_values = sorted({_key_part(row.get(first.name)) for _r, row, _e in rows} - {""})
        existing = {
            tuple(_key_part(getattr(obj, f.attname)) for f in key_fields): obj
            for obj in resource.model.objects.filter(company_id=company_id, **{f"{first.attname}__in": first_values})
        }
        for sheet_row, row, row_errors in rows:
            number = sheet_row.number
            key = tuple(_key_part(row.get(f.name)) for f in key_fields)
            if key in seen and all(key):
                # Said once; the form would add "already exists" for the twin saved a moment ago.
                row_errors.append({"row": number, "field": resource.column_label(resource.natural_key[-1]),
                                   "message": _("The same record is already in row %(row)d.") % {"row": seen[key]}})
                yield sheet_row, None, row_errors
                continue
            seen[key] = number
            form = _row_form(resource, actor, company_id, existing.get(key), row, lookups)
            if not form.is_valid():
                # A code or choice the file got wrong is already reported; the form would only add "required".
                reported = {e["field"] for e in row_errors}
                for field_name, messages in form.errors.items():
                    label = resource.column_label(field_name) if field_name in resource.columns else (
                        str(form.fields[field_name].label) if field_name in form.fields else ""
                    )
                    if label and label in reported:
                        continue
                    for message in messages:
                        row_errors.append({"row": number, "field": label, "message": str(message)})
            yield sheet_row, form, row_errors


def _row_values(resource, actor, company_id, columns, sheet_row: SheetRow, choice_maps, fk_maps):
    """The form data a sheet row gives, and the errors found before the form sees it."""
    model = resource.opts
    number, values = sheet_row.number, sheet_row.values
    row: dict[str, Any] = {}
    row_errors: list[dict] = []
    for index in sheet_row.too_long:
        name = columns[index] if index < len(columns) else None
        if name is not None:
            row_errors.append({"row": number, "field": resource.column_label(name), "message": too_long_message()})
    for index, name in enumerate(columns):
        if name is None:
            continue
        value = _plain(values[index]) if index < len(values) else None
        model_field = model.get_field(name)
        if value in (None, "") and model_field.has_default() and not model_field.blank:
            # An empty cell cannot clear a field that must have a value: the record's own
            # value stays, and a new record takes the default, as on the page.
            continue
        if name in resource.import_resolvers:
            value = resource.import_resolvers[name](actor, company_id, value)
        elif name in fk_maps and value not in (None, ""):
            pk = fk_maps[name].get(str(value))
            if pk is None:
                row_errors.append({"row": number, "field": resource.column_label(name),
                                   "message": _("No record with code “%(code)s”.") % {"code": value}})
            value = pk
        elif name in choice_maps and value not in (None, ""):
            mapped = choice_maps[name].get(str(value).strip().lower())
            if mapped is None:
                row_errors.append({"row": number, "field": resource.column_label(name),
                                   "message": _("“%(value)s” is not one of the choices.") % {"value": value}})
            value = mapped
        elif model_field.get_internal_type() == "BooleanField":
            text = str(value if value is not None else "").strip().lower()
            value = True if text in TRUE_WORDS else False if text in FALSE_WORDS else value
        row[name] = "" if value is None else value
    return row, row_errors


def _memoized(field, lookups: dict) -> None:
    """Resolve a related record once per import, not once per row (the same few customers recur)."""
    resolve = field.to_python

    def to_python(value):
        if isinstance(value, list | dict):
            return resolve(value)
        key = (field.queryset.model, str(value))
        if key not in lookups:
            lookups[key] = resolve(value)  # a refused value raises and is not kept
        return lookups[key]

    field.to_python = to_python


def _row_form(resource, actor, company_id: int, instance, row: dict[str, Any], lookups: dict | None = None):
    """The page's form, bound to the record's current values overlaid with the row's cells."""
    data = model_to_dict(instance) if instance is not None else {}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    if instance is None:
        # A column left out of the file takes the model's default, as a new record would on the page.
        for name in resource.form_class.base_fields:
            model_field = resource.opts.get_field(name)
            if model_field.has_default():
                data[name] = model_field.get_default()
    data.update(row)
    data["company"] = company_id
    form = resource.form_class(data=data, instance=instance, user=actor)
    if lookups is not None:
        for field in form.fields.values():
            if isinstance(field, ModelChoiceField):
                _memoized(field, lookups)
    return form


# -- the worker's imports -----------------------------------------------------
#
# Progress is kept in a small file beside the media, not in the job's row: the import runs in one transaction
# (all rows or none), and on SQLite no other connection may write while it is open, so a progress row could
# only be written when the work is over.


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / str(job_id)


def _write_progress(job_id: int, done: int) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(str(done), encoding="ascii")
    os.replace(partial, path)  # a reader never sees half a number


def import_progress(job: ImportJob) -> int:
    """Rows the worker has gone through so far (the total at the end)."""
    if job.finished:
        return job.rows_total
    try:
        return min(int(_progress_path(job.pk).read_text(encoding="ascii") or 0), job.rows_total)
    except (OSError, ValueError):
        return 0


STALE_AFTER = datetime.timedelta(minutes=10)


def _requeue_stale() -> None:
    """Queue again an import whose worker died (killed, machine restarted): running, and its progress file
    untouched for ``STALE_AFTER`` (a live worker writes it every few hundred rows). Its transaction was rolled
    back with the worker, so running it again from the start is safe."""
    cutoff = timezone.now() - STALE_AFTER
    for pk, started_at in ImportJob.objects.filter(
            status=ImportJob.Status.RUNNING, started_at__lt=cutoff).values_list("pk", "started_at"):
        try:
            beat = datetime.datetime.fromtimestamp(_progress_path(pk).stat().st_mtime, tz=datetime.UTC)
        except OSError:
            beat = started_at
        if beat < cutoff:
            # Compare-and-set on the start time: a worker that took the job up meanwhile is not disturbed.
            ImportJob.objects.filter(pk=pk, status=ImportJob.Status.RUNNING, started_at=started_at).update(
                status=ImportJob.Status.QUEUED)


def import_jobs_run(*, limit: int = 10) -> int:
    """Run the queued imports, oldest first; return how many ran.

    Each job is claimed with a compare-and-set update (queued → running), so two workers never run the same
    file; a job whose claim fails was taken by another worker and is left alone.
    """
    _requeue_stale()
    ran = 0
    waiting = list(ImportJob.objects.filter(status=ImportJob.Status.QUEUED)
                   .order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in waiting:
        claimed = ImportJob.objects.filter(pk=pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now())
        if claimed:
            import_job_run(ImportJob.objects.select_related("created_by").get(pk=pk))
            ran += 1
    return ran


def import_job_run(job: ImportJob) -> None:
    """Import the stored file of a claimed job as its user would have on the page; then delete the file."""
    from .resources import resource_named

    resource = resource_named(job.resource)
    actor = job.created_by
    try:
        # The user's rights are checked again: they may have changed while the file waited.
        if resource is None or not (actor.is_active and actor.has_perm(resource.perm("add"))
                                    and actor.has_perm(resource.perm("change"))):
            raise ImportError_(_("You may no longer import this kind of record."))
        _company_for(actor, job.company_id)
        with job.upload.open("rb") as stored, XlsxSheet(stored) as sheet:
            header, columns = _read_header(resource, sheet)
            _write_progress(job.pk, 0)
            _run(resource, job, sheet, header, columns, progress=lambda done: _write_progress(job.pk, done))
    except ImportError_ as error:
        job.status, job.message = ImportJob.Status.FAILED, str(error)
        job.rows_created = job.rows_updated = job.rows_unchanged = 0
    except Exception:
        logger.exception("import %s failed", job.pk)
        job.status, job.message = ImportJob.Status.FAILED, _("The import failed unexpectedly; nothing was imported.")
        job.rows_created = job.rows_updated = job.rows_unchanged = 0
    job.finished_at = timezone.now()
    if job.upload:
        job.upload.delete(save=False)
    job.save()
    _progress_path(job.pk).unlink(missing_ok=True)


def error_report(job: ImportJob) -> tuple[Any, str]:
    """The job's report file (rejected rows with row, field and problem first), open for streaming.

    Jobs from before reports were files keep their errors in the row; their report is written from it.
    """
    name = f"{job.resource}-import-errors-{job.pk}.xlsx"
    if job.report:
        return job.report.open("rb"), name
    report = job.errors if isinstance(job.errors, dict) else {"header": [], "rows": []}
    rows = ([item["row"], item["field"], item["message"], *item.get("values", [])] for item in report.get("rows", []))
    return write_xlsx(str(_("Rejected rows")), [str(_("Row")), str(_("Field")), str(_("Error")),
                                                 *report.get("header", [])], rows), name
