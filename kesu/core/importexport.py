"""Excel import and export for master-data resources.

Import is all-or-nothing per file: every row is validated through the same
form as the web page; if any row is rejected nothing is saved and the job
keeps a row-by-row report the user can download. Rows are matched on the
resource's natural key within the company, so importing the same file twice
creates nothing new. Export streams through openpyxl's write-only mode into a
temporary file, so memory stays flat however long the list is.
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
import zipfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .context import acting_as
from .models import ImportJob

TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无", "無", "×", ""}


class ImportError_(Exception):  # noqa: N801 — "ImportError" is a builtin
    """The file as a whole cannot be imported (wrong type, too big, unknown columns)."""


# -- export ---------------------------------------------------------------

def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool | int | float | Decimal | datetime.date) or value is None:
        return value
    return str(value)


def export_xlsx(resource, queryset) -> tuple[Any, str]:
    """Write the queryset to an xlsx file on disk and return it open for streaming."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(resource.opts.verbose_name_plural))
    sheet.append([resource.column_label(c) for c in resource.columns])
    for obj in queryset.iterator(chunk_size=2000):
        sheet.append([_cell(resource.column_value(obj, c)) for c in resource.columns])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
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


def _check_upload(upload) -> bytes:
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


def import_xlsx(resource, *, actor, upload) -> ImportJob:
    """Validate every row; save all of them, or none with a report of each rejected row."""
    from openpyxl import load_workbook

    content = _check_upload(upload)
    if actor.company_id is None:
        raise ImportError_(_("Your user has no company to import into."))
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportError_(_("The file is not a valid Excel .xlsx workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ImportError_(_("The first sheet is empty."))
    accepted = _header_map(resource)
    columns: list[str | None] = []
    for cell in header:
        text = str(cell).strip().lower() if cell is not None else ""
        if not text:
            columns.append(None)
            continue
        if text not in accepted:
            raise ImportError_(_("Unknown column “%(column)s”.") % {"column": cell})
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
    workbook.close()

    job = ImportJob(
        company_id=actor.company_id, resource=resource.name, file_name=upload.name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(), created_by=actor, rows_total=len(raw_rows),
    )
    header_labels = [str(h) if h is not None else "" for h in header]
    forms, errors = _validate_rows(resource, actor, columns, raw_rows)
    if errors:
        rejected_rows = {e["row"] for e in errors}
        job.status = ImportJob.Status.REJECTED
        job.rows_rejected = len(rejected_rows)
        values_by_row = {n: [_cell(_plain(v)) for v in vals] for n, vals in raw_rows}
        job.errors = {
            "header": header_labels,
            "rows": [{**e, "values": [str(v) if v is not None else "" for v in values_by_row[e["row"]]]} for e in errors],
        }
        job.save()
        return job
    with acting_as(actor, "import"), transaction.atomic():
        for form in forms:
            if form.instance.pk is None:
                job.rows_created += 1
            elif not form.has_changed():
                job.rows_unchanged += 1
                continue
            else:
                job.rows_updated += 1
            form.save()
        job.status = ImportJob.Status.DONE
        job.save()
    return job


def _validate_rows(resource, actor, columns, raw_rows):
    """Build one bound form per row; return the forms and a list of {row, field, message}."""
    company_id = actor.company_id
    model = resource.model
    choice_maps = {
        name: _choice_map(resource.opts.get_field(name))
        for name in resource.columns
        if resource.opts.get_field(name).choices
    }
    # Foreign keys are given by their code; resolve all codes of the file with one query per column.
    fk_maps: dict[str, dict[str, int]] = {}
    for name, (related, lookup) in resource.fk_codes.items():
        if name not in columns:
            continue
        index = columns.index(name)
        codes = {str(_plain(vals[index])) for _n, vals in raw_rows if index < len(vals) and vals[index] not in (None, "")}
        qs = related.objects.filter(company_id=company_id, **{f"{lookup}__in": codes})
        fk_maps[name] = {str(code): pk for code, pk in qs.values_list(lookup, "pk")}
    # Existing records of the company, matched on the natural key.
    key_index = [columns.index(k) for k in resource.natural_key]
    keys = {tuple(str(_plain(vals[i])) if i < len(vals) else "" for i in key_index) for _n, vals in raw_rows}
    existing: dict[tuple, Any] = {}
    first_key = resource.natural_key[0]
    first_values = {k[0] for k in keys}
    chunk = sorted(first_values)
    for start in range(0, len(chunk), 500):
        for obj in model.objects.filter(company_id=company_id, **{f"{first_key}__in": chunk[start:start + 500]}):
            existing[tuple(str(getattr(obj, k)) for k in resource.natural_key)] = obj

    forms, errors, seen = [], [], {}
    for number, values in raw_rows:
        row: dict[str, Any] = {}
        row_errors: list[dict] = []
        for index, name in enumerate(columns):
            if name is None:
                continue
            value = _plain(values[index]) if index < len(values) else None
            if name in resource.import_resolvers:
                value = resource.import_resolvers[name](actor, company_id, value)
            elif name in fk_maps and value not in (None, ""):
                pk = fk_maps[name].get(str(value))
                if pk is None:
                    row_errors.append({"row": number, "field": resource.column_label(name),
                                       "message": _("No record with code “%(code)s”.") % {"code": value}})
                value = pk
            elif name in choice_maps and value not in (None, ""):
                mapped = choice_maps[name].get(str(value).lower())
                if mapped is None:
                    row_errors.append({"row": number, "field": resource.column_label(name),
                                       "message": _("“%(value)s” is not one of the choices.") % {"value": value}})
                value = mapped
            elif resource.opts.get_field(name).get_internal_type() == "BooleanField":
                text = str(value if value is not None else "").strip().lower()
                value = True if text in TRUE_WORDS else False if text in FALSE_WORDS else value
            row[name] = "" if value is None else value
        key = tuple(str(row.get(k, "")) for k in resource.natural_key)
        if key in seen:
            row_errors.append({"row": number, "field": resource.column_label(resource.natural_key[0]),
                               "message": _("The same record is already in row %(row)d.") % {"row": seen[key]}})
        seen[key] = number
        instance = existing.get(key)
        data = model_to_dict(instance) if instance is not None else {}
        data = {k: ("" if v is None else v) for k, v in data.items()}
        data.update(row)
        data["company"] = company_id
        form = resource.form_class(data=data, instance=instance, user=actor)
        if not form.is_valid():
            for field_name, messages in form.errors.items():
                label = resource.column_label(field_name) if field_name in resource.columns else (
                    str(form.fields[field_name].label) if field_name in form.fields else ""
                )
                for message in messages:
                    row_errors.append({"row": number, "field": label, "message": message})
        errors.extend(row_errors)
        forms.append(form)
    return forms, errors


def error_report(job: ImportJob) -> tuple[Any, str]:
    """The rejected rows as they were in the file, with an error column naming field and problem."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows"))
    report = job.errors if isinstance(job.errors, dict) else {"header": [], "rows": []}
    sheet.append([_("Row"), _("Field"), _("Error"), *report.get("header", [])])
    for item in report.get("rows", []):
        sheet.append([item["row"], item["field"], item["message"], *item.get("values", [])])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle, f"{job.resource}-import-errors-{job.pk}.xlsx"
