"""How the yearly import reads a date cell: the ways people type 2027-01-01, Excel's own dates, and what is refused.

No database: ``parse_date`` is the first check of every imported row (issue 2 §4, the State Council notice
re-typed into Excel or CSV by an administrator).
"""

from __future__ import annotations

import datetime

import pytest

from kesu.core.calendar import parse_date

NEW_YEAR_2027 = datetime.date(2027, 1, 1)


@pytest.mark.parametrize("text", [
    "2027-01-01",
    "2027-1-1",
    "2027/1/1",
    "2027/01/01",
    "2027.1.1",
    "2027年1月1日",
    "2027年1月1",
    "2027年01月01日",
    "20270101",
    " 2027-01-01 ",
    "2027 - 1 - 1",
    "2027 年 1 月 1 日",
    "2027-01-01 00:00",
    "2027-01-01T00:00",
    "2027-01-01 00:00:00",
    "2027-01-01T00:00:00",
])
def test_a_typed_date_in_any_usual_spelling_reads_as_that_day(text):
    assert parse_date(text) == NEW_YEAR_2027


def test_the_month_and_day_are_read_in_that_order():
    assert parse_date("2027-02-06") == datetime.date(2027, 2, 6)
    assert parse_date("2027/10/8") == datetime.date(2027, 10, 8)
    assert parse_date("20271008") == datetime.date(2027, 10, 8)


def test_an_excel_date_cell_is_its_day():
    assert parse_date(datetime.date(2027, 2, 6)) == datetime.date(2027, 2, 6)
    read = parse_date(datetime.datetime(2027, 2, 6, 0, 0))
    assert read == datetime.date(2027, 2, 6)
    assert type(read) is datetime.date  # a datetime would never equal the stored date


def test_a_number_cell_holding_the_compact_date_reads_as_that_day():
    # Excel keeps 20270101 typed into a general cell as the number 20270101.0.
    assert parse_date(20270101.0) == NEW_YEAR_2027
    assert parse_date(20270101) == NEW_YEAR_2027


@pytest.mark.parametrize("value", [
    20270101.5,          # a fraction is not a date
    "2027-02-30",        # no such day
    "2026-02-29",        # 2026 is not a leap year
    "20270230",
    "2027-13-01",
    "2027-00-10",
    "2027-01-01 10:00",  # a time of day other than midnight is a mistyped cell
    "2027-01-01T08:30:00",
    "2027-01-01x",
    "x2027-01-01",
    "2027-001-01",
    "27-01-01",
    "2027011",
    "202701011",
    "2027-01",
    "not a date",
    "",
    None,
])
def test_anything_else_is_not_a_date(value):
    assert parse_date(value) is None


def test_the_leap_day_is_a_date_in_a_leap_year():
    assert parse_date("2028-02-29") == datetime.date(2028, 2, 29)
    assert parse_date("20280229") == datetime.date(2028, 2, 29)
