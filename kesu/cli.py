"""The ``kesu`` command: ``up`` (prepare and serve), ``serve``, ``demo``, ``worker``, ``backup``, ``restore``, ``manage``.

``kesu up`` is the one-command start of the README: it creates the data
folder and database, migrates, collects static files (served by whitenoise,
no CDN: factory intranets block them), loads demo data on first start,
creates an administrator, and serves the app with waitress — a pure-Python
production WSGI server that also runs on the Windows PCs many factories use.
``kesu up --workers N`` serves with N gunicorn worker processes instead (Linux).

``kesu serve`` is the production server of docs/deploy.md (issue 24 §1): gunicorn with a worker process per
core, threads in each, graceful reload on SIGHUP and an access log (kesu/core/serving.py). It prepares nothing:
migrations run once per upgrade (``kesu manage migrate``), and ``/readyz`` answers 503 until they have.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

ADMIN_USERNAME = "admin"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    import django

    django.setup()


def prepare_database(out: TextIO, *, quiet: bool = False) -> None:
    """Create the data folder and (for PostgreSQL) the database if needed, then migrate."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif db["ENGINE"].endswith("postgresql"):
        _create_postgres_database(db, out)
    if not quiet:
        out.write(f"Preparing the database ({_describe(db)})…\n")
        out.flush()
    migrate_with_progress(out, quiet=quiet)


class Progress:
    """Progress of a long start-up step: a bar redrawn in place on a terminal, plain lines otherwise.

    A log file or a service manager's journal (not a TTY) gets a line per step (``every``: only each
    tenth of the way for many small steps, such as the migrations of a first start), never ``\\r``.
    """

    WIDTH = 30

    def __init__(self, out: TextIO, label: str, total: int, *, every: float = 0.0):
        self.out, self.label, self.total = out, label, max(total, 0)
        self.done = 0
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.every = every
        self._shown = -1.0  # the last fraction written as a plain line

    def advance(self, name: str = "") -> None:
        self.done = min(self.done + 1, self.total)
        fraction = self.done / self.total if self.total else 1.0
        if self.tty:
            filled = round(self.WIDTH * fraction)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            line = f"\r{self.label} [{bar}] {self.done}/{self.total} {name}"
            self.out.write(line[:100].ljust(100))
            if self.done == self.total:
                self.out.write("\n")
        elif self.every <= 0 or self.done == self.total or fraction - self._shown >= self.every:
            self._shown = fraction
            self.out.write(f"{self.label}: {self.done}/{self.total}" + (f" {name}" if name else "") + "\n")
        self.out.flush()


def migrate_with_progress(out: TextIO, *, quiet: bool = False) -> int:
    """``migrate``, counting the applied migrations of the plan; return how many were applied."""
    from django.core.management import call_command
    from django.core.management.commands.migrate import Command as Migrate
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    progress = None if quiet or not plan else Progress(out, "Migrating", len(plan), every=0.1)
    applied = 0

    class CountingMigrate(Migrate):
        def migration_progress_callback(self, action, migration=None, fake=False):
            nonlocal applied
            if action == "apply_success":
                applied += 1
                if progress is not None:
                    progress.advance(str(migration))

    call_command(CountingMigrate(), interactive=False, verbosity=0)
    return applied


def _describe(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or 'localhost'}/{db['NAME']}"


def _create_postgres_database(db: dict, out: TextIO) -> None:
    """CREATE DATABASE when the server is there but the database is not (first start)."""
    import psycopg
    from psycopg import sql

    params = {
        "host": db.get("HOST") or None, "port": db.get("PORT") or None,
        "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v is not None}
    try:
        psycopg.connect(dbname=db["NAME"], connect_timeout=10, **params).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **params) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    out.write(f"Created PostgreSQL database {db['NAME']}.\n")


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def ensure_admin(out: TextIO) -> str | None:
    """Create the administrator when there is no superuser; return the user name created (or None).

    The password comes from KESU_ADMIN_PASSWORD, or is random and printed
    exactly once here — it is never stored anywhere but as a hash.
    """
    from django.contrib.auth import get_user_model

    from kesu.accounts.models import Company
    from kesu.core.context import acting_as

    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        return None
    username = ADMIN_USERNAME
    if User.objects.filter(username=username).exists():
        username = "kesu-admin"
    from_env = os.environ.get("KESU_ADMIN_PASSWORD")
    password = from_env or secrets.token_urlsafe(12)
    with acting_as(None, "command"):
        User.objects.create_superuser(
            username=username, email="", password=password, language="zh-hans",
            company=Company.objects.filter(parent__isnull=True).order_by("pk").first(),
        )
    bar = "=" * 64
    if from_env:
        out.write(f"Administrator created: user name '{username}', password from KESU_ADMIN_PASSWORD.\n")
    else:
        out.write(
            f"\n{bar}\n  Administrator created\n    user name: {username}\n    password:  {password}\n"
            f"  This password is shown only this once. Write it down, or change it\n"
            f"  after logging in (or set KESU_ADMIN_PASSWORD before the first start).\n{bar}\n\n"
        )
    out.flush()
    return username


