"""The feedback form and the written explanation as PDF: Chinese text readable back, internal notes kept out."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.printouts import explanation_pdf, feedback_form_pdf
from kesu.complaints.tests.factories import People, bring_to, create_complaint
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_feedback_form_renders_chinese_that_can_be_read_back(company_a):
    people = People(company_a)
    customer = CustomerFactory(company=company_a, code="K-NB01", name="宁波精密机械有限公司")
    complaint = bring_to("remedy_done", people, customer=customer, description="外壳划伤，表面有明显刮痕。")
    services.disposition_add(actor=people[Role.SALESPERSON], complaint=complaint, kind="exchange", quantity=3,
                             note="更换新品")
    pdf = feedback_form_pdf(complaint)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in ("质量信息反馈单", complaint.number, "宁波精密机械有限公司", "外壳划伤", "免费更换 3 台",
                     "更换新品"):
        assert expected.replace(" ", "") in text.replace(" ", "").replace("\n", ""), (expected, text)


def test_markup_in_user_text_does_no_harm_and_long_text_flows_over_pages(salesperson):
    complaint = create_complaint(salesperson, description="<b>粗体</b> & <script>" + "齿轮泵渗漏。" * 900)
    reader = PdfReader(io.BytesIO(feedback_form_pdf(complaint)))
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "<b>粗体</b>" in first.replace(" ", "")
    assert f"Page 1 of {len(reader.pages)}" in first


def test_the_written_explanation_leaves_internal_notes_out(company_a):
    people = People(company_a)
    complaint = bring_to("explanation_sent", people)
    services.note_add(actor=people[Role.QA], complaint=complaint, text="内部：客户安装视频显示操作不当")
    text = _text(explanation_pdf(complaint)).replace(" ", "")
    assert "书面说明" in text and "经检测为客户安装不当所致" in text and "QA-2026-017" in text
    assert "客户安装视频" not in text


def test_pages_and_api_serve_the_pdfs_within_company_scope(login, api, company_a, outsider):
    people = People(company_a)
    complaint = bring_to("explanation_sent", people)
    open_one = create_complaint(people[Role.SALESPERSON])
    client = login(people[Role.SALESPERSON])
    response = client.get(reverse("complaints:printout", args=[complaint.pk, "feedback"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("complaints:printout", args=[complaint.pk, "explanation"])).status_code == 200
    assert client.get(reverse("complaints:printout", args=[open_one.pk, "explanation"])).status_code == 404
    assert api(people[Role.QA]).get(f"/api/v1/complaints/{complaint.pk}/printouts/explanation.pdf").status_code == 200
    assert login(outsider).get(reverse("complaints:printout", args=[complaint.pk, "feedback"])).status_code == 404
    assert api(outsider).get(f"/api/v1/complaints/{complaint.pk}/printouts/feedback.pdf").status_code == 404
