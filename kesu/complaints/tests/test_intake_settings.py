"""What a new complaint's number and first deadlines need, read in one query (issue 24): the company's settings,
the customer's agreed durations over them and the company's closure target, each as the separate reads give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.complaints.models import OVERRIDABLE_DURATIONS, ComplaintSettings, CustomerDeadlineOverride
from kesu.complaints.selectors import effective_settings, intake_settings
from kesu.complaints.services.handling import closure_target_days
from kesu.customers.tests.factories import CustomerFactory
from kesu.reports.models import ReportSettings

pytestmark = pytest.mark.django_db


def _same(company, customer):
    with CaptureQueriesContext(connection) as captured:
        together = intake_settings(company, customer)
    assert len(captured.captured_queries) == 1
    apart = effective_settings(company, customer)
    assert together.values == apart.values
    assert together.settings.pk == apart.settings.pk
    assert together.number_pattern == apart.number_pattern
    assert together.gap_free_per_year == apart.gap_free_per_year
    assert together.hours_are_working_hours == apart.hours_are_working_hours
    assert (together.closure_target_days or closure_target_days(company)) == closure_target_days(company)
    return together


def test_a_company_that_never_changed_its_settings_gets_the_defaults(company_a):
    read = _same(company_a, CustomerFactory(company=company_a))
    assert read.settings.pk is None and read.closure_target_days == 0


def test_the_customers_agreed_durations_win_where_given_and_the_target_is_the_companys(company_a, company_b):
    ComplaintSettings.objects.create(company=company_a, number_pattern="{company}-{seq:05d}", reply_hours=36,
                                     pass_on_working_days=2, hours_are_working_hours=True)
    ReportSettings.objects.create(company=company_a, closure_target_working_days=7)
    ReportSettings.objects.create(company=company_b, closure_target_working_days=3)
    customer, other = CustomerFactory(company=company_a), CustomerFactory(company=company_a)
    CustomerDeadlineOverride.objects.create(company=company_a, customer=customer, reply_hours=12)
    agreed = _same(company_a, customer)
    assert agreed.reply_hours == 12 and agreed.pass_on_working_days == 2 and agreed.closure_target_days == 7
    assert _same(company_a, other).reply_hours == 36
    assert _same(company_a, None).values == {name: getattr(agreed.settings, name) for name in OVERRIDABLE_DURATIONS}
