"""The departments' monthly reports (seed 001 §5.1.2; issue 7 §5): figures drafted from a tiny data set
checked by hand, the hourly job (drafts once, reminds once), the workflow with its roles and refusals, the
pages, the PDF, the Excel export and the API."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.choices import DispositionKind, Status
from kesu.complaints.models import Complaint, DispositionLine
from kesu.complaints.tests.factories import at, category, create_complaint
from kesu.core.services import TransitionRefused
from kesu.core.tests.panels import said
from kesu.customers.choices import ContractStatus, Currency
from kesu.customers.tests.factories import (
    ContractFactory,
    ContractLineFactory,
    CustomerFactory,
    PartFactory,
    ShipmentFactory,
)
from kesu.notifications.models import Notification
from kesu.reports.choices import ReportKind, ReportStatus
from kesu.reports.models import DepartmentReport, ReportChange, ReportSettings
from kesu.reports.services.department import (
    department_report_draft,
    department_report_transition,
    department_report_update,
    department_reports_prepare,
)

MARCH = datetime.date(2026, 3, 1)
APRIL_2 = at(2026, 4, 2, 10)


@pytest.fixture
def clock():
    with time_machine.travel(APRIL_2, tick=False) as traveller:
        yield traveller


def _complaint(people, customer, part, received, *, status=None, closed=None, reopened=0, cat="appearance",
               defect="划伤", dispositions=()):
    complaint = create_complaint(people[Role.SALESPERSON], customer=customer, part=part, received_at=received)
    changes = {"category": category(people.company, cat), "defect_nature": defect, "reopen_count": reopened}
    if status:
        changes["status"] = status
    if closed:
        changes["closed_at"] = closed
    Complaint.objects.filter(pk=complaint.pk).update(**changes)
    for kind in dispositions:
        DispositionLine.objects.create(company=people.company, complaint=complaint, kind=kind, quantity=1)
    return complaint


@pytest.fixture
def data(people, company_a, clock):
    """March 2026 of company A, small enough to count by hand (see the expected figures in the tests)."""
    customer = CustomerFactory(company=company_a, code="K1")
    p1 = PartFactory(company=company_a, part_no="P-1", name="齿轮泵")
    p2 = PartFactory(company=company_a, part_no="P-2", name="阀体")
    # contracts: two live in March (CNY 1,282.00; USD 500.00 and one unpriced line), one cancelled, one draft,
    # one a year before (CNY 100.00), one in April.
    c1 = ContractFactory(customer=customer, signed_on=datetime.date(2026, 3, 2), currency=Currency.CNY)
    ContractLineFactory(contract=c1, part=p1, line_no=1, quantity=100, unit_price=Decimal("12.50"))
    ContractLineFactory(contract=c1, part=p2, line_no=2, quantity=10, unit_price=Decimal("3.20"))
    c2 = ContractFactory(customer=customer, signed_on=datetime.date(2026, 3, 15), currency=Currency.USD, kind="order")
    ContractLineFactory(contract=c2, part=p1, line_no=1, quantity=5, unit_price=Decimal("100"))
    ContractLineFactory(contract=c2, part=p2, line_no=2, quantity=5, unit_price=None)
    c3 = ContractFactory(customer=customer, signed_on=datetime.date(2026, 3, 20), status=ContractStatus.CANCELLED)
    ContractLineFactory(contract=c3, part=p1, line_no=1, quantity=1, unit_price=Decimal("1000"))
    c4 = ContractFactory(customer=customer, signed_on=datetime.date(2026, 3, 21), status=ContractStatus.DRAFT)
    ContractLineFactory(contract=c4, part=p1, line_no=1, quantity=1, unit_price=Decimal("999"))
    c5 = ContractFactory(customer=customer, signed_on=datetime.date(2025, 3, 10))
    ContractLineFactory(contract=c5, part=p1, line_no=1, quantity=2, unit_price=Decimal("50"))
    c6 = ContractFactory(customer=customer, signed_on=datetime.date(2026, 4, 1))
    ContractLineFactory(contract=c6, part=p1, line_no=1, quantity=7, unit_price=Decimal("1"))
    # shipments: P-1 100 in two lines (one on time, one late with extra freight), P-2 20; a line due on 31 March
    # shipped in April (late); three lines due in March, one on time.
    ShipmentFactory(customer=customer, part=p1, quantity=60, ship_date=datetime.date(2026, 3, 5),
                    due_date=datetime.date(2026, 3, 10), receipt_date=datetime.date(2026, 3, 9))
    ShipmentFactory(customer=customer, part=p1, quantity=40, ship_date=datetime.date(2026, 3, 25),
                    due_date=datetime.date(2026, 3, 20), extra_freight_cost=Decimal("300.50"))
    ShipmentFactory(customer=customer, part=p2, quantity=20, ship_date=datetime.date(2026, 3, 12))
    ShipmentFactory(customer=customer, part=p2, quantity=5, ship_date=datetime.date(2026, 4, 1),
                    due_date=datetime.date(2026, 3, 31))
    # complaints: received in March c1, c2, c3 (c3 at 23:30 on the 31st, Shanghai time); c4 received in
    # February and closed in March; c5 cancelled; c6 received on 28 February at 23:30.
    c1 = _complaint(people, customer, p1, at(2026, 3, 5, 9), status=Status.CLOSED, closed=at(2026, 3, 20, 9),
                    dispositions=[DispositionKind.REPAIR, DispositionKind.RETURN])
    c2 = _complaint(people, customer, p1, at(2026, 3, 10, 9), status=Status.CLOSED, closed=at(2026, 3, 25, 9),
                    reopened=1, dispositions=[DispositionKind.RETURN])
    c3 = _complaint(people, customer, p2, at(2026, 3, 31, 23, 30), cat="performance", defect="异响",
                    dispositions=[DispositionKind.ONSITE_REPAIR])
    c4 = _complaint(people, customer, p1, at(2026, 2, 20, 9), status=Status.CLOSED, closed=at(2026, 3, 3, 9),
                    dispositions=[DispositionKind.REPAIR])
    _complaint(people, customer, p1, at(2026, 3, 12, 9), status=Status.CANCELLED)
    _complaint(people, customer, p1, at(2026, 2, 28, 23, 30))
    return {"customer": customer, "complaints": (c1, c2, c3, c4)}


# -- figures ----------------------------------------------------------------------------------------------------


def test_marketing_figures_are_counted_from_the_month_records(data, company_a):
    report = department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH)

    f = report.figures
    assert report.due_on == datetime.date(2026, 4, 8) and report.status == ReportStatus.DRAFT
    assert f["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    contracts = f["contracts"]
    assert (contracts["count"], contracts["count_last_year"], contracts["cancelled"], contracts["unpriced_lines"]) \
        == (2, 1, 1, 1)
    assert contracts["by_currency"] == [
        {"currency": "CNY", "count": 1, "amount": "1282.00", "count_last_year": 1, "amount_last_year": "100.00"},
        {"currency": "USD", "count": 1, "amount": "500.00", "count_last_year": 0, "amount_last_year": "0.00"},
    ]
    assert contracts["by_kind"] == [{"kind": "contract", "count": 1}, {"kind": "order", "count": 1}]
    mix = f["product_mix"]
    assert mix["total_quantity"] == 120 and mix["others"] is None
    assert [(r["part"], r["quantity"], r["lines"], r["share"]) for r in mix["rows"]] == [
        ("P-1 齿轮泵", 100, 2, "83.3"), ("P-2 阀体", 20, 1, "16.7")]
    assert f["delivery"] == {"shipped_quantity": 120, "shipment_lines": 3, "lines_due": 3, "lines_on_time": 1,
                             "on_time_percent": "33.3"}
    assert f["extra_freight"] == {"lines": 1, "cost": [{"currency": "CNY", "amount": "300.50"}]}
    assert f["complaints"]["received"] == 3
    assert f["complaints"]["query"]["received_from"] == "2026-03-01"


def test_after_sales_figures_are_counted_from_the_month_records(data, company_a, people):
    from kesu.capa.tests.factories import raise_action
    from kesu.service.services import job_create

    with time_machine.travel(at(2026, 3, 15, 10), tick=False):
        raise_action(people)
    # Issue 21 §4: the after-sales service jobs give the seed's repair and first-time-fix rates.
    for day, kind, units, first in ((datetime.date(2026, 3, 2), "repair", 2, True),
                                    (datetime.date(2026, 3, 20), "repair", 1, False),
                                    (datetime.date(2026, 3, 31), "maintenance", 1, True),
                                    (datetime.date(2026, 2, 27), "repair", 9, False)):  # February: outside
        job_create(actor=people[Role.QA], company=company_a, data={
            "customer": data["customer"], "kind": kind, "quantity": units, "first_time_fixed": first,
            "fault": "漏油", "done_on": day})
    report = department_report_draft(company=company_a, kind=ReportKind.AFTER_SALES, month="2026-03")

    f = report.figures
    assert f["complaints"]["received"] == 3 and f["complaints"]["closed"] == 3
    # 产品维修率: (2 + 1) units repaired in March ÷ 120 units delivered in March (100 + 20) = 2.5 %.
    assert f["repair"] == {"repair_jobs": 2, "units_repaired": 3, "units_delivered": 120,
                           "base": "units delivered in the period", "rate_percent": "2.5"}
    # 维修一次成功率: two of the three March jobs were fixed at the first visit.
    assert f["first_time_fix"] == {"jobs": 3, "fixed_first_time": 2, "rate_percent": "66.7"}
    appearance = category(company_a, "appearance")
    assert [(r["key"], r["count"], r["share"]) for r in f["categories"]["rows"]] == [
        (appearance.code, 2, "66.7"), (category(company_a, "performance").code, 1, "33.3")]
    # Issue 18 §11: categories are added up by their code, shared across the group's companies.
    assert f["categories"]["rows"][0]["query"]["category_code"] == appearance.code
    assert [(r["key"], r["count"]) for r in f["defects"]["rows"]] == [("划伤", 2), ("异响", 1)]
    assert f["actions"]["open"] == 1
    assert report.department.kind == "qa"  # no after-sales department in company A: quality writes it


def test_figures_cost_a_fixed_number_of_queries(data, company_a, django_assert_max_num_queries):
    from kesu.reports.services.department import after_sales_figures, marketing_figures

    with django_assert_max_num_queries(10):  # eight for the customer indicators, contracts, product mix
        marketing_figures(company_a, MARCH)
    # counts, actions, categories (time zones, months in the rollup, groups, codes, names), defects (time zones,
    # months in the rollup, groups), and the service jobs' two (jobs, units delivered: issue 21 §4)
    with django_assert_max_num_queries(12):
        after_sales_figures(company_a, MARCH)


def test_figures_are_refreshed_while_draft_and_frozen_after_submit(data, company_a, salesperson, people):
    report = department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH)
    ShipmentFactory(customer=data["customer"], quantity=80, ship_date=datetime.date(2026, 3, 30))
    again = department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH, actor=salesperson)
    assert again.pk == report.pk and again.figures["product_mix"]["total_quantity"] == 200
    assert again.version == report.version  # refreshing the figures does not make an open edit form stale

    department_report_update(actor=salesperson, report=again, data={"analysis": "合同额同比增长。"})
    department_report_transition(actor=salesperson, report=again, action="submit")
    ShipmentFactory(customer=data["customer"], quantity=1, ship_date=datetime.date(2026, 3, 30))
    frozen = department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH, actor=salesperson)
    assert frozen.figures["product_mix"]["total_quantity"] == 200
    assert frozen.status == ReportStatus.SUBMITTED


def test_drafting_by_hand_needs_a_writer_of_that_report(company_a, clock, qa_engineer, gm, salesperson):
    with pytest.raises(PermissionDenied):
        department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH, actor=qa_engineer)
    with pytest.raises(PermissionDenied):
        department_report_draft(company=company_a, kind=ReportKind.AFTER_SALES, month=MARCH, actor=gm)
    with pytest.raises(ValidationError):
        department_report_draft(company=company_a, kind=ReportKind.MARKETING, month="2026-05", actor=salesperson)
    with pytest.raises(ValidationError):
        department_report_draft(company=company_a, kind="finance", month=MARCH, actor=salesperson)


# -- the hourly job: drafts once, reminds once ---------------------------------------------------------------------


def test_prepare_drafts_last_month_once_and_reminds_writers_once(company_a, people, salesperson, qa_engineer,
                                                                  gm, django_capture_on_commit_callbacks):
    ReportSettings.objects.create(company=company_a, report_due_day=8, report_remind_days=3)
    with time_machine.travel(at(2026, 4, 1, 0, 30), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert department_reports_prepare()["drafted"] >= 2
        assert department_reports_prepare()["drafted"] == 0
    reports = DepartmentReport.objects.filter(company=company_a)
    assert sorted((r.kind, r.month, r.due_on) for r in reports) == [
        ("after_sales", MARCH, datetime.date(2026, 4, 8)), ("marketing", MARCH, datetime.date(2026, 4, 8))]
    assert not Notification.objects.exists()

    with time_machine.travel(at(2026, 4, 4, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert department_reports_prepare()["reminded"] == 0  # five days before the 8th: not yet
    with time_machine.travel(at(2026, 4, 5, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert department_reports_prepare()["reminded"] == 2
    with time_machine.travel(at(2026, 4, 6, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert department_reports_prepare() == {"drafted": 0, "reminded": 0}

    due = Notification.objects.filter(event="report_due")
    assert sorted(n.recipient_id for n in due) == sorted([salesperson.pk, qa_engineer.pk])
    assert not due.filter(recipient=gm).exists()
    assert all(r.reminded_at is not None for r in reports.all())


def test_a_submitted_report_is_not_reminded(company_a, people, salesperson, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 4, 1, 1), tick=False):
        department_reports_prepare(today=datetime.date(2026, 4, 1))
        report = DepartmentReport.objects.get(company=company_a, kind=ReportKind.MARKETING)
        department_report_update(actor=salesperson, report=report, data={"analysis": "见附表。"})
        department_report_transition(actor=salesperson, report=report, action="submit")
    with time_machine.travel(at(2026, 4, 6, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        department_reports_prepare()
    report.refresh_from_db()
    assert report.reminded_at is None
    assert DepartmentReport.objects.get(company=company_a, kind=ReportKind.AFTER_SALES).reminded_at is not None


# -- the workflow ---------------------------------------------------------------------------------------------


@pytest.fixture
def marketing(company_a, clock):
    return department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH)


def test_submit_needs_the_analysis_and_a_writer_of_the_report(marketing, salesperson, qa_engineer):
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=salesperson, report=marketing, action="submit")
    assert refused.value.code == TransitionRefused.PRECONDITION and refused.value.field == "analysis"
    department_report_update(actor=salesperson, report=marketing, data={"analysis": "三月合同额增长。"})
    marketing.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=qa_engineer, report=marketing, action="submit")
    assert refused.value.code == TransitionRefused.WRONG_ROLE


def test_submit_approve_and_return_with_their_roles(marketing, salesperson, gm, django_capture_on_commit_callbacks):
    department_report_update(actor=salesperson, report=marketing, data={"analysis": "分析", "proposals": "建议"})
    marketing.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        department_report_transition(actor=salesperson, report=marketing, action="submit",
                                     expected_version=marketing.version)
    assert marketing.status == ReportStatus.SUBMITTED and marketing.submitted_by == salesperson
    assert Notification.objects.filter(event="report_submitted", recipient=gm).exists()

    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=salesperson, report=marketing, action="approve")
    assert refused.value.code == TransitionRefused.WRONG_ROLE
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=gm, report=marketing, action="return")
    assert refused.value.code == TransitionRefused.MISSING_FIELD and refused.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        department_report_transition(actor=gm, report=marketing, action="return", inputs={"reason": "补充同比分析"})
    assert marketing.status == ReportStatus.RETURNED and marketing.return_reason == "补充同比分析"
    assert Notification.objects.filter(event="report_decided", recipient=salesperson).exists()

    department_report_update(actor=salesperson, report=marketing, data={"analysis": "分析（含同比）"})
    marketing.refresh_from_db()
    department_report_transition(actor=salesperson, report=marketing, action="submit")
    department_report_transition(actor=gm, report=marketing, action="approve", inputs={"note": "同意"})
    assert marketing.status == ReportStatus.APPROVED and marketing.approved_by == gm
    assert marketing.return_reason == ""
    history = [(c.old_status, c.new_status) for c in ReportChange.objects.filter(report=marketing)]
    assert history == [("", "draft"), ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"),
                       ("submitted", "approved")]
    with pytest.raises(TransitionRefused) as refused:
        department_report_transition(actor=gm, report=marketing, action="approve")
    assert refused.value.code == TransitionRefused.WRONG_STATE


def test_the_text_cannot_change_after_submit_nor_by_other_roles(marketing, salesperson, gm, qa_engineer):
    with pytest.raises(PermissionDenied):
        department_report_update(actor=qa_engineer, report=marketing, data={"analysis": "x"})
    with pytest.raises(ValidationError):
        department_report_update(actor=salesperson, report=marketing, data={"status": "approved"})
    with pytest.raises(ValidationError):
        department_report_update(actor=salesperson, report=marketing, data={"analysis": "x"}, expected_version=99)
    department_report_update(actor=salesperson, report=marketing, data={"analysis": "分析"})
    marketing.refresh_from_db()
    department_report_transition(actor=salesperson, report=marketing, action="submit")
    with pytest.raises(ValidationError) as error:
        department_report_update(actor=salesperson, report=marketing, data={"analysis": "改了"})
    assert "status" in error.value.message_dict


def test_another_company_cannot_act_on_the_report(marketing, outsider):
    with pytest.raises(PermissionDenied):
        department_report_update(actor=outsider, report=marketing, data={"analysis": "x"})
    with pytest.raises(PermissionDenied):
        department_report_transition(actor=outsider, report=marketing, action="submit")


# -- pages ----------------------------------------------------------------------------------------------------


def test_list_page_filters_and_shows_only_visible_companies(login, salesperson, company_b, clock,
                                                            django_assert_max_num_queries):
    department_report_draft(company=salesperson.company, kind=ReportKind.MARKETING, month=MARCH)
    department_report_draft(company=salesperson.company, kind=ReportKind.AFTER_SALES, month=MARCH)
    other = department_report_draft(company=company_b, kind=ReportKind.MARKETING, month=MARCH)
    client = login(salesperson)
    with django_assert_max_num_queries(15):  # session, user, permissions, count, page, two company pickers
        page = client.get(reverse("reports:department_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('id="report-') == 2 and f'id="report-{other.pk}"' not in body
    assert 'id="draft-form"' in body
    page = client.get(reverse("reports:department_list"), {"kind": "after_sales", "month": "2026-03"})
    assert page.content.decode().count('id="report-') == 1
    assert client.get(reverse("reports:department_list"), {"month": "2026-02"}).content.decode().count(
        'id="report-') == 0


def test_detail_page_shows_figures_and_the_steps(data, login, salesperson, company_a,
                                                 django_assert_max_num_queries):
    report = department_report_draft(company=company_a, kind=ReportKind.AFTER_SALES, month=MARCH)
    client = login(salesperson)
    with django_assert_max_num_queries(13):  # 12, and the next-step panel's waiting work (issue 16 §5)
        page = client.get(reverse("reports:department_detail", args=[report.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "66.7 %" in body and "划伤" in body
    assert 'id="edit-form"' not in body  # the after-sales report is not the salesperson's to write
    assert 'id="transition-submit"' not in body
    assert f"{reverse('complaints:list')}?" in body


def test_writer_edits_submits_and_gm_returns_through_the_pages(marketing, login, salesperson, gm, client):
    client = login(salesperson)
    detail = reverse("reports:department_detail", args=[marketing.pk])
    body = client.get(detail).content.decode()
    assert 'id="edit-form"' in body and 'id="refresh-figures"' in body
    # Submitting waits for the analysis: the panel says so instead of offering a step the rule refuses.
    assert 'id="transition-submit"' not in body and 'id="next-step-refused"' in body
    client.post(reverse("reports:department_edit", args=[marketing.pk]),
                {"analysis": "<b>合同</b>分析", "proposals": "", "version": marketing.version})
    marketing.refresh_from_db()
    assert marketing.analysis == "<b>合同</b>分析"
    body = client.get(detail).content.decode()
    assert "&lt;b&gt;合同" in body and 'id="transition-submit"' in body
    response = client.post(reverse("reports:department_transition", args=[marketing.pk, "submit"]),
                           {"version": marketing.version})
    assert response.status_code == 302
    marketing.refresh_from_db()
    assert marketing.status == ReportStatus.SUBMITTED

    client.force_login(gm)
    body = client.get(detail).content.decode()
    assert 'id="transition-approve"' in body and 'id="transition-return"' in body
    refused = client.post(reverse("reports:department_transition", args=[marketing.pk, "return"]), {"reason": " "})
    marketing.refresh_from_db()
    assert marketing.status == ReportStatus.SUBMITTED  # refused: the reason is required
    assert refused.status_code == 422 and len(said(refused)) == 1  # said on the step's form, on the page
    assert 'id="transition-return"' in refused.content.decode()
    client.post(reverse("reports:department_transition", args=[marketing.pk, "return"]), {"reason": "请补充"})
    marketing.refresh_from_db()
    assert marketing.status == ReportStatus.RETURNED


def test_text_refused_as_someone_else_saved_first_stays_on_the_page(marketing, login, salesperson):
    client = login(salesperson)
    url = reverse("reports:department_edit", args=[marketing.pk])
    stale = marketing.version
    client.post(url, {"analysis": "第一版", "proposals": "", "version": stale})
    response = client.post(url, {"analysis": "我写了半小时的 <分析>", "proposals": "加强评审", "version": stale})
    page = response.content.decode()
    assert response.status_code == 422 and said(response) == [  # someone else changed it meanwhile
        "其他人已先保存了此报告。您写的内容保留在下方：再次保存将以您的内容替换其内容；或复制您的内容后刷新页面查看其版本。"]
    assert "我写了半小时的 &lt;分析&gt;</textarea>" in page and "加强评审</textarea>" in page
    marketing.refresh_from_db()
    assert marketing.analysis == "第一版"  # nothing overwritten


def test_writer_drafts_a_month_by_hand(login, salesperson, company_a, company_b, clock):
    client = login(salesperson)
    response = client.post(reverse("reports:department_draft"),
                           {"company": company_a.pk, "kind": "marketing", "month": "2026-02"})
    report = DepartmentReport.objects.get(company=company_a, kind="marketing", month=datetime.date(2026, 2, 1))
    assert response.status_code == 302 and response["Location"] == reverse("reports:department_detail",
                                                                           args=[report.pk])
    client.post(reverse("reports:department_draft"), {"company": company_b.pk, "kind": "marketing",
                                                      "month": "2026-02"})
    assert not DepartmentReport.objects.filter(company=company_b).exists()
    response = client.post(reverse("reports:department_draft"), {"company": company_a.pk, "kind": "after_sales",
                                                                 "month": "2026-02"})
    assert not DepartmentReport.objects.filter(kind="after_sales").exists()


def test_pages_of_another_company_are_not_found(marketing, login, outsider):
    client = login(outsider)
    for name in ("reports:department_detail", "reports:department_pdf"):
        assert client.get(reverse(name, args=[marketing.pk])).status_code == 404
    assert client.post(reverse("reports:department_edit", args=[marketing.pk]), {"analysis": "x"}).status_code == 404
    assert client.post(reverse("reports:department_transition", args=[marketing.pk, "submit"])).status_code == 404


def test_a_user_without_a_role_is_refused(marketing, client, api, make_user):
    from kesu.accounts.models import User

    user = make_user(Role.SALESPERSON, username="norole")
    User.objects.filter(pk=user.pk).update(position=None)
    user = User.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(reverse("reports:department_list")).status_code == 403
    assert client.get(reverse("reports:department_detail", args=[marketing.pk])).status_code == 403
    assert api(user).get(BASE).status_code == 403


def test_pdf_and_excel(data, login, gm, company_a):
    from openpyxl import load_workbook

    report = department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=MARCH)
    client = login(gm)
    pdf = client.get(reverse("reports:department_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    department_report_draft(company=company_a, kind=ReportKind.AFTER_SALES, month=MARCH)
    after_sales = DepartmentReport.objects.get(kind=ReportKind.AFTER_SALES)
    assert client.get(reverse("reports:department_pdf", args=[after_sales.pk])).content.startswith(b"%PDF")
    export = client.get(reverse("reports:department_list_xlsx"), {"kind": "marketing"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == company_a.code and rows[1][2] == "2026-03"


# -- API ------------------------------------------------------------------------------------------------------

BASE = "/api/v1/reports/department-reports"


def test_api_lists_gets_and_hides_other_companies(marketing, api, salesperson, outsider, company_b):
    other = department_report_draft(company=company_b, kind=ReportKind.MARKETING, month=MARCH)
    listing = api(salesperson).get(BASE, kind="marketing").json()
    assert [r["id"] for r in listing["items"]] == [marketing.pk] and listing["count"] == 1
    assert api(salesperson).get(BASE, month="2026-02").json()["count"] == 0
    detail = api(salesperson).get(f"{BASE}/{marketing.pk}").json()
    assert detail["month"] == "2026-03" and detail["editable"] is True and detail["next_steps"] == ["submit"]
    assert "contracts" in detail["figures"]
    assert api(salesperson).get(f"{BASE}/{other.pk}").status_code == 404
    assert api(outsider).get(f"{BASE}/{marketing.pk}").status_code == 404


def test_api_drafts_edits_and_moves_the_report(clock, api, salesperson, gm, company_a, company_b):
    created = api(salesperson).post(BASE, {"company_id": company_a.pk, "kind": "marketing", "month": "2026-03"})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert api(salesperson).post(BASE, {"company_id": company_b.pk, "kind": "marketing",
                                        "month": "2026-03"}).status_code == 404
    assert api(gm).post(BASE, {"company_id": company_a.pk, "kind": "marketing",
                               "month": "2026-03"}).status_code == 403
    assert api(salesperson).post(BASE, {"company_id": company_a.pk, "kind": "marketing", "month": "2026-03",
                                        "extra": 1}).status_code == 422

    refused = api(salesperson).post(f"{BASE}/{pk}/submit")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "analysis"]
    patched = api(salesperson).patch(f"{BASE}/{pk}", {"analysis": "三月分析", "expected_version": 0})
    assert patched.status_code == 200 and patched.json()["analysis"] == "三月分析"
    assert api(salesperson).patch(f"{BASE}/{pk}", {"status": "approved"}).status_code == 422
    assert api(gm).post(f"{BASE}/{pk}/submit").status_code == 403
    submitted = api(salesperson).post(f"{BASE}/{pk}/submit", {"expected_version": 1})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert api(salesperson).patch(f"{BASE}/{pk}", {"analysis": "改"}).status_code == 422
    assert api(gm).post(f"{BASE}/{pk}/return").status_code == 422
    assert api(gm).post(f"{BASE}/{pk}/approve", {"note": "同意"}).json()["status"] == "approved"
    assert api(gm).post(f"{BASE}/{pk}/approve").status_code == 409
    assert api(gm).post(f"{BASE}/{pk}/publish").status_code == 422


def test_api_list_query_count(clock, api, salesperson, company_a, django_assert_max_num_queries):
    for month in ("2026-01", "2026-02", "2026-03"):
        department_report_draft(company=company_a, kind=ReportKind.MARKETING, month=month)
    caller = api(salesperson)
    with django_assert_max_num_queries(8):
        assert caller.get(BASE).json()["count"] == 3

