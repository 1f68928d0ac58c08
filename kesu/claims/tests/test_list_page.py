"""The claim list through the shared list helper (issue 17 §7): sorting, the open-only default chip, amounts
sorted only for those who see them, the empty state."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.claims.choices import ClaimStatus
from kesu.customers.tests.factories import CustomerFactory

from .factories import bring_to, new_claim

pytestmark = pytest.mark.django_db

URL = "claims:list"


def _numbers(response) -> list[str]:
    return [c.number for c in response.context["page"].object_list]


@pytest.fixture
def claims(people):
    """Open claims of K-B (5 May, one item: 100) and K-A (7 May, 3 × 1,200.50 + 6 × 150 = 4,501.50)."""
    one = [{"kind": "labour", "description": "工时", "quantity": Decimal("1"), "unit_price": Decimal("100")}]
    b = new_claim(people, customer=CustomerFactory(company=people.company, code="K-B"), items=one,
                  received_on=datetime.date(2026, 5, 5), documents=False)
    a = new_claim(people, customer=CustomerFactory(company=people.company, code="K-A"),
                  received_on=datetime.date(2026, 5, 7), documents=False)
    return a, b


def test_claims_sort_by_customer_both_ways_and_default_newest_first(client, people, claims):
    a, b = claims
    client.force_login(people[Role.FINANCE])
    assert _numbers(client.get(reverse(URL))) == [a.number, b.number]
    assert _numbers(client.get(reverse(URL), {"sort": "customer"})) == [a.number, b.number]
    assert _numbers(client.get(reverse(URL), {"sort": "-customer"})) == [b.number, a.number]
    # By claimed amount: 100 before 4,501.50.
    assert _numbers(client.get(reverse(URL), {"sort": "claimed"})) == [b.number, a.number]
    assert _numbers(client.get(reverse(URL), {"sort": "-claimed"})) == [a.number, b.number]


def test_amounts_are_no_sort_order_for_those_who_may_not_see_them(client, people, claims):
    a, b = claims
    client.force_login(people[Role.QA])
    response = client.get(reverse(URL), {"sort": "claimed"})
    assert _numbers(response) == [a.number, b.number]  # the usual order: received, newest first
    assert 'data-sort="claimed"' not in response.content.decode()


def test_an_unknown_claim_sort_is_refused(client, people, claims):
    client.force_login(people[Role.FINANCE])
    response = client.get(reverse(URL), {"sort": "title;drop"})
    assert 'id="sort-refused"' in response.content.decode()
    assert _numbers(response) == [claims[0].number, claims[1].number]


def test_settled_claims_are_behind_the_open_only_chip(client, people):
    settled = bring_to(ClaimStatus.SETTLED, people)
    client.force_login(people[Role.FINANCE])
    response = client.get(reverse(URL))
    assert _numbers(response) == []
    page = response.content.decode()
    assert 'id="empty-state"' in page and f'href="{reverse(URL)}?open="' in page
    assert _numbers(client.get(reverse(URL), {"open": ""})) == [settled.number]


def test_a_search_shows_one_chip_and_its_removal_keeps_the_rest(client, people, claims):
    client.force_login(people[Role.FINANCE])
    response = client.get(reverse(URL), {"q": claims[0].number, "sort": "number"})
    chips = response.context["listing"].chips
    assert [url for _text, url in chips] == [reverse(URL) + "?sort=number"]
    assert _numbers(response) == [claims[0].number]
