"""A real ``kesu worker`` killed with SIGKILL while it reads a mailbox, and a new one started: every mail still
lands where it should exactly once (issue 23 "Done when", second item).

The mailbox on the local dovecot holds the five kinds of mail (new complaint, reply quoting the number, unknown
sender, oversized, disguised executable) among forty ordinary complaints, so that the fetch takes long enough to
be killed in the middle. Each mail is taken in by a transaction of its own that also moves the position on, so
the killed worker's mail in hand rolls back and the next worker takes it (and everything after it) once.

PostgreSQL only: the worker processes and the test share the test database (CI step 3 runs the suite there).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from kesu.core.tests.test_exactly_once import worker_env
from kesu.mailin.choices import Outcome
from kesu.mailin.models import InboundMail, Mailbox

from .conftest import make_mail
from .test_fetch_imap import _check_each_landed_once, _deliver_the_five, _earlier_complaint

BEFORE = AFTER = 20  # ordinary complaints delivered before and after the five kinds
TOTAL = BEFORE + 5 + AFTER
DEADLINE_SECONDS = 90


def _ordinary(imap, numbers) -> list[str]:
    subjects = []
    for i in numbers:
        subject = f"第 {i} 批外壳划伤"
        imap.deliver(make_mail(sender="buyer@shcustomer.example", subject=subject, body=f"第 {i} 批有 {i} 件划伤。"))
        subjects.append(subject)
    return subjects


def _worker(env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kesu.cli", "worker"], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(condition, started: float, what: str, worker: subprocess.Popen) -> None:
    while not condition():
        assert time.monotonic() - started < DEADLINE_SECONDS, f"{what} not in time"
        assert worker.poll() is None, f"the worker stopped by itself: {worker.stderr.read().decode()[-2000:]}"
        time.sleep(0.01)


@pytest.mark.skipif(os.environ.get("KESU_DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
                    reason="needs PostgreSQL (worker processes on the test database): CI step 3")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_fetch_and_a_new_one_take_in_each_mail_exactly_once(
        imap, company_a, customer, contact, tmp_path):
    assert connection.vendor == "postgresql"
    earlier = _earlier_complaint(company_a, customer, contact)
    ordinary = _ordinary(imap, range(1, BEFORE + 1))
    _deliver_the_five(imap, earlier.number)
    ordinary += _ordinary(imap, range(BEFORE + 1, BEFORE + AFTER + 1))
    mailbox = imap.mailbox(company_a, max_bytes=40_000)
    env = worker_env(tmp_path, "worker-killed", KESU_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    taken = InboundMail.objects.filter(mailbox=mailbox).count
    started = time.monotonic()

    # -- the first worker is killed once it is well into the mailbox (around the five kinds) --------------
    victim = _worker(env, tmp_path)
    try:
        _wait_for(lambda: taken() >= BEFORE, started, "the first worker's fetch", victim)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    at_kill = taken()
    assert BEFORE <= at_kill < TOTAL, "the worker was not killed in the middle of the fetch"
    mailbox.refresh_from_db()
    assert mailbox.last_uid == at_kill  # the position moved with each mail taken in, not past the one in hand
    # The dead worker's mailbox lease (ten minutes) runs out: that it does is test_fetch_imap's
    # test_a_worker_killed_hard_leaves_a_lease_that_runs_out; here the clock is not waited for.
    assert mailbox.leased_until is not None and mailbox.leased_until > timezone.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(leased_until=timezone.now())

    # -- a new worker takes the rest in, once ---------------------------------------------------------------
    survivor = _worker(env, tmp_path)
    try:
        _wait_for(lambda: taken() >= TOTAL, started, "the new worker's fetch", survivor)
        _wait_for(lambda: Mailbox.objects.filter(pk=mailbox.pk, leased_until__isnull=True).exists(), started,
                  "the end of the new worker's fetch", survivor)
    finally:
        if survivor.poll() is None:
            survivor.send_signal(signal.SIGTERM)
        try:
            survivor.wait(timeout=30)
        except subprocess.TimeoutExpired:
            survivor.kill()
            survivor.wait()
    assert survivor.returncode == 0, survivor.stderr.read().decode()[-2000:]

    _check_each_landed_once(company_a, earlier, customer, others=len(ordinary))
    for subject in ordinary:
        mail = InboundMail.objects.get(mailbox=mailbox, subject=subject)
        assert mail.outcome == Outcome.COMPLAINT and mail.complaint.customer == customer
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error, mailbox.failures) == (TOTAL, "", 0)
    assert sorted(InboundMail.objects.values_list("uid", flat=True)) == list(range(1, TOTAL + 1))
    assert time.monotonic() - started < DEADLINE_SECONDS
