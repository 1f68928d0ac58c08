"""Reads of reports from a read replica (issue 24 §3).

When ``KESU_REPLICA_DATABASE_URL`` is set, ``settings.DATABASES`` has a second alias, ``"replica"``: a streaming
standby of the primary. Only reads that may be a moment old go there, and only where the code says so:

* ``with reporting():`` around an analysis, a dashboard or a review pack: every read inside (through the ORM's
  router) goes to the replica;
* ``qs.using(replica_alias())`` for a read that is evaluated later (an export streamed while the file is
  written, a list's count).

Everything else — writes, and every read of a page that must show what the user just saved — stays on
``"default"``. A thread inside a transaction on the primary reads from the primary even in a report: what it
wrote (or locked) is not on the replica yet, and mixing two snapshots in one transaction would be a bug.
Without a replica both helpers simply answer ``"default"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("kesu_reporting", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_alias(primary: str = DEFAULT_DB_ALIAS) -> str:
    """The alias a report's read should use now: the replica when there is one and this thread holds no
    transaction open on the primary (read-your-writes), else the primary."""
    if not replica_configured() or connections[primary].in_atomic_block:
        return primary
    return REPLICA


@contextmanager
def reporting() -> Iterator[str]:
    """Route the reads inside to the replica (see the module's docstring); yields the alias they will use."""
    token = _reporting.set(True)
    try:
        yield replica_alias()
    finally:
        _reporting.reset(token)


# The connection whose memory the outermost report_memory() of this context set (None: none); a thread of
# kesu.core.parallel copies the context but reads on connections of its own, which get their memory apart.
_memory: ContextVar[object | None] = ContextVar("kesu_report_memory", default=None)


@contextmanager
def report_memory() -> Iterator[None]:
    """Let PostgreSQL sort and group in ``KESU_REPORT_WORK_MEM`` for the analyses inside (the server's default of
    4 MB sent the recurring problems of a year at a million complaints to disk: 440 ms against 290); the
    connection gets the server's setting back when the outermost ``report_memory()`` ends. Enter it inside
    ``reporting()``, so that it is the connection the analyses read from that gets the memory."""
    alias = replica_alias() if _reporting.get() else DEFAULT_DB_ALIAS
    connection = connections[alias]
    if _memory.get() is connection or not settings.KESU_REPORT_WORK_MEM or connection.vendor != "postgresql":
        yield  # inside another report on this connection (the outer one decides), turned off, or not PostgreSQL
        return
    token = _memory.set(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, false)", [settings.KESU_REPORT_WORK_MEM])
    try:
        yield
    finally:
        _memory.reset(token)
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET work_mem")
        except DatabaseError:
            if not connection.in_atomic_block:
                raise
            # The report failed inside a transaction, which PostgreSQL now refuses every statement: its
            # rollback takes the setting back with it, and the report's own error is the one to raise.


def in_reporting() -> bool:
    return _reporting.get()


class ReportingRouter:
    """Reads inside ``reporting()`` to the replica, all writes and migrations to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if _reporting.get():
            alias = replica_alias()
            if alias == REPLICA:
                return alias
        return None  # Django's default: the instance's own database, else "default"

    def db_for_write(self, model, **hints) -> str:
        # Never the replica, even for an object read from it (Django would otherwise write where it came from).
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        if both <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True  # one database, two doors
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool | None:
        if db == REPLICA:
            return False  # a standby is read-only; it gets the schema by streaming
        return None
