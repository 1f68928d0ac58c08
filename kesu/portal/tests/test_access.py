"""Portal sign-in: invitations, one-time links, the e-mailed code, and the contact's language."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kesu.accounts.roles import Role
from kesu.notifications.models import OutboxMail
from kesu.portal import access, services
from kesu.portal.models import PortalAccount, PortalSettings

from .conftest import PORTAL_PASSWORD

pytestmark = pytest.mark.django_db(transaction=False)


def _link(mail: OutboxMail) -> str:
    return re.search(r"https?://\S+(/portal/\S+/)", mail.body).group(1)


def test_sales_invites_a_contact_who_sets_a_password_through_a_one_time_link(
        client, salesperson, contact_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = services.portal_invite(actor=salesperson, contact=contact_a)
    mail = OutboxMail.objects.get(to="zhang@jia.example")
    with translation.override("zh-hant"):
        assert str(mail.subject).startswith(services._invite_text(account)[0][:6])
    link = _link(mail)
    page = client.get(link)
    assert page.status_code == 200
    with translation.override("zh-hant"):
        assert translation.gettext("Set your password") in page.content.decode()
    response = client.post(link, {"password1": PORTAL_PASSWORD, "password2": PORTAL_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    account.refresh_from_db()
    assert account.check_password(PORTAL_PASSWORD)
    assert client.get("/portal/").status_code == 200
    # The link worked once: a second use is refused.
    client.post("/portal/logout/")
    assert client.get(link).status_code == 404


def test_only_sales_of_the_contacts_company_invite(make_user, outsider, contact_a):
    with pytest.raises(PermissionDenied):
        services.portal_invite(actor=make_user(Role.FINANCE, username="fin"), contact=contact_a)
    with pytest.raises(PermissionDenied):
        services.portal_invite(actor=outsider, contact=contact_a)


def test_an_invitation_needs_an_e_mail_address_no_other_account_uses(salesperson, contact_a, contact_other,
                                                                      account_other):
    contact_a.email = ""
    contact_a.save()
    with pytest.raises(ValidationError) as error:
        services.portal_invite(actor=salesperson, contact=contact_a)
    assert "email" in error.value.message_dict
    contact_a.email = "LI@yi.example"
    contact_a.save()
    with pytest.raises(ValidationError):
        services.portal_invite(actor=salesperson, contact=contact_a)


def test_a_magic_link_signs_in_once_after_a_click(client, account_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portal/login/", {"form": "link", "email": "ZHANG@jia.example"})
    link = _link(OutboxMail.objects.get(to="zhang@jia.example"))
    assert client.get(link).status_code == 200  # a mail scanner's fetch spends nothing
    assert client.get("/portal/").status_code == 302
    assert client.post(link)["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    client.post("/portal/logout/")
    assert client.post(link).status_code == 404


def test_asking_a_link_for_an_unknown_address_answers_the_same_and_sends_nothing(client, db):
    response = client.post("/portal/login/", {"form": "link", "email": "nobody@nowhere.example"}, follow=True)
    assert response.status_code == 200
    assert not OutboxMail.objects.exists()


def test_a_wrong_password_is_refused_in_the_readers_language(client, account_a):
    response = client.post("/portal/login/", {"form": "password", "email": account_a.email, "password": "nope"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert translation.gettext("The e-mail address or the password is wrong.") in response.content.decode()
    assert client.get("/portal/").status_code == 302


def test_a_switched_off_account_cannot_sign_in_and_its_session_ends(client, portal_login, account_a, salesperson):
    portal_login(account_a)
    assert client.get("/portal/").status_code == 200
    services.portal_deactivate(actor=salesperson, account=account_a)
    assert client.get("/portal/").status_code == 302
    response = client.post("/portal/login/", {"form": "password", "email": account_a.email,
                                              "password": PORTAL_PASSWORD})
    assert response.status_code == 200


def test_companies_may_ask_for_a_code_by_e_mail_at_each_sign_in(client, account_a, company_a,
                                                                 django_capture_on_commit_callbacks):
    PortalSettings.objects.create(company=company_a, two_factor_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/login/", {"form": "password", "email": account_a.email,
                                                  "password": PORTAL_PASSWORD})
    assert response["Location"] == "/portal/login/code/"
    assert client.get("/portal/").status_code == 302  # not signed in before the code
    code = re.search(r"\b(\d{6})\b", OutboxMail.objects.get(to=account_a.email).body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/portal/login/code/", {"code": wrong}).status_code == 200
    assert client.post("/portal/login/code/", {"code": code})["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_five_wrong_codes_end_the_attempt(client, account_a, company_a):
    PortalSettings.objects.create(company=company_a, two_factor_email=True)
    client.post("/portal/login/", {"form": "password", "email": account_a.email, "password": PORTAL_PASSWORD})
    pending = client.session[access.SESSION_PENDING]
    for _ in range(access.CODE_TRIES):
        client.post("/portal/login/code/", {"code": "999999" if pending else "0"})
    assert client.get("/portal/login/code/").status_code == 302


def test_the_portal_speaks_the_contacts_language(client, portal_login, account_a, contact_a):
    portal_login(account_a)
    page = client.get("/portal/").content.decode()
    with translation.override("zh-hant"):
        assert translation.gettext("Your complaints") in page
    assert 'lang="zh-hant"' in page
    contact_a.language = "en"
    contact_a.save()
    assert 'lang="en"' in client.get("/portal/").content.decode()


def test_a_changed_password_ends_other_sessions(client, portal_login, account_a):
    portal_login(account_a)
    services.portal_password_set(account=PortalAccount.objects.get(pk=account_a.pk), password="Another-pass-2026")
    assert client.get("/portal/").status_code == 302


def test_signing_in_to_the_portal_ends_a_staff_session_in_the_same_browser(client, salesperson, account_a,
                                                                           portal_login):
    client.force_login(salesperson)
    portal_login(account_a)
    assert client.get("/complaints/").status_code == 404
