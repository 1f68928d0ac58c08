"""Excel import of existing contracts with their review state: all or nothing, every rejected row reported."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.roles import Role
from kesu.contracts.importing import COLUMNS, reviews_import
from kesu.contracts.models import ContractReview
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("contracts.xlsx", buffer.getvalue())


def _row(**extra):
    return {"number": "25-7", "review_type": "contract", "customer_code": "C100", "title": "2025 年框架合同",
            "received_on": "2025-03-02", "currency": "CNY", "amount": "180000", "product_name": "齿轮泵",
            "status": "accepted", "approved_by": "A-gm", "approved_on": "2025-03-06", **extra}


def test_good_rows_are_imported_with_their_state(people):
    CustomerFactory(company=people.company, code="C100")
    people[Role.GM]
    made = reviews_import(actor=people[Role.SALESPERSON], company=people.company,
                          upload=_xlsx([_row(), _row(number="25-8", review_type="tender", amount="3200000",
                                                 status="declined", approved_by=None, approved_on=None)]))
    assert [(r.number, r.status, r.mode) for r in made] == [("25-7", "accepted", "department"),
                                                          ("25-8", "declined", "central")]
    assert made[0].approved_by == people[Role.GM]
    assert made[0].changes.get().name == "import"


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(people):
    CustomerFactory(company=people.company, code="C100")
    people[Role.GM]
    with pytest.raises(ValidationError) as refused:
        reviews_import(actor=people[Role.SALESPERSON], company=people.company, upload=_xlsx([
            _row(), _row(number="25-8", customer_code="NOPE"), _row(number="25-9", status="reviewing",
                                                                   received_on="2025-13-01")]))
    messages = refused.value.message_dict["file"]
    assert [m.split(":")[0] for m in messages] == ["Row 3, customer_code", "Row 4, status", "Row 4, received_on"]
    assert not ContractReview.objects.exists()


def test_sign_off_columns_bring_the_departments_answers_along(people):
    CustomerFactory(company=people.company, code="C100")
    people[Role.GM]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*COLUMNS, "signoff_engineering", "signoff_qa"])
    sheet.append([_row().get(c) for c in COLUMNS] + ["can", "cannot: 外观标准需客户确认"])
    buffer = io.BytesIO()
    book.save(buffer)
    [review] = reviews_import(actor=people[Role.SALESPERSON], company=people.company,
                              upload=SimpleUploadedFile("contracts.xlsx", buffer.getvalue()))
    assert sorted(review.signoffs.values_list("dept", "answer", "comment")) == [
        ("engineering", "can", ""), ("qa", "cannot", "外观标准需客户确认")]
    # Accepted on paper: the master contract exists as if accepted here.
    assert review.contract is not None and review.contract.number == "25-7"
