"""Complaint numbers: the company's pattern, per company, restarting yearly, never reused, safe under load."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kesu.complaints.models import ComplaintSettings
from kesu.complaints.tests.factories import at, create_complaint


@pytest.mark.django_db
def test_numbers_follow_the_default_pattern_in_order(salesperson):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        first = create_complaint(salesperson)
        second = create_complaint(salesperson)
    assert (first.number, second.number) == ("KS-2026-0001", "KS-2026-0002")


@pytest.mark.django_db
def test_each_company_counts_on_its_own(salesperson, outsider):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        a = create_complaint(salesperson)
        b = create_complaint(outsider)
    assert a.number == b.number == "KS-2026-0001"
    assert a.company_id != b.company_id


@pytest.mark.django_db
def test_the_sequence_restarts_each_year(salesperson):
    with time_machine.travel(at(2025, 12, 31, 23, 0), tick=False):
        create_complaint(salesperson)
        last_of_2025 = create_complaint(salesperson)
    with time_machine.travel(at(2026, 1, 1, 0, 30), tick=False):
        first_of_2026 = create_complaint(salesperson)
    assert last_of_2025.number == "KS-2025-0002"
    assert first_of_2026.number == "KS-2026-0001"


@pytest.mark.django_db
def test_a_company_pattern_and_a_running_counter_are_honoured(salesperson, company_a):
    ComplaintSettings.objects.create(company=company_a, number_pattern="{company}-TS{seq:05d}", gap_free_per_year=False)
    with time_machine.travel(at(2025, 12, 31, 9, 0), tick=False):
        first = create_complaint(salesperson)
    with time_machine.travel(at(2026, 1, 2, 9, 0), tick=False):
        second = create_complaint(salesperson)
    assert (first.number, second.number) == ("A-TS00001", "A-TS00002")


@pytest.mark.django_db
def test_a_number_already_taken_is_skipped_not_reused(salesperson, company_a):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        first = create_complaint(salesperson)
        # Someone lowered the counter (or changed the pattern back): the next free number is used.
        from kesu.core.models import NumberCounter

        NumberCounter.objects.filter(company=company_a, key="complaint").update(last_value=0)
        second = create_complaint(salesperson)
    assert first.number == "KS-2026-0001"
    assert second.number == "KS-2026-0002"


@pytest.mark.django_db
def test_a_failed_creation_does_not_use_up_a_number(salesperson):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        with pytest.raises(ValidationError) as error:
            create_complaint(salesperson, description="")
        assert "description" in error.value.message_dict
        assert create_complaint(salesperson).number == "KS-2026-0001"


@pytest.mark.django_db
def test_a_pattern_without_seq_is_refused(company_a):
    settings_row = ComplaintSettings(company=company_a, number_pattern="KS-{year}")
    with pytest.raises(ValidationError) as error:
        settings_row.full_clean()
    assert "number_pattern" in error.value.message_dict
