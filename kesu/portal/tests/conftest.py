"""A portal world: company A's customers 甲 (with contact 张) and 乙 (with contact 李), and company B's customer."""

from __future__ import annotations

import pytest

from kesu.customers.tests.factories import ContactFactory, CustomerFactory, PartFactory
from kesu.portal.models import PortalAccount

PORTAL_PASSWORD = "Kesu-portal-2026!"


def make_account(contact, password: str | None = PORTAL_PASSWORD) -> PortalAccount:
    account = PortalAccount(company_id=contact.company_id, contact=contact, email=contact.email.lower())
    if password:
        account.set_password(password)
    account.save()
    return account


@pytest.fixture
def customer_a(company_a, salesperson):
    return CustomerFactory(company=company_a, name="上海甲汽车零部件有限公司", owner=salesperson)


@pytest.fixture
def customer_other(company_a):
    return CustomerFactory(company=company_a, name="杭州乙电机有限公司")


@pytest.fixture
def part_a(company_a, customer_a):
    return PartFactory(company=company_a, customer=customer_a, part_no="GP-100", name="齿轮泵")


@pytest.fixture
def contact_a(customer_a):
    return ContactFactory(customer=customer_a, name="张采购", email="zhang@jia.example", language="zh-hant")


@pytest.fixture
def contact_other(customer_other):
    return ContactFactory(customer=customer_other, name="李质量", email="li@yi.example", language="en")


@pytest.fixture
def account_a(contact_a):
    return make_account(contact_a)


@pytest.fixture
def account_other(contact_other):
    return make_account(contact_other)


@pytest.fixture
def portal_login(client):
    """Sign a client in through the portal's own sign-in page."""

    def do(account, password: str = PORTAL_PASSWORD, c=None):
        c = c or client
        response = c.post("/portal/login/", {"form": "password", "email": account.email, "password": password})
        assert response.status_code == 302, response.content[:500]
        return c

    return do
