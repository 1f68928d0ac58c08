"""`kesu serve` and `kesu up --workers N` choose and configure the server (issue 24 §1); the real run is
test_serve_process.py."""

from __future__ import annotations

import io
import sys

import pytest

from kesu import cli
from kesu.core import serving


def test_kesu_serve_defaults_to_a_worker_process_per_core_with_threads():
    args = cli.build_parser().parse_args(["serve"])
    assert args.workers == serving.cpu_count() >= 1
    assert args.threads == serving.DEFAULT_THREADS
    assert serving.binds(args.host, args.port, args.bind) == ["127.0.0.1:8000"]
    assert serving.binds("::", 8000, None) == ["[::]:8000"]
    assert serving.binds("x", 1, ["unix:/run/kesu/web.sock"]) == ["unix:/run/kesu/web.sock"]


@pytest.mark.parametrize("value", ["0", "-2"])
def test_fewer_than_one_worker_is_refused(value, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["serve", "--workers", value])
    assert "must be 1 or more" in capsys.readouterr().err


def test_gunicorn_is_configured_for_graceful_reload_access_log_and_no_forwarded_trust_of_its_own():
    options = serving.gunicorn_options(bind=["127.0.0.1:0"], workers=3, threads=4)
    assert options["worker_class"] == "gthread" and (options["workers"], options["threads"]) == (3, 4)
    assert options["accesslog"] == "-" and "%(M)s" in options["access_log_format"]
    # Only kesu.core.proxy decides what a proxy may say (gunicorn would trust any unix-socket peer).
    assert options["secure_scheme_headers"] == {} and options["forwarder_headers"] == ""
    app = serving._application_class()(options)
    assert app.cfg.workers == 3 and app.cfg.threads == 4 and app.cfg.secure_scheme_headers == {}
    assert app.cfg.worker_class_str == "gthread"


def test_kesu_serve_falls_back_to_waitress_where_gunicorn_does_not_run(monkeypatch):
    monkeypatch.setattr(serving, "gunicorn_available", lambda: False)
    called = {}
    monkeypatch.setattr(cli, "serve", lambda host, port, threads, out, worker=False: called.update(
        host=host, port=port, threads=threads, worker=worker) or 0)
    out = io.StringIO()
    args = cli.build_parser().parse_args(["serve", "--workers", "2", "--threads", "3", "--port", "8123"])
    assert cli.cmd_serve(args, out) == 0
    assert called == {"host": "127.0.0.1", "port": 8123, "threads": 6, "worker": False}
    assert "waitress" in out.getvalue()


def test_gunicorn_is_unavailable_on_windows(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert serving.gunicorn_available() is False


def test_kesu_up_with_workers_serves_with_gunicorn_and_runs_the_jobs_in_a_worker_process(monkeypatch):
    import subprocess

    started, ran = [], {}

    class FakeJobs:
        def __init__(self, argv):
            started.append(argv)
            self.stopped = False

        def terminate(self):
            self.stopped = True

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeJobs)
    monkeypatch.setattr(serving, "run_gunicorn", lambda options, out, shown_url, before_fork=None: ran.update(
        options=options, url=shown_url, before_fork=before_fork) or 0)
    args = cli.build_parser().parse_args(["up", "--workers", "2", "--threads", "3", "--port", "8124"])
    out = io.StringIO()
    assert cli.serve_processes(args, out) == 0
    assert ran["options"]["workers"] == 2 and ran["options"]["threads"] == 3
    assert ran["options"]["bind"] == ["127.0.0.1:8124"] and ran["url"] == "http://127.0.0.1:8124/"
    assert ran["before_fork"] is not None  # database connections closed before the workers are forked
    assert started == [[sys.executable, "-m", "kesu.cli", "worker", "--mail-files"]]
    assert "Kesu stopped." in out.getvalue()

    started.clear()
    args = cli.build_parser().parse_args(["up", "--workers", "2", "--no-worker"])
    assert cli.serve_processes(args, io.StringIO()) == 0
    assert started == []


def test_kesu_up_without_workers_stays_the_one_waitress_process_of_the_readme():
    args = cli.build_parser().parse_args(["up"])
    assert args.workers is None
