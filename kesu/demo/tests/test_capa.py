"""Demo corrective actions (issue 4): a finished 8D whose PDF shows all eight disciplines in Chinese."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from kesu.capa.choices import ActionStatus, NcrStatus
from kesu.capa.models import CorrectiveAction, NonconformingReport
from kesu.capa.printouts import eight_d_pdf

pytestmark = pytest.mark.django_db


def test_every_company_has_actions_in_several_states_and_reports(demo_data):
    for code in ("ZKJG", "ZKSZ", "ZKNB"):
        statuses = set(CorrectiveAction.objects.filter(company__code=code).values_list("status", flat=True))
        assert {ActionStatus.PLANNING, ActionStatus.PLAN_SUBMITTED, ActionStatus.IMPLEMENTING,
                ActionStatus.CLOSED} <= statuses, code
    assert set(NonconformingReport.objects.values_list("status", flat=True)) == {
        NcrStatus.ISSUED, NcrStatus.ANSWERED, NcrStatus.VERIFIED}


def test_the_8d_pdf_of_a_demo_action_shows_all_eight_disciplines_in_chinese(demo_data):
    action = CorrectiveAction.objects.filter(status=ActionStatus.CLOSED, format="8d").order_by("pk").first()
    assert action.links.filter(kind="complaint").exists()
    with translation.override("zh-hans"):
        pdf = eight_d_pdf(action)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in ("D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"):
        assert heading in text, heading
    for chinese in ("8D 报告", "周转箱全部加装隔板", "终检未检查外观", "客户来料检验", action.number):
        assert chinese in text, chinese
    assert "Root Cause" in text and "Containment" in text  # the English half of the headings
