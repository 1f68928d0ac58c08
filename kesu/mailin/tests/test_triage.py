"""QA handles the mails waiting in triage: register, attach or discard — on the pages and through the API."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.accounts.roles import Role
from kesu.complaints.choices import Channel, TimelineKind
from kesu.complaints.models import Complaint, ComplaintAttachment, TimelineEntry
from kesu.core import work
from kesu.mailin.choices import Outcome, Reason
from kesu.mailin.intake import mail_take_in
from kesu.mailin.models import InboundMail, Mailbox

from .conftest import EXE, PDF, make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(company_a):
    return Mailbox.objects.create(company=company_a, name="客诉", host="imap.factory.example", port=993,
                                  username="kesu", password="pw")


@pytest.fixture
def waiting(mailbox):
    raw = make_mail(sender="someone@unknown.example", subject="发错型号", body="收到的型号不对",
                    attachments=[("photo.pdf", PDF, "application", "pdf"), ("setup.pdf", EXE, "application", "pdf")])
    return mail_take_in(mailbox=mailbox, uidvalidity=7, uid=1, raw=raw, size=len(raw))


@pytest.fixture
def qa(make_user):
    return make_user(Role.QA, username="qa-a")


def test_a_mail_in_triage_is_kept_with_its_reason_and_waits_for_qa(waiting, qa):
    assert waiting.outcome == Outcome.TRIAGE
    assert waiting.reason == Reason.REFUSED_ATTACHMENT  # a disguised executable outranks the unknown sender
    assert waiting.raw.name and waiting.attachment_names == ["photo.pdf", "setup.pdf"]
    items = [i for i in work.queue(qa, "mine").items if i.module == "mailin"]
    assert [(i.record_id, i.action) for i in items] == [(waiting.pk, "triage")]


def test_the_same_message_is_taken_in_once(mailbox, waiting):
    raw = make_mail(sender="x@unknown.example", subject="again")
    assert mail_take_in(mailbox=mailbox, uidvalidity=7, uid=1, raw=raw, size=len(raw)) is None
    assert InboundMail.objects.count() == 1


def test_a_mail_without_a_sender_is_malformed(mailbox):
    raw = b"Subject: no sender\r\n\r\nbody\r\n"
    row = mail_take_in(mailbox=mailbox, uidvalidity=7, uid=2, raw=raw, size=len(raw))
    assert (row.outcome, row.reason) == (Outcome.TRIAGE, Reason.MALFORMED)


def test_qa_registers_a_triaged_mail_as_a_complaint_with_the_files_that_pass(waiting, qa, login, customer):
    client = login(qa)
    page = client.get(f"/mail/{waiting.pk}/")
    assert page.status_code == 200 and "收到的型号不对" in page.content.decode()
    response = client.post(f"/mail/{waiting.pk}/", {"action": "make", "customer": customer.code})
    assert response.status_code == 302
    waiting.refresh_from_db()
    complaint = waiting.complaint
    assert (waiting.outcome, waiting.handled_by, complaint.customer, complaint.channel) == (
        Outcome.MADE, qa, customer, Channel.EMAIL)
    assert list(ComplaintAttachment.objects.filter(complaint=complaint).values_list("name", flat=True)) == [
        "photo.pdf"]
    # Handled once: a second decision is refused with the reason.
    again = client.post(f"/mail/{waiting.pk}/", {"action": "discard", "reason": "垃圾邮件"})
    assert again.status_code == 403
    assert Complaint.objects.count() == 1


def test_qa_attaches_a_triaged_mail_to_a_complaint(waiting, qa, login, customer, contact):
    from kesu.complaints import services

    complaint = services.complaint_create(actor=None, company=customer.company, data={
        "channel": Channel.PHONE, "customer": customer, "description": "电话"})
    response = login(qa).post(f"/mail/{waiting.pk}/", {"action": "attach", "complaint": complaint.number})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.complaint) == (Outcome.ATTACHED, complaint)
    assert TimelineEntry.objects.filter(complaint=complaint, kind=TimelineKind.COMMUNICATION,
                                        summary__contains="收到的型号不对").count() == 1


def test_discarding_needs_a_reason(waiting, qa, login):
    client = login(qa)
    refused = client.post(f"/mail/{waiting.pk}/", {"action": "discard", "reason": " "})
    assert refused.status_code == 200
    waiting.refresh_from_db()
    assert waiting.outcome == Outcome.TRIAGE
    assert client.post(f"/mail/{waiting.pk}/", {"action": "discard", "reason": "广告"}).status_code == 302
    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.discard_reason) == (Outcome.DISCARDED, "广告")
    # The decision is in the mail's audit trail, by QA through the page.
    from kesu.core.selectors import audit_entries_for

    entry = audit_entries_for(waiting)[0]
    assert (entry.actor, entry.source, entry.changes["outcome"]) == (qa, "web", [Outcome.TRIAGE, Outcome.DISCARDED])
    assert "广告" in client.get(f"/mail/{waiting.pk}/").content.decode()


@pytest.mark.parametrize("who, status", [("salesperson", 403), ("outsider", 404), ("qa", 200), ("gm", 200)])
def test_who_sees_the_triage(waiting, who, status, request, login, make_user, company_b):
    user = make_user(Role.QA, company=company_b, username="qa-b") if who == "outsider" else (
        make_user(Role.QA, username="qa-a") if who == "qa" else request.getfixturevalue(who))
    client = login(user)
    detail = client.get(f"/mail/{waiting.pk}/")
    listing = client.get("/mail/")
    original = client.get(f"/mail/{waiting.pk}/original/")
    if who == "outsider":
        assert detail.status_code == 404 and waiting.subject not in listing.content.decode()
        assert original.status_code == 404
    elif status == 200:
        assert original["Content-Disposition"].startswith("attachment")
        assert b"From: Customer <someone@unknown.example>" in b"".join(original.streaming_content)
    else:
        assert detail.status_code == status
        assert listing.status_code == status


def test_only_administrators_keep_the_mailboxes(mailbox, make_user, login, qa):
    assert login(qa).get("/mail/mailboxes/").status_code == 403
    admin = make_user(Role.ADMIN, username="admin-a")
    client = login(admin)
    response = client.post("/mail/mailboxes/new/", {
        "name": "售后", "host": "imap.example", "port": 993, "security": "ssl", "username": "u", "password": "p1",
        "folder": "INBOX", "max_bytes": 1048576, "is_active": "on"})
    assert response.status_code == 302
    created = Mailbox.objects.get(name="售后")
    assert created.password == "p1"
    # An empty password keeps the stored one.
    client.post(f"/mail/mailboxes/{created.pk}/", {
        "name": "售后", "host": "imap.example", "port": 993, "security": "ssl", "username": "u", "password": "",
        "folder": "INBOX", "max_bytes": 1048576, "is_active": "on"})
    created.refresh_from_db()
    assert created.password == "p1"


def test_the_api_lists_and_handles_triage(waiting, qa, api, customer, salesperson, make_user, company_b):
    listed = api(qa).get("/api/v1/mailin/mails")
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()] == [waiting.pk]
    assert "password" not in listed.content.decode()
    assert api(salesperson).get("/api/v1/mailin/mails").status_code == 403
    other_qa = make_user(Role.QA, company=company_b, username="qa-b")
    assert api(other_qa).get(f"/api/v1/mailin/mails/{waiting.pk}").status_code == 404
    assert api(other_qa).post(f"/api/v1/mailin/mails/{waiting.pk}/discard", {"reason": "x"}).status_code == 404
    refused = api(qa).post(f"/api/v1/mailin/mails/{waiting.pk}/complaint", {"customer_id": 2**62})
    assert refused.status_code == 422
    made = api(qa).post(f"/api/v1/mailin/mails/{waiting.pk}/complaint", {"customer_id": customer.pk})
    assert made.status_code == 201
    assert made.json()["outcome"] == Outcome.MADE and made.json()["complaint_number"]
    again = api(qa).post(f"/api/v1/mailin/mails/{waiting.pk}/discard", {"reason": "x"})
    assert again.status_code == 422
    with translation.override("zh-hans"):
        expected = _("This mail has already been handled (%(outcome)s).") % {"outcome": Outcome.MADE.label}
    assert again.json()["detail"][0]["msg"] == expected


def test_the_triage_list_reads_the_same_number_of_queries_whatever_the_rows(mailbox, qa, login,
                                                                             django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(first: int, count: int) -> None:
        for uid in range(first, first + count):
            raw = make_mail(sender=f"s{uid}@unknown.example", subject=f"邮件 {uid}", body="正文")
            mail_take_in(mailbox=mailbox, uidvalidity=1, uid=uid, raw=raw, size=len(raw))

    client = login(qa)
    add(1, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/mail/?outcome=all").status_code == 200
    add(3, 6)
    with CaptureQueriesContext(connection) as more:
        page = client.get("/mail/?outcome=all")
    assert page.content.decode().count("邮件 ") >= 8
    assert len(more.captured_queries) == len(few.captured_queries)


def test_a_discard_reason_of_blanks_or_control_characters_is_refused_not_a_server_error(waiting, qa, api):
    assert api(qa).post(f"/api/v1/mailin/mails/{waiting.pk}/discard", {"reason": "\x00\x00"}).status_code == 422
    response = api(qa).post(f"/api/v1/mailin/mails/{waiting.pk}/discard", {"reason": "   "})
    assert response.status_code == 422
    with translation.override("zh-hans"):
        assert response.json()["detail"][0]["msg"] == _("Say why the mail is discarded.")


def test_a_chinese_file_name_and_a_mail_of_only_an_attachment_are_read(mailbox, customer, contact):
    from email.message import EmailMessage

    from kesu.mailin.intake import mail_parse

    parsed = mail_parse(make_mail(sender="buyer@shcustomer.example", subject="照片",
                                  attachments=[("不良照片.pdf", PDF, "application", "pdf")]))
    assert [name for name, _data in parsed.attachments] == ["不良照片.pdf"]
    lone = EmailMessage()
    lone["From"] = "buyer@shcustomer.example"
    lone["Subject"] = "扫描件"
    lone.set_content(PDF, maintype="application", subtype="pdf", filename="scan.pdf")
    row = mail_take_in(mailbox=mailbox, uidvalidity=7, uid=9, raw=lone.as_bytes(), size=100)
    assert row.outcome == Outcome.COMPLAINT
    assert list(ComplaintAttachment.objects.filter(complaint=row.complaint).values_list("name", flat=True)) == [
        "scan.pdf"]
    assert row.complaint.description == "扫描件"
