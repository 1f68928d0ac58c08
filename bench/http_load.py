"""HTTP load of issue 24 §7: several concurrent clients against a running ``kesu serve``, each case's figures
next to the plain SQL it needs, and the memory of the whole stack.

    kesu serve --port 8000 &                                   # on the database bench/run.py filled
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench \\
        .venv/bin/python bench/http_load.py --base http://127.0.0.1:8000 --clients 1 4 --seconds 20

The script reaches the server only over HTTP, with keep-alive connections, one per client thread. It needs the
server's database URL for three things: an API token for the demo salesperson (``--user``, made and revoked
here), the complaints the detail case opens, and the plain SQL. Cases, in this order (each runs with every
``--clients`` count for ``--seconds``):

- ``create``: ``POST /api/v1/complaints`` (numbering, deadlines, audit, outbox and rollup rows included); a
  server run with ``KESU_EVENTS_BY_WORKER=1`` (and this script too, so that its plain SQL is the same request's)
  leaves the complaints' events to the workers, and the script then hands them on as one worker and reports
  that too;
- ``transition``: ``POST /api/v1/complaints/{id}/transitions`` "acknowledge" on the complaints ``create`` made;
- ``api list``: ``GET /api/v1/complaints?limit=50`` (the default fields);
- ``html list``: ``GET /complaints/`` signed in through the login form (``--password``);
- ``detail``: ``GET /complaints/{id}/`` of the user's newest complaints, one after another;
- ``detail part``: what that page's browser fetches once the foot of the page is scrolled into view (its other
  modules' panels and change history: ``?part=related`` with htmx's ``HX-Request`` header);
- ``healthz`` and ``api floor`` (not run unless named): the floor under every case. ``GET /healthz`` is what the
  server answers before Django's middleware (no database); ``GET /api/v1/companies`` is the least an API request
  with a token costs (the token checked, the user and their roles read, one small query, a JSON answer).

For each: requests per second, median / p95 / p99 latency and errors, and the CPU time one request costs (ms,
user + system, over the run): in the server's processes ("app"), in PostgreSQL's ("db": its backends, and those
that ended, through their parent) and in this load generator ("load"), with how busy the machine's cores were
("busy %", from /proc/stat). On a machine whose cores the three share, the requests per second cannot exceed the
cores divided by the three CPU times together. "Plain SQL" is what the same request
costs the database alone: the request is made once in-process with Django's test client while the statements it
sends are captured, and those statements are then replayed on one connection (writes inside a transaction that
is rolled back, both times; after one warm-up request) — their count and median time. Memory: resident memory (RSS) of the server's
processes (the ``kesu serve`` master and its workers, found by ``--port``) and of PostgreSQL's, summed from /proc
at the end of the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, TestCase  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kesu.accounts.models import ApiToken, User  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402

HTMX = {"HX-Request": "true"}  # a part of a page, fetched as htmx fetches it


class Caller:
    """One client: a keep-alive connection, a bearer token or a session cookie."""

    who = 0  # which of the users (--user, then --also) an API client acts as
    customer: str | None = None  # a customer of that user's company, by code

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = headers
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def call(self, method: str, path: str, body: dict | None = None,
             extra: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {**self.headers, **(extra or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            raise


def sign_in(base: str, username: str, password: str) -> str:
    """The session cookie the login form gives ``username`` (the way a person signs in)."""
    caller = Caller(base, {})
    caller.conn.request("GET", "/accounts/login/")
    response = caller.conn.getresponse()
    page = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = next(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    caller.conn.request("POST", "/accounts/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Referer": f"{base}/accounts/login/"})
    response = caller.conn.getresponse()
    response.read()
    session = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("sessionid=")]
    if response.status != 302 or not session:
        raise SystemExit(f"signing in as {username} failed (HTTP {response.status}): check --password")
    return session[0]


def run_case(make_callers, step, clients: int, seconds: float) -> dict:
    """``clients`` threads, each calling ``step(caller, i)`` until ``seconds`` have passed."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(caller, number):
        i = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, body = step(caller, number * 1_000_000 + i)
                ok = 200 <= status < 300
            except LookupError:
                break  # the transition case ran out of complaints to acknowledge
            except Exception as error:  # noqa: BLE001 - counted as an error of the case
                status, body, ok = 0, repr(error).encode(), False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(f"{status} {body[:200]!r}")
            i += 1

    threads = [threading.Thread(target=client, args=(caller, n)) for n, caller in enumerate(make_callers(clients))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    return {"per_second": len(latencies) / took, "took": took, "p50": pick(0.5), "p95": pick(0.95), "p99": pick(0.99),
            "count": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else ""}


def plain_sql(request, repeat: int = 20) -> tuple[int, float]:
    """The statements one in-process request sends, and the median time of replaying them on one connection."""
    skip = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)", re.IGNORECASE)
    # What runs after the commit in a server (the customer's acknowledgement, the hand-off notifications and
    # their mail, webhooks) is run here too, inside the transaction that is then rolled back: it is part of the
    # request's cost.
    after_commit = TestCase.captureOnCommitCallbacks
    with transaction.atomic():  # a warm-up, as a running server has had: the content types are cached after it
        with after_commit(execute=True):
            request()
        transaction.set_rollback(True)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured, after_commit(execute=True):
            response = request()
        transaction.set_rollback(True)
    if response.status_code >= 300:
        raise SystemExit(f"the in-process request failed: HTTP {response.status_code} {response.content[:300]!r}")
    statements = [q["sql"] for q in captured.captured_queries if not skip.match(q["sql"])]
    times = []
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)  # no parameters: the captured text is final
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return len(statements), statistics.median(times)


