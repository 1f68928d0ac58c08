"""After-sales service jobs and the seed's 产品维修率 / 维修一次成功率 on hand-worked figures."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.customers.tests.factories import CustomerFactory, ShipmentFactory
from kesu.service import services
from kesu.service.choices import JobKind
from kesu.service.figures import job_figures

pytestmark = pytest.mark.django_db
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def job(people, customer, day, *, kind=JobKind.REPAIR, quantity=1, first=True):
    return services.job_create(actor=people[Role.AFTER_SALES], company=people.company, data={
        "kind": kind, "customer": customer, "fault": "泵体漏油", "done_on": day, "quantity": quantity,
        "first_time_fixed": first})


def test_repair_rate_and_first_time_fix_rate_on_hand_worked_figures(people):
    customer = CustomerFactory(company=people.company)
    # Delivered in March: 300 + 200 = 500 units; the February and April shipments are outside the base.
    ShipmentFactory(customer=customer, quantity=300, ship_date=datetime.date(2026, 3, 2))
    ShipmentFactory(customer=customer, quantity=200, ship_date=datetime.date(2026, 3, 31))
    ShipmentFactory(customer=customer, quantity=999, ship_date=datetime.date(2026, 2, 28))
    ShipmentFactory(customer=customer, quantity=999, ship_date=datetime.date(2026, 4, 1))
    job(people, customer, datetime.date(2026, 3, 1), quantity=2)               # repair, fixed first time
    job(people, customer, datetime.date(2026, 3, 15), quantity=1, first=False)  # repair, needed a second visit
    job(people, customer, datetime.date(2026, 3, 31), kind=JobKind.MAINTENANCE)  # not a repair, fixed first time
    job(people, customer, datetime.date(2026, 4, 1), quantity=5)               # April: outside
    f = job_figures(people.company.pk, *MARCH)
    # 产品维修率 = (2 + 1) ÷ 500 × 100 = 0.6 %
    assert f["repair"] == {"repair_jobs": 2, "units_repaired": 3, "units_delivered": 500,
                           "base": "units delivered in the period", "rate_percent": "0.6"}
    # 维修一次成功率 = 2 of 3 jobs fixed at the first visit = 66.7 %
    assert f["first_time_fix"] == {"jobs": 3, "fixed_first_time": 2, "rate_percent": "66.7"}


def test_no_deliveries_or_no_jobs_give_no_rate(people):
    f = job_figures(people.company.pk, *MARCH)
    assert f["repair"]["rate_percent"] is None and f["first_time_fix"]["rate_percent"] is None


def test_finance_records_no_job_and_outsiders_get_404(people, people_b, client, api):
    customer = CustomerFactory(company=people.company)
    with pytest.raises(PermissionDenied):
        services.job_create(actor=people[Role.FINANCE], company=people.company, data={
            "customer": customer, "fault": "x", "done_on": datetime.date(2026, 3, 1)})
    record = job(people, customer, datetime.date(2026, 3, 1))
    client.force_login(people[Role.AFTER_SALES])
    assert client.get(reverse("service:job_list")).status_code == 200
    assert client.get(reverse("service:job_list") + "?format=xlsx").status_code == 200
    assert client.get(reverse("service:job_detail", args=[record.pk])).status_code == 200
    client.force_login(people_b[Role.AFTER_SALES])
    assert client.get(reverse("service:job_detail", args=[record.pk])).status_code == 404
    assert api(people_b[Role.AFTER_SALES]).get(f"/api/v1/service/jobs/{record.pk}").status_code == 404
    created = api(people[Role.AFTER_SALES]).post("/api/v1/service/jobs", {
        "customer_id": customer.pk, "fault": "电机异响", "done_on": "2026-03-05", "first_time_fixed": False})
    assert created.status_code == 201 and created.json()["engineer_id"] == people[Role.AFTER_SALES].pk


def test_service_due_reminds_the_salesperson_once_per_planned_visit_not_made(people, django_capture_on_commit_callbacks):
    from kesu.notifications.models import Notification
    from kesu.service.models import PlanLine, PlanMark, ServicePlan, Visit
    from kesu.service.services.reminders import visit_reminders_send

    sales = people[Role.SALESPERSON]
    plan = ServicePlan.objects.create(company=people.company, year=2026, status="approved")
    december = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))

    def mark(customer, kind="visit", month=12, starts=december):
        line = PlanLine.objects.get_or_create(company=people.company, plan=plan, customer=customer,
                                              defaults={"salesperson": sales})[0]
        return PlanMark.objects.create(company=people.company, line=line, plan=plan, customer=customer,
                                       salesperson=sales, kind=kind, month=month, starts_on=starts[0],
                                       due_on=starts[1])

    due = mark(CustomerFactory(company=people.company, name="华东主机厂"))
    visited = CustomerFactory(company=people.company)
    mark(visited)
    Visit.objects.create(company=people.company, customer=visited, visited_by=sales,
                         visited_on=datetime.date(2026, 12, 3))
    mark(CustomerFactory(company=people.company), kind="survey")                 # a survey, not a visit
    mark(CustomerFactory(company=people.company), month=11,
         starts=(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)))     # last month: not this month
    with django_capture_on_commit_callbacks(execute=True):
        assert visit_reminders_send(datetime.date(2026, 12, 5)) == 1
    assert visit_reminders_send(datetime.date(2026, 12, 20)) == 0                  # once per mark and month
    due.refresh_from_db()
    assert due.reminded_at is not None
    sent = Notification.objects.filter(recipient=sales)
    assert sent.count() == 1 and "华东主机厂" in sent.get().title
