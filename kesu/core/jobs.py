"""Periodic housekeeping jobs run by ``kesu worker`` (conventions habit 8).

A job is a name, an interval and a callable whose body is one service call.
Jobs must be idempotent: two workers, or a worker restarted halfway through,
may run the same job twice, and that must do no harm.

Modules add their jobs in a ``jobs.py`` of their own app, which the worker
imports at start (``autodiscover``)::

    from datetime import timedelta
    from kesu.core.jobs import register

    @register("notifications.send_outbox", every=timedelta(minutes=1))
    def send_outbox() -> None:
        outbox_send_pending()

The schedule is kept in the worker's memory: every job is due when the
worker starts, then again ``every`` after its last run began. Losing the
schedule on restart only means one extra (harmless, idempotent) run.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from .context import acting_as

logger = logging.getLogger("kesu.worker")


@dataclass(frozen=True)
class Job:
    """One periodic job: run ``func`` at most once every ``every``."""

    name: str
    every: datetime.timedelta
    func: Callable[[], object]
    description: str = ""


REGISTRY: dict[str, Job] = {}


def register(name: str, *, every: datetime.timedelta, description: str = "") -> Callable:
    """Decorator adding a job to the registry (a second registration under a name replaces the first)."""
    if every <= datetime.timedelta(0):
        raise ValueError("a job's interval must be positive")

    def decorate(func: Callable[[], object]) -> Callable[[], object]:
        REGISTRY[name] = Job(name=name, every=every, func=func, description=description or (func.__doc__ or ""))
        return func

    return decorate


def autodiscover() -> None:
    """Import ``jobs`` modules of every installed app so they can register."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")


@dataclass
class Scheduler:
    """Decides which jobs are due and runs them; the loop around it lives in the worker command."""

    jobs: Iterable[Job]
    last_started: dict[str, datetime.datetime] = field(default_factory=dict)

    def due(self, now: datetime.datetime) -> list[Job]:
        return [
            job for job in self.jobs
            if job.name not in self.last_started or now - self.last_started[job.name] >= job.every
        ]

    def seconds_until_next(self, now: datetime.datetime) -> float:
        waits = [
            (self.last_started[job.name] + job.every - now).total_seconds() if job.name in self.last_started else 0.0
            for job in self.jobs
        ]
        return max(0.0, min(waits, default=60.0))

    def run_due(self, now: datetime.datetime | None = None, stop: threading.Event | None = None) -> list[str]:
        """Run every due job once; a failing job is logged and does not stop the others."""
        ran: list[str] = []
        for job in self.due(now or timezone.now()):
            if stop is not None and stop.is_set():
                break
            self.last_started[job.name] = timezone.now()
            try:
                with acting_as(None, "system"):
                    job.func()
            except Exception:
                logger.exception("job %s failed", job.name)
            else:
                logger.debug("job %s done", job.name)  # every few seconds: only failures reach the terminal
                ran.append(job.name)
        return ran


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


@register("core.run_imports", every=datetime.timedelta(seconds=5))
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
