"""Mails delivered into a real IMAP server land where they should, exactly once (issue 23 §2, "Done when")."""

from __future__ import annotations

import pytest
from django.utils import translation

from kesu.complaints.choices import Channel, Direction, TimelineKind
from kesu.complaints.models import Complaint, ComplaintAttachment, TimelineEntry
from kesu.mailin import fetch
from kesu.mailin.choices import Outcome, Reason
from kesu.mailin.models import InboundMail

from .conftest import EXE, PDF, make_mail

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """The worker killed mid-fetch (not an Exception: nothing on the way catches it)."""


def _deliver_the_five(imap, complaint_number: str) -> None:
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="齿轮箱异响",
                           body="第三批齿轮箱运行时有异响，请尽快处理。",
                           attachments=[("photo.pdf", PDF, "application", "pdf")]))
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject=f"Re: {complaint_number} 补充照片",
                           body="补充说明：共有 12 台受影响。"))
    imap.deliver(make_mail(sender="stranger@unknown.example", subject="你好", body="请联系我。"))
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="大附件", body="见附件",
                           size_padding=60_000))
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="检测报告", body="见附件",
                           attachments=[("report.pdf", EXE, "application", "pdf")]))


def _earlier_complaint(company, customer, contact):
    from kesu.complaints import services

    return services.complaint_create(actor=None, company=company, data={
        "channel": Channel.PHONE, "customer": customer, "contact": contact, "description": "电话投诉"})


def _check_each_landed_once(company, earlier, customer, others: int = 0):
    """The five kinds each where they belong, once; ``others`` more new complaints by mail besides them."""
    mails = {m.subject: m for m in InboundMail.objects.filter(company=company)}
    assert len(mails) == 5 + others == InboundMail.objects.count()
    new = mails["齿轮箱异响"]
    assert new.outcome == Outcome.COMPLAINT
    assert new.complaint.customer == customer and new.complaint.channel == Channel.EMAIL
    assert "第三批齿轮箱运行时有异响" in new.complaint.description
    assert list(ComplaintAttachment.objects.filter(complaint=new.complaint).values_list("name", flat=True)) == [
        "photo.pdf"]
    reply = mails[f"Re: {earlier.number} 补充照片"]
    assert reply.outcome == Outcome.REPLY and reply.complaint == earlier
    entries = TimelineEntry.objects.filter(complaint=earlier, kind=TimelineKind.COMMUNICATION,
                                           channel=Channel.EMAIL, direction=Direction.IN)
    assert [e.summary.count("共有 12 台受影响") for e in entries] == [1]
    assert (mails["你好"].outcome, mails["你好"].reason) == (Outcome.TRIAGE, Reason.UNKNOWN_SENDER)
    assert (mails["大附件"].outcome, mails["大附件"].reason) == (Outcome.TRIAGE, Reason.OVERSIZED)
    assert (mails["检测报告"].outcome, mails["检测报告"].reason) == (Outcome.TRIAGE, Reason.REFUSED_ATTACHMENT)
    with translation.override("zh-hans"):
        from django.utils.translation import gettext as _

        expected = _("“%(name)s” is not really a .%(ext)s file.") % {"name": "report.pdf", "ext": "pdf"}
    assert expected in mails["检测报告"].reason_detail
    # One complaint from mail (and the others'), the earlier phone one, nothing else.
    assert Complaint.objects.filter(company=company).count() == 2 + others


def test_each_kind_of_mail_lands_where_it_should_exactly_once(imap, company_a, customer, contact):
    earlier = _earlier_complaint(company_a, customer, contact)
    _deliver_the_five(imap, earlier.number)
    mailbox = imap.mailbox(company_a, max_bytes=40_000)
    with translation.override("zh-hans"):
        result = fetch.mailbox_fetch(mailbox)
    assert (result.taken, result.error) == (5, "")
    _check_each_landed_once(company_a, earlier, customer)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 5 and mailbox.uidvalidity and mailbox.last_error == ""
    # Reading again finds nothing new; reading from the start again (a lost position) takes nothing twice.
    assert fetch.mailbox_fetch(mailbox).taken == 0
    type(mailbox).objects.filter(pk=mailbox.pk).update(last_uid=0)
    again = fetch.mailbox_fetch(mailbox)
    assert (again.taken, again.skipped) == (0, 5)
    _check_each_landed_once(company_a, earlier, customer)


