"""The background worker: a registry of idempotent periodic jobs, run until SIGTERM."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from kesu.core import jobs

REPO = Path(__file__).resolve().parents[3]


def _job(name: str, minutes: int, func=lambda: None) -> jobs.Job:
    return jobs.Job(name=name, every=datetime.timedelta(minutes=minutes), func=func)


@pytest.mark.django_db
def test_worker_once_clears_expired_sessions_and_keeps_live_ones(capsys):
    live = SessionStore()
    live.create()
    Session.objects.create(
        session_key="expired-session", session_data="", expire_date=timezone.now() - datetime.timedelta(days=1)
    )

    call_command("worker", once=True)

    assert not Session.objects.filter(session_key="expired-session").exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert "core.clear_expired_sessions" in capsys.readouterr().out


def test_every_job_is_due_when_the_worker_starts_then_only_after_its_interval():
    now = timezone.now()
    hourly, daily = _job("hourly", 60), _job("daily", 24 * 60)
    scheduler = jobs.Scheduler(jobs=[hourly, daily])
    assert scheduler.due(now) == [hourly, daily]

    scheduler.last_started = {"hourly": now, "daily": now}
    assert scheduler.due(now + datetime.timedelta(minutes=59)) == []
    assert scheduler.due(now + datetime.timedelta(minutes=60)) == [hourly]
    assert scheduler.seconds_until_next(now + datetime.timedelta(minutes=30)) == pytest.approx(30 * 60)


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_does_not_stop_the_others(caplog):
    ran = []

    def broken():
        raise RuntimeError("mail server down")

    scheduler = jobs.Scheduler(jobs=[_job("broken", 5, broken), _job("fine", 5, lambda: ran.append(1))])
    assert scheduler.run_due() == ["fine"]
    assert ran == [1]
    assert "job broken failed" in caplog.text
    # It was attempted, so it waits for its interval like the others.
    assert set(scheduler.last_started) == {"broken", "fine"}


def test_registering_a_job_adds_it_under_its_name_and_refuses_a_zero_interval():
    try:
        @jobs.register("test.sample", every=datetime.timedelta(minutes=5))
        def sample() -> None:
            """Do nothing, for the test."""

        assert jobs.REGISTRY["test.sample"].func is sample
        assert jobs.REGISTRY["test.sample"].description == "Do nothing, for the test."
        with pytest.raises(ValueError):
            jobs.register("test.bad", every=datetime.timedelta(0))
    finally:
        jobs.REGISTRY.pop("test.sample", None)


@pytest.mark.slow
def test_the_worker_process_stops_cleanly_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KESU_DATABASE_URL"}
    env.update(KESU_DATA_DIR=str(tmp_path), PYTHONPATH=str(REPO), DJANGO_SETTINGS_MODULE="kesu.settings")
    subprocess.run(
        [sys.executable, "-m", "kesu.cli", "manage", "migrate", "-v0"], env=env, cwd=tmp_path, check=True, timeout=300
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "kesu.cli", "worker"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert "Kesu worker started" in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Kesu worker stopped." in out
