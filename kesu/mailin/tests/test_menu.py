"""The navigation bar leads QA to the mails in triage and administrators to the mailboxes; others see neither."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "triage", "mailboxes"), [
    (Role.QA, True, False), (Role.ADMIN, True, True), (Role.GM, True, False), (Role.SALESPERSON, False, False),
    (Role.FINANCE, False, False),
])
def test_the_menu_offers_the_mail_pages_to_those_who_may_open_them(login, make_user, role, triage, mailboxes):
    page = login(make_user(role)).get(reverse("home")).content.decode()
    assert (f'href="{reverse("mailin:triage_list")}" id="nav-mail"' in page) is triage
    assert (f'href="{reverse("mailin:mailbox_list")}" id="nav-mailboxes"' in page) is mailboxes