def load_demo_if_wanted(out: TextIO, *, force: bool) -> None:
    """Demo data on first start (no company yet), or when asked with --demo; never twice."""
    from django.core.management import call_command

    from kesu.accounts.models import Company
    from kesu.demo import demo_loaded

    if demo_loaded():
        if force:
            out.write("Demo data is already loaded; nothing to add.\n")
        return
    if force or not Company.objects.exists():
        out.write("Loading demo data…\n")
        out.flush()
        progress: Progress | None = None

        def step_done(index: int, total: int, name: str) -> None:
            nonlocal progress
            if progress is None:
                progress = Progress(out, "Demo data", total)
            progress.advance(name)

        # The command ends with what the demo made for every module (kesu.demo.summary).
        call_command("demo", stdout=out, progress=step_done)


def worker_notice(*, worker: bool) -> str:
    """Who runs the periodic jobs (e-mail, escalations, reminders, monthly snapshots): said at every start."""
    if worker:
        return ("The periodic jobs (e-mail, escalations, reminders, monthly reports) run in this process. "
                "In production, start `kesu up --no-worker` and run `kesu worker` separately as its own service.\n")
    return ("--no-worker: the periodic jobs (e-mail, escalations, reminders, monthly reports) do not run here; "
            "run `kesu worker` separately as its own service.\n")


def start_worker() -> tuple[threading.Thread, threading.Event]:
    """The worker's jobs (outbox, escalations, queued imports …) in a background thread of this process: a trial
    user has no separate ``kesu worker``. Set the event to stop it; it finishes the job in hand first."""
    from kesu.core import jobs

    stop = threading.Event()

    def run() -> None:
        from django.db import connections

        try:
            jobs.run_until(stop, poll=5.0)
        finally:
            connections.close_all()

    # A daemon thread: a job still running when the server stops cannot keep the process alive (its open
    # transaction is rolled back, and a queued import it held is taken up again later).
    thread = threading.Thread(target=run, name="kesu-worker", daemon=True)
    thread.start()
    return thread, stop


