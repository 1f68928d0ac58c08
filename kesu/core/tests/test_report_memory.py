"""Reports sort and group in more memory than PostgreSQL's default (issue 24: the recurring problems of a year
at a million complaints spilled to disk), and only while a report runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections

from kesu.core.dbrouter import report_memory, reporting

REPO = Path(__file__).resolve().parents[3]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem is PostgreSQL's")


def _work_mem(alias: str = "default") -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_a_report_has_its_memory_while_it_runs_and_the_connection_gets_the_servers_back(settings):
    settings.KESU_REPORT_WORK_MEM = "48MB"
    server = _work_mem()
    assert server != "48MB"
    with reporting() as alias:
        assert _work_mem(alias) == server  # routing alone sets nothing
        with report_memory():
            assert _work_mem(alias) == "48MB"
            with report_memory():  # an analysis inside a page's report: the outer one decides
                assert _work_mem(alias) == "48MB"
            assert _work_mem(alias) == "48MB"
        assert _work_mem(alias) == server
    assert _work_mem() == server


@postgres_only
@pytest.mark.django_db
def test_an_empty_setting_leaves_the_servers_memory_alone(settings):
    settings.KESU_REPORT_WORK_MEM = ""
    server = _work_mem()
    with reporting() as alias, report_memory():
        assert _work_mem(alias) == server


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_report_that_fails_inside_a_transaction_leaves_no_setting_behind(settings):
    from django.db import DataError, transaction

    settings.KESU_REPORT_WORK_MEM = "48MB"
    server = _work_mem()
    with pytest.raises(DataError), transaction.atomic(), report_memory():  # the error itself, not a later one
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
    assert _work_mem() == server


def test_a_size_postgresql_would_refuse_is_refused_when_kesu_starts(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "kesu.settings", "PYTHONPATH": str(REPO),
                   "KESU_DATA_DIR": str(tmp_path), "KESU_REPORT_WORK_MEM": "lots"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=environment, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "KESU_REPORT_WORK_MEM" in result.stderr
