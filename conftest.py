"""Shared test personas (conventions habit 10): a salesperson, a QA engineer, a GM, an outsider, an admin.

Company A is the factory under test; company B is another company of the
group that A's staff must never see into.
"""

from __future__ import annotations

import pytest

from kesu.accounts.models import ApiToken
from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import CompanyFactory, UserFactory
from kesu.core.tests.migration_seeds import SEEDING_MIGRATIONS

TEST_PASSWORD = "kesu-test-pass-1"

# The demo tests share one demo built per session (kesu/demo/tests/conftest.py); they must run on one xdist
# worker, one after another. xdist's own "loadgroup" does not group with pytest 9 (the group suffix it writes to
# the node id is lost), so the scheduler is ours: every test is its own unit, as with "load", except that the
# demo package is one unit.
DEMO_TESTS = "kesu/demo/tests/"


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class DemoTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return DEMO_TESTS if nodeid.startswith(DEMO_TESTS) else nodeid

    return DemoTogether(config, log)


# The README's SQLite run builds the test database from the models (``--no-migrations`` in pyproject's addopts)
# and then adds the rows of the data migrations that seed something (kesu/core/tests/migration_seeds.py). CI's
# PostgreSQL run passes ``--migrations`` and so applies every migration.
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    if request.config.getoption("nomigrations"):
        with django_db_blocker.unblock():
            for seed in SEEDING_MIGRATIONS.values():
                seed()
            _record_migrations_applied()


def _record_migrations_applied() -> None:
    """Mark every migration applied, as ``migrate --fake`` would: the schema built from the models is theirs
    (test_migrations.py), and processes a test starts on this database (``kesu serve``'s readiness probe,
    ``kesu up``) must not see them as pending."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    hidden, settings.MIGRATION_MODULES = settings.MIGRATION_MODULES, {}
    try:
        nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    finally:
        settings.MIGRATION_MODULES = hidden
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    recorder.Migration.objects.bulk_create([recorder.Migration(app=app, name=name) for app, name in nodes])


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every persona has a password; the default PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Uploaded files of a test go to a temporary folder, not into the checkout's data/media.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def english():
    """Read service-level messages in their source language (pages are tested in zh-Hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def company_a(db):
    return CompanyFactory(code="A", name="苏州甲机械有限公司", short_name="甲机械")


@pytest.fixture
def company_b(db):
    return CompanyFactory(code="B", name="宁波乙电子有限公司", short_name="乙电子")


@pytest.fixture
def make_user(db, company_a):
    def make(role: str = Role.SALESPERSON, company=None, **kwargs):
        return UserFactory(role=role, company=company or company_a, **kwargs)

    return make


@pytest.fixture
def salesperson(make_user):
    return make_user(Role.SALESPERSON, username="sales1", display_name="王销售")


@pytest.fixture
def sales_director(make_user):
    return make_user(Role.SALES_DIRECTOR, username="director1", display_name="赵总监")


@pytest.fixture
def qa_engineer(make_user):
    return make_user(Role.QA, username="qa1", display_name="李品保")


@pytest.fixture
def gm(make_user):
    return make_user(Role.GM, username="gm1", display_name="陈总经理")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="admin1", display_name="管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(make_user, company_b):
    """A salesperson of company B: must see nothing of company A."""
    return make_user(Role.SALESPERSON, company=company_b, username="outsider", display_name="外人")


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def api_token():
    """A raw personal API token for a user, as the REST API expects it in 'Authorization: Bearer'."""

    def make(user, name: str = "test") -> str:
        raw = ApiToken.generate()
        ApiToken.objects.create(user=user, name=name, key_prefix=raw[:10], token_hash=ApiToken.hash(raw))
        return raw

    return make


@pytest.fixture
def api(client, api_token):
    """Call the REST API as a user: api(user).get('/api/v1/...')."""

    class Caller:
        def __init__(self, user):
            self.headers = {"Authorization": f"Bearer {api_token(user)}"}

        def get(self, path, **params):
            return client.get(path, params, headers=self.headers)

        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", headers=self.headers)

        def upload(self, path, data):
            """A multipart POST (files as values)."""
            return client.post(path, data, headers=self.headers)

        def put(self, path, data=None):
            return client.put(path, data or {}, content_type="application/json", headers=self.headers)

        def patch(self, path, data=None):
            return client.patch(path, data or {}, content_type="application/json", headers=self.headers)

        def delete(self, path):
            return client.delete(path, headers=self.headers)

    return Caller
