"""Review records are kept three years after they close, then the customer's people go (seed 002 "保存期3年")."""

from __future__ import annotations

import datetime

import pytest

from kesu.accounts.roles import Role
from kesu.contracts.models import ContractReview
from kesu.core import retention
from kesu.core.models import RetentionPolicy
from kesu.customers.tests.factories import ContactFactory, CustomerFactory

from .factories import act, new_review

pytestmark = pytest.mark.django_db
CLOSED = datetime.datetime(2023, 3, 15, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def declined(people):
    customer = CustomerFactory(company=people.company)
    ContactFactory(customer=customer, name="钱采购", mobile="13812345678")
    review = new_review(people, customer=customer, special_requirements="联系人钱采购 13812345678，包装需防潮")
    review = act(act(review, "submit", people[Role.SALESPERSON]), "decline", people[Role.SALESPERSON],
                 reason="价格不合适")
    ContractReview.objects.filter(pk=review.pk).update(closed_at=CLOSED)
    return review


def _due(company, day):
    return [(d.record_type, d.pk) for d in retention.retention_due(company, today=day)]


def test_contract_reviews_are_a_record_type_kept_three_years_by_default(people):
    assert "contract_review" in retention.RECORD_TYPES
    assert retention.retention_years(people.company.pk)["contract_review"] == 3


def test_a_closed_review_is_due_three_years_after_it_closed_and_not_a_day_before(declined, people):
    assert ("contract_review", declined.pk) not in _due(people.company, datetime.date(2026, 3, 14))
    assert ("contract_review", declined.pk) in _due(people.company, datetime.date(2026, 3, 15))
    RetentionPolicy.objects.create(company=people.company, record_type="contract_review", years=5)
    assert ("contract_review", declined.pk) not in _due(people.company, datetime.date(2026, 3, 15))


def test_an_open_review_is_never_due(people):
    review = new_review(people)
    assert ("contract_review", review.pk) not in _due(people.company, datetime.date(2099, 1, 1))


def test_anonymising_keeps_the_facts_and_removes_the_customers_people(declined):
    fields = retention.RECORD_TYPES["contract_review"].anonymise(declined)
    declined.refresh_from_db()
    assert "special_requirements" in fields
    assert "钱采购" not in declined.special_requirements and "13812345678" not in declined.special_requirements
    assert "包装需防潮" in declined.special_requirements and declined.amount > 0
