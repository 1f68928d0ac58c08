"""Excel import and export: master-data resources, and the lists of every module.

Import is all-or-nothing per file: every row is validated through the same
form as the web page; if any row is rejected nothing is saved and the job
keeps a row-by-row report the user can download. Rows are matched on the
resource's natural key within the company, so importing the same file twice
creates nothing new. Export writes the sheet's XML row by row straight into
a zip in a temporary file, so memory stays flat however long the list is.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import tempfile
import zipfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelChoiceField
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .models import ImportJob, choice_label, choice_labels

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
    # Style 0: general; 1: date and time; 2: date; 3: bold (the header row).
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
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
    if kind is int or kind is Decimal or kind is float:
        return f"<c><v>{value}</v></c>"
    if kind is datetime.datetime:
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return f'<c s="1"><v>{(value - _EXCEL_EPOCH).total_seconds() / 86400!r}</v></c>'
    if kind is datetime.date:
        return f'<c s="2"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    return _xlsx_cell(str(value), zone)


def write_xlsx(title: str, header: list[str], rows) -> Any:
    """Write one sheet (a bold header, then ``rows`` as they come) to a temporary xlsx file, open at 0.

    The sheet is written row by row straight into the zip, so memory stays flat however many rows there are;
    writing the XML here rather than through openpyxl's write-only mode makes a 100,000-row export several
    times faster (timed in ``bench/``). openpyxl reads these files (and the files people upload).
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    zone = timezone.get_current_timezone()
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    name = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Sheet"
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for part, content in _XLSX_PARTS.items():
            archive.writestr(part, content)
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{_xml_text(name).replace(chr(34), "&quot;")}" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>'))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw, io.TextIOWrapper(
                raw, encoding="utf-8") as sheet:
            sheet.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        '<sheetData><row>')
            sheet.write("".join(_xlsx_cell(str(h), zone).replace("<c ", '<c s="3" ', 1) for h in header))
            sheet.write("</row>")
            for row in rows:
                sheet.write("<row>" + "".join([_xlsx_cell(value, zone) for value in row]) + "</row>")
            sheet.write("</sheetData></worksheet>")
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
    """Stream ``rows`` through ``columns`` (label, function of a row) into an xlsx file: (open file, name)."""
    getters = [getattr(get, "for_export", lambda get=get: get)() for _label, get in columns]
    handle = write_xlsx(str(title), [str(label) for label, _get in columns],
                        ([get(row) for get in getters] for row in rows))
    return handle, f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"


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


def export_xlsx(resource, queryset) -> tuple[Any, str]:
    """Write the queryset to an xlsx file on disk and return it open for streaming."""
    rows = ([resource.column_value(obj, c) for c in resource.columns] for obj in queryset.iterator(chunk_size=2000))
    handle = write_xlsx(resource.opts.verbose_name_plural, [resource.column_label(c) for c in resource.columns], rows)
    return handle, f"{resource.plural}-{timezone.localdate():%Y%m%d}.xlsx"


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


def check_xlsx_upload(upload) -> bytes:
    """The bytes of an uploaded .xlsx within the size limit, or ImportError_ saying what is wrong."""
    if upload is None:
        raise ImportError_(_("Choose an .xlsx file to import."))
    if not upload.name.lower().endswith(".xlsx"):
        raise ImportError_(_("Only Excel .xlsx files can be imported."))
    if upload.size > settings.KESU_IMPORT_MAX_BYTES:
        raise ImportError_(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.KESU_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    if not zipfile.is_zipfile(upload):
        raise ImportError_(_("The file is not a valid Excel .xlsx workbook."))
    return content


def import_xlsx(resource, *, actor, upload, company_id: int | None = None) -> ImportJob:
    """Validate every row; save all of them, or none with a report of each rejected row.

    ``company_id`` is the company imported into: the actor's own by default; a
    group-scope user may name another company they can see.
    """
    from openpyxl import load_workbook

    content = check_xlsx_upload(upload)
    company_id = company_id or actor.company_id
    if company_id is None:
        raise ImportError_(_("Your user has no company to import into."))
    if not actor.is_superuser and company_id not in actor.visible_company_ids():
        raise ImportError_(_("Choose a company you belong to."))
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportError_(_("The file is not a valid Excel .xlsx workbook.")) from error
    try:
        header, columns, raw_rows = _read_rows(resource, workbook)
    finally:
        workbook.close()

    job = ImportJob(
        company_id=company_id, resource=resource.name, file_name=upload.name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(), created_by=actor, rows_total=len(raw_rows),
    )
    errors = _validate_and_save(resource, actor, company_id, job, columns, raw_rows)
    if errors:
        job.status = ImportJob.Status.REJECTED
        job.rows_rejected = len({e["row"] for e in errors})
        values_by_row = dict(raw_rows)
        job.errors = {
            "header": [str(h) if h is not None else "" for h in header],
            "rows": [
                {**e, "values": [_json_cell(v) for v in values_by_row.get(e["row"], [])]} for e in errors
            ],
        }
    job.save()
    return job


def _read_rows(resource, workbook) -> tuple[list[Any], list[str | None], list[tuple[int, list[Any]]]]:
    """The header, the field each column feeds (None: ignored) and the non-empty rows with their numbers."""
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows, None) or [])
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
            raise ImportError_(_("Unknown column “%(column)s”.") % {"column": cell})
        if accepted[text] in columns:
            raise ImportError_(_("The column “%(column)s” appears twice.") % {"column": cell})
        columns.append(accepted[text])
    missing = [resource.column_label(k) for k in resource.natural_key if k not in columns]
    if missing:
        raise ImportError_(_("Missing required column: %(columns)s.") % {"columns": "、".join(missing)})
    raw_rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        raw_rows.append((number, list(values)))
        if len(raw_rows) > settings.KESU_IMPORT_MAX_ROWS:
            raise ImportError_(_("The file has more than %(rows)d rows.") % {"rows": settings.KESU_IMPORT_MAX_ROWS})
    return header, columns, raw_rows


