"""Messages to the customer's contact (issue 23 §3): acknowledgement at once, progress at chosen milestones,
decision and closure; each once, in the contact's language, logged on the timeline; templates edited by the
company administrator or the QA head with a preview."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from kesu.accounts.roles import Role
from kesu.complaints import customer_messages as cm
from kesu.complaints.choices import Channel, DeadlineKind, Direction, Status, TimelineKind
from kesu.complaints.models import CustomerMessage, CustomerMessageKind, CustomerMessageTemplate
from kesu.complaints.tests.factories import People, act, bring_to, create_complaint
from kesu.customers.models import Contact
from kesu.customers.tests.factories import CustomerFactory
from kesu.notifications.services import outbox_send_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(company_a):
    return People(company_a)


def _contact(company, language="zh-hant", email="lin@customer.example"):
    customer = CustomerFactory(company=company)
    return Contact.objects.create(company=company, customer=customer, name="林先生", email=email, language=language)


def _customer_mail(address="lin@customer.example"):
    """What reached the customer (staff are told of the same steps by their own mail)."""
    return [m for m in mail.outbox if m.to == [address]]


def _new(people, contact, capture):
    with capture(execute=True):
        return create_complaint(people[Role.SALESPERSON], customer=contact.customer, contact=contact)


def test_the_acknowledgement_goes_out_at_once_in_the_contacts_traditional_chinese_with_number_and_deadline(
        people, company_a, django_capture_on_commit_callbacks):
    contact = _contact(company_a, "zh-hant")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    outbox_send_pending()
    assert len(_customer_mail()) == 1
    sent = _customer_mail()[0]
    assert sent.to == ["lin@customer.example"]
    due = complaint.deadlines.get(kind=DeadlineKind.REPLY).due_at
    deadline = timezone.localtime(due, company_a.tz).strftime("%Y-%m-%d %H:%M")
    assert sent.subject == f"已收到您的投訴 {complaint.number}"
    assert "我們將在" in sent.body and deadline in sent.body and complaint.number in sent.body
    entry = complaint.timeline.get(kind=TimelineKind.COMMUNICATION, direction=Direction.OUT)
    assert entry.channel == Channel.EMAIL and not entry.internal and entry.actor is None
    assert entry.summary.startswith(sent.subject)
    # An automatic message is not a person's response: the reply clock keeps running (design §11).
    complaint.refresh_from_db()
    assert complaint.first_response_at is None


def test_a_contact_without_e_mail_gets_no_message_and_the_timeline_says_so(
        people, company_a, django_capture_on_commit_callbacks):
    contact = _contact(company_a, "zh-hans", email="")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    outbox_send_pending()
    assert _customer_mail() == [] and _customer_mail("") == []
    message = CustomerMessage.objects.get(complaint=complaint)
    assert message.outcome == "no_email"
    note = complaint.timeline.get(kind=TimelineKind.NOTE, internal=True, summary__contains=message.subject)
    with translation.override("zh-hans"):
        expected = cm._("“%(subject)s” was not e-mailed to the customer: the contact has no e-mail address.") % {
            "subject": message.subject}
    assert note.summary == expected


def test_each_event_is_sent_once_even_when_its_signal_comes_twice(
        people, company_a, django_capture_on_commit_callbacks):
    contact = _contact(company_a, "en")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    cm.on_created(sender=None, complaint=complaint)
    assert cm.customer_message_send(complaint=complaint, kind=CustomerMessageKind.ACKNOWLEDGEMENT,
                                    key="acknowledgement") is None
    outbox_send_pending()
    assert len(_customer_mail()) == 1
    assert complaint.timeline.filter(kind=TimelineKind.COMMUNICATION, channel=Channel.EMAIL).count() == 1


def test_progress_goes_out_only_at_the_milestones_the_company_chose(
        people, company_a, django_capture_on_commit_callbacks, qa_engineer):
    qa_engineer.department.kind = "qa"
    qa_engineer.department.head = qa_engineer
    qa_engineer.department.save()
    cm.customer_message_settings_update(actor=qa_engineer, company=company_a, is_active=True,
                                        progress_statuses=[Status.ASSESSED])
    contact = _contact(company_a, "en")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = bring_to(Status.SALES_HANDLING, people, complaint=complaint)
    kinds = list(CustomerMessage.objects.filter(complaint=complaint).order_by("id").values_list("kind", "key"))
    # Acknowledged (not chosen), assessed (chosen), handled by sales (not chosen).
    assert [k for k, _key in kinds] == ["acknowledgement", "progress"]
    assert kinds[1][1].startswith(f"progress:{Status.ASSESSED}:")
    outbox_send_pending()
    progress = _customer_mail()[1]
    assert progress.subject == f"Progress of complaint {complaint.number}"
    assert str(Status.ASSESSED.label) in progress.body


def test_the_decision_and_the_closure_are_sent_with_the_remedy(
        people, company_a, django_capture_on_commit_callbacks):
    contact = _contact(company_a, "zh-hans")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = bring_to(Status.CLOSED, people, complaint=complaint)
    kinds = list(CustomerMessage.objects.filter(complaint=complaint).order_by("id").values_list("kind", flat=True))
    # The default milestones: the investigation starts (not on this path, handled by sales), the remedy is done.
    assert kinds == ["acknowledgement", "decision", "progress", "closure"]
    outbox_send_pending()
    sent = _customer_mail()
    decision = sent[1]
    assert decision.subject == f"投诉 {complaint.number} 的处理方案"
    assert "免费更换 3 台" in decision.body
    with translation.override("zh-hans"):
        assert str(Status.REMEDY_DONE.label) in sent[2].body
    assert sent[3].subject == f"投诉 {complaint.number} 已结案"
    assert complaint.timeline.filter(kind=TimelineKind.COMMUNICATION, channel=Channel.EMAIL,
                                     direction=Direction.OUT).count() == 4


def test_reopened_and_closed_again_the_customer_hears_of_the_second_closure(
        people, company_a, django_capture_on_commit_callbacks):
    contact = _contact(company_a, "en")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = bring_to(Status.CLOSED, people, complaint=complaint)
        complaint = act(complaint, "reopen", people)
        complaint = bring_to(Status.CLOSED, people, complaint=complaint)
    assert CustomerMessage.objects.filter(complaint=complaint, kind="closure").count() == 2


def test_the_companys_own_wording_is_used_in_the_contacts_language(
        people, company_a, admin_user, django_capture_on_commit_callbacks):
    admin_user.is_superuser = False
    admin_user.save()
    cm.customer_message_template_save(actor=admin_user, company=company_a, kind="acknowledgement",
                                      language="en", subject="Got it: {number}", body="Reply by {deadline}.")
    contact = _contact(company_a, "en")
    complaint = _new(people, contact, django_capture_on_commit_callbacks)
    outbox_send_pending()
    assert _customer_mail()[0].subject == f"Got it: {complaint.number}"


def test_an_unknown_placeholder_is_refused_by_name(company_a, admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        cm.customer_message_template_save(actor=admin_user, company=company_a, kind="closure", language="en",
                                          subject="{number}", body="{number.__class__} {secret}")
    assert "{secret}" in str(refused.value.message_dict["body"])


@pytest.mark.parametrize(("role", "qa_head", "status"), [
    (Role.ADMIN, False, 200), (Role.QA, True, 200), (Role.QA, False, 403), (Role.SALESPERSON, False, 403)])
def test_who_may_edit_and_preview_the_messages(make_user, login, role, qa_head, status):
    user = make_user(role)
    if qa_head:
        user.department.kind = "qa"
        user.department.head = user
        user.department.save()
    client = login(user)
    assert client.get(reverse("complaints:customer_messages")).status_code == status
    url = reverse("complaints:customer_message_edit", args=["acknowledgement", "zh-hant"])
    response = client.post(url, {"subject": "收到 {number}", "body": "答覆期限 {deadline}", "do": "preview"})
    assert response.status_code == status
    assert not CustomerMessageTemplate.objects.exists()
    if status == 200:
        assert "收到 KS-0000-0001" in response.content.decode()
        response = client.post(url, {"subject": "收到 {number}", "body": "答覆期限 {deadline}", "do": "save"})
        assert response.status_code == 302
        row = CustomerMessageTemplate.objects.get()
        assert (row.kind, row.language, row.subject) == ("acknowledgement", "zh-hant", "收到 {number}")


def test_the_preview_is_filled_from_the_companys_latest_complaint(people, company_a, make_user, login):
    complaint = create_complaint(people[Role.SALESPERSON])
    client = login(make_user(Role.ADMIN))
    response = client.get(reverse("complaints:customer_message_edit", args=["progress", "zh-hans"]))
    assert response.status_code == 200
    assert f"投诉 {complaint.number} 的处理进展" in response.content.decode()


def test_another_companys_administrator_cannot_word_our_messages(company_a, company_b, make_user):
    from django.core.exceptions import PermissionDenied

    other = make_user(Role.ADMIN, company=company_b)
    with pytest.raises(PermissionDenied):
        cm.customer_message_template_save(actor=other, company=company_a, kind="closure", language="en",
                                          subject="x", body="y")
