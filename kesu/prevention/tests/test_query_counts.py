"""Issue 22 (second round) §4: the signal list, the board and the assessment list run a fixed number of queries
whatever the number of rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.customers.tests.factories import CustomerFactory
from kesu.prevention import services
from kesu.prevention.models import Assessment

pytestmark = pytest.mark.django_db
R = Role


def _signals(people, n: int, start: int) -> None:
    for i in range(start, start + n):
        customer = CustomerFactory(company=people.company, code=f"QC{i}")
        services.signal_create(actor=people[R.SALESPERSON], company=people.company, data={
            "source": "sales", "customer": customer, "warning_class": "abc"[i % 3], "observed": f"客户不满 {i}"})


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["prevention:index", "prevention:board"])
def test_signal_list_and_board_run_a_fixed_number_of_queries(groups, client, name):
    client.force_login(groups[R.QA])
    url = reverse(name)
    _signals(groups, 2, 0)
    client.get(url)
    few = _count(client, url)
    _signals(groups, 7, 2)
    many = _count(client, url)
    assert many == few
    context = client.get(url).context
    shown = (len(context["page"].object_list) if name == "prevention:index"
             else sum(len(cell) for _cls, cells in context["rows"] for cell in cells))
    assert shown == 9


def test_the_assessment_list_runs_a_fixed_number_of_queries(groups, client):
    director = groups[R.SALES_DIRECTOR]
    client.force_login(director)
    url = reverse("prevention:assessments")
    now = timezone.now()

    def make(months):
        for m in months:
            start = datetime.date(2026, m, 1)
            Assessment.objects.create(company=groups.company, salesperson=groups[R.SALESPERSON], period_start=start,
                                      period_end=start + datetime.timedelta(days=27), computed_at=now,
                                      figures={"complaints": [1, 2], "cost_total": "10.00"})

    make([1, 2])
    client.get(url)
    few = _count(client, url)
    make([3, 4, 5, 6, 7])
    assert _count(client, url) == few
    assert len(client.get(url).context["page"].object_list) == 7
