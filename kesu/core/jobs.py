"""Periodic housekeeping jobs run by ``kesu worker`` (conventions habit 8).

A job is a name, an interval and a callable whose body is one service call.
Jobs must be idempotent: a worker restarted halfway through may run the same
job twice, and that must do no harm.

Modules add their jobs in a ``jobs.py`` of their own app, which the worker
imports at start (``autodiscover``)::

    from datetime import timedelta
    from kesu.core.jobs import register

    @register("notifications.send_outbox", every=timedelta(minutes=1), exclusive=False)
    def send_outbox() -> None:
        outbox_send_pending()

Several ``kesu worker`` processes (on one machine or many) share one database
(issue 24 §2). Each job is then scheduled once across them by a lease row
(``core.JobLease``): a worker runs a job only when it takes the lease, which
it can only when the job is due (``every`` after its last start, by any
worker) and nobody else holds an unexpired lease. The worker renews the lease
while the job runs; a worker killed mid-job stops renewing, and another takes
the unfinished job over once the lease expires (``KESU_JOB_LEASE_SECONDS``).
A job registered with ``exclusive=False`` claims its own rows
(``claim_rows``: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), so every
worker may run it at once and the work is shared out, each row done once.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .context import acting_as

logger = logging.getLogger("kesu.worker")


@dataclass(frozen=True)
class Job:
    """One periodic job: run ``func`` at most once every ``every`` (across all workers when ``exclusive``)."""

    name: str
    every: datetime.timedelta
    func: Callable[[], object]
    description: str = ""
    exclusive: bool = True


REGISTRY: dict[str, Job] = {}


def register(name: str, *, every: datetime.timedelta, description: str = "", exclusive: bool = True) -> Callable:
    """Decorator adding a job to the registry (a second registration under a name replaces the first).

    ``exclusive=False`` only for a job that claims each row it works on itself (``claim_rows`` or a
    compare-and-set update): it then runs in every worker at once instead of under the lease.
    """
    if every <= datetime.timedelta(0):
        raise ValueError("a job's interval must be positive")

    def decorate(func: Callable[[], object]) -> Callable[[], object]:
        REGISTRY[name] = Job(name=name, every=every, func=func, description=description or (func.__doc__ or ""),
                             exclusive=exclusive)
        return func

    return decorate


def autodiscover() -> None:
    """Import ``jobs`` modules of every installed app so they can register."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")


# --- claiming rows ----------------------------------------------------------------------


def skip_locked_supported(using: str = "default") -> bool:
    """PostgreSQL skips the rows another transaction has locked; SQLite has no row locks (and IMMEDIATE
    transactions already let one writer in at a time)."""
    return connections[using].features.has_select_for_update_skip_locked


def claim_rows(queryset: QuerySet, limit: int | None = None) -> list:
    """Lock and return up to ``limit`` rows of ``queryset`` no other worker has locked, inside the caller's
    transaction: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (only the queryset's own table: PostgreSQL
    refuses to lock the nullable side of a join), today's plain read on SQLite. The caller marks the rows taken
    (a status, a "done" row) before its transaction commits, so the next worker's claim no longer finds them.
    """
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise transaction.TransactionManagementError("claim_rows() must run inside transaction.atomic()")
    if skip_locked_supported(queryset.db):
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset[:limit] if limit is not None else queryset)


# --- the lease ----------------------------------------------------------------------------


def lease_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "KESU_JOB_LEASE_SECONDS", 60))


def worker_name() -> str:
    """This worker, as the lease's holder: host, process and a random part (a restarted process is another)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Lease:
    """The outcome of trying to take a job's lease: ``taken``, else when to ask again (``retry_at``)."""

    taken: bool
    retry_at: datetime.datetime | None = None


def lease_take(job: Job, holder: str, now: datetime.datetime | None = None) -> Lease:
    """Take ``job``'s lease for ``holder`` if the job is due and nobody else holds it; record the start.

    The row is claimed with ``claim_rows`` (a second worker deciding at the same moment skips it and asks again
    shortly). Due means: never run, or ``every`` since the last start by any worker, or the last run never
    finished (its worker died) and its lease has expired.
    """
    from .models import JobLease

    now = now or timezone.now()
    JobLease.objects.bulk_create([JobLease(name=job.name)], ignore_conflicts=True)
    with transaction.atomic():
        rows = claim_rows(JobLease.objects.filter(name=job.name), 1)
        if not rows:
            return Lease(False, now + datetime.timedelta(seconds=1))
        lease = rows[0]
        held = lease.expires_at is not None and lease.expires_at > now and lease.holder != holder
        if held:
            return Lease(False, lease.expires_at)
        unfinished = lease.last_started_at is not None and (
            lease.last_finished_at is None or lease.last_finished_at < lease.last_started_at)
        next_due = lease.last_started_at + job.every if lease.last_started_at else now
        if next_due > now and not unfinished:
            return Lease(False, next_due)
        JobLease.objects.filter(name=job.name).update(
            holder=holder, expires_at=now + datetime.timedelta(seconds=lease_seconds()), last_started_at=now,
            runs=lease.runs + 1)
    return Lease(True)


def lease_renew(name: str, holder: str) -> bool:
    """Push the lease of a running job on; False when it is no longer ours (expired and taken over)."""
    from .models import JobLease

    return bool(JobLease.objects.filter(name=name, holder=holder).update(
        expires_at=timezone.now() + datetime.timedelta(seconds=lease_seconds())))


