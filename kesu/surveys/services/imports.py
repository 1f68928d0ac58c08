"""Answers from Excel (written forms typed in by sales): all rows or none, every rejected row reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.importexport import ImportError_, XlsxSheet, check_xlsx_upload, too_long_message, write_xlsx
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
    """Import answers from the filled-in template; if any row is wrong nothing is stored.

    The workbook is read through the bounded reader (issue 15 §2): checked before it is opened, then streamed
    row by row, so a file of any shape costs bounded time and memory.
    """
    require_role(actor, permissions.ENTER, campaign.company_id)
    items = _items(campaign)
    recipients = {r.customer.code: r for r in campaign.recipients.select_related("customer", "campaign")}
    report = ImportReport()
    try:
        check_xlsx_upload(upload)
        with XlsxSheet(upload, active=True) as sheet, transaction.atomic():
            for sheet_row in sheet.rows(width=FIXED + len(items)):
                number = sheet_row.number
                row = sheet_row.values + [None] * (FIXED + len(items) - len(sheet_row.values))
                if sheet_row.too_long:
                    report.errors.append((number, too_long_message()))
                    continue
                recipient = recipients.get(str(row[0] or "").strip())
                if recipient is None:
                    report.errors.append((number, _("No recipient with customer code “%(code)s” in this campaign.")
                                          % {"code": row[0]}))
                    continue
                try:
                    choices = {item.pk: _choice(item, row[FIXED + i]) if row[FIXED + i] not in (None, "") else None
                               for i, (_section, item) in enumerate(items)}
                    with transaction.atomic():
                        answer_submit(actor=actor, recipient=recipient, choices=choices,
                                      channel=AnswerChannel.IMPORT, respondent=str(row[1] or ""),
                                      remarks=str(row[2] or ""), source="import")
                except ValidationError as error:
                    report.errors.append((number, " ".join(error.messages)))
                    continue
                report.imported += 1
            if report.errors:
                transaction.set_rollback(True)  # all or nothing: the report lists every rejected row
                report.imported = 0
    except ImportError_ as error:
        raise ValidationError({"file": str(error)}) from error
    return report
