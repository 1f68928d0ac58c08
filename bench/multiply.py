"""Grow a generated PostgreSQL bench database to N complaints by copying its complaints (issue 16's bench).

    .venv/bin/python bench/multiply.py --complaints 1000000 [--postgres-url postgres://postgres@127.0.0.1:5432/kesu_bench]

`bench/run.py` generates a data set through the demo generator (about 1,800 complaints a minute on this
machine with nothing else running, so a million takes most of an hour, and far longer on a busy machine).
The work queue and the home page read complaints, their open deadlines and their disposition lines, and the
lists' search reads the complaints' search documents; this script copies those four tables of an existing
generated database as many times as needed — each copy with new ids and the complaint number suffixed ``/k``
(the copy's search document keeps its original's text) — until the complaints number N, so the statuses, owners,
departments and deadlines keep the generated mix (the copies' open complaints are as many times more, which
makes the queues longer than a real group's, not shorter). Then VACUUM (ANALYZE). The other modules' records
are not copied.

A database that already holds copies (numbers with ``/``, as one this script grew) is grown again: that round's
copies take the whole database, originals and copies, and are suffixed ``/a1``, ``/a2``, … (the next unused
letter), so numbers stay unique. Refuses a database that holds N complaints or more.
"""

from __future__ import annotations

import argparse
import math
import time

TABLES = (
    # (table, its foreign key to the complaint or None for the complaint itself)
    ("complaints_complaint", None),
    ("complaints_deadline", "complaint_id"),
    ("complaints_dispositionline", "complaint_id"),
    # the search documents (keyed by their complaint): without them a search at N complaints finds only the
    # originals' matches, and PostgreSQL's statistics of the documents end where the originals do
    ("complaints_complaintsearchdocument", "complaint_id"),
)


def _columns(cur, table: str) -> list[str]:
    cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_generated = 'NEVER' "
                "ORDER BY ordinal_position", [table])  # a generated column (the search vector) is written by PostgreSQL
    return [row[0] for row in cur.fetchall()]


def main() -> None:
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/kesu_bench")
    args = parser.parse_args()
    started = time.perf_counter()
    with psycopg.connect(args.postgres_url) as connection, connection.cursor() as cur:
        cur.execute("SELECT count(*), max(id), count(*) FILTER (WHERE number LIKE '%%/%%') FROM complaints_complaint")
        have, top, copied = cur.fetchone()
        marker = ""
        if copied:  # the letters earlier rounds used, in one pass over the numbers
            cur.execute("SELECT DISTINCT substring(number FROM '/([a-z])[0-9]') FROM complaints_complaint "
                        "WHERE number LIKE '%%/%%'")
            used = {row[0] for row in cur.fetchall()}
            free = [letter for letter in "abcdefghijklmnopqrstuvwxyz" if letter not in used]
            if not free:
                raise SystemExit("this database has been grown too many times; generate a fresh one")
            marker = free[0]
        if have >= args.complaints:
            raise SystemExit(f"the database already holds {have:,} complaints")
        columns = {table: _columns(cur, table) for table, _fk in TABLES}
        tops = {}
        for table, _fk in TABLES:
            if "id" in columns[table]:  # the search documents have none: their key is the complaint's
                cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 — table names are constants
                tops[table] = cur.fetchone()[0]
        copies = math.ceil(args.complaints / have) - 1
        for k in range(1, copies + 1):
            # The last copy takes only the complaints still needed (the lowest ids, and their rows).
            needed = min(have, args.complaints - have * k)
            cur.execute("SELECT max(id) FROM (SELECT id FROM complaints_complaint WHERE id <= %s ORDER BY id LIMIT %s) c",
                        [top, needed])
            last = cur.fetchone()[0]
            for table, fk in TABLES:
                shifted = []
                for column in columns[table]:
                    if column == "id":
                        shifted.append(f"id + {k * tops[table]}")
                    elif column == fk:
                        shifted.append(f"{fk} + {k * top}")
                    elif table == "complaints_complaint" and column == "number":
                        shifted.append(f"number || '/{marker}{k}'")
                    else:
                        shifted.append(f'"{column}"')
                key = "id" if fk is None else fk
                cur.execute(  # noqa: S608 — identifiers come from the catalogue, values are parameters
                    f'INSERT INTO {table} ({", ".join(chr(34) + c + chr(34) for c in columns[table])}) '
                    f"SELECT {', '.join(shifted)} FROM {table} WHERE {key} <= %s", [last])
            connection.commit()
            print(f"· copy {k}/{copies}: {needed:,} complaints ({time.perf_counter() - started:,.0f} s)", flush=True)
        for table in tops:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.commit()
    with psycopg.connect(args.postgres_url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    print(f"done: {args.complaints:,} complaints in {time.perf_counter() - started:,.0f} s", flush=True)


if __name__ == "__main__":
    main()
