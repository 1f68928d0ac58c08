"""`kesu serve` as production runs it (issue 24 §1): 2 gunicorn workers, probes, a login page, SIGHUP, SIGTERM.

Quick (about 10 s on an idle 2-core machine; the waits below are generous bounds for a loaded one): the
subprocess gets a copy of the already migrated test database rather than migrating one of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from kesu.core import serving

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(not serving.gunicorn_available(), reason="gunicorn runs on Linux and macOS only")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """A database the server may use: a file copy of the SQLite test database, or the PostgreSQL test database."""
    if connection.vendor == "sqlite":
        # Read through a connection of its own (no transaction is open: transactional_db).
        name = connection.settings_dict["NAME"]
        source = sqlite3.connect(name, uri=connection.creation.is_in_memory_db(name), timeout=10)
        copy = tmp_path / "kesu.sqlite3"
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return f"sqlite:///{copy}"
    from urllib.parse import quote

    db = connection.settings_dict
    user, password = quote(db.get("USER") or "", safe=""), quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait(url: str, proc, deadline: float) -> tuple[int, str]:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"kesu serve exited early:\n{proc.stdout.read()}\n{proc.stderr.read()}")
        try:
            return _get(url)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time")


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


@pytest.mark.slow
def test_kesu_serve_runs_two_workers_answers_probes_reloads_on_hup_and_stops_on_term(tmp_path, transactional_db):
    database_url = _database_url(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KESU_")}
    env.update(KESU_DATA_DIR=str(tmp_path / "data"), KESU_DATABASE_URL=database_url, PYTHONPATH=str(REPO),
               KESU_SECRET_KEY="test-serve-" + "x" * 40, DJANGO_SETTINGS_MODULE="kesu.settings")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kesu.cli", "serve", "--workers", "2", "--threads", "2", "--port", str(port),
         "--graceful-timeout", "5"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = started + 60
        assert _wait(f"{base}/healthz", proc, deadline) == (200, '{"status": "ok"}')
        status, body = _wait(f"{base}/readyz", proc, deadline)
        assert status == 200, body
        status, body = _wait(f"{base}/accounts/login/", proc, deadline)
        assert status == 200 and 'name="password"' in body

        workers = _worker_pids(proc.pid)
        if Path(f"/proc/{proc.pid}").exists():
            assert len(workers) == 2
        proc.send_signal(signal.SIGHUP)  # graceful reload: new workers, the old ones finish and leave
        reload_deadline = time.monotonic() + 45
        while Path(f"/proc/{proc.pid}").exists() and time.monotonic() < reload_deadline:
            current = _worker_pids(proc.pid)
            if len(current) == 2 and not current & workers:
                break
            time.sleep(0.2)
        else:
            if Path(f"/proc/{proc.pid}").exists():
                raise AssertionError("the workers were not replaced after SIGHUP")
        status, body = _wait(f"{base}/accounts/login/", proc, time.monotonic() + 45)
        assert status == 200 and 'name="password"' in body
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "2 worker process(es)" in out and out.count("Kesu stopped.") == 1  # said by the master only
    assert '"GET /accounts/login/ HTTP/1.1" 200' in out  # the access log
    assert "Handling signal: hup" in err and "Handling signal: term" in err
