"""A mailbox that cannot be read is retried with pauses, shows its error, and is told to the administrators once."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.utils import timezone, translation

from kesu.accounts.roles import Role
from kesu.mailin import fetch
from kesu.mailin.choices import Security
from kesu.mailin.models import Mailbox
from kesu.notifications.choices import Event
from kesu.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def down(company_a):
    return Mailbox.objects.create(company=company_a, name="客诉邮箱", host="127.0.0.1", port=_closed_port(),
                                  security=Security.PLAIN, username="kesu", password="secret-pass")


def test_a_mailbox_that_is_down_is_retried_and_told_to_the_administrators_once(down, make_user, login):
    admin = make_user(Role.ADMIN, username="admin-a")
    qa = make_user(Role.QA, username="qa-a")
    now = timezone.now()
    for attempt in range(1, 6):
        result = fetch.mailbox_fetch(down, now=now)
        assert result is not None and result.error, attempt
        down.refresh_from_db()
        assert down.failures == attempt
        assert down.next_attempt_at == now + fetch.retry_delay(attempt)
        assert fetch.mailbox_fetch(down, now=now) is None  # paused until then
        now = down.next_attempt_at
    told = Notification.objects.filter(event=Event.MAILBOX_DOWN)
    assert [n.recipient for n in told] == [admin]
    assert qa not in [n.recipient for n in told]
    with translation.override(admin.language or "zh-hans"):
        from django.utils.translation import gettext as _

        assert told[0].title == _("Mailbox “%(name)s” cannot be read") % {"name": "客诉邮箱"}
    # The page shows the error; the password is never shown back.
    page = login(admin).get("/mail/mailboxes/")
    assert page.status_code == 200
    assert down.last_error in page.content.decode()
    form = login(admin).get(f"/mail/mailboxes/{down.pk}/")
    assert "secret-pass" not in page.content.decode() + form.content.decode()


def test_recovery_clears_the_error_so_the_next_outage_is_told_again(down, make_user):
    make_user(Role.ADMIN, username="admin-a")
    now = timezone.now()
    for _attempt in range(fetch.REPORT_AFTER):
        fetch.mailbox_fetch(down, now=now)
        down.refresh_from_db()
        now = down.next_attempt_at
    assert Notification.objects.filter(event=Event.MAILBOX_DOWN).count() == 1
    Mailbox.objects.filter(pk=down.pk).update(error_reported_at=None, failures=0, last_error="",
                                              failing_since=None, next_attempt_at=None)
    for _attempt in range(fetch.REPORT_AFTER):
        fetch.mailbox_fetch(down, now=now)
        down.refresh_from_db()
        now = down.next_attempt_at + datetime.timedelta(seconds=1)
    assert Notification.objects.filter(event=Event.MAILBOX_DOWN).count() == 2


def test_the_worker_reads_the_mailboxes_every_minute():
    from kesu.core import jobs

    jobs.autodiscover()
    job = jobs.REGISTRY["mailin.fetch"]
    assert job.every == datetime.timedelta(minutes=1)


def test_an_inactive_mailbox_is_not_read(down):
    Mailbox.objects.filter(pk=down.pk).update(is_active=False)
    assert fetch.mailboxes_fetch() == {}
    down.refresh_from_db()
    assert down.failures == 0
