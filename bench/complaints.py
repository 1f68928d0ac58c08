"""Benchmark: complaint pages and API on a large database (issue 3: "design for a million complaints").

Run it against a database filled by ``kesu demo --scale N``::

    KESU_DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/python bench/complaints.py
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_scale .venv/bin/python bench/complaints.py

Each case is requested through Django's test client as a logged-in demo user
(the salesperson ``sales`` sees one company, the group GM ``gm`` sees all
three), ``--repeat`` times after one warm-up; the table gives the median and
the worst time and the number of SQL queries. Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kesu.accounts.models import User  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402


def cases(sales: User) -> list[tuple[str, str, str]]:
    """(who, label, url) for every page the issue asks to scale."""
    mine = Complaint.objects.filter(company=sales.company).order_by("-received_at").values(
        "pk", "customer__code", "part__part_no").first()
    return [
        ("sales", "list, first page", "/complaints/"),
        ("gm", "list, first page, whole group", "/complaints/"),
        ("sales", "list, page 200", "/complaints/?page=200"),
        ("sales", "list, status = closed", "/complaints/?status=closed"),
        ("sales", "list, severity = severe, early warning B", "/complaints/?severity=severe&warning_class=b"),
        ("sales", "list, overdue", "/complaints/?overdue=true"),
        ("sales", "list, received in one month", "/complaints/?received_from=2025-03-01&received_to=2025-03-31"),
        ("sales", "list, search 划伤 (common)", "/complaints/?q=%E5%88%92%E4%BC%A4"),
        ("sales", "list, search 虚焊 (rarer)", "/complaints/?q=%E8%99%9A%E7%84%8A"),
        ("gm", "list, search 信号漂移, whole group", "/complaints/?q=%E4%BF%A1%E5%8F%B7%E6%BC%82%E7%A7%BB"),
        ("sales", "list, customer", f"/complaints/?customer_code={mine['customer__code']}"),
        ("sales", "my work", "/complaints/my-work/"),
        ("sales", "my department's work", "/complaints/my-work/?scope=department"),
        ("sales", "detail", f"/complaints/{mine['pk']}/"),
        ("sales", "defect history, customer", f"/complaints/history/?customer={mine['customer__code']}"),
        ("sales", "defect history, part", f"/complaints/history/?part={mine['part__part_no']}"),
        ("sales", "API list", "/api/v1/complaints?limit=50"),
        ("sales", "API search 划伤", "/api/v1/complaints?q=%E5%88%92%E4%BC%A4&limit=50"),
        ("sales", "Excel export, one month", "/complaints/?received_from=2025-03-01&received_to=2025-03-31&format=xlsx"),
    ]


def run(repeat: int) -> None:
    clients = {}
    for username in ("sales", "gm"):
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    sales = User.objects.select_related("company").get(username="sales")
    total = Complaint.objects.count()
    print(f"{connection.vendor}: {total:,} complaints; {repeat} runs per case after one warm-up\n")
    print(f"{'case':<46} {'who':<6} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>9}")
    for who, label, url in cases(sales):
        client = clients[who]
        times = []
        for attempt in range(repeat + 1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            if attempt:
                times.append(elapsed)
        print(f"{label:<46} {who:<6} {statistics.median(times):>10.0f} {max(times):>8.0f} "
              f"{len(queries):>8} {len(body):>9,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    run(parser.parse_args().repeat)
