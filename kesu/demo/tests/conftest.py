"""One demo for every demo test (issue 25 §4): built once per test session, read by all, rolled back at the end.

The full demo (every step of :data:`kesu.demo.STEPS`, seed 5, "today" 30 June 2026) takes about a minute and a
half of one core; each module used to build its own. The tests of this package share it: they run on one
xdist worker one after another (the scheduler in the root conftest.py sends the package as one unit), so
the package-scoped fixture is built once and rolled back when the package's last test has run, and no other
test ever sees it.
A test that writes does so inside its own savepoint (pytest-django's ``django_db``), undone after it.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from kesu import demo

TODAY = datetime.date(2026, 6, 30)
SEED = 5


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    # The tests' password hasher (conftest) for the accounts made here, before the per-test settings apply.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock(), transaction.atomic():
        yield demo.generate(scale=1, seed=SEED, today=TODAY)
        transaction.set_rollback(True)
