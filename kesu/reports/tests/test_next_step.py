"""The department report page's "next step" panel (issue 16 §5): the writer submits, the GM approves with the
report beside the approval, and whoever submitted never approves (design §11)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import at
from kesu.core.services import TransitionRefused
from kesu.core.tests.panels import panel_of
from kesu.core.tests.panels import step_names as _names
from kesu.core.workflow import OWN_PROPOSAL
from kesu.reports.choices import ReportKind, ReportStatus
from kesu.reports.services.department import (
    department_report_draft,
    department_report_transition,
    department_report_update,
)
from kesu.reports.workflow import table_for

pytestmark = pytest.mark.django_db


def _panel(client, record):
    return panel_of(client, reverse("reports:department_detail", args=[record.pk]))


@pytest.fixture
def report(company_a):
    with time_machine.travel(at(2026, 4, 2, 10), tick=False):
        yield department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=datetime.date(2026, 3, 1))


def _submit(report, writer):
    department_report_update(actor=writer, report=report, data={"analysis": "三月合同额环比增长 12%。"})
    report.refresh_from_db()
    return department_report_transition(actor=writer, report=report, action="submit")


def test_the_gm_approves_with_the_analysis_beside_it_and_the_writer_sees_who_is_expected(
        login, people, report):
    _submit(report, people[Role.SALESPERSON])
    panel, html = _panel(login(people[Role.GM]), report)
    assert _names(panel.first) == ["approve", "return"]
    assert 'id="next-step-approval"' in html and "三月合同额环比增长 12%。" in html
    panel, html = _panel(login(people[Role.SALESPERSON]), report)
    assert panel.first == [] and panel.more == []
    assert [item.action for item in panel.others] == ["approve"] and 'id="next-step-waiting"' in html


def test_whoever_submitted_the_report_may_not_approve_it(people, report):
    submitted = _submit(report, people[Role.SALESPERSON])
    refusal = table_for(submitted).checks["not_own_report"](submitted, {}, people[Role.SALESPERSON])
    assert refusal is not None and str(refusal[1]) == str(OWN_PROPOSAL)
    assert table_for(submitted).checks["not_own_report"](submitted, {}, people[Role.GM]) is None
    with pytest.raises(TransitionRefused):
        department_report_transition(actor=people[Role.SALESPERSON], report=submitted, action="approve")
    approved = department_report_transition(actor=people[Role.GM], report=submitted, action="approve")
    assert approved.status == ReportStatus.APPROVED
