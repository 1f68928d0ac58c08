"""The shared list helper (kesu.core.listing, issue 17 §7) on the generic resource list: sorting both ways, refused
columns, what an index serves, masked personal data never an order, numbered pages with a jump box."""

from __future__ import annotations

import html
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core import listing
from kesu.customers.models import Customer
from kesu.customers.resources import contact, customer
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "customers:customer_list"


def _codes(response) -> list[str]:
    return [obj.code for obj, _cells in response.context["rows"]]


@pytest.fixture
def customers(company_a):
    for code, name in (("K-B", "乙客户"), ("K-A", "丙客户"), ("K-C", "甲客户")):
        CustomerFactory(company=company_a, code=code, name=name)


def test_the_resource_list_sorts_by_a_column_both_ways(login, salesperson, customers):
    client = login(salesperson)
    assert _codes(client.get(reverse(URL), {"sort": "code"})) == ["K-A", "K-B", "K-C"]
    assert _codes(client.get(reverse(URL), {"sort": "-code"})) == ["K-C", "K-B", "K-A"]
    # By name (Unicode order: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532).
    assert _codes(client.get(reverse(URL), {"sort": "name"})) == ["K-A", "K-B", "K-C"]


def test_an_unknown_or_hidden_column_is_refused(login, salesperson, customers):
    client = login(salesperson)
    for sort in ("notes", "-address", "owner__password"):
        response = client.get(reverse(URL), {"sort": sort})
        assert response.status_code == 200 and 'id="sort-refused"' in response.content.decode(), sort
        assert sorted(_codes(response)) == ["K-A", "K-B", "K-C"]


def test_the_code_is_index_served_and_the_region_only_below_the_threshold(salesperson):
    spec = customer.list_spec(salesperson)
    assert spec.sort("code").indexed  # unique (company, code)
    assert not spec.sort("region").indexed
    assert spec.sort("owner").fields == ("owner__username",)  # a relation sorts by its code


def test_masked_personal_data_is_no_sort_order(make_user, salesperson):
    # QA sees contacts' names and phones masked in lists: sorting by them would tell what the mask hides.
    keys = {sort.key for sort in contact.list_spec(make_user(Role.QA)).sorts}
    assert "name" not in keys and "phone" not in keys and "mobile" not in keys and "email" not in keys
    assert "customer" in keys  # the customer's code stays sortable
    # A salesperson sees them in full, so may sort by them.
    assert "name" in {sort.key for sort in contact.list_spec(salesperson).sorts}


def test_the_resource_list_numbers_its_pages_and_jumps(login, salesperson, customers, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZES", (1, 50, 100))
    client = login(salesperson)
    response = client.get(reverse(URL), {"sort": "code", "per_page": "1", "page": "3"})
    assert _codes(response) == ["K-C"]
    page = html.unescape(response.content.decode())
    assert [int(n) for n in re.findall(r'data-page="(\d+)"', page)] == [1, 2, 3]
    assert 'aria-current="page">3<' in page
    assert re.search(r'id="page-first" href="/customers/[^"]*page=1"', page)
    assert re.search(r'id="page-prev" href="[^"]*page=2"', page)
    # A number past the end shows the last page (as Django's get_page does).
    assert _codes(client.get(reverse(URL), {"sort": "code", "per_page": "1", "page": "99"})) == ["K-C"]
    # A page size not offered falls back to the default of 50.
    assert len(client.get(reverse(URL), {"per_page": "7"}).context["rows"]) == 3


def test_page_links_leave_gaps_far_from_the_current_page(rf: RequestFactory, salesperson, company_a):
    Customer.objects.bulk_create([Customer(company=company_a, code=f"K-{n:03}", name=f"客户{n}") for n in range(30)])
    request = rf.get("/customers/", {"per_page": "25"})
    request.user = salesperson
    spec = customer.list_spec(salesperson)
    monkey_sizes = listing.PAGE_SIZES
    assert 25 in monkey_sizes
    page, state = listing.paginate(request, Customer.objects.filter(company=company_a), spec)
    assert state.paginator.num_pages == 2
    assert [n for n, _url in state.page_links] == [1, 2]
    # Ten pages of three, at page 6: 1 … 4 5 6 7 8 … 10.
    state.paginator = type(state.paginator)(list(range(30)), 3)
    state.page = state.paginator.page(6)
    assert [n for n, _url in state.page_links] == [1, None, 4, 5, 6, 7, 8, None, 10]


def test_a_selects_options_are_read_by_a_plain_query_not_a_streaming_cursor(salesperson, monkeypatch):
    # QuerySet.iterator() opens a server-side cursor on PostgreSQL (three round trips for a short list).
    from django.db.models import QuerySet

    from kesu.complaints.filters import ComplaintFilter

    def streamed(self, *args, **kwargs):
        raise AssertionError("options streamed through QuerySet.iterator()")

    monkeypatch.setattr(QuerySet, "iterator", streamed)
    form = ComplaintFilter({}, queryset=None, user=salesperson).form
    owners = list(form.fields["owner"].choices)
    assert owners[0][0] == "" and salesperson.pk in {int(str(value)) for value, _label in owners[1:]}
    assert "<option" in str(form["department"])
