"""Excel import of existing contracts with their review state (issue 20 §7): all or nothing, every rejected row
reported with its column and why.

One row per contract: the review number it had on paper (``YY-N``, kept), its type, the customer code, subject,
received date, currency, amount and rate, the review items, and its state — accepted, declined or cancelled (a
finished review on paper), with who approved it and when. An imported record's history says "import": it did not
go through the workflow in Kesu.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.importexport import ImportError_, inspect_xlsx, sheet_value
from kesu.core.services import actor_or_none, require_role
from kesu.customers.models import Customer

from .choices import SALES_ROLES, ReviewStatus, ReviewType
from .models import ContractReview, ReviewChange, Revision
from .rules import base_currency, review_mode, rules_for

COLUMNS = ("number", "review_type", "customer_code", "title", "received_on", "currency", "amount", "exchange_rate",
           "product_name", "specification", "quantity", "delivery_date", "status", "approved_by", "approved_on")
FINISHED = (ReviewStatus.ACCEPTED, ReviewStatus.DECLINED, ReviewStatus.CANCELLED)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def _decimal(value) -> Decimal:
    return Decimal(str(value).strip())


def reviews_import(*, actor, company, upload, source: str = "import") -> list[ContractReview]:
    """Import every row or none; ``ValidationError`` lists each rejected row (``row N, column: why``)."""
    import openpyxl
    from django.contrib.auth import get_user_model

    from .services import items_of

    require_role(actor, SALES_ROLES, company.pk)
    try:
        inspect_xlsx(upload)
        sheet = openpyxl.load_workbook(upload, read_only=True, data_only=True).active
    except ImportError_ as error:
        raise ValidationError({"file": str(error)}) from error
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is the same refusal
        raise ValidationError({"file": _("This is not an Excel workbook (.xlsx).")}) from error
    rows = sheet.iter_rows(values_only=True)
    header = [str(sheet_value(v) or "").strip() for v in next(rows, ())]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError({"file": _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}})
    index = {name: header.index(name) for name in COLUMNS}
    customers = {c.code: c for c in Customer.objects.filter(company=company)}
    users = {u.username: u for u in get_user_model().objects.filter(company=company)}
    rules, base = rules_for(company), base_currency(company)
    errors: list[str] = []
    made: list[ContractReview] = []
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=2):
        if raw is None or all(v in (None, "") for v in raw):
            continue
        row: dict[str, Any] = {c: raw[i] if i < len(raw) else None for c, i in index.items()}

        def bad(column: str, why: str, n: int = n) -> None:
            errors.append(_("Row %(row)d, %(column)s: %(why)s") % {"row": n, "column": column, "why": why})

        before = len(errors)
        number = str(row["number"] or "").strip()
        if not number:
            bad("number", _("This field is required."))
        elif number in seen or ContractReview.objects.filter(company=company, number=number).exists():
            bad("number", _("This number is already used."))
        seen.add(number)
        if row["review_type"] not in ReviewType.values:
            bad("review_type", _("Use one of: %(values)s.") % {"values": ", ".join(ReviewType.values)})
        customer = customers.get(str(row["customer_code"] or "").strip())
        if customer is None:
            bad("customer_code", _("No customer with this code."))
        if row["status"] not in FINISHED:
            bad("status", _("Use one of: %(values)s.") % {"values": ", ".join(FINISHED)})
        values: dict[str, Any] = {}
        for column, parse in (("received_on", _date), ("amount", _decimal), ("delivery_date", _date),
                              ("quantity", _decimal), ("exchange_rate", _decimal), ("approved_on", _date)):
            if row[column] in (None, ""):
                continue
            try:
                values[column] = parse(row[column])
            except (ValueError, InvalidOperation):
                bad(column, _("Not a valid value: %(value)s.") % {"value": row[column]})
        if row["received_on"] in (None, ""):
            bad("received_on", _("This field is required."))
        currency = str(row["currency"] or base).strip()
        rate = values.get("exchange_rate", Decimal("1") if currency == base else None)
        if rate is None:
            bad("exchange_rate", _("Give the rate to the base currency for a foreign currency."))
        approver = users.get(str(row["approved_by"] or "").strip()) if row["approved_by"] else None
        if row["approved_by"] and approver is None:
            bad("approved_by", _("No user with this name in the company."))
        if len(errors) > before:
            continue
        review = ContractReview(
            company=company, number=number, review_type=row["review_type"], customer=customer,
            title=str(row["title"] or number)[:200], received_on=values["received_on"], currency=currency,
            amount=values.get("amount", Decimal("0")), exchange_rate=rate,
            product_name=str(row["product_name"] or "")[:200] or "-",
            specification=str(row["specification"] or "")[:200], quantity=values.get("quantity"),
            delivery_date=values.get("delivery_date"), status=row["status"], owner=actor_or_none(actor),
            created_by=actor_or_none(actor), approved_by=approver)
        from kesu.claims.money import money, to_base

        review.amount = money(review.amount)
        review.amount_base = to_base(review.amount, review.exchange_rate)
        review.mode = review_mode(rules, review.review_type, review.amount, review.exchange_rate)
        if "approved_on" in values:
            review.approved_at = datetime.datetime.combine(values["approved_on"], datetime.time(12),
                                                           tzinfo=company.tz)
        review.closed_at = review.approved_at or datetime.datetime.combine(review.received_on, datetime.time(12),
                                                                           tzinfo=company.tz)
        try:
            review.full_clean(exclude=["number", "mode"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                bad(field, " ".join(messages))
            continue
        made.append(review)
    if errors:
        raise ValidationError({"file": errors})
    if not made:
        raise ValidationError({"file": _("The workbook has no rows to import.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        for review in made:
            review.save()
            Revision.objects.create(company=company, review=review, number=1, items=items_of(review), at=now)
            ReviewChange.write(review, name="import", old="", new=review.status, actor=actor_or_none(actor), at=now,
                               note=_("Imported with its review state from the paper record."))
    return made
