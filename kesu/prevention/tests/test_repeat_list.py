"""Issue 22 §4: the repeat badge on the complaint list rows, with the list's query count fixed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import create_complaint
from kesu.prevention.models import RepeatFlag
from kesu.prevention.tests.test_repeats import at, complaint, setup  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
R = Role


def _badged(page: str) -> set[str]:
    return set(re.findall(r'>([^<>]+)</a> <span class="badge text-bg-warning repeat-badge"', page))


def test_the_list_badges_repeats_only_and_keeps_its_query_count(setup, client):  # noqa: F811
    people, category, customer, part = setup
    day = datetime.date(2026, 10, 1)
    first = complaint(people, at(day, 9, 0), category, customer, part)
    second = complaint(people, at(day + datetime.timedelta(days=3), 9, 0), category, customer, part)
    RepeatFlag.objects.create(company=people.company, complaint=second, rule="same_customer", window_days=180,
                              flagged_at=second.received_at).earlier.set([first])
    client.force_login(people[R.SALESPERSON])
    url = reverse("complaints:list") + "?open="
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert _badged(page) == {second.number}
    for n in range(6):
        later = create_complaint(people[R.SALESPERSON], received_at=at(day + datetime.timedelta(days=10 + n), 9, 0),
                                 customer=customer, part=part)
        if n % 2:
            RepeatFlag.objects.create(company=people.company, complaint=later, rule="same_part", window_days=180,
                                      flagged_at=later.received_at)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(_badged(page)) == 4
    assert len(many) == len(few)


def test_the_complaint_trend_counts_repeats_per_month_with_their_share(setup):  # noqa: F811
    from decimal import Decimal

    from kesu.reports import analyses, exports

    people, category, customer, part = setup
    october, november = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
    made = [complaint(people, at(october + datetime.timedelta(days=d), 9, 0), category, customer, part)
            for d in (1, 5, 9)]
    complaint(people, at(november + datetime.timedelta(days=2), 9, 0), category, customer, part)
    # 00:30 on 1 November in Shanghai is still 31 October in UTC: counted in November, the company's month.
    edge = complaint(people, at(november, 0, 30), category, customer, part)
    for flagged in (made[2], edge):
        RepeatFlag.objects.filter(complaint=flagged).delete()
        RepeatFlag.objects.create(company=people.company, complaint=flagged, rule="same_customer", window_days=180,
                                  flagged_at=flagged.received_at)
    RepeatFlag.objects.exclude(complaint__in=[made[2], edge]).delete()
    scope = analyses.Scope(company_ids=(people.company.pk,), date_from=october, date_to=datetime.date(2026, 11, 30))
    rows = analyses.trend(scope)
    # Hand-worked: October 3 complaints, 1 repeat → 33.3 %; November 2 complaints, 1 repeat → 50.0 %.
    assert [(r.month, r.count, r.repeats, r.repeat_share) for r in rows] == [
        (october, 3, 1, Decimal("33.3")), (november, 2, 1, Decimal("50.0"))]
    assert rows[0].repeat_query["repeat"] == "true" and rows[0].repeat_query["received_to"] == "2026-10-31"
    table = exports._trend(rows)[0]
    assert len(table.header) == 8
    assert [row[-1] for row in table.rows] == [Decimal("33.3"), Decimal("50.0")]
    assert [row[-2].value if hasattr(row[-2], "value") else row[-2] for row in table.rows] == [1, 1]
