"""The claim settlement sheet and the supplier claim letter as PDF: Chinese and amounts readable back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from kesu.claims import printouts
from kesu.claims.choices import ClaimStatus
from kesu.customers.tests.factories import SupplierFactory

from .factories import bring_to, new_claim

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """All pages' text without the spaces and line breaks pypdf puts between CJK glyphs and wrapped cells."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def _assert_in(text: str, *expected: str) -> None:
    for value in expected:
        assert value.replace(" ", "") in text, (value, text)


def test_the_settlement_sheet_of_a_settled_claim_reads_back(people):
    supplier = SupplierFactory(company=people.company, code="S-CZ01", name="常州精密铸造有限公司")
    claim = bring_to(ClaimStatus.SETTLED, people, supplier=supplier)
    supplier_claim = claim.supplier_claims.get()
    pdf = printouts.claim_pdf(claim)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    _assert_in(text, "索赔处理单", "Claim settlement sheet", claim.number, claim.customer.name,
               "更换泵体", "拆装工时", "1,200.50", "3,601.50", "4,501.50",  # items and the claimed total
               "外壳划伤为我司包装不当所致。", "4,000.00",  # the vice GM's analysis and the accepted round
               "来料外壳为供应商电镀不良。", "常州精密铸造有限公司", "60 %",  # the meeting
               "3,000.00", "1,000.00", "2026-06-30",  # what finance settled, and when
               supplier_claim.number, "2,400.00",  # the charge-back: 60 % of 4,000.00
               "CNY 4,000.00", "1 CNY = 1 CNY")
    for role in ("Sales", "Vice general manager", "General manager", "Finance"):
        _assert_in(text, role)


def test_a_claim_in_usd_shows_the_compensation_in_the_base_currency_at_the_recorded_rate(people):
    claim = bring_to(ClaimStatus.SETTLED, people, new_claim(people, currency="USD", exchange_rate=Decimal("7.1")))
    text = _text(printouts.claim_pdf(claim))
    _assert_in(text, "1 USD = 7.1 CNY", "USD 4,501.50", "USD 4,000.00",
               "CNY 28,400.00")  # 4,000.00 × 7.1
    # The charge-back is raised in the base currency: 60 % of 28,400.00.
    _assert_in(text, "CNY 17,040.00")


def test_in_simplified_chinese_the_sheet_carries_the_chinese_title_alone(people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    with translation.override("zh-hans"):
        text = _text(printouts.claim_pdf(claim)) + _text(printouts.supplier_claim_pdf(claim.supplier_claims.get()))
    _assert_in(text, "索赔处理单", "供应商索赔函", "更换泵体", "副总经理", "总经理", "财务部", "采购部")
    assert "Claim settlement sheet" not in text and "Supplier claim letter" not in text


def test_a_claim_still_being_collected_prints_with_the_later_sections_empty(people):
    claim = new_claim(people, documents=False, customer_reference="<b>PO-77</b> & co")
    text = _text(printouts.claim_pdf(claim))
    _assert_in(text, claim.number, "4,501.50", "<b>PO-77</b>&co")
    assert "28,400.00" not in text


def test_the_supplier_claim_letter_addresses_the_supplier_and_asks_for_the_share(people):
    supplier = SupplierFactory(company=people.company, name="常州精密铸造有限公司", contact_name="王经理",
                               address="江苏省常州市武进区长虹路 18 号")
    claim = bring_to(ClaimStatus.SETTLED, people, supplier=supplier)
    supplier_claim = claim.supplier_claims.get()
    pdf = printouts.supplier_claim_pdf(supplier_claim)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    _assert_in(text, "供应商索赔函", "Supplier claim letter", supplier_claim.number, claim.number,
               "常州精密铸造有限公司", "王经理", "江苏省常州市武进区长虹路18号",
               "来料外壳为供应商电镀不良。", "60 %", "CNY 4,000.00", "CNY 2,400.00", "Purchasing",
               "Vice general manager")
    assert claim.customer.name not in text and claim.customer.code not in text  # the customer stays ours


def test_the_letter_of_a_usd_claim_charges_back_in_the_base_currency(people):
    claim = bring_to(ClaimStatus.SETTLED, people, new_claim(people, currency="USD", exchange_rate=Decimal("7.1")))
    text = _text(printouts.supplier_claim_pdf(claim.supplier_claims.get()))
    _assert_in(text, "CNY 28,400.00", "CNY 17,040.00")
    assert "USD" not in text


def test_pdf_response_serves_the_bytes_inline_as_pdf(people):
    claim = new_claim(people)
    response = printouts.pdf_response(printouts.claim_pdf(claim), claim.number)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{claim.number}.pdf"'
    assert response.content.startswith(b"%PDF-")
