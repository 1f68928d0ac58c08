"""What a test database built from the models (``--no-migrations``) lacks against one built by the migrations.

Applying the migrations cost every xdist worker 85 seconds before they were squashed (16 s now), nearly all of it
in Django's migration state rendering, so the README's SQLite run builds the schema from the models instead
(pyproject's addopts) and CI's PostgreSQL run applies the migrations (``--migrations``). The schema is the same:
``makemigrations --check`` passes (test_migrations.py). The data differs only by what the data migrations write
into an empty database: most of them change rows that already exist and so write nothing; the others are
replayed by the root conftest from ``SEEDING_MIGRATIONS``. A new data migration must be put in one of the two
lists (test_migrations.py fails until it is).
"""

from __future__ import annotations


def _statutory_calendar() -> None:
    from kesu.core.calendar import load_statutory_from_package

    load_statutory_from_package()


# migration → what it writes into an empty database, done without the migration's historical models
SEEDING_MIGRATIONS = {
    "core.0002_load_statutory_calendar": _statutory_calendar,
    "core.0001_squashed_0010_pending_events": _statutory_calendar,  # the same step, in the squashed migration
}

# migrations whose data step only changes rows already there: nothing to replay on an empty database
ROW_MIGRATIONS = {
    "accounts.0004_search_initials", "capa.0005_ncr_change", "claims.0002_change_shape",
    "claims.0003_gm_approves_capa_at_settlement", "complaints.0003_number_counter",
    "complaints.0009_iso10002_items", "customers.0004_search_initials", "notifications.0006_outbox_retries",
    "notifications.0009_rules_tell_the_next_actor", "notifications.0012_pass_on_audience",
    "reports.0002_report_change_shape", "reports.0005_shipment_closure_response_rollups",
    "reports.0006_coarse_rollups",
    "surveys.0002_workflows_grades_reports",
}
