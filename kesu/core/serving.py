"""The production web server of ``kesu serve`` and ``kesu up --workers N`` (issue 24 §1).

On Linux and macOS: gunicorn, several worker processes (one Python process per core: the GIL lets one
process use one core) with a few threads each (requests waiting on the database do not hold a whole
process). The master process restarts a worker that dies, replaces all workers gracefully on SIGHUP (new code
and new workers first, old ones finish their requests), and stops gracefully on SIGTERM. On Windows, where
gunicorn does not run, waitress serves in one process as before.

The master process never sets Django up for ``kesu serve``: each worker imports the application itself, so
SIGHUP really loads new code. It only reads the settings once, so that a first start writes the generated
secret key before several workers would race to write it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

# Host, user, time, request line, status, size, referrer, agent, and the time taken in milliseconds. %(h)s is the
# peer (the reverse proxy when there is one); the person's address is in the proxy's own log and in Kesu's
# audit entries (kesu.core.proxy).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
DEFAULT_THREADS = 4


def cpu_count() -> int:
    """The cores this process may use (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def gunicorn_available() -> bool:
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def binds(host: str, port: int, bind: Sequence[str] | None) -> list[str]:
    """Where to listen: every ``--bind`` given (``127.0.0.1:8000``, ``unix:/run/kesu/web.sock``), else host:port."""
    if bind:
        return list(bind)
    return [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]


def gunicorn_options(*, bind: Sequence[str], workers: int, threads: int, access_log: str | None = "-",
                     timeout: int = 120, graceful_timeout: int = 30, pidfile: str | None = None,
                     max_requests: int = 0) -> dict:
    """The gunicorn settings of Kesu (kept in one place: ``kesu serve``, ``kesu up`` and the tests use them)."""
    return {
        "bind": list(bind),
        "workers": max(1, workers),
        "threads": max(1, threads),
        # gthread: each worker serves ``threads`` requests at once; idle keep-alive connections wait in the
        # worker's poller rather than holding a thread.
        "worker_class": "gthread",
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "keepalive": 5,
        "accesslog": access_log,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "pidfile": pidfile,
        "proc_name": "kesu",
        # A worker restarted after this many requests gives back any memory it grew (0: never); the jitter keeps
        # the workers from restarting all at once.
        "max_requests": max_requests,
        "max_requests_jitter": max(0, max_requests // 10),
        # gunicorn's own X-Forwarded-Proto handling would trust any peer connecting through a unix socket:
        # only kesu.core.proxy.TrustedProxyMiddleware (KESU_TRUSTED_PROXIES) decides what a proxy may say.
        "secure_scheme_headers": {},
        "forwarder_headers": "",
        "forwarded_allow_ips": "127.0.0.1",
        # Two instances on one machine (tests, a staging copy) must not fight over ~/.gunicorn/gunicorn.ctl.
        "control_socket_disable": True,
    }


def _application_class():
    from gunicorn.app.base import BaseApplication

    class KesuApplication(BaseApplication):
        """gunicorn configured in code (no gunicorn.conf.py to find), loading kesu.wsgi in each worker."""

        def __init__(self, options: dict):
            self.options = options
            super().__init__(prog="kesu")

        def load_config(self):
            known = self.cfg.settings
            for key, value in self.options.items():
                if key in known and value is not None:
                    self.cfg.set(key, value)

        def load(self):
            from kesu.wsgi import application

            return application

    return KesuApplication


def run_gunicorn(options: dict, out: TextIO, *, shown_url: str, before_fork=None) -> int:
    """Run the gunicorn master until SIGTERM / SIGINT; its exit status (0 when stopped so)."""
    if before_fork is not None:
        before_fork()
    out.write(f"Kesu is running at {shown_url}  ({options['workers']} worker process(es) × {options['threads']} "
              f"threads; Ctrl-C or SIGTERM to stop, SIGHUP to reload)\n")
    out.flush()
    master = os.getpid()
    try:
        _application_class()(options).run()
    except SystemExit as exit_:
        code = exit_.code
        code = 0 if code is None else code if isinstance(code, int) else 1
        if os.getpid() != master:
            # A worker process (forked inside run()) ends with SystemExit too, after gunicorn's own clean-up: it
            # must leave right here, not run the master's ``finally`` blocks (stopping the jobs process) as well.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    return 0


def shown_url(bind: Sequence[str]) -> str:
    first = bind[0]
    if first.startswith("unix:"):
        return first
    host, _, port = first.rpartition(":")
    if host in ("0.0.0.0", "[::]", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}/"
