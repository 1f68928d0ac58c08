#!/usr/bin/env python3
"""Fuzz the REST API with schemathesis, as an administrator and as a salesperson (issue 15 §8).

Starts Kesu on a throwaway database with small demo data, makes an API token for the administrator and
for the demo salesperson ``sales``, then runs schemathesis over /api/v1/openapi.json once per token with a
fixed seed and a time budget. Checks: no response >= 500, every status code documented, every response
body matching its declared schema. Prints a summary per token (requests, failures by check and operation)
and exits non-zero on any failure.

    .venv/bin/python scripts/fuzz_api.py                 # CI: about 2 minutes per token
    .venv/bin/python scripts/fuzz_api.py --minutes 10    # the long run: 10 minutes per token

The database is an SQLite file in a temporary data folder. With KESU_DATABASE_URL naming a PostgreSQL
server, a fresh database ``<name>_fuzz_<pid>`` is created on it and dropped afterwards (the fuzzer creates,
changes and deletes records: mutating endpoints are fuzzed too).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
ADMIN_PASSWORD = "kesu-fuzz-admin-2026"

# Made in the fuzzed instance itself: the demo data, an administrator and one token per persona.
_SETUP = r"""
import io, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
from kesu.cli import ensure_admin, setup_django
setup_django()
from kesu.accounts.models import User
from kesu.accounts.services import api_token_create
from kesu.core.context import acting_as
ensure_admin(io.StringIO())
tokens = {}
with acting_as(None, "command"):
    for persona, user in (("admin", User.objects.filter(is_superuser=True).order_by("pk").first()),
                          ("sales", User.objects.get(username="sales"))):
        tokens[persona] = api_token_create(actor=user, name="fuzz")[1]
print(json.dumps(tokens))
"""


def _throwaway_database(url: str) -> tuple[str, str | None]:
    """A PostgreSQL URL turned to a fresh database's (and that database's name); other URLs as they are."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return url, None
    name = f"{parts.path.lstrip('/') or 'kesu'}_fuzz_{os.getpid()}"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kesu(*args: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "kesu.cli", *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"`kesu {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"Kesu stopped before answering (exit status {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"Kesu did not answer {url} within {seconds:.0f} s.")


def _summary(persona: str, report: Path) -> tuple[int, int, list[str]]:
    """Requests sent and failures found in one schemathesis NDJSON event stream, with a line per cause."""
    requests = 0
    failures: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for line in report.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        for _kind, body in event.items():
            if not isinstance(body, dict):
                continue
            recorder = body.get("recorder")
            if not recorder:
                continue
            requests += len(recorder.get("interactions", {}))
            for case_id, checks in recorder.get("checks", {}).items():
                for check in checks:
                    if str(check.get("status", "")).lower() != "failure":
                        continue
                    case = recorder.get("cases", {}).get(case_id, {}).get("value", {})
                    failure = check.get("failure_info") or {}
                    title = (failure.get("failure") or {}).get("title", "")
                    status = ""
                    interaction = recorder.get("interactions", {}).get(case_id) or {}
                    if interaction.get("response"):
                        status = str(interaction["response"].get("status_code", ""))
                    operation = f"{case.get('method', '?')} {case.get('path', '?')}"
                    failures[(check.get("name", "?"), operation, f"{status} {title}".strip())] += 1
    lines = [f"  {count:5d}  {name:28s} {operation}  [{title}]"
             for (name, operation, title), count in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))]
    return requests, sum(failures.values()), lines


