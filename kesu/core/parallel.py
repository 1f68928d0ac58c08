"""Independent reads of one page side by side (issue 24: the analyses page).

A page of eleven analyses sends eleven groups of queries one after another, while PostgreSQL could run them at
once on as many cores. :func:`side_by_side` runs such calls on ``KESU_REPORT_THREADS`` threads — the request's
own thread and helpers — each helper with the caller's language, time zone and context variables
(``reporting()``) and connections of its own, closed when it has no call left. It falls back to one call after
the other where other connections could not see what this one sees: inside a transaction (what it wrote is not
committed; the tests run in one) and on SQLite (one writer, and a file opened per thread).

The calls must only read: each runs in its own transaction, a snapshot a few milliseconds apart from the
others'. Results come back by name, whatever order they were computed in; the first error of a call is raised
once every thread has stopped.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from contextvars import copy_context
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

T = TypeVar("T")


def may_run_apart() -> bool:
    """Whether other connections see what this thread's connection sees (no transaction open on it) and the
    database serves them at once (PostgreSQL)."""
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def side_by_side(calls: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """``{name: call()}`` for every call, on at most ``KESU_REPORT_THREADS`` threads taking the calls in their
    order as each finishes the one before (put the longest first)."""
    threads = min(settings.KESU_REPORT_THREADS, len(calls))
    if threads <= 1 or not may_run_apart():
        return {name: call() for name, call in calls.items()}
    waiting: queue.SimpleQueue[tuple[str, Callable[[], T]]] = queue.SimpleQueue()
    for item in calls.items():
        waiting.put(item)
    results: dict[str, T] = {}
    errors: list[BaseException] = []

    def work() -> None:
        while not errors:
            try:
                name, call = waiting.get_nowait()
            except queue.Empty:
                return
            try:
                results[name] = call()
            except BaseException as error:  # noqa: BLE001 — raised by the caller's thread below
                errors.append(error)

    language, zone = translation.get_language(), timezone.get_current_timezone()

    def localised() -> None:
        # Django keeps the language and time zone per thread (asgiref's Local): the copied context has them not.
        with translation.override(language), timezone.override(zone):
            work()

    def helper(context) -> None:
        try:
            context.run(localised)
        finally:
            connections.close_all()  # this thread's own connections; the request's are untouched

    helpers = [threading.Thread(target=helper, args=(copy_context(),), name=f"kesu-report-{i}", daemon=True)
               for i in range(threads - 1)]
    for thread in helpers:
        thread.start()
    try:
        work()  # the request's own thread takes its share, on its own connection
    finally:
        for thread in helpers:
            thread.join()
    if errors:
        raise errors[0]
    return {name: results[name] for name in calls}

