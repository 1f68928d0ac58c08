"""One loan at a time (issue 19 §3): of two requests for one item at the same instant, exactly one is recorded.

Real threads with their own connections (see kesu/complaints/tests/test_concurrency.py for why an in-memory SQLite
test database re-runs the test in a subprocess on a file database).
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.complaints.tests.test_concurrency import _run_in_threads
from kesu.property import services
from kesu.property.models import Loan
from kesu.property.tests.factories import new_item

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_file_database(request, tmp_path: Path) -> bool:
    """True when the test was delegated to a subprocess on a file database (and passed there)."""
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


@pytest.mark.slow
def test_two_parallel_loan_requests_for_one_item_record_one_loan(request, tmp_path, company_a):
    if _needs_file_database(request, tmp_path):
        return
    people = People(company_a)
    item = new_item(people)
    borrowers = [people[Role.PRODUCTION], people[Role.QA]]
    refused: list[str] = []

    def ask(index: int) -> None:
        try:
            services.loan_request(actor=borrowers[index], item=item, data={
                "purpose": "试模", "borrow_from": datetime.date(2026, 12, 1),
                "expected_return_on": datetime.date(2026, 12, 2)})
        except ValidationError as error:
            refused.append(error.message_dict["item"][0])

    errors = _run_in_threads(2, ask)

    assert errors == []
    assert Loan.objects.filter(item=item).count() == 1
    assert len(refused) == 1


def test_the_database_refuses_a_second_open_loan_even_without_the_service_check(company_a):
    from django.db import IntegrityError, transaction

    people = People(company_a)
    item = new_item(people)
    fields = {"company": company_a, "item": item, "requested_by": people[Role.QA], "purpose": "x",
              "keeper_department": item.keeper_department, "borrow_from": datetime.date(2026, 12, 1),
              "expected_return_on": datetime.date(2026, 12, 2)}
    Loan.objects.create(number="L1", status="issued", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(number="L2", status="requested", **fields)
    Loan.objects.create(number="L3", status="returned", **fields)  # closed loans do not count
