"""The lists to Excel and the PDF forms through the API: same files, same permissions, 404 for outsiders."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.property import services
from kesu.property.tests.factories import new_item, new_loan, with_contact

pytestmark = pytest.mark.django_db
R = Role
BASE = "/api/v1/property"


@pytest.fixture
def people(company_a):
    return People(company_a)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _first_column(response) -> list:
    sheet = load_workbook(io.BytesIO(_body(response))).active
    return [row[0].value for row in sheet.iter_rows(min_row=2)]


def _pdf(response) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(_body(response))).pages).replace("\n", "")


def test_every_list_exports_to_excel_and_the_forms_print_through_the_api(people, api, outsider):
    item = new_item(people)
    with_contact(item.customer, language="en")
    loan = new_loan(people, item)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "dropped", "happened_on": datetime.date(2026, 12, 1)})
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company, data={
            "number": "DWG-77", "kind": "drawing", "customer": item.customer, "title": "前盖"},
        revision="B", received_on=datetime.date(2026, 11, 3))
    sales = api(people[R.SALESPERSON])
    assert _first_column(sales.get(f"{BASE}/items/export.xlsx")) == [item.number]
    assert _first_column(sales.get(f"{BASE}/loans/export.xlsx")) == [loan.number]
    assert _first_column(sales.get(f"{BASE}/damage-reports/export.xlsx")) == [report.number]
    assert _first_column(api(people[R.ENGINEERING]).get(f"{BASE}/documents/export.xlsx")) == [document.number]
    ledger = _pdf(sales.get(f"{BASE}/items/ledger.pdf"))
    assert "顾客财产台帐" in ledger and item.number in ledger
    register = _pdf(api(people[R.ENGINEERING]).get(f"{BASE}/documents/register.pdf"))
    assert "DWG-77" in register
    slip = _pdf(sales.get(f"{BASE}/loans/{loan.pk}/slip.pdf"))
    assert "顾客财产借用单" in slip and loan.number in slip
    notice = _pdf(sales.get(f"{BASE}/damage-reports/{report.pk}/notice.pdf"))
    assert report.number in notice and "Notice of damage or loss of customer property" in notice
    # Another company: nothing of ours in its lists, 404 for our records.
    assert _first_column(api(outsider).get(f"{BASE}/items/export.xlsx")) == []
    assert api(outsider).get(f"{BASE}/loans/{loan.pk}/slip.pdf").status_code == 404
    assert api(outsider).get(f"{BASE}/damage-reports/{report.pk}/notice.pdf").status_code == 404
