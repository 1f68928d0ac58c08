"""The test database built from the models is the one the migrations build (see migration_seeds.py)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import migrations

from kesu.core.tests.migration_seeds import ROW_MIGRATIONS, SEEDING_MIGRATIONS


def _data_migrations() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("kesu."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(package.__path__):
            migration = importlib.import_module(f"{package.__name__}.{module.name}").Migration
            if any(isinstance(op, migrations.RunPython) for op in migration.operations):
                found.add(f"{config.label}.{module.name}")
    return found


def test_every_data_migration_is_replayed_or_known_to_write_nothing_into_an_empty_database():
    found = _data_migrations()
    assert "core.0002_load_statutory_calendar" in found  # the scan sees the migrations at all
    assert found - SEEDING_MIGRATIONS.keys() - ROW_MIGRATIONS == set(), (
        "a new data migration: add it to SEEDING_MIGRATIONS (with what it writes) or ROW_MIGRATIONS")
    assert (SEEDING_MIGRATIONS.keys() | ROW_MIGRATIONS) - found == set(), "a listed migration no longer exists"


def test_the_models_and_the_migrations_describe_the_same_schema(settings, db):
    # pytest-django's --no-migrations hides the migration modules from this process; look at the real ones.
    settings.MIGRATION_MODULES = {}
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:
        raise AssertionError("the models have changes no migration describes: run makemigrations") from exit_


@pytest.mark.django_db
def test_the_seeded_statutory_calendar_is_in_the_test_database():
    from kesu.core.models import CalendarYear, StatutoryDay

    assert CalendarYear.objects.filter(year=2025).exists()
    assert StatutoryDay.objects.filter(date="2025-10-01", is_working=False).exists()
