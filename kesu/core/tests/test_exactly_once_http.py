"""Exactly once with two app processes and three workers (issue 24 §2): complaints are created over HTTP through
two ``kesu serve`` processes while three ``kesu worker`` processes send the mails those creations queue; one worker
is killed with SIGKILL while both the creations and the sending go on. The first app process hands each new
complaint's event on itself; the second leaves it to the workers (``KESU_EVENTS_BY_WORKER``), which then write the
notifications, mails and acknowledgements too. Every mail arrives once (the killed worker's mail in hand, at
most, a second time with the same Message-ID), every complaint has its own number and one acknowledgement.

PostgreSQL only, like test_exactly_once.py (whose worker environment and slow mail backend this test shares).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.core.tests.test_exactly_once import _delivered, worker_env
from kesu.core.tests.test_serve_process import _free_port, _wait
from kesu.customers.tests.factories import CustomerFactory

COMPLAINTS_PER_APP = 100
DEADLINE_SECONDS = 400
BACKEND = "kesu.core.tests.test_exactly_once.SlowFileBackend"


def _create(base: str, token: str, count: int, numbers: list, failures: list) -> None:
    for i in range(count):
        request = urllib.request.Request(
            f"{base}/api/v1/complaints", method="POST",
            data=json.dumps({"channel": "phone", "customer_id": "K-HTTP", "description": f"异响 {base} {i}"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                numbers.append(json.loads(response.read())["number"])
        except Exception as error:  # noqa: BLE001 - reported by the test
            failures.append(repr(error))


@pytest.mark.skipif(os.environ.get("KESU_DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
                    reason="needs PostgreSQL (SKIP LOCKED, several processes on one test database): CI step 3")
@pytest.mark.django_db(transaction=True)
def test_two_app_processes_and_three_workers_deliver_every_mail_of_their_complaints_once(
        tmp_path, monkeypatch, settings, make_user, company_a, api_token):
    from kesu.complaints.models import Complaint, CustomerMessage
    from kesu.core.models import PendingEvent
    from kesu.notifications import services
    from kesu.notifications.choices import Audience, Event
    from kesu.notifications.models import NotificationRule, OutboxMail

    salesperson = make_user(Role.SALESPERSON, username="sales-http", email="sales-http@example.com")
    make_user(Role.QA, username="qa-http", email="qa-http@example.com")
    make_user(Role.SALES_DIRECTOR, username="director-http", email="director-http@example.com")
    # Each new complaint is mailed to the leadership (here the QA engineer and the sales director): two mails.
    services.notification_rules_ensure_defaults(company_a)
    NotificationRule.objects.filter(company=company_a, event=Event.COMPLAINT_CREATED).update(
        audience=[Audience.LEADERSHIP], send_email=True)
    CustomerFactory(company=company_a, code="K-HTTP")
    token = api_token(salesperson)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = worker_env(tmp_path, "exactly-once-http", KESU_EMAIL_BACKEND=BACKEND, KESU_TEST_MAIL_DIR=str(mail_dir),
                     KESU_MAIL_PER_MINUTE="100000")
    started = time.monotonic()
    ports = [_free_port(), _free_port()]
    apps = [subprocess.Popen([sys.executable, "-m", "kesu.cli", "serve", "--workers", "1", "--threads", "4",
                              "--port", str(port)], cwd=tmp_path, env={**env, "KESU_EVENTS_BY_WORKER": by_worker},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for port, by_worker in zip(ports, ("0", "1"), strict=True)]
    workers: list[subprocess.Popen] = []
    numbers: list[str] = []
    failures: list[str] = []
    try:
        for app, port in zip(apps, ports, strict=True):
            assert _wait(f"http://127.0.0.1:{port}/readyz", app, started + 90)[0] == 200
        workers = [subprocess.Popen([sys.executable, "-m", "kesu.cli", "worker"], cwd=tmp_path, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
        clients = [threading.Thread(target=_create, args=(f"http://127.0.0.1:{port}", token, COMPLAINTS_PER_APP,
                                                          numbers, failures)) for port in ports]
        for client in clients:
            client.start()
        # Kill a worker while both app processes are still creating complaints and the workers are sending.
        while OutboxMail.objects.filter(status="sent").count() < 40:
            assert time.monotonic() - started < DEADLINE_SECONDS, (
                f"the workers sent too little in time: {len(numbers)} created, {failures[:2]}, "
                f"{Complaint.objects.count()} complaints, {OutboxMail.objects.count()} mails")
            assert all(w.poll() is None for w in workers), "a worker stopped by itself"
            time.sleep(0.05)
        assert any(client.is_alive() for client in clients), "the creations were over before the kill"
        victim = workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        for client in clients:
            client.join(timeout=DEADLINE_SECONDS)
        assert failures == []
        while PendingEvent.objects.exists():
            assert time.monotonic() - started < DEADLINE_SECONDS, "the surviving workers did not hand the events on"
            time.sleep(0.1)
        while OutboxMail.objects.filter(status="pending").exists():
            assert time.monotonic() - started < DEADLINE_SECONDS, "the surviving workers did not finish the outbox"
            time.sleep(0.1)
    finally:
        for proc in [*workers[1:], *apps]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*workers[1:], *apps]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if workers and workers[0].poll() is None:
            workers[0].kill()
            workers[0].wait()
    for proc in [*workers[1:], *apps]:
        assert proc.returncode == 0, proc.stderr.read()[-2000:]

    # Every complaint was created once, with a number of its own.
    assert len(numbers) == 2 * COMPLAINTS_PER_APP == len(set(numbers))
    assert set(Complaint.objects.values_list("number", flat=True)) == set(numbers)
    acknowledged = CustomerMessage.objects.filter(key="acknowledgement").values_list("complaint__number", flat=True)
    assert sorted(acknowledged) == sorted(numbers)
    # Each creation queued mail for the people the default rules name (issue 10); each mail went out once.
    rows = list(OutboxMail.objects.values_list("message_id", "status"))
    assert len(rows) >= 2 * len(numbers)
    left_sending = [message_id for message_id, status in rows if status == "sending"]
    assert len(left_sending) <= 1
    monkeypatch.setenv("KESU_TEST_MAIL_DIR", str(mail_dir))
    settings.EMAIL_BACKEND = BACKEND
    assert services.outbox_send_pending(now=timezone.now() + services.SENDING_TIMEOUT) == len(left_sending)
    assert set(OutboxMail.objects.values_list("status", flat=True)) == {"sent"}
    delivered = _delivered(mail_dir)
    assert set(delivered) == {message_id for message_id, _status in rows}
    assert {m for m, times in delivered.items() if times > 1} <= set(left_sending)
    assert all(times <= 2 for times in delivered.values())
