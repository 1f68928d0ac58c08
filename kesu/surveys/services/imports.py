"""Answers from Excel (written forms typed in by sales): all rows or none, every rejected row reported."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.importexport import ImportError_, check_xlsx_upload, write_xlsx
from kesu.core.services import require_role

from .. import permissions
from ..choices import AnswerChannel
from ..models import Campaign
from ..selectors import template_with_items
from .answers import answer_submit

FIXED = 3  # customer code, answered by, remarks; then one column per item


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)


def _items(campaign: Campaign):
    template = template_with_items(campaign.template_id)
    return [(section, item) for section in template.sections.all() for item in section.items.all()]


def answers_template(campaign: Campaign):
    """An .xlsx to fill in: one row per recipient still to answer, one column per item (points or answer text)."""
    items = _items(campaign)
    header = [_("customer code"), _("answered by"), _("remarks")] + [
        f"{section.position}.{item.position} {item.text}" for section, item in items]
    rows = ([r.customer.code, "", ""] + [""] * len(items)
            for r in campaign.recipients.filter(included=True, answer__isnull=True).select_related("customer")
            .order_by("customer__code"))
    return write_xlsx(campaign.name[:31], [str(h) for h in header], rows)


def _choice(item, value) -> int:
    """The option a cell means: its points (a number) or its label (text)."""
    text = str(value).strip()
    for index, option in enumerate(item.options):
        if text == str(option["label"]) or text == str(option["points"]):
            return index
    raise ValidationError(_("“%(value)s” is not an answer of “%(item)s” (offered: %(options)s).") % {
        "value": text, "item": item.text,
        "options": "、".join(f"{o['label']}={o['points']}" for o in item.options)})


def answers_import(*, actor, campaign: Campaign, upload) -> ImportReport:
    """Import answers from the filled-in template; if any row is wrong nothing is stored."""
    require_role(actor, permissions.ENTER, campaign.company_id)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(check_xlsx_upload(upload)), read_only=True, data_only=True)
    except ImportError_ as error:
        raise ValidationError({"file": str(error)}) from error
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise ValidationError({"file": _("The file is not a valid Excel .xlsx workbook.")}) from error
    items = _items(campaign)
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    recipients = {r.customer.code: r for r in campaign.recipients.select_related("customer", "campaign")}
    report = ImportReport()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            if row is None or all(v in (None, "") for v in row):
                continue
            row = list(row) + [None] * (FIXED + len(items) - len(row))
            recipient = recipients.get(str(row[0] or "").strip())
            if recipient is None:
                report.errors.append((number, _("No recipient with customer code “%(code)s” in this campaign.")
                                      % {"code": row[0]}))
                continue
            try:
                choices = {item.pk: _choice(item, row[FIXED + i]) if row[FIXED + i] not in (None, "") else None
                           for i, (_section, item) in enumerate(items)}
                with transaction.atomic():
                    answer_submit(actor=actor, recipient=recipient, choices=choices, channel=AnswerChannel.IMPORT,
                                  respondent=str(row[1] or ""), remarks=str(row[2] or ""), source="import")
            except ValidationError as error:
                report.errors.append((number, " ".join(error.messages)))
                continue
            report.imported += 1
        if report.errors:
            transaction.set_rollback(True)  # all or nothing: the report lists every rejected row
            report.imported = 0
    return report
