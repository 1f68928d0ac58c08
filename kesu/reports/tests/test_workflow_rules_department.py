"""The departmental monthly report's workflow rules (seed 001 §5.1.2: each department hands its written analysis to
the general office; the general manager accepts it or sends it back; design §11: nobody approves what they
submitted), at the service level."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import at
from kesu.core.services import TransitionRefused
from kesu.reports.choices import ReportKind, ReportStatus
from kesu.reports.models import DepartmentReport
from kesu.reports.services.department import department_report_draft, department_report_transition
from kesu.reports.workflow import next_roles, writers_of

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
SALES = {"salesperson", "sales_assistant", "regional_manager", "sales_director"}


@pytest.fixture
def clock():
    with time_machine.travel(at(2026, 4, 2, 10), tick=False) as traveller:
        yield traveller


def report(company, kind=ReportKind.MARKETING, analysis="三月合同额增长。") -> DepartmentReport:
    drafted = department_report_draft(company=company, kind=kind, month=MARCH)
    DepartmentReport.objects.filter(pk=drafted.pk).update(analysis=analysis)
    drafted.refresh_from_db()
    return drafted


def test_a_report_whose_analysis_is_blank_is_not_submitted(company_a, clock, salesperson, english):
    blank = report(company_a, analysis=" \n ")
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=salesperson, report=blank, action="submit")
    assert (refused.value.code, refused.value.field) == (TransitionRefused.PRECONDITION, "analysis")
    assert refused.value.message == "Write the department's analysis before submitting the report."


def test_a_report_with_its_analysis_written_is_submitted(company_a, clock, salesperson):
    written = department_report_transition(actor=salesperson, report=report(company_a), action="submit")
    assert (written.status, written.submitted_by) == (ReportStatus.SUBMITTED, salesperson)


def test_whoever_submitted_the_report_does_not_approve_it(company_a, clock, make_user, gm, english):
    boss = make_user(Role.GM, username="root", is_superuser=True)  # may take any step, but not both
    submitted = department_report_transition(actor=boss, report=report(company_a), action="submit")
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=boss, report=submitted, action="approve")
    assert refused.value.message == ("You proposed this yourself; someone else must approve it (segregation of "
                                     "duties).")
    assert department_report_transition(actor=gm, report=submitted, action="approve").status == ReportStatus.APPROVED


def test_a_salesperson_does_not_submit_the_after_sales_report(company_a, clock, salesperson, make_user):
    after_sales = report(company_a, kind=ReportKind.AFTER_SALES)
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=salesperson, report=after_sales, action="submit")
    assert refused.value.code == TransitionRefused.WRONG_ROLE
    writer = make_user(Role.AFTER_SALES, username="service1")
    assert department_report_transition(actor=writer, report=after_sales, action="submit").status == "submitted"


def test_the_general_manager_acts_after_a_submit_and_the_writers_after_a_return(company_a, clock):
    marketing, after_sales = report(company_a), report(company_a, kind=ReportKind.AFTER_SALES)
    assert next_roles(marketing, ReportStatus.SUBMITTED) == {"gm", "vice_gm"}
    assert next_roles(marketing, ReportStatus.RETURNED) == SALES
    assert next_roles(after_sales, ReportStatus.RETURNED) == {"after_sales", "qa"}
    assert next_roles(marketing, ReportStatus.APPROVED) == set()


def test_each_kind_of_report_has_its_writers():
    assert writers_of(ReportKind.MARKETING) == SALES
    assert writers_of("after_sales") == {"after_sales", "qa"}
