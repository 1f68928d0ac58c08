"""The `kesu` command: one-command start, administrator creation, pass-through to Django commands."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from kesu import cli, demo
from kesu.accounts.models import Company

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_the_administrator_gets_the_password_from_kesu_admin_password(monkeypatch):
    monkeypatch.setenv("KESU_ADMIN_PASSWORD", "s3cret-from-env")
    out = io.StringIO()

    assert cli.ensure_admin(out) == "admin"

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.language == "zh-hans"
    assert admin.check_password("s3cret-from-env")
    assert "s3cret-from-env" not in out.getvalue()


@pytest.mark.django_db
def test_without_kesu_admin_password_a_random_password_is_printed_once(monkeypatch):
    monkeypatch.delenv("KESU_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()

    cli.ensure_admin(out)
    password = re.search(r"password:\s+(\S+)", out.getvalue()).group(1)
    assert get_user_model().objects.get(username="admin").check_password(password)

    again = io.StringIO()
    assert cli.ensure_admin(again) is None
    assert again.getvalue() == ""
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_no_administrator_is_created_when_a_superuser_exists(admin_user):
    assert cli.ensure_admin(io.StringIO()) is None
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_data_is_loaded_on_first_start_only(db):
    first = io.StringIO()
    cli.load_demo_if_wanted(first, force=False)
    assert Company.objects.filter(code="ZKJG").exists()
    # Not a terminal: one plain line per step, the last one naming the last step, then every module's count.
    steps = len(demo.STEPS)
    text = first.getvalue()
    assert [line for line in text.splitlines() if line.startswith("Demo data: ")] == [
        f"Demo data: {i}/{steps} {path.rsplit('.', 1)[-1]}" for i, path in enumerate(demo.STEPS, start=1)
    ]
    assert "\r" not in text
    made = text.split("Demo data generated in", 1)[1]
    for label, model in demo.SUMMARY:
        count = apps.get_model(model).objects.count()
        assert re.search(rf"^  {re.escape(label)} +{count:,}$", made, re.M), (label, count)
    for label in ("Complaints", "Corrective actions (8D)", "Nonconformity reports (NCR)", "Claims",
                  "Supplier claims", "Survey campaigns", "Survey answers", "Department reports", "Users"):
        assert re.search(rf"^  {re.escape(label)} +[1-9]", made, re.M), f"the demo made no {label}"
    customers = Company.objects.count()

    out = io.StringIO()
    cli.load_demo_if_wanted(out, force=True)
    assert "already loaded" in out.getvalue()
    assert Company.objects.count() == customers


@pytest.mark.django_db
def test_no_demo_data_when_the_database_already_has_a_company(company_a):
    cli.load_demo_if_wanted(io.StringIO(), force=False)
    assert not Company.objects.filter(code="ZKJG").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_one_bar_redrawn_in_place():
    out = _Terminal()
    progress = cli.Progress(out, "Migrating", 4)
    for name in ("a.0001", "a.0002", "b.0001", "b.0002"):
        progress.advance(name)

    text = out.getvalue()
    frames = text.split("\r")[1:]
    assert len(frames) == 4 and text.count("\n") == 1 and text.endswith("\n")
    assert frames[0].startswith("Migrating [" + "#" * 8 + "-" * 22 + "] 1/4 a.0001")  # 30 × 1/4 = 7.5 → 8
    assert frames[1].startswith("Migrating [" + "#" * 15 + "-" * 15 + "] 2/4 a.0002")
    assert frames[3].startswith("Migrating [" + "#" * 30 + "] 4/4 b.0002")


def test_progress_in_a_log_is_plain_lines_each_tenth_of_the_way():
    out = io.StringIO()
    progress = cli.Progress(out, "Migrating", 25, every=0.1)
    for i in range(25):
        progress.advance(f"m{i + 1}")

    # 1/25 = 4 %, then the first step at least 10 points further each time (4/25 = 16 % …), and the last.
    assert out.getvalue().splitlines() == [
        "Migrating: 1/25 m1", "Migrating: 4/25 m4", "Migrating: 7/25 m7", "Migrating: 10/25 m10",
        "Migrating: 13/25 m13", "Migrating: 16/25 m16", "Migrating: 19/25 m19", "Migrating: 22/25 m22",
        "Migrating: 25/25 m25",
    ]
    assert "\r" not in out.getvalue()


@pytest.mark.django_db
def test_migrate_counts_the_applied_migrations_of_the_plan(monkeypatch):
    from django.core.management.commands.migrate import Command as Migrate
    from django.db.migrations.executor import MigrationExecutor

    plan = ["complaints.0001", "complaints.0002", "claims.0001"]
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: plan)

    def applying(self, *args, **options):  # what Django's executor tells the command, without migrating
        for name in plan:
            self.migration_progress_callback("apply_start", name)
            self.migration_progress_callback("apply_success", name)

    monkeypatch.setattr(Migrate, "handle", applying)
    out = io.StringIO()
    assert cli.migrate_with_progress(out) == 3
    assert out.getvalue().splitlines() == [
        "Migrating: 1/3 complaints.0001", "Migrating: 2/3 complaints.0002", "Migrating: 3/3 claims.0001"]

    nothing_to_do = io.StringIO()
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [])
    plan = []
    assert cli.migrate_with_progress(nothing_to_do) == 0
    assert nothing_to_do.getvalue() == ""


def test_the_start_says_who_runs_the_periodic_jobs():
    inside = cli.worker_notice(worker=True)
    assert "run in this process" in inside and "`kesu worker` separately" in inside
    outside = cli.worker_notice(worker=False)
    assert "do not run here" in outside and "`kesu worker` separately" in outside


def test_manage_hands_any_django_command_through(capsys):
    assert cli.main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env, cwd, port):
    return subprocess.Popen(
        [sys.executable, "-m", "kesu.cli", "up", "--port", str(port), "--threads", "2"],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(url: str, proc, timeout: float = 900) -> urllib.request.http.client.HTTPResponse:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"kesu up exited early:\n{proc.stdout.read()}\n{proc.stderr.read()}")
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def _stop(proc, sig) -> tuple[str, str]:
    proc.send_signal(sig)
    try:
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.slow
def test_kesu_up_prepares_everything_serves_in_chinese_and_stops_cleanly(tmp_path):
    # Always a private SQLite folder: never the database the test run uses.
    env = {k: v for k, v in os.environ.items() if k not in {"KESU_DATABASE_URL", "KESU_ADMIN_PASSWORD"}}
    env.update(KESU_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    port = _free_port()

    proc = _start(env, tmp_path, port)
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/accounts/login/", proc)
        body = page.read().decode()
        assert page.status == 200
        assert 'lang="zh-hans"' in body or "zh-hans" in page.headers.get("Content-Language", "")
        static = _wait_for(f"http://127.0.0.1:{port}/static/admin/css/base.css", proc)
        assert static.status == 200
    finally:
        out, err = _stop(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert f"http://127.0.0.1:{port}/" in out
    assert "Loading demo data" in out and "director" in out
    # Not a terminal: progress as plain lines, the last migration and the last demo step counted in full.
    assert re.search(r"^Migrating: (\d+)/\1 ", out, re.M) and re.search(r"^Demo data: (\d+)/\1 ", out, re.M)
    assert "\r" not in out
    assert re.search(r"^  Corrective actions \(8D\) +[1-9]", out, re.M)
    assert "run in this process" in out and "`kesu worker` separately" in out
    assert re.search(r"password:\s+\S+", out), "the administrator password is shown on first start"
    assert (tmp_path / "data" / "kesu.sqlite3").exists()

    # Second start: same database, no new demo data, no new password; SIGTERM stops it too.
    proc = _start(env, tmp_path, port)
    try:
        _wait_for(f"http://127.0.0.1:{port}/accounts/login/", proc)
    finally:
        out, err = _stop(proc, signal.SIGTERM)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Loading demo data" not in out
    assert "Migrating" not in out  # nothing left to apply
    assert "Administrator created" not in out
    assert "Kesu stopped." in out


def test_the_ci_script_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert readme.index("```sh") < readme.index("## "), "the README opens with the two commands"
    install_and_start, install_and_test = commands[:2]
    assert "kesu up" in install_and_start
    assert install_and_test in (REPO / ".ci" / "run").read_text().splitlines()


class _FakeServer:
    """Stands in for waitress: "serves" until the test's Ctrl-C, noting whether the worker thread was running."""

    def __init__(self) -> None:
        self.worker_alive_while_serving: bool | None = None

    def run(self) -> None:
        import threading

        self.worker_alive_while_serving = any(t.name == "kesu-worker" and t.is_alive() for t in threading.enumerate())
        raise KeyboardInterrupt

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("argv", "expected"), [([], True), (["--no-worker"], False)])
def test_kesu_up_runs_the_worker_in_a_background_thread_unless_told_not_to(monkeypatch, argv, expected):
    import threading

    import waitress

    from kesu.core import jobs

    server = _FakeServer()
    monkeypatch.setattr(waitress, "create_server", lambda *args, **kwargs: server)
    # The jobs themselves are the worker's tests; here only that they run, and stop with the server.
    monkeypatch.setattr(jobs, "run_until", lambda stop, poll=30.0: stop.wait(30))
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    args = cli.build_parser().parse_args(["up", *argv])
    out = io.StringIO()

    assert cli.serve(args.host, 0, 1, out, worker=not args.no_worker) == 0

    assert server.worker_alive_while_serving is expected
    assert not any(t.name == "kesu-worker" for t in threading.enumerate())  # stopped with the server
    assert "Kesu stopped." in out.getvalue()


def test_kesu_up_keeps_mail_as_files_when_no_mail_server_is_set(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("KESU_EMAIL_BACKEND", raising=False)
    settings.DATA_DIR = tmp_path
    out = io.StringIO()

    cli.keep_mail_as_files(out)

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert settings.EMAIL_FILE_PATH == str(tmp_path / "mail") and str(tmp_path / "mail") in out.getvalue()


def test_kesu_up_leaves_a_configured_mail_backend_alone(monkeypatch, settings):
    monkeypatch.setenv("KESU_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    cli.keep_mail_as_files(io.StringIO())

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
