"""The survey form on paper: blank from the template, filled from an answer; Chinese text read back."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel

from .factories import campaign, choices_for, seed_template

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


def test_the_blank_form_lists_every_item_with_its_points(client, people):
    template = seed_template(people, "CS-001")
    client.force_login(people[Role.SALESPERSON])
    response = client.get(reverse("surveys:template_printout", args=[template.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "顾客满意度调查表" in text and "质量问题重复发生情况" in text and "企业形象与信誉" in text
    assert "☑" not in text


def test_the_filled_form_marks_the_answers_and_the_score(client, people):
    c = campaign(people, "CS-002", customers=1)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    answer = services.answer_submit(actor=people[Role.SALESPERSON], recipient=c.recipients.get(included=True),
                                    channel=AnswerChannel.WRITTEN, respondent="王经理",
                                    choices=choices_for(c.template, [1, 1, 1, 0, 0, 0, 0]), remarks="包装可再改进")
    client.force_login(people[Role.SALESPERSON])
    text = _text(client.get(reverse("surveys:answer_printout", args=[answer.pk])).content)
    assert "88.00" in text and "王经理" in text and "包装可再改进" in text
    assert text.count("☑") == 7
