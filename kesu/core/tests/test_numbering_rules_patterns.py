"""Record numbers (kesu.core.numbering) stated as rules, on the numbering itself rather than through one kind of
record:

- a pattern needs {seq}, may use {year} and {company}, and must format: an unknown name, a positional field or a
  broken brace is refused with the reason; it must format the largest year and sequence number too ({seq:c}
  formats small numbers only);
- the year of a number is the year in the company's time zone; a yearly counter restarts each year, the counter
  of year 0 never does (and is the one a bulk load moves with counter_set);
- a number already taken is skipped, never reused; after 10,000 taken numbers in a row no number is handed out.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from kesu.complaints.tests.factories import at
from kesu.core.numbering import counter_set, next_number, validate_pattern

UTC = datetime.UTC


def _free(number: str) -> bool:
    return False


@pytest.mark.parametrize("pattern", ["KS-{year}-{seq:04d}", "{company}-{seq}", "{seq}", "Q{seq:06d}/{year}"])
def test_a_pattern_with_seq_that_formats_is_accepted(pattern):
    assert validate_pattern(pattern) is None


@pytest.mark.parametrize(("pattern", "why"), [
    ("KS-{year}", "must contain {seq}"),
    ("KS-{sequence}", "not valid"),  # "{seq" is there, but the name is unknown: KeyError
    ("KS-{seq}-{month}", "not valid"),  # an unknown name: KeyError
    ("KS-{seq}-{0}", "not valid"),  # a positional field: IndexError
    ("KS-{seq", "not valid"),  # a brace never closed: ValueError
    ("KS-{seq:q}", "not valid"),  # a format the number does not know: ValueError
    ("KS-{seq:c}", "not valid"),  # a character, not a number: fails beyond U+10FFFF (OverflowError)
])
def test_a_pattern_that_cannot_number_is_refused_with_the_reason(english, pattern, why):
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern)
    assert why in " ".join(error.value.messages)


@pytest.mark.django_db
def test_numbers_count_up_from_one_in_the_pattern(company_a):
    now = at(2026, 3, 2, 9)
    numbers = [next_number(company_a, "thing", "{company}-{year}-{seq:03d}", now, taken=_free) for _ in range(3)]
    assert numbers == ["A-2026-001", "A-2026-002", "A-2026-003"]


@pytest.mark.django_db
def test_the_year_is_the_companys_local_year(company_a):
    # 31 December 2025 16:30 UTC is 1 January 2026 00:30 in Shanghai: the number belongs to 2026.
    new_year = datetime.datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    assert next_number(company_a, "thing", "{year}-{seq}", new_year, taken=_free) == "2026-1"
    # 15:59 UTC is still 23:59 on 31 December there.
    old_year = datetime.datetime(2025, 12, 31, 15, 59, tzinfo=UTC)
    assert next_number(company_a, "thing", "{year}-{seq}", old_year, taken=_free) == "2025-1"


@pytest.mark.django_db
def test_a_yearly_counter_restarts_and_a_running_one_does_not(company_a):
    pattern = "{year}-{seq}"
    assert [next_number(company_a, "yearly", pattern, at(2025, 12, 31, 9), taken=_free) for _ in range(2)] == [
        "2025-1", "2025-2"]
    assert next_number(company_a, "yearly", pattern, at(2026, 1, 1, 9), taken=_free) == "2026-1"
    assert next_number(company_a, "running", pattern, at(2025, 12, 31, 9), per_year=False, taken=_free) == "2025-1"
    assert next_number(company_a, "running", pattern, at(2026, 1, 1, 9), per_year=False, taken=_free) == "2026-2"


@pytest.mark.django_db
def test_a_bulk_load_moves_the_counters_on(company_a, company_b):
    # Year 0 is the running counter; a year's counter is that year's.
    counter_set(company_a, "thing", 0, 41)
    counter_set(company_a, "thing", 2026, 7)
    counter_set(company_a, "thing", 2026, 9)  # moved again: the last value wins
    now = at(2026, 5, 1, 9)
    assert next_number(company_a, "thing", "{seq}", now, per_year=False, taken=_free) == "42"
    assert next_number(company_a, "thing", "{seq}", now, taken=_free) == "10"
    assert next_number(company_b, "thing", "{seq}", now, taken=_free) == "1"  # another company's own counter


@pytest.mark.django_db
def test_taken_numbers_are_skipped_never_reused(company_a):
    taken = {"N-1", "N-2", "N-4"}
    now = at(2026, 3, 2, 9)
    assert next_number(company_a, "thing", "N-{seq}", now, taken=taken.__contains__) == "N-3"
    assert next_number(company_a, "thing", "N-{seq}", now, taken=taken.__contains__) == "N-5"


@pytest.mark.django_db
def test_the_ten_thousandth_try_still_finds_a_number(company_a):
    # Numbers 1 … 9,999 taken: the 10,000th try is the last and is free.
    number = next_number(company_a, "thing", "{seq}", at(2026, 3, 2, 9), taken=lambda n: int(n) < 10000)
    assert number == "10000"


@pytest.mark.django_db
def test_after_ten_thousand_taken_numbers_none_is_handed_out(company_a):
    # Numbers 1 … 10,000 taken (10,001 would be free): after 10,000 tries numbering gives up and says why.
    with pytest.raises(ValidationError) as error:
        next_number(company_a, "thing", "{seq}", at(2026, 3, 2, 9), taken=lambda n: int(n) <= 10000)
    assert "number" in error.value.message_dict
