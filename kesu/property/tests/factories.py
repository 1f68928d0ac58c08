"""Test data of customer property: an item of each kind, loans and reports brought to a state through the services."""

from __future__ import annotations

import datetime
from typing import Any

from kesu.accounts.roles import Role
from kesu.customers.tests.factories import ContactFactory, CustomerFactory

from .. import services
from ..choices import ItemType


def new_item(people, *, item_type: str = ItemType.TOOLING, customer=None, **data: Any):
    """A mould (by default) registered by the salesperson, kept by production."""
    customer = customer or CustomerFactory(company=people.company, owner=people[Role.SALESPERSON])
    values: dict[str, Any] = {"customer": customer, "item_type": item_type, "description": "前盖注塑模具 M-12",
                              "received_on": datetime.date(2026, 11, 2), "received_from": "客户物流",
                              "terms": "keep", "customer_reference": "ASSET-0012"}
    if item_type == ItemType.GAUGE:
        values["description"] = "通止规 Φ12"
    values.update(data)
    # The keeping department of the type exists: the person of that role brings it.
    people[Role.PRODUCTION], people[Role.ENGINEERING], people[Role.QA]
    return services.item_create(actor=people[Role.SALESPERSON], company=people.company, data=values)


def with_contact(customer, language: str = "en"):
    return ContactFactory(customer=customer, company=customer.company, is_primary=True, language=language)


def new_loan(people, item=None, *, borrower_role: str = Role.PRODUCTION, **data: Any):
    item = item or new_item(people)
    values = {"purpose": "试生产验证", "borrow_from": datetime.date(2026, 12, 1),
              "expected_return_on": datetime.date(2026, 12, 3)}
    values.update(data)
    return services.loan_request(actor=people[borrower_role], item=item, data=values)
