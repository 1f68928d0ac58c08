"""The daily digest (issue 16 §3): one morning e-mail per opted-in user with the work waiting and overdue."""

from __future__ import annotations

import pytest
import time_machine

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People, at, create_complaint
from kesu.notifications.digest import digest_send_due
from kesu.notifications.models import Digest, OutboxMail

pytestmark = pytest.mark.django_db


def _digests(user) -> list[OutboxMail]:
    return [digest.mail for digest in Digest.objects.filter(recipient=user).select_related("mail")
            if digest.mail is not None]


def test_a_user_gets_one_digest_a_morning_listing_what_waits_and_what_is_overdue(company_a):
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        late = create_complaint(sales)
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        fresh = create_complaint(sales)
    with time_machine.travel(at(2026, 3, 6, 8, 15), tick=False):
        assert digest_send_due() == 1
        assert digest_send_due() == 0  # the job runs every 15 minutes; the user is not told twice
    [mail] = _digests(sales)
    assert mail.to == sales.email
    assert late.number in mail.body and fresh.number in mail.body
    # The overdue complaint comes first, under its own heading.
    assert mail.body.index(late.number) < mail.body.index(fresh.number)
    assert Digest.objects.get(recipient=sales).overdue == 1


def test_no_digest_before_the_morning_hour_of_the_company_nor_on_a_day_off(company_a):
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    create_complaint(sales)
    with time_machine.travel(at(2026, 3, 6, 7, 45), tick=False):
        assert digest_send_due() == 0
    with time_machine.travel(at(2026, 3, 7, 9), tick=False):  # a Saturday
        assert digest_send_due() == 0
    with time_machine.travel(at(2026, 3, 9, 8), tick=False):  # Monday morning
        assert digest_send_due() == 1
    with time_machine.travel(at(2026, 3, 10, 8), tick=False):  # and again the next day
        assert digest_send_due() == 1


def test_a_user_who_turned_the_digest_off_or_has_nothing_waiting_gets_none(company_a):
    people = People(company_a)
    sales, qa = people[Role.SALESPERSON], people[Role.QA]
    create_complaint(sales)
    sales.digest_email = False
    sales.save()
    with time_machine.travel(at(2026, 3, 6, 9), tick=False):
        assert digest_send_due() == 0
    assert _digests(sales) == [] and _digests(qa) == []
    # The empty day is recorded: the job does not look again every quarter of an hour.
    assert Digest.objects.filter(recipient=qa, mail__isnull=True).count() == 1


def test_the_digest_can_be_turned_off_on_the_profile_page(login, salesperson):
    from django.urls import reverse

    client = login(salesperson)
    response = client.post(reverse("accounts:profile"), {"display_name": "王销售", "email": salesperson.email,
                                                          "phone": "", "language": ""})
    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.digest_email is False


def test_the_digest_is_written_in_the_users_language(company_a):
    people = People(company_a)
    sales = people[Role.SALESPERSON]
    sales.language = "en"
    sales.save()
    create_complaint(sales)
    with time_machine.travel(at(2026, 3, 6, 9), tick=False):
        digest_send_due()
    [mail] = _digests(sales)
    assert mail.subject == "Kesu: 1 item waiting for you, 0 overdue"
    assert "Acknowledge to the customer" in mail.body