def lease_release(name: str, holder: str) -> None:
    """The job finished (or failed): free the lease at once and mark the run finished."""
    from .models import JobLease

    now = timezone.now()
    JobLease.objects.filter(name=name, holder=holder).update(expires_at=None, last_finished_at=now)


class _Heartbeat:
    """Renews a running job's lease every third of its length, in a thread with its own database connection.

    It sleeps first, so a job shorter than that never opens the thread's connection.
    """

    def __init__(self, name: str, holder: str):
        self.name, self.holder = name, holder
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"lease-{name}", daemon=True)

    def _run(self) -> None:
        try:
            while not self.done.wait(lease_seconds() / 3):
                try:
                    if not lease_renew(self.name, self.holder):
                        logger.warning("job %s: lease lost while running", self.name)
                except Exception:
                    logger.exception("job %s: renewing the lease failed", self.name)
        finally:
            connections.close_all()  # this thread's connections only

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()


# --- the schedule -------------------------------------------------------------------------


@dataclass
class Scheduler:
    """Decides which jobs are due and runs them; the loop around it lives in the worker command.

    ``last_started`` and ``not_before`` are this worker's view; with ``leases`` (the default) the shared lease
    row decides, and a refused lease tells this worker when to ask again.
    """

    jobs: Iterable[Job]
    last_started: dict[str, datetime.datetime] = field(default_factory=dict)
    not_before: dict[str, datetime.datetime] = field(default_factory=dict)
    leases: bool = True
    holder: str = field(default_factory=worker_name)

    def _next(self, job: Job) -> datetime.datetime | None:
        moments = [self.not_before[job.name]] if job.name in self.not_before else []
        if job.name in self.last_started:
            moments.append(self.last_started[job.name] + job.every)
        return max(moments) if moments else None

    def due(self, now: datetime.datetime) -> list[Job]:
        return [job for job in self.jobs if (self._next(job) or now) <= now]

    def seconds_until_next(self, now: datetime.datetime) -> float:
        waits = [((self._next(job) or now) - now).total_seconds() for job in self.jobs]
        return max(0.0, min(waits, default=60.0))

    def run_due(self, now: datetime.datetime | None = None, stop: threading.Event | None = None) -> list[str]:
        """Run every due job once; a failing job is logged and does not stop the others."""
        ran: list[str] = []
        for job in self.due(now or timezone.now()):
            if stop is not None and stop.is_set():
                break
            if self.leases and job.exclusive:
                try:
                    lease = lease_take(job, self.holder)
                except Exception:
                    logger.exception("job %s: taking the lease failed", job.name)
                    self.not_before[job.name] = timezone.now() + datetime.timedelta(seconds=5)
                    continue
                if not lease.taken:
                    self.not_before[job.name] = lease.retry_at or timezone.now()
                    continue
            self.last_started[job.name] = timezone.now()
            self.not_before.pop(job.name, None)
            if self._run(job):
                ran.append(job.name)
        return ran

    def _run(self, job: Job) -> bool:
        leased = self.leases and job.exclusive
        try:
            if leased:
                with _Heartbeat(job.name, self.holder), acting_as(None, "system"):
                    job.func()
            else:
                with acting_as(None, "system"):
                    job.func()
        except Exception:
            logger.exception("job %s failed", job.name)
            return False
        else:
            logger.debug("job %s done", job.name)  # every few seconds: only failures reach the terminal
            return True
        finally:
            if leased:
                try:
                    lease_release(job.name, self.holder)
                except Exception:  # the lease then simply expires
                    logger.exception("job %s: releasing the lease failed", job.name)


def run_until(stop: threading.Event, *, poll: float = 30.0) -> None:
    """Run the registered jobs as they fall due until ``stop`` is set: the loop of ``kesu worker`` and of the
    worker thread ``kesu up`` starts. A job in hand is finished before leaving (jobs are idempotent, but a
    half-done one is work thrown away)."""
    from django.db import close_old_connections

    autodiscover()
    scheduler = Scheduler(jobs=list(REGISTRY.values()))
    while not stop.is_set():
        # A long-lived loop: drop connections the database closed while we slept.
        close_old_connections()
        scheduler.run_due(stop=stop)
        stop.wait(min(poll, scheduler.seconds_until_next(timezone.now())) or 0.1)


# --- the core's own jobs -------------------------------------------------------------


@register("core.clear_expired_sessions", every=datetime.timedelta(hours=1))
def clear_expired_sessions() -> None:
    """Delete expired login sessions (what Django's ``clearsessions`` does)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


# The imports claim each queued file with a compare-and-set: every worker may take some.
@register("core.run_imports", every=datetime.timedelta(seconds=5), exclusive=False)
def run_imports() -> None:
    """Run the spreadsheet imports queued from the import pages (large files), oldest first."""
    from .importexport import import_jobs_run

    import_jobs_run()


@register("core.retention_review", every=datetime.timedelta(days=1),
          description="Once a year per company: list the records past their retention period for an administrator")
def retention_review() -> None:
    """Idempotent: one review per company and year; later runs of the year find it there (issue 18 §14)."""
    from .retention import retention_review_prepare

    retention_review_prepare()


# Each batch claims its rows (SKIP LOCKED): every worker may hand events on at once.
@register("core.deliver_events", every=datetime.timedelta(seconds=1), exclusive=False)
def deliver_events() -> None:
    """Hand on the business events written with their changes (notifications, customer messages, webhooks)."""
    from .events import deliver_all

    deliver_all()
