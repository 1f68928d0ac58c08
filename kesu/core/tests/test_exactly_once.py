"""Exactly once with several workers (issue 24 §2): three ``kesu worker`` processes on one PostgreSQL database share
a few hundred outbox mails and the periodic jobs; one is killed with SIGKILL mid-batch; every mail still arrives
once (the one the killed worker had in hand, at most, a second time with the same Message-ID once its sending
timeout has passed), and every periodic job ran once across the three.

PostgreSQL only: ``SKIP LOCKED`` and several processes on one test database are what it is about (CI step 3 runs
the suite on PostgreSQL). The mails are queued through the ORM from the test, before the workers start.
"""

from __future__ import annotations

import collections
import datetime
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.mail.backends import filebased
from django.db import connection
from django.utils import timezone

REPO = Path(__file__).resolve().parents[3]
MAILS = 300
WORKERS = 3
DEADLINE_SECONDS = 50
MESSAGE_ID = re.compile(rb"^Message-ID:\s+(<[^>]+>)", re.MULTILINE)  # a long id is folded onto the next line


class SlowFileBackend(filebased.EmailBackend):
    """Writes each mail to a file of its own process (``KESU_TEST_MAIL_DIR``), a little slowly, so that a SIGKILL
    lands in the middle of a worker's batch rather than after it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["KESU_TEST_MAIL_DIR"])
        super().__init__(*args, **kwargs)

    def _get_filename(self):
        # Django's name (second + object id) may repeat across processes; the pid keeps each worker's file apart.
        if self._fname is None:
            self._fname = os.path.join(self.file_path, f"{os.getpid()}-{id(self)}-{time.time_ns()}.log")
        return self._fname

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


def _database_url() -> str:
    db = connection.settings_dict  # the test database pytest-django made, which the workers must use too
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(tmp_path: Path, name: str, **extra: str) -> dict[str, str]:
    """The environment of a ``kesu worker`` subprocess on this test database (shared by the tests that kill one):
    short job leases, its own data folder and secret key, no replica; ``extra`` adds or overrides variables."""
    env = {
        **os.environ,
        "KESU_DATABASE_URL": _database_url(),
        "KESU_JOB_LEASE_SECONDS": "3",
        "KESU_DATA_DIR": str(tmp_path / "data"),
        "KESU_SECRET_KEY": f"{name}-test-" + "x" * 40,
        "PYTHONPATH": str(REPO),
        **extra,
    }
    env.pop("KESU_REPLICA_DATABASE_URL", None)
    return env


def _delivered(folder: Path) -> collections.Counter:
    found: collections.Counter = collections.Counter()
    for path in folder.glob("*.log"):
        found.update(m.decode() for m in MESSAGE_ID.findall(path.read_bytes()))
    return found


@pytest.mark.skipif(os.environ.get("KESU_DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
                    reason="needs PostgreSQL (SKIP LOCKED, several processes on one test database): CI step 3")
@pytest.mark.django_db(transaction=True)
def test_three_workers_send_every_mail_once_and_run_every_job_once_though_one_is_killed_mid_batch(
        tmp_path, monkeypatch, settings):
    from kesu.core.jobs import REGISTRY, autodiscover
    from kesu.core.models import JobLease
    from kesu.notifications import services
    from kesu.notifications.models import OutboxMail

    assert connection.vendor == "postgresql"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    rows = [services.mail_queue(company=None, to=f"r{i}@example.com", subject=f"s{i}", body="b") for i in range(MAILS)]
    env = worker_env(tmp_path, "exactly-once", KESU_EMAIL_BACKEND=f"{__name__}.SlowFileBackend",
                     KESU_TEST_MAIL_DIR=str(mail_dir), KESU_MAIL_PER_MINUTE="100000")
    autodiscover()
    exclusive = {name for name, job in REGISTRY.items() if job.exclusive and job.every >= datetime.timedelta(minutes=1)}
    started = time.monotonic()
    workers = [subprocess.Popen([sys.executable, "-m", "kesu.cli", "worker"], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(WORKERS)]
    victim = workers[0]
    held_by_victim: set[str] = set()
    try:
        # Kill the first worker once the three are well into the outbox.
        while OutboxMail.objects.filter(status="sent").count() < MAILS // 4:
            assert time.monotonic() - started < DEADLINE_SECONDS, "the workers sent too little in time"
            assert all(w.poll() is None for w in workers), "a worker stopped by itself"
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        held_by_victim = {lease.name for lease in JobLease.objects.filter(
            holder__contains=f":{victim.pid}:", expires_at__gt=timezone.now())}
        # The two others send the rest; the victim's row in hand (if any) stays "sending" until its timeout.
        while OutboxMail.objects.filter(status="pending").exists():
            assert time.monotonic() - started < DEADLINE_SECONDS, "the surviving workers did not finish the outbox"
            time.sleep(0.1)
        # The outbox can be empty before the workers have come to every periodic job: wait for each one's start.
        while JobLease.objects.filter(name__in=exclusive, runs__gte=1).count() < len(exclusive):
            assert time.monotonic() - started < DEADLINE_SECONDS, "the workers did not start every periodic job"
            time.sleep(0.1)
    finally:
        for worker in workers[1:]:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers[1:]:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    for worker in workers[1:]:
        assert worker.returncode == 0, worker.stderr.read().decode()[-2000:]

    left_sending = list(OutboxMail.objects.filter(status="sending").values_list("message_id", flat=True))
    assert len(left_sending) <= 1  # one row at a time is claimed: the killed worker held one at most
    # Ten minutes later any worker takes the dead worker's row over, with its Message-ID.
    monkeypatch.setenv("KESU_TEST_MAIL_DIR", str(mail_dir))
    settings.EMAIL_BACKEND = f"{__name__}.SlowFileBackend"
    assert services.outbox_send_pending(now=timezone.now() + services.SENDING_TIMEOUT) == len(left_sending)

    assert set(OutboxMail.objects.values_list("status", flat=True)) == {"sent"}
    delivered = _delivered(mail_dir)
    assert set(delivered) == {row.message_id for row in rows}
    twice = [message_id for message_id, times in delivered.items() if times > 1]
    # Only the killed worker's mail in hand may have reached the server before the kill and again after.
    assert set(twice) <= set(left_sending)
    assert all(times <= 2 for times in delivered.values())
    attempts = collections.Counter(OutboxMail.objects.values_list("attempts", flat=True))
    assert attempts[1] >= MAILS - 1 and set(attempts) <= {1, 2}

    # Each periodic job under the lease ran once across the three workers (twice only when the killed worker
    # died holding it: its lease expired and another worker took the unfinished job over).
    runs = dict(JobLease.objects.filter(name__in=exclusive).values_list("name", "runs"))
    assert set(runs) == exclusive
    assert {name: n for name, n in runs.items() if n != 1 and not (n == 2 and name in held_by_victim)} == {}
    assert time.monotonic() - started < 60
