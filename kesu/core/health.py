"""``/healthz`` and ``/readyz`` for service managers and load balancers (issue 24 §1).

* ``/healthz``: the process answers. No database, no session, no template: a load balancer polling every
  second costs nothing, and a database outage does not make every app process look dead (restarting them
  would not help).
* ``/readyz``: this process can serve people: the database answers and every migration of the code is
  applied (200), otherwise 503, so a new node (or an upgrade whose ``migrate`` has not run yet) receives no
  traffic.

Both are answered by a middleware placed before the session, locale, CSRF and host checks: a health probe
names the machine by address (``Host: 10.0.0.5``) rather than by Kesu's host name, carries no cookie and must
not create a session. The bodies say nothing about people or data, only ``ok`` or what is not ready.
"""

from __future__ import annotations

import threading
import time

from django.http import JsonResponse

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
# Loading the migration graph takes tens of milliseconds: a fully migrated database is remembered this long.
MIGRATIONS_CHECKED_SECONDS = 30.0

_migrated_at = 0.0
_lock = threading.Lock()


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz() -> JsonResponse:
    """The process is up; nothing else is asked."""
    return _no_store(JsonResponse({"status": "ok"}))


def database_reachable() -> bool:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except DatabaseError:
        # A broken connection kept from an earlier request would fail every later probe too.
        connection.close_if_unusable_or_obsolete()
        return False


def pending_migrations() -> int:
    """How many migrations of the code are not applied to the database (0 when up to date)."""
    global _migrated_at
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if time.monotonic() - _migrated_at < MIGRATIONS_CHECKED_SECONDS:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if pending == 0:
        with _lock:
            _migrated_at = time.monotonic()
    return pending


def forget_migration_check() -> None:
    """Check the migrations again on the next probe (tests; after a restore into a running process)."""
    global _migrated_at
    with _lock:
        _migrated_at = 0.0


def readyz() -> JsonResponse:
    """200 when the database answers and is fully migrated, 503 (with what is missing) otherwise."""
    from django.db import DatabaseError, connection

    if not database_reachable():
        return _no_store(JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503))
    try:
        pending = pending_migrations()
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        return _no_store(JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503))
    if pending:
        return _no_store(JsonResponse({"status": "unavailable", "database": "ok", "pending_migrations": pending},
                                      status=503))
    return _no_store(JsonResponse({"status": "ok", "database": "ok"}))


class HealthCheckMiddleware:
    """Answer ``GET``/``HEAD`` of ``/healthz`` and ``/readyz`` before any other middleware looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/") or "/"
        if path in (HEALTH_PATH, READY_PATH) and request.method in ("GET", "HEAD"):
            return healthz() if path == HEALTH_PATH else readyz()
        return self.get_response(request)
