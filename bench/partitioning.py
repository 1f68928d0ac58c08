"""Would partitioning the complaints by month of receipt pay off? (issue 24 §6) — measured, not guessed.

    .venv/bin/python bench/partitioning.py --url postgres://postgres@127.0.0.1:5432/kesu_bench

On a database filled by ``bench/run.py`` it copies ``complaints_complaint`` into a table partitioned by
``received_at`` with one partition per calendar month (same columns and defaults, every index of the real table
made on it too; PostgreSQL requires a unique index of a partitioned table to hold the partition key, so the
primary key becomes ``(id, received_at)`` and the unique complaint number ``(company_id, number, received_at)``:
neither is unique on its own any more), analyses both, then times the statements the pages and analyses send
against each table: the median of ``--repeat`` runs after two warm-ups, on one connection, and the plan's
partitions. The copy is dropped at the end (``--keep`` keeps it). It writes nothing else.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import time

import psycopg

SOURCE = "complaints_complaint"
COPY = "bench_complaint_by_month"
OPEN = ("acknowledged", "assessed", "customer_rejected", "explanation_sent", "qa_investigation", "received",
        "remedy_accepted", "remedy_approved", "remedy_done", "remedy_proposed", "sales_handling", "verification")
NOT_COUNTED = ("rejected_at_intake", "cancelled")


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def make_copy(conn: psycopg.Connection) -> int:
    first, last = conn.execute(f"SELECT min(received_at), max(received_at) FROM {SOURCE}").fetchone()
    conn.execute(f"DROP TABLE IF EXISTS {COPY}")
    conn.execute(f"CREATE TABLE {COPY} (LIKE {SOURCE} INCLUDING DEFAULTS) PARTITION BY RANGE (received_at)")
    months = _months(first.date() - datetime.timedelta(days=31), last.date() + datetime.timedelta(days=62))
    for start, end in zip(months, months[1:], strict=False):
        conn.execute(f"CREATE TABLE {COPY}_{start:%Y%m} PARTITION OF {COPY} "
                     f"FOR VALUES FROM ('{start}') TO ('{end}')")
    conn.execute(f"CREATE TABLE {COPY}_other PARTITION OF {COPY} DEFAULT")
    started = time.perf_counter()
    conn.execute(f"INSERT INTO {COPY} SELECT * FROM {SOURCE}")
    print(f"copied into {len(months) - 1} monthly partitions in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    for (definition,) in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [SOURCE]).fetchall():
        made = re.sub(r"INDEX (\w+) ON public\.complaints_complaint ", lambda m: f"INDEX bp_{m.group(1)[:50]} ON {COPY} ",
                      definition)
        if made.startswith("CREATE UNIQUE INDEX"):  # the partition key must be in a unique index
            made = re.sub(r"USING btree \(([^)]*)\)", lambda m: f"USING btree ({m.group(1)}, received_at)", made, count=1)
        conn.execute(made)
    conn.execute(f"ANALYZE {COPY}")
    conn.execute(f"ANALYZE {SOURCE}")
    print(f"indexes made and analysed in {time.perf_counter() - started:.0f} s")
    return len(months)  # the monthly ones and the default


def cases(conn: psycopg.Connection) -> list[tuple[str, str, list]]:
    company, sales_newest, count = conn.execute(
        f"SELECT company_id, max(received_at), count(*) FROM {SOURCE} GROUP BY company_id ORDER BY 3 DESC LIMIT 1"
    ).fetchone()
    companies = [row[0] for row in conn.execute(f"SELECT DISTINCT company_id FROM {SOURCE}").fetchall()]
    month = sales_newest.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    year = datetime.datetime(sales_newest.year - 1, 1, 1, tzinfo=sales_newest.tzinfo)
    year_end = year.replace(year=year.year + 1)
    some_id, some_number, some_received = conn.execute(
        f"SELECT id, number, received_at FROM {SOURCE} WHERE company_id = %s ORDER BY id LIMIT 1 OFFSET %s",
        [company, count // 2]).fetchone()
    open_list = ", ".join(f"'{s}'" for s in OPEN)
    not_counted = ", ".join(f"'{s}'" for s in NOT_COUNTED)
    page = "ORDER BY received_at DESC, id DESC LIMIT 50"
    return [
        ("list, open, first page", f"SELECT id FROM {{t}} WHERE company_id = %s AND status IN ({open_list}) {page}",
         [company]),
        ("list, open, page 200", f"SELECT id FROM {{t}} WHERE company_id = %s AND status IN ({open_list}) {page} "
         "OFFSET 9950", [company]),
        ("list, open, count (at most 20,001)", f"SELECT count(*) FROM (SELECT 1 FROM {{t}} WHERE company_id = %s "
         f"AND status IN ({open_list}) LIMIT 20001) s", [company]),
        ("list, whole group, open, first page", f"SELECT id FROM {{t}} WHERE status IN ({open_list}) {page}", []),
        ("list, closed, first page", f"SELECT id FROM {{t}} WHERE company_id = %s AND status = 'closed' {page}",
         [company]),
        ("list, one month, first page", f"SELECT id FROM {{t}} WHERE company_id = %s AND received_at >= %s AND "
         f"received_at < %s {page}", [company, month, month + datetime.timedelta(days=31)]),
        ("running month, counts by category (live analysis)",
         f"SELECT category_id, count(*) FROM {{t}} WHERE company_id = ANY(%s) AND received_at >= %s "
         f"AND status NOT IN ({not_counted}) GROUP BY category_id", [companies, month]),
        ("a year, counts by customer (live analysis)",
         f"SELECT customer_id, count(*) FROM {{t}} WHERE company_id = ANY(%s) AND received_at >= %s AND "
         f"received_at < %s AND status NOT IN ({not_counted}) GROUP BY customer_id", [companies, year, year_end]),
        ("detail, by id", "SELECT * FROM {t} WHERE id = %s", [some_id]),
        ("detail, by id and month", "SELECT * FROM {t} WHERE id = %s AND received_at = %s", [some_id, some_received]),
        ("search by number", "SELECT id FROM {t} WHERE company_id = %s AND number = %s", [company, some_number]),
    ]


def _time(conn: psycopg.Connection, sql: str, params: list, repeat: int) -> float:
    times = []
    for attempt in range(repeat + 2):
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        if attempt >= 2:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _partitions_read(conn: psycopg.Connection, sql: str, params: list) -> int:
    plan = "\n".join(row[0] for row in conn.execute(f"EXPLAIN {sql}", params).fetchall())
    return len(set(re.findall(rf"on {COPY}_(\w+)", plan)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/kesu_bench")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with psycopg.connect(args.url, autocommit=True) as conn:
        rows = conn.execute(f"SELECT count(*) FROM {SOURCE}").fetchone()[0]
        print(f"{rows:,} complaints")
        partitions = make_copy(conn)
        try:
            print(f"\n{'statement':<52} {'plain ms':>9} {'by month ms':>12} {'×':>6} {'partitions read':>16}")
            for label, sql, params in cases(conn):
                plain = _time(conn, sql.format(t=SOURCE), params, args.repeat)
                split = _time(conn, sql.format(t=COPY), params, args.repeat)
                read = _partitions_read(conn, sql.format(t=COPY), params)
                print(f"{label:<52} {plain:>9.2f} {split:>12.2f} {split / plain:>6.2f} {read:>9} of {partitions}")
        finally:
            if not args.keep:
                conn.execute(f"DROP TABLE IF EXISTS {COPY}")


if __name__ == "__main__":
    main()
