"""Password reset (issue 15 §1, §6): the link comes from KESU_BASE_URL, the mail goes through the outbox."""

import pytest
from django.core import mail
from django.urls import reverse

from kesu.notifications.models import OutboxMail

pytestmark = pytest.mark.django_db


class BrokenMailServer:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def reset_link(body: str) -> str:
    return next(line for line in body.splitlines() if "/accounts/password/reset/" in line).strip()


def test_the_reset_link_starts_with_the_base_url_whatever_host_the_request_names(client, salesperson, settings):
    settings.KESU_BASE_URL = "https://kesu.example.cn"
    settings.ALLOWED_HOSTS = ["*"]  # even where every host is accepted, the Host header decides nothing
    response = client.post(reverse("accounts:password_reset"), {"email": salesperson.email},
                           HTTP_HOST="evil.example")
    assert response.status_code == 302
    queued = OutboxMail.objects.get(to=salesperson.email)
    assert reset_link(queued.body).startswith("https://kesu.example.cn/accounts/password/reset/")
    assert "evil.example" not in queued.body


def test_a_request_naming_a_host_kesu_does_not_answer_to_is_refused(client, salesperson):
    response = client.post(reverse("accounts:password_reset"), {"email": salesperson.email},
                           HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not OutboxMail.objects.exists()


def test_a_reset_asked_for_while_the_mail_server_is_down_waits_in_the_outbox(client, salesperson, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    response = client.post(reverse("accounts:password_reset"), {"email": salesperson.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 0
    queued = OutboxMail.objects.get(to=salesperson.email)
    assert queued.status == "pending" and queued.recipient_id is None


def test_the_reset_mail_is_in_the_users_language(client, salesperson):
    salesperson.language = "en"
    salesperson.save()
    client.post(reverse("accounts:password_reset"), {"email": salesperson.email}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    queued = OutboxMail.objects.get(to=salesperson.email)
    assert queued.subject == "Kesu: set a new password"
    assert "Someone asked to set a new password" in queued.body


def test_the_queued_link_sets_a_new_password(client, salesperson, settings):
    settings.KESU_BASE_URL = "http://testserver"
    client.post(reverse("accounts:password_reset"), {"email": salesperson.email})
    link = reset_link(OutboxMail.objects.get(to=salesperson.email).body)
    response = client.get(link.removeprefix("http://testserver"), follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Zhiliang-2026!", "new_password2": "Zhiliang-2026!"})
    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.check_password("Zhiliang-2026!")


def test_a_password_reset_for_an_unknown_address_says_nothing_different(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not OutboxMail.objects.exists() and len(mail.outbox) == 0
