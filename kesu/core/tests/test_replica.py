"""The read replica (issue 24 §3): reports read from the "replica" alias, writes and read-your-writes from "default".

The replica here is a second alias on the test database (``TEST: MIRROR``), as the settings make it when
``KESU_REPLICA_DATABASE_URL`` is set; ``scripts/ci_replica.sh`` runs the analyses and export tests against a
real streaming standby.
"""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from kesu.accounts.models import Company
from kesu.accounts.tests.factories import CompanyFactory
from kesu.core import dbrouter
from kesu.core.dbrouter import REPLICA, ReportingRouter, replica_alias, reporting
from kesu.core.importexport import export_rows
from kesu.core.paging import IdFirstPaginator
from kesu.reports import analyses

# The CI replica run (scripts/ci_replica.sh) configures the alias: the tests that use it must then name it.
DATABASES = ["default", REPLICA] if REPLICA in settings.DATABASES else ["default"]


@pytest.fixture
def replica():
    """A "replica" alias on the test database, unless the settings already have one (the CI replica run)."""
    added = REPLICA not in connections.settings
    if added:
        connections.settings[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    # Connected here, by hand: Django's test case refuses to open a connection of an alias it was not told of.
    if connections[REPLICA].connection is None:
        connections[REPLICA].connect()
    yield connections[REPLICA]
    if added:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _caught_up(replica) -> None:
    """A real standby (scripts/ci_replica.sh) replays the primary's commits a moment later: wait for them."""
    if replica.vendor != "postgresql":
        return
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        if not cursor.fetchone()[0]:
            return  # the MIRROR alias: the primary itself
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + 30
    while True:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, "the standby did not catch up within 30 s"
        time.sleep(0.05)


def _scope(company: Company) -> analyses.Scope:
    return analyses.Scope(company_ids=(company.pk,), date_from=datetime.date(2026, 1, 1),
                          date_to=datetime.date(2026, 12, 31))


def test_without_a_replica_every_read_goes_to_the_primary():
    if REPLICA in connections.settings:
        pytest.skip("this run has a replica configured (scripts/ci_replica.sh)")
    assert replica_alias() == "default"
    with reporting() as alias:
        assert alias == "default"
        assert ReportingRouter().db_for_read(Company) is None


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_an_analysis_reads_from_the_replica_and_sees_what_the_primary_committed(replica):
    company = CompanyFactory(code="R1", name="复制甲")
    _caught_up(replica)
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        result = analyses.run(_scope(company), "frequency")
        with reporting():
            names = list(Company.objects.filter(pk=company.pk).values_list("name", flat=True))
    assert result is not None
    assert names == ["复制甲"]
    assert len(on_replica) >= 2
    assert len(on_primary) == 0


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_writes_inside_a_report_go_to_the_primary_even_for_an_object_read_from_the_replica(replica):
    CompanyFactory(code="R2", name="复制乙")
    _caught_up(replica)
    with reporting():
        company = Company.objects.get(code="R2")
        assert company._state.db == REPLICA
        with CaptureQueriesContext(connections["default"]) as on_primary:
            company.name = "复制乙改"
            company.save(update_fields=["name"])
    assert any("UPDATE" in q["sql"] for q in on_primary.captured_queries)
    assert Company.objects.using("default").get(code="R2").name == "复制乙改"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_exports_and_list_counts_read_from_the_replica(replica):
    for code in ("R3", "R4", "R5"):
        CompanyFactory(code=code)
    _caught_up(replica)
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        rows = list(export_rows(Company.objects.filter(code__startswith="R").order_by("code"), ["code", "name"]))
        count = IdFirstPaginator(Company.objects.filter(code__startswith="R").order_by("pk"), 2).count
    assert [row.code for row in rows] == ["R3", "R4", "R5"]
    assert count == 3
    assert len(on_replica) >= 2 and len(on_primary) == 0  # PostgreSQL asks the planner first


@pytest.mark.django_db(databases=DATABASES)
def test_inside_a_transaction_on_the_primary_a_report_reads_its_own_writes_from_the_primary(replica):
    # pytest-django runs this test inside a transaction: what it wrote is not on any replica yet.
    company = CompanyFactory(code="R6", name="未提交")
    assert replica_alias() == "default"
    with CaptureQueriesContext(connections["default"]) as on_primary:
        with reporting() as alias:
            assert alias == "default"
            assert Company.objects.filter(pk=company.pk).exists()
    assert len(on_primary) == 1


@pytest.mark.django_db(databases=DATABASES)
def test_the_router_sends_writes_and_migrations_to_the_primary_only(replica):
    router = ReportingRouter()
    assert router.db_for_write(Company) == "default"
    assert router.allow_migrate(REPLICA, "accounts") is False
    assert router.allow_migrate("default", "accounts") is None
    assert dbrouter.replica_configured()
    assert not dbrouter.in_reporting()
    with reporting():
        assert dbrouter.in_reporting()
    assert not dbrouter.in_reporting()


@pytest.mark.skipif(not os.environ.get("KESU_REPLICA_DATABASE_URL"), reason="only with a real standby (ci_replica.sh)")
@pytest.mark.django_db(databases=DATABASES)
def test_the_configured_replica_is_a_read_only_streaming_standby(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()
    assert in_recovery is True
    assert name == connections["default"].settings_dict["NAME"]  # the test database, streamed from the primary
