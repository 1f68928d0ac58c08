"""How fast the outbox drains and how long a backup and a restore take, on SQLite or PostgreSQL.

    .venv/bin/python bench/outbox_backup.py [--mails 5000] [--scale 1] [--postgres-url postgres://…/kesu_bench_ops]

Makes a fresh installation in a temporary folder (SQLite, or the given
PostgreSQL database, dropped and created), loads ``kesu demo --scale N``,
queues ``--mails`` outbox rows and times one run of the sender with Django's
in-memory mail backend (what the database side costs per mail: claim, send,
mark sent), then times ``kesu backup`` and ``kesu restore`` into a second empty
installation, and prints the archive's size and row count.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENDER = """
import time, django
django.setup()
from django.conf import settings
from django.utils import timezone
from kesu.accounts.models import Company
from kesu.notifications.models import OutboxMail
from kesu.notifications.services import outbox_send_pending
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
company = Company.objects.order_by("pk").first()
now = timezone.now()
OutboxMail.objects.bulk_create([OutboxMail(company=company, to=f"r{i}@example.com", subject=f"s{i}", body="b" * 500,
                                           next_attempt_at=now, created_at=now) for i in range(MAILS)],
                               batch_size=1000)
started = time.perf_counter()
sent = outbox_send_pending(per_minute=10**9, max_seconds=3600)
took = time.perf_counter() - started
print(f"outbox: {sent} mails sent in {took:.1f} s = {sent / took:.0f} mails/s ({sent / took * 60:,.0f} a minute)")
"""


def run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="kesu-bench-ops-") as tmp:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KESU_")}
        src = {**base, "KESU_DATA_DIR": f"{tmp}/src", "DJANGO_SETTINGS_MODULE": "kesu.settings"}
        dst = {**base, "KESU_DATA_DIR": f"{tmp}/dst"}
        if args.postgres_url:
            import psycopg

            url = args.postgres_url.rstrip("/")
            server, name = url.rsplit("/", 1)
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                for db in (name, f"{name}_restored"):
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            src["KESU_DATABASE_URL"], dst["KESU_DATABASE_URL"] = url, f"{url}_restored"
        print(f"demo --scale {args.scale}: {run([python, '-m', 'kesu.cli', 'demo', '--scale', str(args.scale)], src):.0f} s")
        subprocess.run([python, "-c", SENDER.replace("MAILS", str(args.mails))], env=src, check=True)
        archive = Path(tmp) / "backup.tar.gz"
        print(f"backup: {run([python, '-m', 'kesu.cli', 'backup', '--output', str(archive)], src):.1f} s, "
              f"{archive.stat().st_size / 1e6:.1f} MB")
        print(f"restore: {run([python, '-m', 'kesu.cli', 'restore', str(archive)], dst):.1f} s")


if __name__ == "__main__":
    main()
