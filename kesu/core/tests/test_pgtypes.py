"""PostgreSQL's time stamps come through psycopg's compiled loader, and as the same values Django's own loader
gives (kesu.core.pgtypes)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders are PostgreSQL's")]

STAMPS = ["2026-02-17 08:00:00+08", "2026-12-07 05:43:23.333522+00", "2026-10-01 00:00:00.000001+08",
          "1969-12-31 23:59:59.5+00", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00"]


def _read(cursor) -> list:
    cursor.execute("SELECT " + ", ".join(f"'{stamp}'::timestamptz" for stamp in STAMPS) + ", NULL::timestamptz")
    return list(cursor.fetchone())


def test_a_connection_reads_time_stamps_with_the_compiled_loader():
    from psycopg.pq import Format

    from kesu.core.pgtypes import TIMESTAMPTZ, CompiledTimestamptzLoader

    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT) is CompiledTimestamptzLoader


def test_the_compiled_loader_reads_what_djangos_reads():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as cursor:
        ours = _read(cursor)
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor)  # Django's Python loader, on this cursor only
        djangos = _read(cursor)

    assert ours == djangos
    assert ours[-1] is None
    assert all(value.tzinfo is datetime.UTC for value in ours[:-1])
    assert ours[1] == datetime.datetime(2026, 12, 7, 5, 43, 23, 333522, tzinfo=datetime.UTC)
    assert ours[2].microsecond == 1
