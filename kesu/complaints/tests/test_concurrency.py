"""Many users at once: 50 parallel creations get 50 numbers; of two users moving one complaint, one wins.

Real threads with their own database connections. On SQLite this needs a
database file (WAL + IMMEDIATE transactions serialise the writers); the
in-memory test database shares one cache between threads and reports
"table is locked" instead of waiting, so under it the test re-runs itself in
a subprocess against a temporary file database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import close_old_connections, connection, connections

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint, StatusChange
from kesu.complaints.services import TransitionRefused
from kesu.complaints.tests.factories import People, bring_to, complaint_data
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_file_database(request, tmp_path: Path) -> bool:
    """True when the test was delegated to a subprocess (and passed there)."""
    if connection.vendor != "sqlite" or not connection.creation.is_in_memory_db(connection.settings_dict["NAME"]):
        return False
    env = dict(os.environ, KESU_TEST_SQLITE_NAME=str(tmp_path / "concurrency.sqlite3"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", f"{__file__}::{request.node.name}", "-q", "-p", "no:cacheprovider",
         "-m", ""],
        env=env, capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return True


def _run_in_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return errors


@pytest.mark.slow
def test_fifty_parallel_creations_get_fifty_distinct_numbers(request, tmp_path, company_a):
    if _needs_file_database(request, tmp_path):
        return
    user = People(company_a)[Role.SALESPERSON]
    customer = CustomerFactory(company=company_a)
    numbers: list[str] = []

    def create_five(_index: int) -> None:
        for _ in range(5):
            complaint = services.complaint_create(
                actor=user, company=company_a, data=complaint_data(company_a, customer=customer)
            )
            numbers.append(complaint.number)

    errors = _run_in_threads(10, create_five)

    assert errors == []
    assert len(numbers) == 50
    assert len(set(numbers)) == 50
    assert sorted(Complaint.objects.filter(company=company_a).values_list("number", flat=True)) == sorted(numbers)


@pytest.mark.slow
def test_two_users_acting_on_one_complaint_at_once_cannot_both_win(request, tmp_path, company_a):
    if _needs_file_database(request, tmp_path):
        return
    people = People(company_a)
    complaint = bring_to(Status.REMEDY_APPROVED, people)
    sales, qa = people[Role.SALESPERSON], people[Role.QA]
    version_before = complaint.version
    outcomes: list[str] = []

    def decide(index: int) -> None:
        # Each user loaded the complaint in "remedy approved" and acts on their own copy.
        mine = Complaint.objects.get(pk=complaint.pk)
        try:
            if index == 0:
                services.customer_decision_record(actor=sales, complaint=mine, accepted=True)
            else:
                services.customer_decision_record(actor=qa, complaint=mine, accepted=False, reason="价格不接受")
            outcomes.append("won")
        except TransitionRefused as refused:
            outcomes.append(refused.code)

    errors = _run_in_threads(2, decide)

    assert errors == []
    assert sorted(outcomes) == ["stale", "won"]
    complaint.refresh_from_db()
    assert complaint.status in (Status.REMEDY_ACCEPTED, Status.CUSTOMER_REJECTED)
    assert complaint.version == version_before + 1  # one decision won, one write
    assert StatusChange.objects.filter(complaint=complaint, old_status=Status.REMEDY_APPROVED).count() == 1


def test_a_stale_version_from_a_page_is_refused(company_a, db):
    people = People(company_a)
    complaint = bring_to(Status.RECEIVED, people)
    seen_version = complaint.version
    services.note_add(actor=people[Role.SALESPERSON], complaint=complaint, text="先记一笔")
    services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"defect_location": "底座"})
    with pytest.raises(TransitionRefused) as refused:
        services.complaint_transition(actor=people[Role.SALESPERSON], complaint=complaint, action="acknowledge",
                                      channel="phone", expected_version=seen_version)
    assert refused.value.code == TransitionRefused.STALE
