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


def _described(replace_migrations: bool) -> dict:
    """Every Kesu model as the migration files describe it, fields and options written out as Django writes them."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.writer import MigrationWriter

    loader = MigrationLoader(None, replace_migrations=replace_migrations)
    # Without replacing, the squashed migrations stay in the graph beside the old ones: end at the old leaves.
    leaves = [node for node in loader.graph.leaf_nodes() if replace_migrations or node not in loader.replacements]
    state = loader.project_state(leaves)
    described = {}
    for (app_label, name), model in state.models.items():
        if not apps.get_app_config(app_label).name.startswith("kesu."):
            continue
        options = {key: value for key, value in model.options.items() if (key, value) != ("abstract", False)}
        listed = {key: sorted(MigrationWriter.serialize(item)[0] for item in options.pop(key, []))
                  for key in ("indexes", "constraints")}
        described[app_label, name] = {
            "fields": {field_name: MigrationWriter.serialize(field)[0] for field_name, field in model.fields.items()},
            "options": MigrationWriter.serialize(options)[0], **listed,
            "bases": MigrationWriter.serialize(model.bases)[0],
        }
    return described


def test_each_squashed_migration_describes_what_the_migrations_it_replaces_describe(settings):
    # New installations apply the squashed migrations; existing ones applied the old files. Both must end at
    # the same models, field for field, with the same indexes and constraints.
    settings.MIGRATION_MODULES = {}
    squashed, replayed = _described(True), _described(False)
    assert squashed.keys() == replayed.keys()
    assert len(squashed) > 100  # the loader saw the migrations at all
    for key in squashed:
        assert squashed[key] == replayed[key], key
