"""The work queue and the home page on an existing database (issue 16 §2, §4): median and P90 wall time.

    KESU_DATA_DIR=./data .venv/bin/python bench/work.py                     # the demo users on the SQLite database
    KESU_DATABASE_URL=postgres://…/kesu .venv/bin/python bench/work.py --users gm,qa,sales --runs 30

For each user (demo login names by default; any user names with ``--users``) it times, in one process and
after one warming run each:

- ``queue(scope)``: :func:`kesu.core.work.queue` for "mine", "department" and — for heads, the GM and vice
  GM — "team" (the selector alone: what the page and the API both call);
- ``page /work/``, ``page /`` (home) and ``api /api/v1/work``: the whole request through the test client
  (middleware, session, template), as the user;
- the number of queries of each, which must not grow with the data (the query-count tests check it).

Targets (issue 16 "done when"): a user's queue median under 50 ms and the GM's group queue under 100 ms at
1,000,000 complaints on PostgreSQL; the home page under 100 ms on the demo data. The script only reads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

DEMO_USERS = "sales,assistant,regional,director,qa,engineer,production,purchasing,finance,vicegm,gm,office,aftersales"


def _time(fn, runs: int) -> tuple[float, float, int]:
    """(median ms, P90 ms, queries of the last run) of ``fn`` over ``runs`` runs after one warming run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fn()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1 if len(times) >= 10 else -1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default=DEMO_USERS, help="comma-separated user names")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from kesu.accounts.models import User
    from kesu.complaints.models import Complaint
    from kesu.core import work
    from kesu.core.work_views import scopes_for

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.db import connection

    print(f"database: {connection.vendor} · complaints: {Complaint.objects.count():,} · runs: {args.runs}")
    print(f"{'user':<12} {'what':<24} {'items':>6} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for name in args.users.split(","):
        user = User.objects.select_related("position", "company", "department").filter(username=name).first()
        if user is None:
            print(f"{name:<12} (no such user)")
            continue
        for scope, _label in scopes_for(user):
            found = work.queue(user, scope)
            median, p90, queries = _time(lambda scope=scope, pk=user.pk: work.queue(
                User.objects.select_related("position", "company", "department").get(pk=pk), scope), args.runs)
            print(f"{name:<12} {'queue ' + scope:<24} {found.counts.total:>6} {median:>10.1f} {p90:>8.1f} "
                  f"{queries:>8}")
        client = Client()
        client.force_login(user)
        for what, url in (("page /work/", "/work/"), ("page / (home)", "/"), ("api /api/v1/work", "/api/v1/work")):
            def get(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            median, p90, queries = _time(get, args.runs)
            print(f"{name:<12} {what:<24} {'':>6} {median:>10.1f} {p90:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
