"""Two workers taking in the same message at the same moment make one row and one complaint (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kesu.complaints.models import Complaint
from kesu.mailin.intake import mail_take_in
from kesu.mailin.models import InboundMail, Mailbox

from .conftest import make_mail


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_in_the_same_message_make_one_complaint(company_a, customer, contact):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks between two connections (CI runs the suite there too)")
    mailbox = Mailbox.objects.create(company=company_a, name="客诉", host="imap.example", port=993, username="u",
                                     password="p", uidvalidity=3)
    raw = make_mail(sender="buyer@shcustomer.example", subject="同时收取", body="两个进程同时读到这封邮件")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(mail_take_in(mailbox=mailbox, uidvalidity=3, uid=1, raw=raw, size=len(raw)))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(row is None for row in results) == [False, True]
    assert InboundMail.objects.count() == 1
    assert Complaint.objects.filter(company=company_a).count() == 1
