"""Product quality reports to the GM: periods, figures, the job, the GM's analysis and corrective action, the
report back to the customers, outsiders."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.capa.models import ActionLink
from kesu.customers.tests.factories import CustomerFactory, ShipmentFactory
from kesu.notifications.models import Notification
from kesu.service import services
from kesu.service.models import QualityReport

pytestmark = pytest.mark.django_db


def test_periods_before_a_day():
    day = datetime.date(2026, 4, 2)
    assert services.period_before("monthly", day) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert services.period_before("quarterly", day) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert services.period_before("yearly", datetime.date(2027, 1, 5)) == (
        datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert services.period_before("monthly", datetime.date(2027, 1, 5)) == (
        datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


def test_the_job_makes_each_report_once_and_tells_the_gm(people, company_b, django_capture_on_commit_callbacks):
    gm = people[Role.GM]
    customer = CustomerFactory(company=people.company)
    ShipmentFactory(customer=customer, quantity=400, ship_date=datetime.date(2026, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.quality_reports_generate(datetime.date(2026, 4, 2)) == 4  # two companies × month, quarter
    assert services.quality_reports_generate(datetime.date(2026, 4, 3)) == 0
    monthly = QualityReport.objects.get(company=people.company, period="monthly")
    assert monthly.gm == gm and monthly.figures["units_delivered"] == 400 and monthly.figures["complaints"] == 0
    assert Notification.objects.filter(recipient=gm).count() == 2


def test_the_gm_analyses_raises_an_action_and_sales_reports_back(people):
    gm, qa, sales = people[Role.GM], people[Role.QA], people[Role.SALESPERSON]
    report = services.quality_report_generate(company=people.company, period="monthly",
                                              today=datetime.date(2026, 4, 2))
    with pytest.raises(ValidationError):
        services.quality_report_raise_action(actor=gm, report=report)
    with pytest.raises(PermissionDenied):
        services.quality_report_transition(actor=sales, report=report, name="analyse",
                                           inputs={"cause_analysis": "x"})
    report = services.quality_report_transition(actor=gm, report=report, name="analyse",
                                                inputs={"cause_analysis": "包装防护不足导致运输划伤"})
    action = services.quality_report_raise_action(actor=gm, report=report)
    assert action.owner == qa and action.problem == "包装防护不足导致运输划伤"
    assert ActionLink.objects.get(action=action).object_id == report.pk
    report.refresh_from_db()
    assert report.action == action
    report = services.quality_report_transition(actor=sales, report=report, name="report_back",
                                                inputs={"customer_reply": "已电话告知各客户改进措施"})
    assert report.status == "closed"


def test_pages_and_outsiders(people, people_b, client):
    report = services.quality_report_generate(company=people.company, period="monthly",
                                              today=datetime.date(2026, 4, 2))
    client.force_login(people[Role.GM])
    assert client.get(reverse("service:quality_list")).status_code == 200
    assert 'id="transition-analyse"' in client.get(reverse("service:quality_detail", args=[report.pk])).content.decode()
    pdf = client.get(reverse("service:quality_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.force_login(people_b[Role.GM])
    assert client.get(reverse("service:quality_detail", args=[report.pk])).status_code == 404


def test_the_result_reported_back_is_logged_on_each_customer_of_the_period(people, client):
    from zoneinfo import ZoneInfo

    from kesu.complaints.tests.factories import create_complaint
    from kesu.service.models import Visit

    gm, sales = people[Role.GM], people[Role.SALESPERSON]
    intake = people[Role.SALES_ASSISTANT]
    shanghai = ZoneInfo("Asia/Shanghai")
    march_a = CustomerFactory(company=people.company, code="A-1")
    march_b = CustomerFactory(company=people.company, code="B-1")
    april = CustomerFactory(company=people.company, code="C-1")
    for customer, day in ((march_a, 3), (march_a, 20), (march_b, 31)):
        create_complaint(intake, customer=customer, received_at=datetime.datetime(2026, 3, day, 10, tzinfo=shanghai))
    create_complaint(intake, customer=april, received_at=datetime.datetime(2026, 4, 1, 9, tzinfo=shanghai))
    report = services.quality_report_generate(company=people.company, period="monthly",
                                              today=datetime.date(2026, 4, 2))
    report = services.quality_report_transition(actor=gm, report=report, name="analyse",
                                                inputs={"cause_analysis": "包装防护不足"})
    services.quality_report_transition(actor=sales, report=report, name="report_back",
                                       inputs={"customer_reply": "已电话告知改进包装"})
    logged = Visit.objects.filter(quality_report=report).order_by("customer__code")
    assert [v.customer.code for v in logged] == ["A-1", "B-1"]
    assert all(v.kind == "phone" and v.purpose == "report_back" and v.findings == "已电话告知改进包装"
               and v.visited_by == sales for v in logged)
    client.force_login(sales)
    customer_page = client.get(reverse("customers:customer_detail", args=[march_a.pk])).content.decode()
    assert reverse("service:visit_detail", args=[logged[0].pk]) in customer_page