def _stack(port: int):
    """(part, /proc/<pid>) for each process of the server listening on ``port`` (master and workers; part
    "server") and of PostgreSQL (part "postgres")."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "postgres" in cmdline.split(" ")[0]:
            yield "postgres", proc
        elif ("kesu" in cmdline or "gunicorn" in cmdline) and (str(port) in cmdline or "kesu: worker" in cmdline):
            yield "server", proc


def stack_memory(port: int) -> dict[str, float]:
    """Resident memory (MB) of the server listening on ``port`` (master and workers) and of PostgreSQL."""
    found = {"server": 0, "postgres": 0}
    for part, proc in _stack(port):
        try:
            found[part] += next(int(line.split()[1]) for line in (proc / "status").read_text().splitlines()
                                if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return {part: kb / 1024 for part, kb in found.items()}


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def stack_cpu(port: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the server's processes, PostgreSQL's (the children that ended
    counted in their parent's), this load generator, and the whole machine (busy, from /proc/stat)."""
    found = {"server": 0.0, "postgres": 0.0}
    for part, proc in _stack(port):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), here 11-14 after the name
        found[part] += sum(int(x) for x in fields[11:15]) / TICKS
    own = os.times()
    found["client"] = own.user + own.system
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    found["machine"] = (sum(int(x) for x in cpu) - int(cpu[3]) - int(cpu[4])) / TICKS  # all but idle, iowait
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="sales", help="the demo user the clients act as")
    parser.add_argument("--also", nargs="*", default=[], metavar="USER",
                        help="further users the API clients take turns with (client n acts as the n-th of --user and "
                             "these, round): users of other companies spread the creations over their number counters")
    parser.add_argument("--password", default="kesu-demo-2026", help="their password (for the HTML cases)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cases", nargs="+",
                        default=["create", "transition", "api list", "html list", "detail", "detail part"])
    args = parser.parse_args()

    users = [User.objects.select_related("company").get(username=name) for name in [args.user, *args.also]]
    tokens = []
    try:
        for someone in users:
            raw = ApiToken.generate()
            tokens.append((raw, ApiToken.objects.create(user=someone, name="bench/http_load.py", key_prefix=raw[:10],
                                                        token_hash=ApiToken.hash(raw))))
        measure(args, users, [raw for raw, _token in tokens])
    finally:
        for _raw, token in tokens:
            token.delete()


