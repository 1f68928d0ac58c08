"""Import of an existing ledger from Excel (issue 19 §6): all rows in, or none with every rejected row reported.

The first sheet's first row names the columns (the template's labels, or the field names); each row goes through
the same form and service as the page, inside one transaction that is rolled back when any row is refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.accounts.models import Department
from kesu.core.importexport import ImportError_, check_xlsx_upload, write_xlsx

from . import services
from .forms import ItemForm
from .models import PropertyItem

COLUMNS = ("customer", "item_type", "description", "quantity", "unit", "customer_reference", "serial_or_lot",
           "part", "received_on", "received_from", "condition_on_receipt", "keeper_department", "location",
           "confidentiality", "terms", "return_by", "calibration_due_on")


class _Rollback(Exception):
    pass


@dataclass
class LedgerImport:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _labels() -> dict[str, str]:
    """Column heading → field name, in every language (a ledger kept in English or Chinese both import)."""
    out = {}
    for language in ("zh-hans", "zh-hant", "en"):
        with translation.override(language):
            for name in COLUMNS:
                out[str(PropertyItem._meta.get_field(name).verbose_name).strip().lower()] = name
    out.update({name: name for name in COLUMNS})
    return out


def _choice(model_field: str, value: Any) -> Any:
    """A choice given by its value or by its label in any language."""
    field_obj = PropertyItem._meta.get_field(model_field)
    text = str(value).strip()
    for language in ("zh-hans", "zh-hant", "en"):
        with translation.override(language):
            for key, label in field_obj.choices:
                if text in (key, str(label)):
                    return key
    return text


def template_xlsx():
    return write_xlsx(str(_("Customer property ledger")),
                      [str(PropertyItem._meta.get_field(n).verbose_name) for n in COLUMNS], iter(())), \
        "property-ledger-template.xlsx"


def ledger_import(*, actor, upload) -> LedgerImport:
    """Import every row of the ledger, or none (each refused row reported with its field and message)."""
    from openpyxl import load_workbook

    result = LedgerImport()
    try:
        check_xlsx_upload(upload)
    except ImportError_ as error:
        result.errors.append({"row": 0, "field": "file", "message": str(error)})
        return result
    upload.seek(0)
    sheet = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    labels = _labels()
    names = [labels.get(str(h or "").strip().lower()) for h in header]
    if "customer" not in names or "description" not in names:
        result.errors.append({"row": 1, "field": "customer", "message": _(
            "The first row must name the columns (at least the customer code and the description).")})
        return result
    try:
        with transaction.atomic():
            for number, values in enumerate(rows, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                data = {n: v for n, v in zip(names, values, strict=False) if n and v not in (None, "")}
                for key in ("item_type", "confidentiality", "terms"):
                    if key in data:
                        data[key] = _choice(key, data[key])
                for key in ("received_on", "return_by", "calibration_due_on"):
                    if hasattr(data.get(key), "date"):
                        data[key] = data[key].date()
                for key in ("quantity", "unit", "confidentiality", "terms"):
                    data.setdefault(key, PropertyItem._meta.get_field(key).default)
                department = data.pop("keeper_department", None)
                form = ItemForm(data=data, user=actor)
                if not form.is_valid():
                    for name, errors in form.errors.items():
                        result.errors.append({"row": number, "field": name, "message": " ".join(errors)})
                    continue
                service_data = form.service_data()
                company = service_data["customer"].company
                if department:
                    dep = Department.objects.filter(company=company, code=str(department).strip()).first()
                    if dep is None:
                        result.errors.append({"row": number, "field": "keeper_department",
                                              "message": _("Unknown department code.")})
                        continue
                    service_data["keeper_department"] = dep
                try:
                    with transaction.atomic():
                        services.item_create(actor=actor, company=company, data=service_data, source="import")
                except ValidationError as error:
                    for name, errors in error.message_dict.items():
                        result.errors.append({"row": number, "field": name, "message": " ".join(errors)})
                    continue
                result.created += 1
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = 0
    return result
