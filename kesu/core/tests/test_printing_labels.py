"""The labels every printed form shares (document number, signature and date boxes) in the reader's language."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from kesu.core.printing import PrintForm


def _printed(company, language: str) -> str:
    with translation.override(language):
        form = PrintForm(company=company, title_zh="质量信息反馈单", title="Quality feedback form",
                         document_no="KS-2026-0001")
        form.sign_off(["质量部"])
        pdf = form.render()
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


@pytest.mark.django_db
def test_a_chinese_reader_gets_chinese_labels_with_full_width_colons(company_a):
    text = _printed(company_a, "zh-hans")
    assert "文件编号：KS-2026-0001" in text
    assert "签名：" in text and "日期：" in text
    assert "Documentno" not in text and "Signature" not in text


@pytest.mark.django_db
def test_an_english_reader_gets_english_labels(company_a):
    text = _printed(company_a, "en")
    assert "Documentno.:KS-2026-0001" in text
    assert "Signature:" in text and "Date:" in text
