"""Registering an item through the API refuses what the schema lets through but the ledger does not take."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(company_a):
    return People(company_a)


def test_an_unknown_item_type_is_refused_next_to_the_field_not_a_server_error(people, api):
    # Found by CI's fuzzing: an unknown type left the keeping department unset and the service read it (500).
    customer = CustomerFactory(company=people.company, owner=people[Role.SALESPERSON])
    body = {"customer_id": customer.pk, "item_type": "no-such-type", "description": "x", "received_on": "2026-11-02"}
    response = api(people[Role.SALESPERSON]).post("/api/v1/property/items", body)
    assert response.status_code == 422, response.content
    assert "item_type" in str(response.json())
