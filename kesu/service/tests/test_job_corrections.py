"""A recorded service job can be corrected (page and API): the figures follow, the change is audited, the customer
stays, a refused correction comes back as typed, and nobody outside the job's company reaches it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core.models import AuditEntry
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.service.models import ServiceJob
from kesu.service.tests.test_jobs import job

pytestmark = pytest.mark.django_db


def test_the_after_sales_engineer_corrects_a_job_on_its_page(people, client):
    customer = CustomerFactory(company=people.company)
    record = job(people, customer, datetime.date(2026, 3, 2))
    client.force_login(people[Role.AFTER_SALES])
    assert 'id="edit-job"' in client.get(reverse("service:job_detail", args=[record.pk])).content.decode()
    url = reverse("service:job_edit", args=[record.pk])
    form = {"kind": "repair", "customer": "IGNORED", "serial_or_lot": "SN-7", "quantity": "3", "fault": "泵体漏油",
            "work_done": "更换密封圈", "parts_used": "密封圈 ×2", "engineer": str(people[Role.AFTER_SALES].pk),
            "done_on": "2026-03-02", "hours": "1.5"}
    response = client.post(url, {**form, "first_time_fixed": ""})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.customer, record.quantity, record.first_time_fixed, record.work_done) == (
        customer, 3, False, "更换密封圈")
    assert AuditEntry.objects.filter(object_id=str(record.pk), action="update",
                                     content_type__model="servicejob").exists()
    # A refused correction (no fault) comes back as typed, nothing saved.
    refused = client.post(url, {**form, "fault": "", "work_done": "改为更换泵体"})
    assert refused.status_code == 422
    assert "改为更换泵体" in refused.content.decode()
    record.refresh_from_db()
    assert record.work_done == "更换密封圈"


def test_finance_cannot_correct_and_another_company_gets_404(people, people_b, client):
    record = job(people, CustomerFactory(company=people.company), datetime.date(2026, 3, 2))
    url = reverse("service:job_edit", args=[record.pk])
    client.force_login(people[Role.FINANCE])
    assert client.get(url).status_code == 403
    client.force_login(people_b[Role.AFTER_SALES])
    assert client.get(url).status_code == 404


def test_the_api_corrects_given_fields_only(people, people_b, api):
    customer = CustomerFactory(company=people.company)
    record = job(people, customer, datetime.date(2026, 3, 2))
    part = PartFactory(company=people.company)
    path = f"/api/v1/service/jobs/{record.pk}"
    changed = api(people[Role.AFTER_SALES]).patch(path, {"first_time_fixed": False, "part_id": part.pk, "hours": "2.0"})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["first_time_fixed"], body["part_id"], body["hours"], body["fault"]) == (False, part.pk, "2.0",
                                                                                         "泵体漏油")
    assert ServiceJob.objects.get(pk=record.pk).customer == customer
    # A part of another company is refused by name; another company's people do not find the job.
    foreign = PartFactory(company=people_b.company)
    assert api(people[Role.AFTER_SALES]).patch(path, {"part_id": foreign.pk}).status_code == 422
    assert api(people_b[Role.AFTER_SALES]).patch(path, {"hours": "1.0"}).status_code == 404
    assert api(people[Role.FINANCE]).patch(path, {"hours": "1.0"}).status_code == 403
