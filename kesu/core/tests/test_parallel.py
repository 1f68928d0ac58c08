"""Independent reads of one page run side by side on PostgreSQL (kesu/core/parallel.py): each helper thread with
the caller's language and report routing, on connections of its own that are closed after; one after another
inside a transaction, where other connections would not see what it wrote."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import translation

from kesu.core.dbrouter import in_reporting, report_memory, reporting
from kesu.core.parallel import may_run_apart, side_by_side

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs the calls in turn")


def _seen(_name: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1")
        backend = cursor.fetchone()[0]
    return {"thread": threading.current_thread().name, "language": translation.get_language(),
            "reporting": in_reporting(), "backend": backend}


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _calls(names):
    # Each call waits at the barrier for the other, so two threads must take them.
    barrier = threading.Barrier(2, timeout=20)

    def call(name):
        barrier.wait()
        return _seen(name)

    return {name: (lambda name=name: call(name)) for name in names}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_calls_run_on_two_threads_with_the_callers_context_and_their_connections_are_closed_after(settings):
    settings.KESU_REPORT_THREADS = 2
    assert may_run_apart()
    before = _backends()
    with translation.override("zh-hant"), reporting():
        results = side_by_side(_calls(["a", "b"]))
    assert list(results) == ["a", "b"]
    threads = {r["thread"] for r in results.values()}
    assert threading.current_thread().name in threads and len(threads) == 2
    assert {r["language"] for r in results.values()} == {"zh-hant"}
    assert all(r["reporting"] for r in results.values())
    assert len({r["backend"] for r in results.values()}) == 2  # two connections, one the caller's own
    # The helper's connection is gone again (the server's backend ends a moment after the client closes it).
    deadline = time.monotonic() + 10
    while _backends() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _backends() == before
    assert not [t for t in threading.enumerate() if t.name.startswith("kesu-report-")]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_first_error_of_a_call_is_raised_once_the_others_have_stopped(settings):
    settings.KESU_REPORT_THREADS = 2

    def fails():
        raise ValueError("no such figure")

    with pytest.raises(ValueError, match="no such figure"):
        side_by_side({"fails": fails, "fine": lambda: 1})
    assert not [t for t in threading.enumerate() if t.name.startswith("kesu-report-")]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_helper_thread_gets_the_reports_memory_on_its_own_connection(settings):
    settings.KESU_REPORT_THREADS = 2
    settings.KESU_REPORT_WORK_MEM = "48MB"
    barrier = threading.Barrier(2, timeout=20)

    def memory():
        with report_memory():
            barrier.wait()
            with connection.cursor() as cursor:
                cursor.execute("SHOW work_mem")
                return threading.current_thread().name, cursor.fetchone()[0]

    with reporting(), report_memory():
        results = side_by_side({"a": memory, "b": memory})
    assert len({name for name, _mem in results.values()}) == 2
    assert {mem for _name, mem in results.values()} == {"48MB"}


@pytest.mark.django_db
def test_inside_a_transaction_the_calls_run_in_turn_on_the_callers_thread(settings):
    settings.KESU_REPORT_THREADS = 4
    with transaction.atomic():
        assert not may_run_apart()
        results = side_by_side({name: (lambda name=name: _seen(name)) for name in ("a", "b", "c")})
    assert list(results) == ["a", "b", "c"]
    assert {r["thread"] for r in results.values()} == {threading.current_thread().name}


@pytest.mark.django_db(transaction=True)
def test_one_thread_runs_the_calls_in_turn(settings):
    settings.KESU_REPORT_THREADS = 1
    results = side_by_side({name: (lambda name=name: _seen(name)) for name in ("a", "b")})
    assert {r["thread"] for r in results.values()} == {threading.current_thread().name}
    assert connections["default"].connection is not None or connection.vendor == "sqlite"
