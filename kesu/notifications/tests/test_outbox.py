"""The outbox: retried without end, a Message-ID per row, claimed before sending, rate-limited, resent by hand."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.core.models import AuditEntry
from kesu.notifications import services
from kesu.notifications.models import OutboxMail
from kesu.notifications.services import mail_queue, outbox_send_pending, retry_delay

pytestmark = pytest.mark.django_db
BACKENDS = "kesu.notifications.tests.test_outbox"
SEEN: list = []  # every message a test backend was handed, in order


@pytest.fixture(autouse=True)
def _backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SEEN.clear()


class DownBackend(BaseEmailBackend):
    """The mail server refusing connections."""

    def open(self):
        raise ConnectionRefusedError("mail server down")

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class Killed(BaseException):
    """SIGKILL between the server's acceptance and the row's update: nothing after it runs."""


class AcceptThenDieBackend(BaseEmailBackend):
    def send_messages(self, messages):
        SEEN.extend(messages)
        raise Killed


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        SEEN.extend(messages)
        return len(messages)


class FailOnceBackend(BaseEmailBackend):
    def send_messages(self, messages):
        SEEN.extend(messages)
        if len(SEEN) == 1:
            raise TimeoutError("timed out")
        return len(messages)


class SecondWorkerBackend(BaseEmailBackend):
    """While this worker is sending, a second worker runs the whole outbox."""

    def send_messages(self, messages):
        SEEN.extend(messages)
        if len(SEEN) == 1:
            outbox_send_pending()
        return len(messages)


def _queue(company, n: int = 1, **kwargs) -> list[OutboxMail]:
    return [mail_queue(company=company, to=f"c{i}@example.com", subject=f"s{i}", body="b", **kwargs)
            for i in range(n)]


def _message_id(message) -> str:
    return message.message()["Message-ID"]


def test_it_keeps_retrying_a_mail_past_six_failures_until_the_server_is_back(settings, company_a):
    (row,) = _queue(company_a)
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    now = timezone.now()
    for _ in range(12):
        now += datetime.timedelta(hours=2)
        assert outbox_send_pending(now=now) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.failures) == ("pending", 12, 12)
    assert "mail server down" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_send_pending(now=now + datetime.timedelta(hours=2)) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.failures == 0 and len(mail.outbox) == 1


def test_the_pause_after_a_failure_doubles_from_a_minute_up_to_an_hour(settings, company_a):
    (row,) = _queue(company_a)
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    now, pauses = timezone.now(), []
    for _ in range(9):
        outbox_send_pending(now=now)
        row.refresh_from_db()
        pauses.append(round((row.next_attempt_at - now).total_seconds() / 60))
        assert outbox_send_pending(now=row.next_attempt_at - datetime.timedelta(seconds=1)) == 0  # not due yet
        now = row.next_attempt_at
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert retry_delay(10_000) == datetime.timedelta(hours=1)


def test_every_attempt_of_a_mail_carries_the_message_id_fixed_when_it_was_queued(settings, company_a):
    (row,) = _queue(company_a)
    assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")
    settings.EMAIL_BACKEND = f"{BACKENDS}.FailOnceBackend"
    now = timezone.now()
    assert outbox_send_pending(now=now) == 0
    assert outbox_send_pending(now=now + datetime.timedelta(minutes=2)) == 1
    assert [_message_id(m) for m in SEEN] == [row.message_id, row.message_id]
    other = _queue(company_a)[0]
    assert other.message_id != row.message_id


def test_a_worker_holding_a_stale_copy_of_a_row_cannot_claim_it_again(company_a):
    (row,) = _queue(company_a)
    first, second = OutboxMail.objects.get(pk=row.pk), OutboxMail.objects.get(pk=row.pk)
    now = timezone.now()
    assert services._claim(first, now) is True
    assert services._claim(second, now) is False


def test_two_workers_running_at_once_send_each_mail_once(settings, company_a):
    rows = _queue(company_a, 4)
    settings.EMAIL_BACKEND = f"{BACKENDS}.SecondWorkerBackend"
    outbox_send_pending()
    assert sorted(m.to[0] for m in SEEN) == sorted(r.to for r in rows)
    assert set(OutboxMail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_mail_left_sending_by_a_killed_worker_is_sent_once_more_after_the_timeout_with_its_message_id(
        settings, company_a):
    (row,) = _queue(company_a)
    settings.EMAIL_BACKEND = f"{BACKENDS}.AcceptThenDieBackend"
    now = timezone.now()
    with pytest.raises(Killed):
        outbox_send_pending(now=now)
    row.refresh_from_db()
    assert row.status == "sending" and row.attempts == 1
    settings.EMAIL_BACKEND = f"{BACKENDS}.RecordingBackend"
    # A live sender is never overtaken: within the timeout nobody takes the row.
    assert outbox_send_pending(now=now + services.SENDING_TIMEOUT - datetime.timedelta(seconds=1)) == 0
    assert outbox_send_pending(now=now + services.SENDING_TIMEOUT) == 1
    assert outbox_send_pending(now=now + 3 * services.SENDING_TIMEOUT) == 0
    assert [_message_id(m) for m in SEEN] == [row.message_id, row.message_id]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2


def test_it_sends_no_more_than_the_rate_allows_in_one_minute(settings, company_a):
    settings.KESU_MAIL_PER_MINUTE = 3
    _queue(company_a, 5)
    minute = (timezone.now() + datetime.timedelta(minutes=1)).replace(second=10, microsecond=0)
    assert outbox_send_pending(now=minute) == 3
    assert outbox_send_pending(now=minute + datetime.timedelta(seconds=40)) == 0  # the same clock minute
    assert outbox_send_pending(now=minute + datetime.timedelta(seconds=60)) == 2
    assert len(mail.outbox) == 5


def test_a_run_sends_more_than_one_batch_when_the_rate_allows(settings, company_a, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    settings.KESU_MAIL_PER_MINUTE = 600
    _queue(company_a, 5)
    assert outbox_send_pending() == 5


def test_a_run_stops_at_the_first_failure_when_the_server_is_away(settings, company_a):
    _queue(company_a, 3)
    settings.EMAIL_BACKEND = f"{BACKENDS}.DownBackend"
    outbox_send_pending()
    assert sorted(OutboxMail.objects.values_list("attempts", flat=True)) == [0, 0, 1]


def test_a_mail_of_no_company_is_queued_and_sent(company_a):
    # A password reset for a user who belongs to no company goes through the same outbox.
    mail_queue(company=None, to="root@example.com", subject="reset", body="link")
    assert outbox_send_pending() == 1 and mail.outbox[0].to == ["root@example.com"]


@pytest.fixture
def company_admin(make_user):
    return make_user(Role.ADMIN, username="itadmin", display_name="信息管理员")


def test_an_administrator_gives_up_a_waiting_mail_and_resends_it_and_each_is_audited(company_admin, company_a,
                                                                                     english):
    (row,) = _queue(company_a)
    with pytest.raises(services.OutboxActionRefused, match="Only a sent or given-up mail can be resent"):
        services.outbox_resend(actor=company_admin, mail=row)
    services.outbox_give_up(actor=company_admin, mail=row)
    row.refresh_from_db()
    assert row.status == "given_up"
    assert outbox_send_pending() == 0
    with pytest.raises(services.OutboxActionRefused, match="Only a waiting mail can be given up"):
        services.outbox_give_up(actor=company_admin, mail=row)
    services.outbox_resend(actor=company_admin, mail=row)
    assert outbox_send_pending() == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    services.outbox_resend(actor=company_admin, mail=row)  # a sent mail may be sent again
    assert outbox_send_pending() == 1
    assert [_message_id(m) for m in mail.outbox] == [row.message_id, row.message_id]
    trail = AuditEntry.objects.filter(content_type__model="outboxmail", object_id=str(row.pk), actor=company_admin)
    assert [e.changes["status"] for e in trail.order_by("id")] == [
        ["pending", "given_up"], ["given_up", "pending"], ["sent", "pending"]]


def test_it_refuses_outbox_actions_to_a_salesperson_and_to_another_companys_administrator(
        salesperson, company_a, company_b, make_user):
    (row,) = _queue(company_a)
    other_admin = make_user(Role.ADMIN, company=company_b, username="badmin")
    for actor in (salesperson, other_admin):
        with pytest.raises(services.PermissionDenied):
            services.outbox_give_up(actor=actor, mail=row)
    assert OutboxMail.objects.get().status == "pending"


def test_the_outbox_page_lists_filters_and_acts_for_an_administrator_only(login, company_admin, salesperson,
                                                                          company_a, company_b):
    waiting, done = _queue(company_a, 2)
    OutboxMail.objects.filter(pk=done.pk).update(status="sent", sent_at=timezone.now())
    mail_queue(company=company_b, to="other@example.com", subject="theirs", body="secret-link")
    client = login(company_admin)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert waiting.to in page and done.to in page and "other@example.com" not in page
    assert "secret-link" not in page and 'id="nav-outbox"' in page
    sent_only = client.get(reverse("notifications:outbox"), {"status": "sent"}).content.decode()
    assert done.to in sent_only and waiting.to not in sent_only
    assert client.post(reverse("notifications:outbox_give_up", args=[waiting.pk])).status_code == 302
    assert client.post(reverse("notifications:outbox_resend", args=[done.pk])).status_code == 302
    assert dict(OutboxMail.objects.filter(company=company_a).values_list("pk", "status")) == {
        waiting.pk: "given_up", done.pk: "pending"}
    theirs = OutboxMail.objects.get(company=company_b)
    assert client.post(reverse("notifications:outbox_give_up", args=[theirs.pk])).status_code == 404
    sales = login(salesperson)
    assert sales.get(reverse("notifications:outbox")).status_code == 403
    assert sales.post(reverse("notifications:outbox_resend", args=[done.pk])).status_code == 403
    assert 'id="nav-outbox"' not in sales.get(reverse("notifications:inbox")).content.decode()


def test_the_outbox_api_lists_resends_and_gives_up_with_the_same_rules(api, company_admin, salesperson,
                                                                       company_a, company_b):
    waiting, done = _queue(company_a, 2)
    OutboxMail.objects.filter(pk=done.pk).update(status="given_up")
    theirs = mail_queue(company=company_b, to="other@example.com", subject="theirs", body="secret-link")
    client = api(company_admin)
    listed = client.get("/api/v1/notifications/outbox", status="given_up").json()
    assert [r["id"] for r in listed["items"]] == [done.pk] and "body" not in listed["items"][0]
    assert listed["items"][0]["message_id"] == done.message_id
    assert client.post(f"/api/v1/notifications/outbox/{done.pk}/resend").json()["status"] == "pending"
    assert client.post(f"/api/v1/notifications/outbox/{waiting.pk}/give-up").json()["status"] == "given_up"
    refused = client.post(f"/api/v1/notifications/outbox/{done.pk}/resend")
    assert refused.status_code == 422, refused.content
    assert client.post(f"/api/v1/notifications/outbox/{theirs.pk}/give-up").status_code == 404
    assert api(salesperson).get("/api/v1/notifications/outbox").status_code == 403
    assert api(salesperson).post(f"/api/v1/notifications/outbox/{waiting.pk}/resend").status_code == 403
    assert AuditEntry.objects.filter(content_type__model="outboxmail", source="api").count() == 2


def test_the_django_admin_resends_and_gives_up_through_the_services_and_hides_the_body(client, admin_user,
                                                                                     company_a):
    waiting, given_up = _queue(company_a, 2)
    OutboxMail.objects.filter(pk=given_up.pk).update(status="given_up")
    OutboxMail.objects.filter(pk=waiting.pk).update(body="reset link /accounts/reset/secret-token/")
    client.force_login(admin_user)
    changelist = reverse("admin:notifications_outboxmail_changelist")
    client.post(changelist, {"action": "give_up", "_selected_action": [waiting.pk]})
    client.post(changelist, {"action": "resend", "_selected_action": [given_up.pk]})
    assert dict(OutboxMail.objects.values_list("pk", "status")) == {waiting.pk: "given_up", given_up.pk: "pending"}
    assert AuditEntry.objects.filter(content_type__model="outboxmail", source="admin").count() == 2
    detail = client.get(reverse("admin:notifications_outboxmail_change", args=[waiting.pk])).content.decode()
    assert waiting.message_id.strip("<>") in detail and "secret-token" not in detail


@pytest.mark.django_db(transaction=True)
def test_two_worker_threads_draining_one_outbox_send_every_mail_exactly_once(settings, company_a):
    # Real concurrency needs real connections: the in-memory SQLite test database shares one cache between
    # threads and reports "table is locked" instead of waiting, so this runs where Kesu runs at scale.
    from django.db import connection as db

    if db.vendor != "postgresql":
        pytest.skip("concurrent workers are exercised on PostgreSQL")
    import threading

    rows = _queue(company_a, 60)
    settings.EMAIL_BACKEND = f"{BACKENDS}.RecordingBackend"
    start = threading.Barrier(2)

    def worker() -> None:
        from django.db import connection as own

        try:
            start.wait()
            outbox_send_pending()
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent_ids = [_message_id(m) for m in SEEN]
    assert sorted(sent_ids) == sorted(r.message_id for r in rows)  # each once, none twice
    assert set(OutboxMail.objects.values_list("status", flat=True)) == {"sent"}


def test_the_outbox_page_runs_a_fixed_number_of_queries(login, company_admin, company_a):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    client = login(company_admin)

    def count() -> int:
        with CaptureQueriesContext(db) as queries:
            assert client.get(reverse("notifications:outbox")).status_code == 200
        return len(queries)

    _queue(company_a, 1)
    count()  # first request of the session: what it caches is not the page's cost
    before = count()
    _queue(company_a, 10)
    assert count() == before
