"""Customer information kept as property (issue 19 §7): confidential records seen only by the roles and people
named on them (404 for anyone else, page and API); contacts' personal data masked by the one privacy rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import ContactFactory, CustomerFactory
from kesu.property import services

pytestmark = pytest.mark.django_db
R = Role
BASE = "/api/v1/property"


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def customer(people):
    customer = CustomerFactory(company=people.company, owner=people[R.SALESPERSON])
    ContactFactory(customer=customer, company=people.company, name="王采购", email="wang@buyer.example",
                   mobile="13912345678")
    return customer


def _register(people, customer, **extra):
    data = {"customer": customer, "title": "2027 年量产价格协议", "kind": "commercial",
            "confidentiality": "secret", "access_roles": ["sales_director"]}
    data.update(extra)
    users = data.pop("users", ())
    return services.information_register(actor=people[R.SALESPERSON], company=people.company, data=data,
                                         users=users)


def test_only_the_named_roles_and_people_see_it_on_the_page(people, customer, client):
    record = _register(people, customer, users=[people[R.ENGINEERING]])
    page = reverse("property:customer_information", args=[customer.pk])
    for user in (people[R.SALES_DIRECTOR], people[R.ENGINEERING], people[R.SALESPERSON]):  # role, person, registrant
        client.force_login(user)
        assert f'id="info-{record.pk}"' in client.get(page).content.decode(), user.role
    client.force_login(people[R.QA])  # not named: the list hides it, the record is 404
    assert f'id="info-{record.pk}"' not in client.get(page).content.decode()
    assert client.get(reverse("property:information_detail", args=[record.pk])).status_code == 404
    client.force_login(people[R.GM])  # no role sees it by rank
    assert client.get(reverse("property:information_detail", args=[record.pk])).status_code == 404


def test_contacts_personal_data_is_masked_for_roles_the_privacy_rule_does_not_name(people, customer, client):
    page = reverse("property:customer_information", args=[customer.pk])
    client.force_login(people[R.SALESPERSON])
    full = client.get(page).content.decode()
    assert "13912345678" in full and "wang@buyer.example" in full
    client.force_login(people[R.PRODUCTION])
    masked = client.get(page).content.decode()
    assert "13912345678" not in masked and "139****5678" in masked and "w***@buyer.example" in masked


def test_the_api_answers_the_same_and_outsiders_get_404(people, customer, api, outsider):
    record = _register(people, customer)
    assert api(people[R.SALES_DIRECTOR]).get(f"{BASE}/information/{record.pk}").json()["title"] == record.title
    assert api(people[R.QA]).get(f"{BASE}/information/{record.pk}").status_code == 404
    listed = api(people[R.QA]).get(f"{BASE}/customers/{customer.pk}/information").json()
    assert listed["information"] == []
    assert listed["contacts"][0]["mobile"] == "139****5678"
    assert api(outsider).get(f"{BASE}/customers/{customer.pk}/information").status_code == 404
    assert api(outsider).get(f"{BASE}/information/{record.pk}").status_code == 404


def test_registering_needs_someone_named_and_a_registering_role(people, customer, api):
    refused = api(people[R.SALESPERSON]).post(f"{BASE}/information", {
        "customer_id": customer.pk, "title": "图纸", "kind": "drawing"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "access_roles"]
    assert api(people[R.PRODUCTION]).post(f"{BASE}/information", {
        "customer_id": customer.pk, "title": "图纸", "kind": "drawing", "access_roles": ["qa"]}).status_code == 403
    made = api(people[R.ENGINEERING]).post(f"{BASE}/information", {
        "customer_id": customer.pk, "title": "图纸", "kind": "drawing", "access_roles": ["qa"],
        "access_user_ids": [people[R.PRODUCTION].pk]})
    assert made.status_code == 201, made.content
    assert made.json()["access_roles"] == ["qa"] and made.json()["access_user_ids"] == [people[R.PRODUCTION].pk]
