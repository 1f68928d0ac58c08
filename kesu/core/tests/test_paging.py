"""The ids-first paginator of the long lists and its count (kesu/core/paging.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from kesu.accounts.models import Company
from kesu.core import paging
from kesu.core.paging import IdFirstPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(db):
    return [Company.objects.create(code=f"C{i:02d}", name=f"公司{i}") for i in range(30)]


def test_a_page_holds_its_rows_in_the_list_order(companies):
    paginator = IdFirstPaginator(Company.objects.order_by("-code"), 7)
    page = paginator.get_page(2)

    assert [c.code for c in page.object_list] == [f"C{i:02d}" for i in range(22, 15, -1)]
    assert (paginator.count, paginator.num_pages, paginator.approximate) == (30, 5, False)


def test_a_small_list_is_counted_exactly_even_when_the_estimate_is_large(companies, monkeypatch):
    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 100)
    monkeypatch.setattr(paging, "_planner_estimate", lambda qs: 5000)

    paginator = IdFirstPaginator(Company.objects.order_by("code"), 10)

    assert (paginator.count, paginator.approximate) == (30, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only")
def test_a_long_list_on_postgresql_shows_the_planners_estimate(companies, monkeypatch):
    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_company")

    paginator = IdFirstPaginator(Company.objects.order_by("code"), 10)

    assert 10 < paginator.count <= 1000
    assert paginator.approximate