def measure(args, users: list[User], raws: list[str]) -> None:
    user, raw = users[0], raws[0]
    customers = [Complaint.objects.filter(company=someone.company).values_list("customer__code", flat=True).first()
                 for someone in users]
    customer = customers[0]
    made: list[list[tuple[int, int]]] = [[] for _ in users]  # (id, version) of the complaints made by each user
    created = made[0]
    created_lock = threading.Lock()
    newest = list(Complaint.objects.filter(company=user.company).order_by("-received_at")
                  .values_list("pk", flat=True)[:500])
    session = sign_in(args.base, args.user, args.password) if {"html list", "detail", "detail part"} & set(
        args.cases) else ""

    def api_callers(n):
        callers = []
        for i in range(n):
            caller = Caller(args.base, {"Authorization": f"Bearer {raws[i % len(users)]}"})
            caller.who, caller.customer = i % len(users), customers[i % len(users)]
            callers.append(caller)
        return callers

    def page_callers(n):
        return [Caller(args.base, {"Cookie": session}) for _ in range(n)]

    def create(caller, i):
        status, body = caller.call("POST", "/api/v1/complaints", {
            "channel": "phone", "customer_id": caller.customer, "description": f"负载测试 {i}：外壳划伤。"})
        if status == 201:
            done = json.loads(body)
            with created_lock:
                made[caller.who].append((done["id"], done.get("version", 1)))
        return status, body

    def transition(caller, i):
        with created_lock:
            pk, version = made[caller.who].pop()
        return caller.call("POST", f"/api/v1/complaints/{pk}/transitions",
                           {"action": "acknowledge", "expected_version": version, "channel": "phone", "note": "已确认收到"})

    steps = {
        "create": (api_callers, create),
        "transition": (api_callers, transition),
        "api list": (api_callers, lambda c, i: c.call("GET", "/api/v1/complaints?limit=50")),
        "html list": (page_callers, lambda c, i: c.call("GET", "/complaints/")),
        "detail": (page_callers, lambda c, i: c.call("GET", f"/complaints/{newest[i % len(newest)]}/")),
        "detail part": (page_callers, lambda c, i: c.call("GET", f"/complaints/{newest[i % len(newest)]}/?part=related",
                                                          extra=HTMX)),
        "healthz": (api_callers, lambda c, i: c.call("GET", "/healthz")),
        "api floor": (api_callers, lambda c, i: c.call("GET", "/api/v1/companies")),
    }

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the in-process requests' host
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    signed_in = Client()
    signed_in.force_login(user)
    in_process = {
        "create": lambda: client.post("/api/v1/complaints", json.dumps(
            {"channel": "phone", "customer_id": customer, "description": "负载测试：外壳划伤。"}),
            content_type="application/json"),
        "api list": lambda: client.get("/api/v1/complaints?limit=50"),
        "html list": lambda: signed_in.get("/complaints/"),
        "detail": lambda: signed_in.get(f"/complaints/{newest[0]}/"),
        "detail part": lambda: signed_in.get(f"/complaints/{newest[0]}/?part=related", headers=HTMX),
        "api floor": lambda: client.get("/api/v1/companies"),
    }
    print(f"{Complaint.objects.count():,} complaints; {connection.vendor}; server {args.base}; "
          f"{os.cpu_count()} cores; {args.seconds:.0f} s per case")
    print(f"{'case':<12} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'SQL stmts':>9} {'SQL ms':>7} {'CPU: app':>8} {'db':>6} {'load':>6} "
          f"{'busy %':>6}")
    port = urllib.parse.urlsplit(args.base).port or 80
    for case in args.cases:
        make, step = steps[case]
        sql = ("", "")
        if case in in_process:
            count, median = plain_sql(in_process[case])
            sql = (str(count), f"{median:.1f}")
        elif case == "transition" and created:
            pk, version = created[-1]
            count, median = plain_sql(lambda pk=pk, version=version: client.post(
                f"/api/v1/complaints/{pk}/transitions", json.dumps(
                    {"action": "acknowledge", "expected_version": version, "channel": "phone", "note": "已确认收到"}),
                content_type="application/json"))
            sql = (str(count), f"{median:.1f}")
        for clients in args.clients:
            if case == "transition" and len(created) < 10:
                print(f"{case:<12} {clients:>7} (no complaints left from the create case)")
                continue
            before = stack_cpu(port)
            result = run_case(make, step, clients, args.seconds)
            after = stack_cpu(port)
            done = max(result["count"], 1)
            cpu = {part: (after[part] - before[part]) * 1000 / done for part in ("server", "postgres", "client")}
            busy = (after["machine"] - before["machine"]) / (result["took"] * (os.cpu_count() or 1)) * 100
            print(f"{case:<12} {clients:>7} {result['per_second']:>8.1f} {result['p50']:>8.1f} "
                  f"{result['p95']:>8.1f} {result['p99']:>8.1f} {result['errors']:>7} {sql[0]:>9} {sql[1]:>7} "
                  f"{cpu['server']:>8.1f} {cpu['postgres']:>6.1f} {cpu['client']:>6.1f} {busy:>6.0f}")
            if result["errors"]:
                print(f"    first error: {result['first_error']}")
            if case in ("create", "transition"):
                hand_on_waiting_events()
    memory = stack_memory(port)
    print(f"memory (RSS): server {memory['server']:.0f} MB, PostgreSQL {memory['postgres']:.0f} MB "
          f"(settings.DEBUG={settings.DEBUG})")


def hand_on_waiting_events() -> None:
    """A server run with KESU_EVENTS_BY_WORKER leaves the events of new complaints and steps to the workers: hand them on here
    as one worker would, batch after batch, so the work the requests left behind is measured too."""
    from kesu.core.events import deliver_pending
    from kesu.core.models import PendingEvent

    waiting = PendingEvent.objects.count()
    if not waiting:
        return
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):  # not the query log: it keeps only the last 9,000
        handed = 0
        while taken := deliver_pending():
            handed += taken
    seconds = time.perf_counter() - started
    print(f"    then one worker handed on the {handed:,} events they left: {seconds:.1f} s, "
          f"{handed / seconds:.0f} per second, {statements / max(handed, 1):.1f} SQL statements each")


if __name__ == "__main__":
    main()
