"""The ids-first paginator of the long lists and its count (kesu/core/paging.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_a_list_that_reads_its_rows_itself_gets_the_pages_ids_and_keeps_their_order(companies):
    asked = []

    def rows(ids):
        asked.append(list(ids))
        return Company.objects.filter(pk__in=ids).order_by("code")  # its own order is not the page's

    page = IdFirstPaginator(Company.objects.filter(code__gte="C10").order_by("-code"), 7, rows=rows).get_page(2)

    assert [c.code for c in page.object_list] == [f"C{i:02d}" for i in range(22, 15, -1)]
    assert asked == [[c.pk for c in page.object_list]]


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only")
def test_a_trusted_estimate_is_shown_uncounted_and_corrected_by_the_pages(companies, monkeypatch):
    """A search's count is its estimate (never counted); a page that shows the estimate wrong corrects it."""
    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 10)
    monkeypatch.setattr(paging, "_planner_estimate", lambda qs: 5000)
    with CaptureQueriesContext(connection) as queries:
        first = IdFirstPaginator(Company.objects.order_by("code"), 7, trust_estimate=True)
        assert (first.count, first.approximate) == (5000, True)
    assert not any("COUNT(" in q["sql"] for q in queries)

    full = IdFirstPaginator(Company.objects.order_by("code"), 7, trust_estimate=True)
    full.get_page(2)  # 7 rows: at least 14 exist, which the estimate already says
    assert (full.count, full.approximate) == (5000, True)

    last = IdFirstPaginator(Company.objects.order_by("code"), 7, trust_estimate=True)
    page = last.get_page(5)  # rows 29 and 30: the end
    assert len(page.object_list) == 2
    assert (last.count, last.num_pages, last.approximate) == (30, 5, False)

    past = IdFirstPaginator(Company.objects.order_by("code"), 7, trust_estimate=True)
    past.get_page(9)  # nothing here: at most the 56 rows before it
    assert (past.count, past.approximate) == (56, True)

    monkeypatch.setattr(paging, "_planner_estimate", lambda qs: 8)
    small = IdFirstPaginator(Company.objects.order_by("code"), 7, trust_estimate=True)
    assert (small.count, small.approximate) == (30, False)  # an estimate under the threshold: counted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only")
def test_an_estimate_too_low_is_raised_by_a_full_page(companies, monkeypatch):
    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 5)
    monkeypatch.setattr(paging, "_planner_estimate", lambda qs: 12)
    paginator = IdFirstPaginator(Company.objects.order_by("code"), 7, trust_estimate=True)
    paginator.get_page(2)  # full: at least 14

    assert (paginator.count, paginator.num_pages, paginator.approximate) == (14, 2, True)


def test_a_list_that_can_match_nothing_counts_0(companies):
    """A filter Django knows matches nothing sends no SQL, so there is no plan to estimate (PostgreSQL's path)."""
    for empty in (Company.objects.none(), Company.objects.filter(pk__in=[])):
        paginator = IdFirstPaginator(empty.order_by("code"), 7)
        assert (paginator.count, paginator.approximate, list(paginator.get_page(1))) == (0, False, [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only")
def test_an_estimate_far_too_low_does_not_make_the_list_count_every_row(companies, monkeypatch):
    # The open complaints of a group at ten million: the planner expected fewer than the threshold.
    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 10)
    monkeypatch.setattr(paging, "_planner_estimate", lambda qs: 4)
    with CaptureQueriesContext(connection) as queries:
        low = IdFirstPaginator(Company.objects.order_by("code"), 7)
        assert (low.count, low.approximate) == (11, True)  # at least one more than the threshold
    assert [q["sql"] for q in queries if "COUNT(" in q["sql"]] and all(
        "LIMIT 11" in q["sql"] for q in queries if "COUNT(" in q["sql"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only")
def test_a_list_under_the_threshold_is_counted_without_asking_the_planner(companies, monkeypatch):
    monkeypatch.setattr(paging, "APPROXIMATE_ABOVE", 1000)
    companies_now = Company.objects.count()
    with CaptureQueriesContext(connection) as queries:
        paginator = IdFirstPaginator(Company.objects.order_by("code"), 7)
        assert (paginator.count, paginator.approximate) == (companies_now, False)
    assert len(queries) == 1 and not any("EXPLAIN" in q["sql"] for q in queries)