def serve(host: str, port: int, threads: int, out: TextIO, *, worker: bool = False) -> int:
    """Serve kesu.wsgi with waitress until Ctrl-C or SIGTERM; exit status 0 when stopped so.

    With ``worker``, the background jobs run in a thread of this process too (``kesu up`` without
    ``--no-worker``); production runs ``kesu worker`` as its own service instead.
    """
    from waitress import create_server

    from kesu.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=threads, ident="kesu")
    except OSError as exc:
        out.write(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Is Kesu already running? Try --port.\n")
        return 1

    def stop(signum, frame):
        # waitress's loop ends on KeyboardInterrupt and shuts its threads down.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    # Also SIGINT explicitly: a shell starting us in the background sets it to
    # "ignore", and `kill -INT` should still stop the server.
    signal.signal(signal.SIGINT, stop)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    background = start_worker() if worker else None
    out.write(f"Kesu is running at http://{shown}:{port}/  (Ctrl-C to stop)\n")
    out.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if background is not None:
            thread, stop = background
            stop.set()
            thread.join(timeout=10)
    out.write("Kesu stopped.\n")
    return 0


def keep_mail_as_files(out: TextIO) -> None:
    """With no mail server set, keep e-mail as files in the data folder rather than print it here.

    The worker thread of ``kesu up`` sends the outbox; through Django's console backend (the default) every
    demo e-mail would scroll through this terminal, past the administrator's one-time password.
    """
    from django.conf import settings

    if os.environ.get("KESU_EMAIL_BACKEND"):
        return
    folder = settings.DATA_DIR / "mail"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(folder)
    out.write(f"E-mail is kept as files in {folder} (set KESU_EMAIL_BACKEND and KESU_EMAIL_HOST to send it).\n")


def cmd_up(args: argparse.Namespace, out: TextIO) -> int:
    from kesu.core import serving

    setup_django()
    prepare_database(out)
    collect_static()
    load_demo_if_wanted(out, force=args.demo)
    ensure_admin(out)
    if not args.no_worker:
        keep_mail_as_files(out)
    if args.workers is not None and serving.gunicorn_available() and not args.no_worker:
        out.write("The periodic jobs (e-mail, escalations, reminders, monthly reports) run in one `kesu worker` "
                  "process beside the server. In production, run `kesu worker` as its own service.\n")
    else:
        out.write(worker_notice(worker=not args.no_worker))
    if args.workers is None or not serving.gunicorn_available():
        if args.workers is not None:
            out.write("gunicorn is not available here (Windows, or not installed): serving with waitress, "
                      "one process.\n")
        return serve(args.host, args.port, args.threads, out, worker=not args.no_worker)
    return serve_processes(args, out)


def serve_processes(args: argparse.Namespace, out: TextIO) -> int:
    """``kesu up --workers N``: gunicorn with N worker processes; the jobs in one ``kesu worker`` beside it.

    The jobs do not run in a thread of the gunicorn master: it forks the workers, and a fork while another
    thread holds a lock (logging, a database driver) can leave the child stuck on it.
    """
    import subprocess

    from django.db import connections

    from kesu.core import serving

    options = serving.gunicorn_options(bind=serving.binds(args.host, args.port, None), workers=args.workers,
                                       threads=args.threads)
    jobs = None
    if not args.no_worker:
        jobs = subprocess.Popen([sys.executable, "-m", "kesu.cli", "worker", "--mail-files"])
    try:
        # No connection opened while preparing may be shared with the forked workers.
        status = serving.run_gunicorn(options, out, shown_url=serving.shown_url(options["bind"]),
                                      before_fork=connections.close_all)
    finally:
        if jobs is not None:
            jobs.terminate()
            try:
                jobs.wait(timeout=30)
            except subprocess.TimeoutExpired:
                jobs.kill()
    out.write("Kesu stopped.\n")
    return status


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """``kesu serve``: the production server (gunicorn; waitress on Windows). Prepares nothing (see above)."""
    from kesu.core import serving

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    from django.conf import settings

    # Read once here: a wrong setting is said now rather than by every worker failing to boot, and a first
    # start writes its generated secret key before several workers could race to write different ones.
    settings.SECRET_KEY  # noqa: B018
    if not serving.gunicorn_available():
        out.write("gunicorn is not available here (Windows, or not installed): serving with waitress, "
                  "one process.\n")
        return serve(args.host, args.port, args.workers * args.threads, out, worker=False)
    access_log = None if args.access_log in ("", "none", "off") else args.access_log
    options = serving.gunicorn_options(
        bind=serving.binds(args.host, args.port, args.bind), workers=args.workers, threads=args.threads,
        access_log=access_log, timeout=args.timeout, graceful_timeout=args.graceful_timeout,
        pidfile=args.pid, max_requests=args.max_requests,
    )
    status = serving.run_gunicorn(options, out, shown_url=serving.shown_url(options["bind"]))
    out.write("Kesu stopped.\n")
    out.flush()
    return status


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    setup_django()
    prepare_database(out, quiet=True)
    options = {"scale": args.scale, "seed": args.seed}
    if args.today:
        options["today"] = args.today
    try:
        call_command("demo", stdout=out, **options)
    except CommandError as exc:
        out.write(f"{exc}\n")
        return 1
    return 0


def cmd_worker(args: argparse.Namespace, out: TextIO) -> int:
    from django.core.management import call_command

    setup_django()
    if getattr(args, "mail_files", False):
        keep_mail_as_files(out)
    call_command("worker", once=args.once, stdout=out)
    return 0


def cmd_backup(args: argparse.Namespace, out: TextIO) -> int:
    """One archive of the database, the media folder and the secret key (kesu/core/backup.py); no Django needed."""
    import datetime

    from kesu.core.backup import BackupError, backup

    output = args.output or f"kesu-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    try:
        backup(output, out=out)
    except BackupError as exc:
        out.write(f"Backup failed: {exc}\n")
        return 1
    return 0


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    """Restore an archive of ``kesu backup`` into an empty data folder and database."""
    from kesu.core.backup import BackupError, restore

    try:
        restore(args.archive, out=out)
    except BackupError as exc:
        out.write(f"Restore failed: {exc}\n")
        return 1
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    import datetime

    parser = argparse.ArgumentParser(prog="kesu", description="Kesu (客诉): customer complaints and quality.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{up,serve,demo,worker,backup,restore,manage}")

    up = sub.add_parser("up", help="Prepare the database and serve Kesu (demo data on first start).")
    up.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
    up.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
    up.add_argument("--demo", action="store_true", help="Load demo data even if the database has data.")
    up.add_argument("--threads", type=int, default=8, help="Worker threads of the web server (default 8).")
    up.add_argument("--no-worker", action="store_true",
                    help="Do not run the background jobs in this process (when `kesu worker` runs as a service).")
    up.add_argument("--workers", type=_positive, default=None,
                    help="Serve with this many gunicorn worker processes (Linux; default: one waitress process).")

    from kesu.core.serving import DEFAULT_THREADS, cpu_count

    srv = sub.add_parser("serve", help="Production web server: gunicorn processes × threads (docs/deploy.md).")
    srv.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
    srv.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
    srv.add_argument("--bind", action="append", default=None, metavar="ADDRESS",
                     help="Listen here instead of --host/--port: HOST:PORT or unix:PATH; repeatable.")
    srv.add_argument("--workers", type=_positive, default=cpu_count(),
                     help="Worker processes (default: the number of CPU cores, here %(default)s).")
    srv.add_argument("--threads", type=_positive, default=DEFAULT_THREADS,
                     help="Threads per worker process (default %(default)s).")
    srv.add_argument("--access-log", default="-", metavar="FILE",
                     help="Access log file; '-' (default) for standard output, 'none' for no access log.")
    srv.add_argument("--timeout", type=_positive, default=120,
                     help="Seconds a request may take before its worker is restarted (default %(default)s).")
    srv.add_argument("--graceful-timeout", type=_positive, default=30,
                     help="Seconds workers get to finish their requests on stop or reload (default %(default)s).")
    srv.add_argument("--max-requests", type=int, default=0,
                     help="Restart a worker after this many requests, to give back memory (default 0: never).")
    srv.add_argument("--pid", default=None, metavar="FILE", help="Write the master's process id here.")

    demo = sub.add_parser("demo", help="Generate demo / scale data.")
    demo.add_argument("--scale", type=int, default=1, help="50·N+10 customers, about 5,000·N shipment lines and 5,000·N complaints.")
    demo.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")
    demo.add_argument("--today", type=datetime.date.fromisoformat, default=None, help=argparse.SUPPRESS)

    worker = sub.add_parser("worker", help="Run periodic background jobs until stopped.")
    worker.add_argument("--once", action="store_true", help="Run every due job once and exit.")
    # From `kesu up --workers N` only: keep e-mail as files, as `kesu up` does with its worker thread.
    worker.add_argument("--mail-files", action="store_true", help=argparse.SUPPRESS)

    backup = sub.add_parser("backup", help="Write the database, uploaded files and secret key into one archive.")
    backup.add_argument("--output", "-o", default=None,
                        help="Archive to write (default kesu-backup-<date>-<time>.tar.gz here).")
    restore = sub.add_parser("restore", help="Restore a backup archive into an empty data folder and database.")
    restore.add_argument("archive", help="The archive `kesu backup` wrote.")

    sub.add_parser("manage", help="Any Django management command: kesu manage <command> [args].", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout
    if argv[:1] == ["manage"]:
        # Handed over untouched, so options like --help reach Django's command.
        setup_django()
        from django.core.management import execute_from_command_line

        from kesu.core.context import acting_as

        # Whatever a command changes is recorded in the audit trail as made by a command.
        with acting_as(None, "command"):
            execute_from_command_line(["kesu manage", *argv[1:]])
        return 0
    args = build_parser().parse_args(argv)
    handler = {"up": cmd_up, "serve": cmd_serve, "demo": cmd_demo, "worker": cmd_worker, "backup": cmd_backup,
               "restore": cmd_restore}[args.command]
    try:
        return handler(args, out)
    except KeyboardInterrupt:
        out.write("\nInterrupted.\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
