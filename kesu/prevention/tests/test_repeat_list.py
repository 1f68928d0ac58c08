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