def test_a_fetch_killed_halfway_and_run_again_takes_each_mail_once(imap, company_a, customer, contact,
                                                                     monkeypatch):
    earlier = _earlier_complaint(company_a, customer, contact)
    _deliver_the_five(imap, earlier.number)
    mailbox = imap.mailbox(company_a, max_bytes=40_000)
    real, calls = fetch.mail_take_in, []

    def dying(**kwargs):
        if len(calls) == 2:
            raise Crash
        calls.append(kwargs["uid"])
        return real(**kwargs)

    monkeypatch.setattr(fetch, "mail_take_in", dying)
    with translation.override("zh-hans"), pytest.raises(Crash):
        fetch.mailbox_fetch(mailbox)
    assert InboundMail.objects.count() == 2
    monkeypatch.setattr(fetch, "mail_take_in", real)
    with translation.override("zh-hans"):
        result = fetch.mailbox_fetch(mailbox)
    assert (result.taken, result.error) == (3, "")
    _check_each_landed_once(company_a, earlier, customer)


def test_a_worker_killed_hard_leaves_a_lease_that_runs_out(imap, company_a, customer, contact):
    import datetime

    from django.utils import timezone

    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="漏油", body="漏油严重"))
    mailbox = imap.mailbox(company_a)
    now = timezone.now()
    type(mailbox).objects.filter(pk=mailbox.pk).update(leased_until=now + fetch.LEASE)  # a dead worker's lease
    assert fetch.mailbox_fetch(mailbox, now=now) is None
    result = fetch.mailbox_fetch(mailbox, now=now + fetch.LEASE + datetime.timedelta(seconds=1))
    assert result.taken == 1
    assert InboundMail.objects.get().outcome == Outcome.COMPLAINT


def test_a_sender_of_a_known_domain_is_the_customer_of_that_domain(imap, company_a, customer, contact):
    imap.deliver(make_mail(sender="quality@shcustomer.example", subject="外观划伤", body="外壳划伤 3 件"))
    with translation.override("zh-hans"):
        fetch.mailbox_fetch(imap.mailbox(company_a))
    mail = InboundMail.objects.get()
    assert mail.outcome == Outcome.COMPLAINT
    assert (mail.customer, mail.contact, mail.complaint.contact) == (customer, None, None)


def test_a_wrong_password_is_an_error_on_the_mailbox_and_retried_later(imap, company_a):
    mailbox = imap.mailbox(company_a, password="wrong")
    result = fetch.mailbox_fetch(mailbox)
    assert result.error and result.taken == 0
    mailbox.refresh_from_db()
    assert mailbox.failures == 1 and mailbox.last_error and mailbox.next_attempt_at > mailbox.last_checked_at
    # Paused until the next attempt is due.
    assert fetch.mailbox_fetch(mailbox) is None


def test_a_new_mailbox_takes_in_only_what_arrives_after_its_first_reading(imap, company_a, customer, contact):
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="旧邮件", body="去年的邮件"))
    mailbox = imap.mailbox(company_a, read_existing=False)
    assert fetch.mailbox_fetch(mailbox).taken == 0
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="新邮件", body="今天的问题"))
    assert fetch.mailbox_fetch(mailbox).taken == 1
    assert list(InboundMail.objects.values_list("subject", flat=True)) == ["新邮件"]


def test_a_folder_numbered_anew_takes_in_only_the_mails_it_did_not_know(imap, company_a, customer, contact):
    old = make_mail(sender="buyer@shcustomer.example", subject="第一封", body="第一封邮件")
    imap.deliver(old)
    mailbox = imap.mailbox(company_a)
    assert fetch.mailbox_fetch(mailbox).taken == 1
    first = InboundMail.objects.get().uidvalidity
    # The folder is recreated on the server (new UIDVALIDITY): the old mail comes back under a new UID.
    imap.remove_folder()
    with imap.connection() as conn:
        conn.create(imap.folder)
    imap.deliver(old)
    imap.deliver(make_mail(sender="buyer@shcustomer.example", subject="第二封", body="第二封邮件"))
    result = fetch.mailbox_fetch(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != first
    assert (result.taken, result.skipped) == (1, 1)
    assert sorted(InboundMail.objects.values_list("subject", flat=True)) == ["第一封", "第二封"]
    assert Complaint.objects.count() == 2
