"""Inbox and e-mail: early warnings to leadership, escalations, configurable rules, the outbox retried."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints import services as complaint_services
from kesu.complaints.tests.factories import People, bring_to, create_complaint
from kesu.core.models import AuditEntry
from kesu.notifications.models import Notification, NotificationRule, OutboxMail
from kesu.notifications.services import notification_rules_ensure_defaults, outbox_send_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def _told(user, event: str, complaint) -> bool:
    # Titles are in the recipient's language (zh-Hans by default); the event and the number say what it was.
    return Notification.objects.filter(recipient=user, event=event, title__contains=complaint.number).exists()


def test_early_warning_a_and_b_reach_the_leadership_group_at_once_c_does_not(company_a,
                                                                             django_capture_on_commit_callbacks):
    people = People(company_a)
    gm, director = people[Role.GM], people[Role.SALES_DIRECTOR]
    for cls in ("a", "b", "c"):
        with django_capture_on_commit_callbacks(execute=True):
            complaint = bring_to("assessed", people, assess={"warning_class": cls})
        assert _told(gm, "early_warning", complaint) == (cls != "c"), cls
        assert _told(director, "early_warning", complaint) == (cls != "c"), cls
    assert OutboxMail.objects.filter(recipient=gm, subject__contains="B").count() == 1


def test_escalation_notifies_its_recipients(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    with django_capture_on_commit_callbacks(execute=True):
        complaint = create_complaint(sales)
    later = timezone.now() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.escalate_overdue(now=later)
    assert _told(sales, "complaint_escalated", complaint)


def test_a_disabled_rule_tells_no_one_and_the_actor_is_never_told(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    sales, qa = people[Role.SALESPERSON], people[Role.QA]
    notification_rules_ensure_defaults(company_a)
    NotificationRule.objects.filter(company=company_a, event="complaint_assigned").update(is_active=False)
    complaint = create_complaint(sales)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.complaint_assign(actor=qa, complaint=complaint, owner=sales)
    assert not _told(sales, "complaint_assigned", complaint)
    NotificationRule.objects.filter(company=company_a, event="complaint_assigned").update(is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.complaint_assign(actor=qa, complaint=complaint, owner=sales)
        complaint_services.complaint_assign(actor=qa, complaint=complaint, owner=qa)
    assert _told(sales, "complaint_assigned", complaint)
    assert not _told(qa, "complaint_assigned", complaint)  # QA assigned it to themselves


def test_a_rolled_back_change_announces_nothing(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                bring_to("assessed", people, assess={"warning_class": "a"})
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()


def test_mail_waits_while_the_server_is_down_and_is_sent_when_it_is_back(settings, company_a, user_with_mail):
    OutboxMail.objects.create(company=company_a, recipient=user_with_mail, to=user_with_mail.email, subject="预警",
                              body="x", next_attempt_at=timezone.now(), created_at=timezone.now())
    settings.EMAIL_BACKEND = "kesu.notifications.tests.test_notifications.FailingBackend"
    assert outbox_send_pending() == 0
    row = OutboxMail.objects.get()
    assert row.status == "pending" and row.attempts == 1 and "mail server down" in row.last_error
    assert outbox_send_pending() == 0  # not due again yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_send_pending(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    assert outbox_send_pending(now=timezone.now() + datetime.timedelta(minutes=2)) == 0  # never twice
    assert len(mail.outbox) == 1 and OutboxMail.objects.get().status == "sent"


@pytest.fixture
def user_with_mail(make_user):
    return make_user(Role.SALESPERSON, username="mailme", email="mailme@example.com")


def test_the_inbox_shows_only_my_notifications_and_marks_them_read(login, api, salesperson, outsider, company_a):
    mine = Notification.objects.create(company=company_a, recipient=salesperson, event="complaint_created",
                                       title="新投诉 KS-1", created_at=timezone.now())
    client = login(salesperson)
    page = client.get(reverse("notifications:inbox"))
    assert "新投诉 KS-1" in page.content.decode() and 'id="unread-count">1<' in page.content.decode()
    assert login(outsider).post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    assert "新投诉 KS-1" not in login(outsider).get(reverse("notifications:inbox")).content.decode()
    assert api(outsider).post(f"/api/v1/notifications/{mine.pk}/read").status_code == 404
    assert api(salesperson).get("/api/v1/notifications", unread="true").json()["count"] == 1
    assert api(salesperson).post(f"/api/v1/notifications/{mine.pk}/read").json() == {"marked": 1}
    assert api(salesperson).get("/api/v1/notifications", unread="true").json()["count"] == 0


def test_the_inbox_runs_a_fixed_number_of_queries(login, salesperson, company_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:inbox")).status_code == 200
        return len(queries)

    client = login(salesperson)
    Notification.objects.create(company=company_a, recipient=salesperson, event="x", title="t",
                                created_at=timezone.now())
    before = count()
    for i in range(10):
        Notification.objects.create(company=company_a, recipient=salesperson, event="x", title=f"t{i}",
                                    created_at=timezone.now())
    assert count() == before


def test_a_qa_engineer_changes_who_is_told_and_a_salesperson_may_not(login, qa_engineer, salesperson):
    client = login(qa_engineer)
    assert client.get(reverse("notifications:rules")).status_code == 200
    rule = NotificationRule.objects.get(company=qa_engineer.company, event="early_warning")
    response = client.post(reverse("notifications:rules"), {
        "rule": rule.pk, f"r{rule.pk}-audience": ["leadership", "owner"], f"r{rule.pk}-send_inbox": "on",
        f"r{rule.pk}-is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.audience == ["owner", "leadership"] or set(rule.audience) == {"owner", "leadership"}
    assert rule.send_email is False
    assert login(salesperson).get(reverse("notifications:rules")).status_code == 403


def test_the_rules_are_read_and_changed_through_the_api_with_the_same_permissions(api, qa_engineer, salesperson,
                                                                                  outsider):
    rules = api(qa_engineer).get("/api/v1/notifications/rules")
    assert rules.status_code == 200
    events = {r["event"]: r for r in rules.json()}
    assert events["early_warning"]["audience"] == ["leadership"] and events["early_warning"]["event_label"]
    changed = api(qa_engineer).put("/api/v1/notifications/rules/early_warning", {
        "audience": ["leadership", "owner"], "send_inbox": True, "send_email": False})
    assert changed.status_code == 200, changed.content
    rule = NotificationRule.objects.get(company=qa_engineer.company, event="early_warning")
    assert set(rule.audience) == {"leadership", "owner"} and rule.send_email is False
    assert AuditEntry.objects.filter(content_type__model="notificationrule", object_id=str(rule.pk), source="api",
                                     actor=qa_engineer).exists()
    # Refused: an unknown audience, an unknown key, a role that may not, another company's rules untouched.
    bad = api(qa_engineer).put("/api/v1/notifications/rules/early_warning", {
        "audience": ["everyone"], "send_inbox": True, "send_email": True})
    assert bad.status_code == 422 and "audience" in bad.content.decode()
    extra = api(qa_engineer).put("/api/v1/notifications/rules/early_warning", {
        "audience": [], "send_inbox": True, "send_email": True, "sms": True})
    assert extra.status_code == 422 and "sms" in extra.content.decode()
    assert api(salesperson).get("/api/v1/notifications/rules").status_code == 403
    assert api(salesperson).put("/api/v1/notifications/rules/early_warning", {
        "audience": [], "send_inbox": False, "send_email": False}).status_code == 403
    assert api(outsider).get("/api/v1/notifications/rules").status_code == 403
