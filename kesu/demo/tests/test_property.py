"""Demo customer property (issue 19 "Done when"): a ledger per company with moulds, gauges, samples and drawings in
several revisions, loans in every state."""

from __future__ import annotations

import pytest

from kesu.property.choices import LoanStatus
from kesu.property.models import DrawingRevision, Loan, PropertyItem

from .conftest import TODAY  # the shared demo's "today"

# The organisation, customers and parts the ledger needs, then this module's step.

pytestmark = pytest.mark.django_db


def test_every_company_has_a_ledger_with_drawings_in_revisions_and_loans_in_every_state(demo_data):
    companies = set(PropertyItem.objects.values_list("company__code", flat=True))
    assert len(companies) >= 3
    for code in companies:
        types = set(PropertyItem.objects.filter(company__code=code).values_list("item_type", flat=True))
        assert {"tooling", "gauge", "sample", "drawing"} <= types, code
        assert set(Loan.objects.filter(company__code=code).values_list("status", flat=True)) == set(
            LoanStatus.values), code
        revisions = DrawingRevision.objects.filter(company__code=code)
        assert set(revisions.values_list("revision", flat=True)) == {"A", "B", "C"}, code
    overdue = Loan.objects.filter(status="issued", expected_return_on__lt=TODAY)
    assert overdue.exists() and all(loan.reminded_at for loan in overdue)


def test_every_company_keeps_customer_information_with_who_may_see_it(demo_data):
    from kesu.property.models import CustomerInformation

    companies = set(PropertyItem.objects.values_list("company__code", flat=True))
    for code in companies:
        rows = list(CustomerInformation.objects.filter(company__code=code).prefetch_related("access_users"))
        assert {row.kind for row in rows} == {"drawing", "commercial", "personal"}, code
        # Every row names who may see it, by role or by person (seed 002 "禁止无关人员访问").
        assert all(row.access_role_list or list(row.access_users.all()) for row in rows), code
        assert any(row.confidentiality == "secret" for row in rows), code


def test_demo_reminders_follow_the_demo_day_not_the_clock(demo_data):
    reminded = Loan.objects.filter(reminded_at__isnull=False)
    assert reminded.exists()
    assert {loan.reminded_at.date() for loan in reminded} == {TODAY}
