"""The lease that schedules each periodic job once across several workers (issue 24 §2), on any database."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from kesu.core import jobs
from kesu.core.models import JobLease

pytestmark = pytest.mark.django_db
HOURLY = jobs.Job(name="test.hourly", every=datetime.timedelta(hours=1), func=lambda: None)


def test_a_due_job_is_taken_by_one_worker_and_refused_to_the_other_until_its_interval_has_passed():
    now = timezone.now()
    assert jobs.lease_take(HOURLY, "w1", now).taken
    refused = jobs.lease_take(HOURLY, "w2", now + datetime.timedelta(seconds=1))
    assert not refused.taken and refused.retry_at == now + datetime.timedelta(seconds=jobs.lease_seconds())
    jobs.lease_release(HOURLY.name, "w1")
    later = jobs.lease_take(HOURLY, "w2", now + datetime.timedelta(minutes=30))
    assert not later.taken and later.retry_at == now + HOURLY.every  # finished: due again in an hour, for anyone
    assert jobs.lease_take(HOURLY, "w2", now + HOURLY.every).taken
    assert JobLease.objects.get(name=HOURLY.name).runs == 2


def test_the_unfinished_job_of_a_killed_worker_is_taken_over_once_its_lease_expires(settings):
    settings.KESU_JOB_LEASE_SECONDS = 60
    now = timezone.now()
    assert jobs.lease_take(HOURLY, "killed", now).taken  # ... and never released nor renewed
    assert not jobs.lease_take(HOURLY, "w2", now + datetime.timedelta(seconds=59)).taken
    assert jobs.lease_take(HOURLY, "w2", now + datetime.timedelta(seconds=61)).taken  # well before the hour
    lease = JobLease.objects.get(name=HOURLY.name)
    assert (lease.holder, lease.runs) == ("w2", 2)
    # The dead worker's lease is gone: it cannot renew or release what is no longer its own.
    assert jobs.lease_renew(HOURLY.name, "killed") is False


def test_two_schedulers_run_each_job_once_and_the_second_waits_for_the_next_due_time():
    ran: list[str] = []
    job = jobs.Job(name="test.count", every=datetime.timedelta(minutes=10), func=lambda: ran.append("x"))
    first = jobs.Scheduler(jobs=[job], holder="w1")
    second = jobs.Scheduler(jobs=[job], holder="w2")
    assert first.run_due() == ["test.count"]
    assert second.run_due() == []
    assert ran == ["x"]
    wait = second.seconds_until_next(timezone.now())
    assert 9 * 60 < wait <= 10 * 60


def test_a_job_that_claims_its_own_rows_runs_in_every_worker_without_a_lease():
    ran: list[str] = []
    job = jobs.Job(name="test.shared", every=datetime.timedelta(minutes=1), func=lambda: ran.append("x"),
                   exclusive=False)
    assert jobs.Scheduler(jobs=[job], holder="w1").run_due() == ["test.shared"]
    assert jobs.Scheduler(jobs=[job], holder="w2").run_due() == ["test.shared"]
    assert ran == ["x", "x"] and not JobLease.objects.filter(name="test.shared").exists()


def test_claim_rows_returns_the_rows_it_claimed_inside_the_callers_transaction():
    JobLease.objects.create(name="a")
    JobLease.objects.create(name="b")
    with transaction.atomic():
        assert [lease.name for lease in jobs.claim_rows(JobLease.objects.filter(name="a"), 1)] == ["a"]
