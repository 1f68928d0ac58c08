"""Run the periodic jobs of kesu/core/jobs.py until SIGTERM or Ctrl-C (``kesu worker``)."""

from __future__ import annotations

import signal
import threading

from django.core.management import BaseCommand

from kesu.core import jobs


class Command(BaseCommand):
    help = "Run periodic housekeeping jobs (sessions, and jobs other modules register) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every due job once and exit.")
        parser.add_argument(
            "--poll", type=float, default=30.0,
            help="Longest sleep between checks, in seconds (default 30).",
        )

    def handle(self, *args, once: bool = False, poll: float = 30.0, **options):
        jobs.autodiscover()
        scheduler = jobs.Scheduler(jobs=list(jobs.REGISTRY.values()))
        if once:
            ran = scheduler.run_due()
            self.stdout.write(f"ran {len(ran)} job(s): {', '.join(ran) or '-'}")
            return

        stop = threading.Event()
        previous = {}

        def request_stop(signum, frame):
            # Finish the job in hand, then leave: jobs are idempotent, but a
            # half-done one is still work thrown away.
            stop.set()

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, request_stop)
        names = ", ".join(sorted(jobs.REGISTRY)) or "-"
        self.stdout.write(f"Kesu worker started ({names}); stop with Ctrl-C or SIGTERM.")
        self.stdout.flush()
        try:
            jobs.run_until(stop, poll=poll)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Kesu worker stopped.")
