"""What a serving process does to answer faster (issue 24): PostgreSQL statements prepared on their connection,
and the loaded code kept out of the garbage collector's sight."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[3]


def _python(code: str, **env: str) -> str:
    """``code`` run by a fresh interpreter with Kesu's settings and ``env`` (a settings module is read once)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KESU_DB_PREPARED")}
    environment.update({"DJANGO_SETTINGS_MODULE": "kesu.settings", "PYTHONPATH": str(REPO), **env})
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


_OPTIONS = ("import django; django.setup(); from django.conf import settings; "
            "o = settings.DATABASES['default'].get('OPTIONS', {}); "
            "print(o.get('server_side_binding'), o.get('prepare_threshold'))")
POSTGRES = "postgres://postgres@127.0.0.1:5432/kesu_never_connected"


def test_postgresql_statements_are_prepared_unless_turned_off(tmp_path):
    data = {"KESU_DATA_DIR": str(tmp_path)}
    assert _python(_OPTIONS, KESU_DATABASE_URL=POSTGRES, **data) == "True 2"
    assert _python(_OPTIONS, KESU_DATABASE_URL=POSTGRES, KESU_DB_PREPARED="0", **data) == "None None"
    # SQLite has no such thing: its options stay its own.
    assert _python(_OPTIONS, KESU_DATABASE_URL=f"sqlite:///{tmp_path / 'k.sqlite3'}", **data) == "None None"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db
def test_a_repeated_query_is_prepared_on_its_connection():
    from kesu.complaints.models import Complaint

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                           "WHERE statement LIKE %s AND statement LIKE %s",
                           ["%complaints_complaint%", "%$1%"])
            return cursor.fetchone()[0]

    before = prepared()
    for bound in (5, 6, 7):  # one statement, three parameters: bound on the server, not spliced into the text
        list(Complaint.objects.filter(pk__gt=bound).values_list("pk", flat=True)[:1])
    assert prepared() == before + 1


def test_a_served_process_keeps_its_loaded_code_out_of_the_collector(tmp_path):
    code = ("import gc; import kesu.wsgi; from django.urls import get_resolver; "
            "print(gc.get_freeze_count() > 100000, 'url_patterns' in get_resolver().__dict__)")
    assert _python(code, KESU_DATA_DIR=str(tmp_path)) == "True True"
