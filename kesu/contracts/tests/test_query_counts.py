"""The contracts list page and the API list cost a bounded number of queries, whatever the number of rows
(conventions habit 6: reads are selectors; templates and schemas run no queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.customers.tests.factories import CustomerFactory

from .factories import act, new_review

pytestmark = pytest.mark.django_db
LIST_PAGE_MAX = 30
API_LIST_MAX = 12


def _reviews(people, count: int) -> None:
    for n in range(count):
        review = new_review(people, customer=CustomerFactory(company=people.company), title=f"合同 {n}")
        if n % 2:
            act(review, "submit", people[Role.SALESPERSON])


def _queries(get, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_page_costs_the_same_queries_for_two_rows_as_for_ten(client, people, django_assert_max_num_queries):
    client.force_login(people[Role.SALESPERSON])
    url = reverse("contracts:index") + "?open="
    _reviews(people, 2)
    client.get(url)  # the session's first use
    few = _queries(client.get, url)
    _reviews(people, 8)
    with django_assert_max_num_queries(LIST_PAGE_MAX):
        many = _queries(client.get, url)
    assert many == few


def test_the_ledger_page_costs_the_same_queries_for_few_rows_as_for_many(client, people):
    client.force_login(people[Role.SALESPERSON])
    url = reverse("contracts:ledger")
    _reviews(people, 2)
    client.get(url)
    few = _queries(client.get, url)
    _reviews(people, 8)
    assert _queries(client.get, url) == few <= LIST_PAGE_MAX


def test_the_api_list_costs_the_same_queries_for_two_rows_as_for_ten(people, api, django_assert_max_num_queries):
    reader = api(people[Role.SALESPERSON])
    _reviews(people, 2)
    reader.get("/api/v1/contracts/reviews/")  # the token's first use is recorded once
    few = _queries(reader.get, "/api/v1/contracts/reviews/")
    _reviews(people, 8)
    with django_assert_max_num_queries(API_LIST_MAX):
        many = _queries(reader.get, "/api/v1/contracts/reviews/")
    assert many == few
    assert len(reader.get("/api/v1/contracts/reviews/").json()["items"]) == 10
