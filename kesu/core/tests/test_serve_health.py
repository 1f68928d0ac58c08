"""/healthz and /readyz (issue 24 §1): for load balancers and service managers, before any login or host check."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kesu.core import health


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    health.forget_migration_check()
    yield
    health.forget_migration_check()


def test_healthz_answers_without_touching_the_database(client):
    # No database access is allowed in this test: a single query would fail it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_a_probe_naming_the_machine_by_address_is_answered_not_refused(client, settings):
    settings.ALLOWED_HOSTS = ["kesu.example.com"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.5").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.5").status_code == 400  # the rest stays guarded


@pytest.mark.django_db
def test_readyz_is_200_on_a_reachable_fully_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_while_migrations_are_pending(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a", False), ("b", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "pending_migrations": 2}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse():
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", lambda self: refuse())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.django_db
def test_a_migrated_database_is_remembered_so_probes_stay_cheap(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    assert client.get("/readyz").status_code == 200
    calls = []
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: calls.append(1) or [])
    for _ in range(3):
        assert client.get("/readyz").status_code == 200
    assert calls == []


def test_only_get_and_head_are_answered(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code != 200
