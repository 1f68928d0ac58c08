"""Timings of issue 7 on a database filled by ``bench/run.py`` (or ``kesu demo --scale N``); writes only the
complaints created through the API case.

    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench .venv/bin/python bench/timings.py

Three tables:

1. pages and API through Django's test client as a logged-in demo user (``sales`` sees one company, ``gm``
   the whole group): median and worst of ``--repeat`` runs after one warm-up, SQL queries, bytes;
2. each yearly analysis (the last full calendar year, the whole group) called as the pages call it, against
   the plain SQL aggregate that analysis needs, written by hand and run on the same connection — both
   medians and the ratio;
3. the Excel export of ``--export-rows`` complaints (the newest, whole group), each size in a fresh process
   so its peak memory (max RSS) is its own: 10 % of the rows and all of them, to show memory stays flat.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from kesu.accounts.models import Company, User  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402
from kesu.reports import analyses  # noqa: E402

EXCLUDED = "('rejected_at_intake', 'cancelled')"


def _median(function, repeat: int) -> tuple[float, float]:
    times = []
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        function()
        if attempt:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


# -- 1. pages and API ----------------------------------------------------------------------------------------

def page_cases(sales: User, year: int) -> list[tuple[str, str, str]]:
    mine = Complaint.objects.filter(company=sales.company).order_by("-received_at").values(
        "pk", "customer_id", "received_at").first()
    month = mine["received_at"].date().replace(day=1)
    last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    year_query = urlencode({"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"})
    return [
        ("sales", "list, first page", "/complaints/"),
        ("gm", "list, first page, whole group", "/complaints/"),
        ("sales", "list, page 200", "/complaints/?page=200"),
        ("sales", "list, status = closed", "/complaints/?status=closed"),
        ("sales", "list, severity + early warning", "/complaints/?severity=severe&warning_class=b"),
        ("sales", "list, overdue", "/complaints/?overdue=true"),
        ("sales", "list, one month", f"/complaints/?received_from={month}&received_to={last}"),
        ("sales", "list, one customer", f"/complaints/?customer={mine['customer_id']}"),
        ("sales", "list, search 划伤", "/complaints/?q=%E5%88%92%E4%BC%A4"),
        ("sales", "detail", f"/complaints/{mine['pk']}/"),
        ("sales", "API list", "/api/v1/complaints?limit=50"),
        ("gm", "analyses page, one year, whole group", f"/reports/analyses/?{year_query}"),
        ("gm", "KPI dashboard", f"/reports/?year={year}"),
        ("sales", "KPI dashboard, own company", f"/reports/?year={year}"),
    ]


def pages(clients: dict[str, Client], sales: User, year: int, repeat: int) -> None:
    print(f"{'case':<42} {'who':<6} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>10}")
    for who, label, url in page_cases(sales, year):
        client = clients[who]
        state = {}

        def get(client=client, url=url, state=state):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            state.update(queries=len(queries), size=len(body))

        median, worst = _median(get, repeat)
        print(f"{label:<42} {who:<6} {median:>10.0f} {worst:>8.0f} {state['queries']:>8} {state['size']:>10,}")
    customer = Complaint.objects.filter(company=sales.company).values_list("customer__code", flat=True).first()
    client = clients["sales"]

    def create():
        response = client.post("/api/v1/complaints", json.dumps(
            {"channel": "phone", "customer_id": customer, "description": "基准测试：外壳划伤。",
             "defect_nature": "划伤"}), content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"create: HTTP {response.status_code} {response.content[:300]!r}")

    median, worst = _median(create, repeat)
    print(f"{'API create complaint':<42} {'sales':<6} {median:>10.0f} {worst:>8.0f}")


# -- 2. yearly analyses against plain SQL ------------------------------------------------------------------

def _plain_sql(name: str, vendor: str, ids: str, tz: str) -> list[str]:
    """The hand-written SQL that analysis ``name`` needs (parameters: start, end instants)."""
    where = (f"company_id IN ({ids}) AND received_at >= %(start)s AND received_at < %(end)s "
             f"AND status NOT IN {EXCLUDED}")
    ours = "SUM(CASE WHEN responsibility = 'ours' THEN quantity_defective END)"
    if vendor == "postgresql":
        hours = "FLOOR(EXTRACT(EPOCH FROM ({end} - received_at)) / 3600)::integer"
        month = f"date_trunc('month', received_at AT TIME ZONE '{tz}')"
        day = "(({col}) AT TIME ZONE '" + tz + "')::date"
    else:
        hours = "CAST((julianday({end}) - julianday(received_at)) * 24 + 1e-9 AS INTEGER)"
        offset = datetime.datetime.now(zoneinfo.ZoneInfo(tz)).utcoffset().total_seconds() / 3600
        month = f"strftime('%%Y-%%m', received_at, '{offset:+.0f} hours')"
        day = "date({col}, '" + f"{offset:+.0f} hours" + "')"
    table = "complaints_complaint"
    group = {"customer": "customer_id", "part": "part_id", "category": "category_id", "defect": "defect_nature"}
    if name in group:
        return [f"SELECT {group[name]}, COUNT(*), {ours} FROM {table} WHERE {where} GROUP BY {group[name]}"]
    if name == "frequency":
        return [f"SELECT customer_id, part_id, category_id, COUNT(*) FROM {table} WHERE {where} "
                "GROUP BY customer_id, part_id, category_id"]
    if name in ("trend", "seasonality"):
        wide = where.replace("%(start)s", "%(wide_start)s" if name == "trend" else "%(three_years)s")
        return [f"SELECT {month}, COUNT(*) FROM {table} WHERE {wide} GROUP BY {month}"]
    if name == "closure":
        closed_day = ("CASE WHEN status = 'closed' AND closed_at IS NOT NULL THEN "
                      f"{day.format(col='closed_at')} END")
        return [f"SELECT company_id, {day.format(col='received_at')}, {closed_day}, COUNT(*) "
                f"FROM {table} WHERE {where} GROUP BY 1, 2, 3"]
    if name == "response":
        h = hours.format(end="first_response_at")
        return [f"SELECT {h}, COUNT(*) FROM {table} WHERE {where} AND first_response_at IS NOT NULL GROUP BY {h}",
                f"SELECT COUNT(*) FROM {table} WHERE {where} AND first_response_at IS NULL"]
    if name == "reopen":
        return [f"SELECT COUNT(*), SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END), SUM(reopen_count) "
                f"FROM {table} WHERE {where} AND status = 'closed'"]
    if name == "backlog":
        overdue = ("EXISTS (SELECT 1 FROM complaints_deadline d WHERE d.complaint_id = c.id AND d.met_at IS NULL "
                   "AND d.cancelled_at IS NULL AND d.due_at < %(now)s)")
        open_ = (f"c.company_id IN ({ids}) AND c.status NOT IN ('closed', 'rejected_at_intake', 'cancelled') "
                 f"AND {overdue}")
        return [f"SELECT c.status, COUNT(*) FROM {table} c WHERE {open_} GROUP BY c.status",
                f"SELECT c.department_id, COUNT(*) FROM {table} c WHERE {open_} GROUP BY c.department_id",
                f"SELECT d.complaint_id, MIN(d.due_at) FROM complaints_deadline d JOIN {table} c "
                f"ON c.id = d.complaint_id WHERE c.company_id IN ({ids}) AND c.status NOT IN ('closed', "
                "'rejected_at_intake', 'cancelled') AND d.met_at IS NULL AND d.cancelled_at IS NULL "
                "AND d.due_at < %(now)s GROUP BY d.complaint_id"]
    raise KeyError(name)


def yearly(gm: User, year: int, repeat: int) -> None:
    companies = list(Company.objects.filter(pk__in=gm.visible_company_ids()))
    zones = {c.time_zone for c in companies}
    if len(zones) != 1:
        raise SystemExit("the plain SQL here assumes one time zone for the group")
    tz = zones.pop()
    zone = zoneinfo.ZoneInfo(tz)
    scope = analyses.Scope(company_ids=tuple(sorted(c.pk for c in companies)), date_from=datetime.date(year, 1, 1),
                           date_to=datetime.date(year, 12, 31))
    params = {
        "start": datetime.datetime(year, 1, 1, tzinfo=zone), "end": datetime.datetime(year + 1, 1, 1, tzinfo=zone),
        "wide_start": datetime.datetime(year - 1, 1, 1, tzinfo=zone),
        "three_years": datetime.datetime(year - 2, 1, 1, tzinfo=zone),
        "now": datetime.datetime.now(datetime.UTC)}
    if connection.vendor == "sqlite":  # Django stores SQLite datetimes as UTC text
        params = {k: v.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S") for k, v in params.items()}
    ids = ",".join(str(pk) for pk in scope.company_ids)
    total = analyses.complaints_in(scope).count()
    print(f"\nyearly analyses: {year}, whole group ({len(companies)} companies, {total:,} complaints counted)")
    print(f"{'analysis':<14} {'Kesu ms':>9} {'max ms':>8} {'queries':>8} {'plain SQL ms':>13} {'ratio':>7}")
    for name in analyses.ANALYSES:
        with CaptureQueriesContext(connection) as queries:
            analyses.run(scope, name)
        ours, worst = _median(lambda name=name: analyses.run(scope, name), repeat)
        statements = _plain_sql(name, connection.vendor, ids, tz)

        def plain(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        sql_ms, _worst = _median(plain, repeat)
        print(f"{name:<14} {ours:>9.0f} {worst:>8.0f} {len(queries):>8} {sql_ms:>13.0f} {ours / sql_ms:>7.2f}")


# -- 3. the Excel export ----------------------------------------------------------------------------------------

def export_once(rows: int) -> None:
    """Run in a fresh process: export the newest ``rows`` complaints of the group, print ms, bytes, max RSS."""
    gm = User.objects.get(username="gm")
    visible = Complaint.objects.filter(company_id__in=gm.visible_company_ids()).order_by("-received_at")
    since = visible.values_list("received_at", flat=True)[rows - 1]
    client = Client(SERVER_NAME="localhost")
    client.force_login(gm)
    local = since.astimezone(gm.company.tz).date()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get("/complaints/?" + urlencode({"received_from": local.isoformat(), "format": "xlsx"}))
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exported = Complaint.objects.filter(company_id__in=gm.visible_company_ids(), received_at__gte=datetime.datetime
                                        .combine(local, datetime.time.min, tzinfo=gm.company.tz)).count()
    print(json.dumps({"rows": exported, "seconds": round(elapsed, 1), "bytes": size, "rss_before_mb": before // 1024,
                      "rss_peak_mb": after // 1024}))


def exports(rows: int) -> None:
    print("\nExcel export of the newest complaints (whole group), each in a fresh process")
    print(f"{'rows':>9} {'seconds':>8} {'MB':>6} {'max RSS before MB':>18} {'peak MB':>8}")
    for size in (rows // 10, rows):
        out = subprocess.run([sys.executable, __file__, "--export-only", str(size)], capture_output=True, text=True,
                             check=True).stdout
        data = json.loads(out.strip().splitlines()[-1])
        print(f"{data['rows']:>9,} {data['seconds']:>8.1f} {data['bytes'] / 1e6:>6.1f} {data['rss_before_mb']:>18} "
              f"{data['rss_peak_mb']:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--export-only", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["pages", "yearly", "exports"], default=None)
    args = parser.parse_args()
    if args.export_only:
        export_once(args.export_only)
        return
    clients = {}
    for username in ("sales", "gm"):
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    sales = User.objects.select_related("company").get(username="sales")
    gm = User.objects.select_related("company").get(username="gm")
    newest = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    year = newest.year - 1  # the last full calendar year
    print(f"{connection.vendor}: {Complaint.objects.count():,} complaints; {args.repeat} runs per case after one "
          "warm-up\n")
    if args.only in (None, "pages"):
        pages(clients, sales, year, args.repeat)
    if args.only in (None, "yearly"):
        yearly(gm, year, args.repeat)
    if args.only in (None, "exports"):
        exports(args.export_rows)


if __name__ == "__main__":
    main()
