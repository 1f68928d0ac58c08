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

from .choices import SALES_ROLES, Answer, Dept, ReviewStatus, ReviewType
from .models import ContractReview, ReviewChange, Revision, Signoff
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


SIGNOFF_COLUMNS = {f"signoff_{dept}": dept for dept in Dept.values}  # optional: "can" or "cannot: why"


def _workbook_rows(upload) -> list[dict[str, Any]]:
    """The rows of an uploaded workbook as dicts of :data:`COLUMNS` (and any ``signoff_<dept>`` column)."""
    import openpyxl

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
    index = {name: header.index(name) for name in (*COLUMNS, *SIGNOFF_COLUMNS) if name in header}
    out = []
    for raw in rows:
        if raw is None or all(v in (None, "") for v in raw):
            out.append(None)  # keeps the row numbers of the sheet
            continue
        row: dict[str, Any] = {c: raw[i] if i < len(raw) else None for c, i in index.items()}
        signoffs = []
        for column, dept in SIGNOFF_COLUMNS.items():
            text = str(row.pop(column, None) or "").strip()
            if text:
                answer, _sep, comment = text.partition(":")
                signoffs.append({"dept": dept, "answer": answer.strip(), "comment": comment.strip()})
        row["signoffs"] = signoffs
        out.append(row)
    return out


def reviews_import(*, actor, company, upload, source: str = "import") -> list[ContractReview]:
    """Import every row of the workbook or none; ``ValidationError`` lists each rejected row (``row N, column:
    why``)."""
    require_role(actor, SALES_ROLES, company.pk)
    return reviews_import_rows(actor=actor, company=company, rows=_workbook_rows(upload), first_row=2,
                               source=source)


def reviews_import_rows(*, actor, company, rows: list[dict[str, Any] | None], first_row: int = 1,
                        source: str = "import") -> list[ContractReview]:
    """Import finished paper reviews with their department sign-offs, all or nothing (the workbook and the API).

    Each row holds :data:`COLUMNS` and optionally ``signoffs``: ``[{"dept", "answer" ("can"/"cannot"),
    "comment", "signed_by" (a user name of the company), "signed_on"}]``; a "cannot meet" needs its comment, as
    in the workflow. An accepted review also makes or updates its master contract, as accepting does."""
    from django.contrib.auth import get_user_model

    from .services import _master_contract, items_of

    require_role(actor, SALES_ROLES, company.pk)
    customers = {c.code: c for c in Customer.objects.filter(company=company)}
    users = {u.username: u for u in get_user_model().objects.filter(company=company)}
    rules, base = rules_for(company), base_currency(company)
    errors: list[str] = []
    made: list[tuple[ContractReview, list[Signoff]]] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=first_row):
        if row is None:
            continue
        row = {c: row.get(c) for c in (*COLUMNS, "signoffs")}

        def bad(column: str, why: str, n: int = n) -> None:
            errors.append(_("Row %(row)d, %(column)s: %(why)s") % {"row": n, "column": column, "why": why})

        before = len(errors)
        number = str(row["number"] or "").strip()
        if not number:
            bad("number", _("This field is required."))
        elif len(number) > 30:
            bad("number", _("At most %(count)d characters.") % {"count": 30})
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
            except (ValueError, InvalidOperation, TypeError):
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
        signoffs = _signoffs(row["signoffs"] or [], users, values.get("approved_on") or values.get("received_on"),
                             company, bad)
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

        try:
            review.amount = money(review.amount)
            review.amount_base = to_base(review.amount, review.exchange_rate)
        except (InvalidOperation, ArithmeticError):
            bad("amount", _("Not a valid value: %(value)s.") % {"value": row["amount"]})
            continue
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
        made.append((review, signoffs))
    if errors:
        raise ValidationError({"file": errors})
    if not made:
        raise ValidationError({"file": _("The workbook has no rows to import.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        for review, signoffs in made:
            if review.status == ReviewStatus.ACCEPTED:
                _master_contract(review, review.closed_at)
            review.save()
            for signoff in signoffs:
                signoff.review = review
            Signoff.objects.bulk_create(signoffs)
            Revision.objects.create(company=company, review=review, number=1, items=items_of(review), at=now)
            ReviewChange.write(review, name="import", old="", new=review.status, actor=actor_or_none(actor), at=now,
                               note=_("Imported with its review state from the paper record."))
    return [review for review, _signoffs in made]


def _signoffs(given, users, day, company, bad) -> list[Signoff]:
    """The department sign-offs of one imported row, checked as the workflow checks them (one per department, a
    "cannot meet" with its comment, the signer a person of the company)."""
    if not isinstance(given, list | tuple):
        bad("signoffs", _("Give a list of sign-offs."))
        return []
    out: list[Signoff] = []
    depts: set[str] = set()
    for entry in given:
        entry = entry if isinstance(entry, dict) else {}
        dept, answer = str(entry.get("dept") or ""), str(entry.get("answer") or "")
        comment = str(entry.get("comment") or "").strip()[:5000]
        if dept not in Dept.values:
            bad("signoffs", _("Use one of: %(values)s.") % {"values": ", ".join(Dept.values)})
            continue
        if dept in depts:
            bad("signoffs", _("%(dept)s signs off once.") % {"dept": Dept(dept).label})
            continue
        depts.add(dept)
        if answer not in (Answer.CAN, Answer.CANNOT):
            bad("signoffs", _("Choose “can meet” or “cannot meet”."))
            continue
        if answer == Answer.CANNOT and not comment:
            bad("signoffs", _("Say what cannot be met."))
            continue
        signer = None
        if entry.get("signed_by"):
            signer = users.get(str(entry["signed_by"]).strip())
            if signer is None:
                bad("signoffs", _("No user with this name in the company."))
                continue
        signed_on = day
        if entry.get("signed_on"):
            try:
                signed_on = _date(entry["signed_on"])
            except (ValueError, TypeError):
                bad("signoffs", _("Not a valid value: %(value)s.") % {"value": entry["signed_on"]})
                continue
        at = datetime.datetime.combine(signed_on, datetime.time(12), tzinfo=company.tz) if signed_on else None
        out.append(Signoff(company=company, dept=dept, answer=answer, comment=comment, answered_by=signer,
                           answered_at=at))
    return out
