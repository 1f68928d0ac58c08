"""Benchmark of issue 7, in one command: a million complaints on SQLite and PostgreSQL, then the timings.

    .venv/bin/python bench/run.py                       # both databases, 1,000,000 complaints
    .venv/bin/python bench/run.py --backend postgres    # one of them
    .venv/bin/python bench/run.py --complaints 50000    # a quick run

For each database it

1. creates the database if needed (SQLite file under ``--data-dir``; PostgreSQL database ``kesu_bench`` on
   127.0.0.1:5432 as user postgres, or ``--postgres-url``) and migrates it;
2. generates the data unless the database already holds the complaints asked for: ``kesu demo --scale N``
   with N = complaints ÷ 4,871 (the demo's measured yield per scale step) — customers, parts, contracts,
   about 5,000·N shipment lines and 5,000·N complaints with their remedies, deadlines and timelines over
   two and a half years, corrective actions, claims and surveys — and then the worker's monthly snapshots;
3. runs ``bench/timings.py`` against it, which prints one table (see that file for the cases).

A database that holds fewer complaints than asked for but some is refused (drop it first), so a run never
mixes two data sets. Everything is printed with the wall-clock time of each phase.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PER_SCALE = 4871  # complaints per `kesu demo --scale` step, measured at --scale 200 (974,220)


def _env(url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"KESU_DATABASE_URL": url, "KESU_DATA_DIR": str(data_dir / "files"), "PYTHONPATH": str(ROOT)})
    return env


def _run(args: list[str], env: dict[str, str], label: str) -> str:
    started = time.perf_counter()
    print(f"· {label} …", flush=True)
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"{label} failed ({result.returncode})")
    print(f"  {label}: {time.perf_counter() - started:,.0f} s", flush=True)
    return result.stdout


def _count(env: dict[str, str]) -> int:
    code = ("import django; django.setup(); from kesu.complaints.models import Complaint; "
            "print(Complaint.objects.count())")
    out = subprocess.run([PYTHON, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "kesu.settings"}, cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip().splitlines()[-1])


def _postgres_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist yet."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare(backend: str, url: str, data_dir: Path, complaints: int) -> dict[str, str]:
    env = _env(url, data_dir)
    if backend == "postgres":
        _postgres_database(url)
    kesu = [PYTHON, "-m", "kesu.cli"]
    _run([*kesu, "manage", "migrate", "--no-input"], env, f"{backend}: migrate")
    have = _count(env)
    if have < complaints * 0.97:
        if have:
            raise SystemExit(f"{backend}: the database holds {have:,} complaints, fewer than asked; drop it first")
        scale = math.ceil(complaints / PER_SCALE)
        _run([*kesu, "demo", "--scale", str(scale)], env, f"{backend}: kesu demo --scale {scale}")
    if backend == "postgres":  # after a bulk load the planner needs statistics and index-only scans a visibility map
        _run([PYTHON, "-c", f"import psycopg; psycopg.connect({url!r}, autocommit=True).execute('VACUUM (ANALYZE)')"],
             env, f"{backend}: VACUUM (ANALYZE)")
    # The dashboards' monthly rollup (issue 24 §5): the worker keeps it, a bulk load needs it built once.
    _run([*kesu, "manage", "rebuild_rollups"], env, f"{backend}: complaint rollup")
    _run([PYTHON, "-c", "import django; django.setup(); from kesu.reports.services.snapshots import "
                        "snapshots_take_due; print(snapshots_take_due())"],
         {**env, "DJANGO_SETTINGS_MODULE": "kesu.settings"}, f"{backend}: monthly snapshots")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path("/var/tmp/kesu-bench"))
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/kesu_bench")
    parser.add_argument("--sqlite-path", type=Path, default=None)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "sqlite":
            url = f"sqlite:///{args.sqlite_path or args.data_dir / 'bench.sqlite3'}"
        else:
            url = args.postgres_url
        env = prepare(backend, url, args.data_dir, args.complaints)
        print(_run([PYTHON, str(ROOT / "bench" / "timings.py"), "--repeat", str(args.repeat),
                    "--export-rows", str(args.export_rows)], env, f"{backend}: timings"), flush=True)


if __name__ == "__main__":
    main()
