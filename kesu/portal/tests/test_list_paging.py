"""The contact's complaint list in numbered pages like the staff lists (issue 23 §1): every complaint reachable,
none of another customer's."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from kesu.complaints.tests.factories import create_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(salesperson, customer_a, customer_other):
    start = timezone.now() - datetime.timedelta(days=40)
    mine = [create_complaint(salesperson, customer=customer_a, received_at=start + datetime.timedelta(days=n))
            for n in range(30)]
    create_complaint(salesperson, customer=customer_other)
    return mine


def _numbers(html: str) -> list[str]:
    table = html.split('id="portal-complaints"')[1].split("</table>")[0]
    return re.findall(r'/portal/complaints/\d+/">([^<]+)</a>', table)


def test_the_list_goes_page_by_page_newest_first(client, portal_login, account_a, thirty):
    portal_login(account_a)
    first = client.get("/portal/?per_page=25").content.decode()
    second = client.get("/portal/?per_page=25&page=2").content.decode()
    newest_first = [c.number for c in reversed(thirty)]
    assert _numbers(first) == newest_first[:25]
    assert _numbers(second) == newest_first[25:]
    assert 'id="list-pager"' in first and 'data-page="2"' in first
    # The default page size (50) holds them all on one page, without numbered pages.
    assert _numbers(client.get("/portal/").content.decode()) == newest_first


def test_a_page_past_the_end_shows_the_last_and_another_customers_complaints_never(
        client, portal_login, account_other, thirty):
    portal_login(account_other)
    html = client.get("/portal/?page=9").content.decode()
    assert len(_numbers(html)) == 1 and not set(_numbers(html)) & {c.number for c in thirty}
