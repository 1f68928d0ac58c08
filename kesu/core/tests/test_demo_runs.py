"""Running the demo (issue 2 §6): the password given, the same data from the same seed, the command's summary.

Each test generates its own demo, so they cannot share a module's; the one that builds the whole demo (twice, a
minute and more each) is marked ``slow``: left out of the README's quick run, run by CI on PostgreSQL (issue 25 §4).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction

from kesu import demo
from kesu.customers.models import Customer

from .test_demo import BASE_STEPS, TODAY

pytestmark = pytest.mark.django_db


def test_demo_users_log_in_with_the_demo_password():
    demo.generate(scale=1, seed=7, today=TODAY, password="demo-pass-123", steps=BASE_STEPS)
    assert authenticate(username="sales", password="demo-pass-123") is not None
    assert authenticate(username="sz.qa", password="demo-pass-123") is not None


def test_the_same_seed_gives_the_same_data_and_another_seed_different_data():
    def names(seed: int) -> list[str]:
        with transaction.atomic():
            demo.generate(scale=1, seed=seed, today=TODAY, steps=BASE_STEPS)
            result = list(Customer.objects.order_by("company__code", "code").values_list("name", flat=True))
            transaction.set_rollback(True)
        return result

    first = names(11)
    assert names(11) == first
    assert names(12) != first


@pytest.mark.slow
def test_the_command_prints_counts_and_logins_and_the_same_seed_gives_the_same_complaints(capsys):
    # One test for both: each builds the whole demo, and the command's run is the first of the two compared.
    from kesu.complaints.models import Complaint

    def snapshot(build) -> list[tuple]:
        with transaction.atomic():
            build()
            rows = list(Complaint.objects.order_by("company__code", "number")
                        .values_list("number", "status", "received_at", "description"))
            transaction.set_rollback(True)
        return rows

    first = snapshot(lambda: call_command("demo", scale=1, seed=9, today=TODAY))
    out = capsys.readouterr().out
    # What the demo made, per module, counted in the database (issue 17 §11).
    counts = {label: int(n.replace(",", "")) for label, n in re.findall(r"^  (\S[^\n]*?)\s{2,}([\d,]+)$", out, re.M)}
    assert counts["Customers"] == 60 and counts["Companies"] == 3  # what --scale 1 makes
    assert len(counts) >= 10 and counts["Complaints"] == len(first) > 4000
    assert "kesu-demo-2026" in out
    assert "director" in out and "sz." in out

    assert snapshot(lambda: demo.generate(scale=1, seed=9, today=TODAY)) == first
