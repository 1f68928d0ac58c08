from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.prevention import services
from kesu.prevention.choices import GroupKind, MemberPosition

R = Role


@pytest.fixture
def people(company_a, company_b):
    people = People(company_a)
    for role in Role:
        if role != Role.ADMIN:
            people[role]
    others = People(company_b)
    for role in (R.QA, R.GM, R.SALESPERSON, R.AFTER_SALES, R.SALES_DIRECTOR):
        others[role]
    people.others = others
    return people


def set_groups(people) -> None:
    """Company A's groups: the GM leads the leadership group with the vice GM as deputy; the regional manager leads
    the working group with the call-centre representative (after-sales); QA runs the office."""
    company = people.company
    services.groups_ensure(company)
    rows = {
        GroupKind.LEADERSHIP: [(R.GM, MemberPosition.LEADER), (R.VICE_GM, MemberPosition.DEPUTY)],
        GroupKind.WORKING: [(R.REGIONAL_MANAGER, MemberPosition.LEADER), (R.AFTER_SALES, MemberPosition.MEMBER)],
        GroupKind.OFFICE: [(R.QA, MemberPosition.LEADER)],
    }
    for kind, members in rows.items():
        group = services.group_get(company, kind)
        for role, position in members:
            services.group_member_set(actor=people[R.GM], group=group, user=people[role], position=position)


@pytest.fixture
def groups(people):
    set_groups(people)
    return people


@pytest.fixture
def customer(company_a):
    return CustomerFactory(company=company_a, code="C001", name="江苏恒达农机有限公司")


@pytest.fixture
def part(company_a):
    return PartFactory(company=company_a)