class _Rollback(Exception):
    """Raised inside the import transaction to undo every row saved before a bad one was found."""


def _validate_and_save(resource, actor, company_id, job: ImportJob, columns, raw_rows) -> list[dict]:
    """Validate each row and save it through the write service, all in one transaction.

    Rows are saved as they pass, so memory stays flat however long the file
    is; the first bad row stops the saving (later rows are still checked, so
    the report lists every one) and the transaction is rolled back at the
    end: all rows or none.
    """
    from . import services

    errors: list[dict] = []
    try:
        with transaction.atomic():
            for number, form, row_errors in _validated_rows(resource, actor, company_id, columns, raw_rows):
                if row_errors or errors:
                    errors.extend(row_errors)
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
                    errors.append({"row": number, "field": "", "message": " ".join(error.messages)})
            if errors:
                raise _Rollback
            job.status = ImportJob.Status.DONE
    except _Rollback:
        job.rows_created = job.rows_updated = job.rows_unchanged = 0
    return errors


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


def _validated_rows(resource, actor, company_id, columns, raw_rows):
    """Yield (row number, bound and validated form, [{row, field, message}]) for each row, in order.

    The form is None for a row already refused before it was worth building one.
    """
    model = resource.opts
    choice_maps = {
        name: _choice_map(model.get_field(name))
        for name in resource.columns
        if model.get_field(name).choices
    }
    # Foreign keys are given by their code; resolve all codes of the file with one query per column,
    # within the target company only, so another company's code is simply unknown.
    fk_maps: dict[str, dict[str, int]] = {}
    for name, (related, lookup) in resource.fk_codes.items():
        if name not in columns:
            continue
        index = columns.index(name)
        codes = {str(_plain(vals[index])) for _n, vals in raw_rows if index < len(vals) and vals[index] not in (None, "")}
        fk_maps[name] = {}
        ordered = sorted(codes)
        for start in range(0, len(ordered), 500):
            qs = related.objects.filter(company_id=company_id, **{f"{lookup}__in": ordered[start:start + 500]})
            fk_maps[name].update({str(code): pk for code, pk in qs.values_list(lookup, "pk")})

    rows: list[tuple[int, dict[str, Any], list[dict]]] = []
    for number, values in raw_rows:
        row: dict[str, Any] = {}
        row_errors: list[dict] = []
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
        rows.append((number, row, row_errors))

    # Existing records of the company, matched on the natural key (foreign keys by id, after resolving
    # codes), looked up a chunk of rows at a time so memory stays flat.
    key_fields = [model.get_field(k) for k in resource.natural_key]
    first = key_fields[0]
    seen: dict[tuple, int] = {}
    lookups: dict = {}
    for start in range(0, len(rows), IMPORT_CHUNK):
        chunk = rows[start:start + IMPORT_CHUNK]
        first_values = sorted({_key_part(row.get(first.name)) for _n, row, _e in chunk} - {""})
        existing = {
            tuple(_key_part(getattr(obj, f.attname)) for f in key_fields): obj
            for obj in resource.model.objects.filter(company_id=company_id, **{f"{first.attname}__in": first_values})
        }
        for number, row, row_errors in chunk:
            key = tuple(_key_part(row.get(f.name)) for f in key_fields)
            if key in seen and all(key):
                # Said once; the form would add "already exists" for the twin saved a moment ago.
                row_errors.append({"row": number, "field": resource.column_label(resource.natural_key[-1]),
                                   "message": _("The same record is already in row %(row)d.") % {"row": seen[key]}})
                yield number, None, row_errors
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
            yield number, form, row_errors


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


def error_report(job: ImportJob) -> tuple[Any, str]:
    """The rejected rows as they were in the file, one line per error, led by row, field and problem.

    The three leading columns are ignored on import, so a user may fix the
    rows in the report itself and import it again.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Rejected rows")))
    report = job.errors if isinstance(job.errors, dict) else {"header": [], "rows": []}
    sheet.append([_("Row"), _("Field"), _("Error"), *report.get("header", [])])
    for item in report.get("rows", []):
        sheet.append([item["row"], item["field"], item["message"], *item.get("values", [])])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle, f"{job.resource}-import-errors-{job.pk}.xlsx"