def _fuzz(persona: str, token: str, base: str, seconds: int, seed: int, workers: int, out: Path) -> int:
    report = out / f"{persona}.ndjson"
    command = [
        str(Path(sys.executable).parent / "st"), "run", f"{base}/api/v1/openapi.json",
        "--checks", CHECKS, "--seed", str(seed), "--max-time", str(seconds), "--workers", str(workers),
        "--header", f"Authorization: Bearer {token}", "--request-timeout", "60",
        "--report", "ndjson", "--report-ndjson-path", str(report),
        "--suppress-health-check", "all", "--output-truncate", "true",
        # Revoking its own token would leave the rest of the run answering 401.
        "--exclude-operation-id", "kesu_accounts_api_token_revoke",
    ]
    print(f"\n=== schemathesis as {persona} ({seconds} s, seed {seed}) ===", flush=True)
    log = out / f"{persona}.log"
    with log.open("w", encoding="utf-8") as handle:
        rc = subprocess.run(command, cwd=out, stdout=handle, stderr=subprocess.STDOUT).returncode
    requests, failed, lines = _summary(persona, report) if report.exists() else (0, 0, [])
    print(f"{persona}: {requests} requests, {failed} failed checks (schemathesis exit status {rc}; log {log})")
    for line in lines:
        print(line)
    if rc != 0 and not lines:
        print(log.read_text(encoding="utf-8")[-4000:])
    return 1 if rc != 0 or failed else 0


@contextlib.contextmanager
def throwaway_kesu(*, keep: bool = False, label: str = "fuzz"):
    """A Kesu serving on a free port from a throwaway database with the demo data (scale 1): yields its base URL,
    an API token per persona (admin, sales) and its data folder; stopped and removed afterwards. Also used by
    scripts/api_client_smoke.py."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"kesu-{label}-"))
    env = {**os.environ, "KESU_DATA_DIR": str(data_dir), "KESU_SECRET_KEY": "kesu-fuzz-not-secret",
           "KESU_ADMIN_PASSWORD": ADMIN_PASSWORD, "KESU_LOG_LEVEL": "ERROR", "KESU_DEBUG": "",
           "KESU_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "PYTHONUNBUFFERED": "1"}
    database = None
    if os.environ.get("KESU_DATABASE_URL"):
        env["KESU_DATABASE_URL"], database = _throwaway_database(os.environ["KESU_DATABASE_URL"])
    server = None
    try:
        print(f"Preparing a throwaway Kesu in {data_dir} (demo data, scale 1)…", flush=True)
        _kesu("demo", "--scale", "1", "--seed", "2026", env=env)
        setup = subprocess.run([sys.executable, "-c", _SETUP], env=env, cwd=ROOT, capture_output=True, text=True)
        if setup.returncode != 0:
            sys.exit(f"Making the tokens failed:\n{setup.stderr}")
        tokens = json.loads(setup.stdout.strip().splitlines()[-1])
        port = _free_port()
        serve = ("import sys; from kesu.cli import serve, setup_django; setup_django(); "
                 f"sys.exit(serve('127.0.0.1', {port}, 4, sys.stdout))")
        server = subprocess.Popen([sys.executable, "-c", serve], env=env, cwd=ROOT,
                                  stdout=(data_dir / "server.log").open("w"), stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/api/v1/openapi.json", server)
        yield base, tokens, data_dir
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            if database:
                _drop_database(env["KESU_DATABASE_URL"], database)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=None,
                        help="Minutes of fuzzing per token (default: 2 minutes each, the CI run).")
    parser.add_argument("--seed", type=int, default=15, help="schemathesis seed (default 15).")
    parser.add_argument("--workers", type=int, default=1, help="Concurrent schemathesis workers (default 1).")
    parser.add_argument("--personas", default="admin,sales", help="Tokens to fuzz with (default admin,sales).")
    parser.add_argument("--keep", action="store_true", help="Keep the data folder and reports.")
    args = parser.parse_args(argv)
    seconds = int((args.minutes if args.minutes is not None else 2) * 60)

    started = time.monotonic()
    with throwaway_kesu(keep=args.keep) as (base, tokens, data_dir):
        print(f"Ready in {time.monotonic() - started:.0f} s; fuzzing {base}/api/v1", flush=True)
        rc = 0
        for persona in args.personas.split(","):
            rc |= _fuzz(persona, tokens[persona], base, seconds, args.seed, args.workers, data_dir)
        print(f"\nFuzzing {'FAILED' if rc else 'passed'} in {time.monotonic() - started:.0f} s "
              f"(server log {data_dir / 'server.log'}).")
        return rc

if __name__ == "__main__":
    sys.exit(main())
