"""The yearly statutory calendar import, rule by rule, with the exact rows, fields and messages it reports.

Issue 2 §4: an administrator loads next year's State Council notice from a small Excel or CSV file; the import
is all rows or none, and every refused row says its row number, its column and why. Uploads are built in
memory; messages are read in English (the ``english`` fixture).
"""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.roles import Role
from kesu.core import calendar as cal
from kesu.core.models import AuditEntry, CalendarYear, DayKind, StatutoryDay
from kesu.core.tests.calendar_state import forget_calendar_year

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MB = 1024 * 1024


def csv_file(text: str, name: str = "2027.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def xlsx_file(rows: list[list], name: str = "2027.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def run(actor, upload, year: int | None = 2027) -> cal.ImportResult:
    return cal.statutory_year_import(actor=actor, upload=upload, year=year)


def file_error(message: str) -> list[dict]:
    return [{"row": 0, "field": "file", "label": "file", "value": "", "message": message}]


def rows_of(result: cal.ImportResult) -> list[tuple]:
    return [(e["row"], e["field"], e["value"], e["message"]) for e in result.errors]


def stored(year: int) -> dict[datetime.date, tuple[bool, str, str]]:
    return {d.date: (d.is_working, d.kind, d.name) for d in StatutoryDay.objects.filter(date__year=year)}


@pytest.fixture(autouse=True)
def _no_2027(db):
    forget_calendar_year(2027)
    forget_calendar_year(2028)


# -- who may import ----------------------------------------------------------------------------

def test_a_superuser_without_the_admin_role_may_import(make_user):
    superuser = make_user(Role.SALESPERSON, username="root", is_superuser=True)
    assert run(superuser, csv_file("2027-01-01,holiday,元旦\n")).ok


def test_an_anonymous_visitor_may_not_import():
    with pytest.raises(PermissionDenied):
        run(AnonymousUser(), csv_file("2027-01-01,holiday,元旦\n"))
    assert cal.can_import(None) is False


def test_only_the_admin_role_or_a_superuser_can_import(make_user, salesperson):
    assert cal.can_import(make_user(Role.ADMIN, username="admin2")) is True
    assert cal.can_import(salesperson) is False


# -- the year ----------------------------------------------------------------------------------

@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_outside_2000_to_2100_is_refused_at_the_year_field(admin_user, year):
    result = run(admin_user, csv_file(f"{year}-01-01,holiday,元旦\n"), year=year)
    assert (result.ok, result.year) == (False, None)
    assert result.errors == [{"row": 0, "field": "year", "label": "year", "value": str(year),
                              "message": "Enter a year between 2000 and 2100."}]


@pytest.mark.parametrize("year", [2000, 2100])
def test_the_first_and_last_importable_years_are_2000_and_2100(admin_user, year):
    result = run(admin_user, csv_file(f"{year}-01-01,holiday,元旦\n"), year=year)
    assert (result.ok, result.year, result.count) == (True, year, 1)
    assert stored(year) == {datetime.date(year, 1, 1): (False, DayKind.HOLIDAY, "元旦")}


def test_without_a_year_the_year_most_rows_are_in_is_imported(admin_user):
    text = "2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2028-01-01,holiday,元旦\n"
    result = run(admin_user, csv_file(text), year=None)
    assert (result.ok, result.year) == (False, 2027)
    assert rows_of(result) == [(1, "date", "2026-12-31", "2026-12-31 is outside 2027; import one year at a time."),
                               (4, "date", "2028-01-01", "2028-01-01 is outside 2027; import one year at a time.")]


def test_without_a_year_and_without_a_readable_row_no_year_is_guessed(admin_user):
    result = run(admin_user, csv_file("soon,holiday,元旦\n"), year=None)
    assert (result.ok, result.year) == (False, None)
    assert rows_of(result) == [(1, "date", "soon", "“soon” is not a date (use YYYY-MM-DD).")]


# -- the file itself -------------------------------------------------------------------------------

def test_a_file_name_in_capitals_is_still_a_csv_or_an_xlsx(admin_user):
    assert run(admin_user, csv_file("2027-01-01,holiday,元旦\n", name="2027.CSV")).ok
    assert run(admin_user, SimpleUploadedFile("2027.XLSX", xlsx_bytes([["2027-01-02", "holiday", "元旦"]]))).ok


@pytest.mark.parametrize("name", ["2027.csv.txt", "2027csv", "2027.xls", "2027"])
def test_other_file_names_are_refused(admin_user, name):
    result = run(admin_user, csv_file("2027-01-01,holiday,元旦\n", name=name))
    assert result.errors == file_error("Only .csv and .xlsx files can be imported.")


def test_a_file_of_exactly_one_megabyte_is_read_and_one_byte_more_is_refused(admin_user):
    row = "2027-01-01,holiday,元旦"  # padded with blank columns, which are not read
    padding = MB - len(row.encode())
    exact = (row + ("," + " " * 99_999) * (padding // 100_000) + "," + " " * (padding % 100_000 - 1)).encode()
    assert len(exact) == MB
    assert run(admin_user, SimpleUploadedFile("2027.csv", exact)).ok
    forget_calendar_year(2027)
    result = run(admin_user, SimpleUploadedFile("2027.csv", exact + b" "))
    assert result.errors == file_error("The file is larger than 1 MB.")


def test_a_csv_with_a_nul_byte_is_refused_as_not_text(admin_user):
    result = run(admin_user, SimpleUploadedFile("2027.csv", b"2027-01-01,holiday,\x00\n"))
    assert result.errors == file_error("The file is not a text CSV file (is it a workbook renamed to .csv?).")


def test_a_csv_that_is_neither_utf8_nor_gbk_is_refused(admin_user):
    result = run(admin_user, SimpleUploadedFile("2027.csv", b"2027-01-01,holiday,\x80\n"))
    assert result.errors == file_error("The CSV file must be encoded as UTF-8 or GBK.")


def test_a_utf8_csv_saved_by_excel_with_a_byte_order_mark_keeps_its_header_row(admin_user):
    upload = SimpleUploadedFile("2027.csv", "date,type,name\n2027-01-01,holiday,元旦\n".encode("utf-8-sig"))
    assert (run(admin_user, upload).ok, stored(2027)) == (True, {datetime.date(2027, 1, 1): (False, "holiday", "元旦")})


def test_a_gbk_csv_keeps_its_chinese_names(admin_user):
    result = run(admin_user, csv_file("日期,类型,名称\n2027-02-06,补班,春节\n", encoding="gbk"))
    assert result.ok
    assert stored(2027) == {datetime.date(2027, 2, 6): (True, DayKind.MAKEUP, "春节")}


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(admin_user, separator):
    text = "\n".join(separator.join(r) for r in [["date", "type", "name"], ["2027-01-01", "holiday", "元旦"],
                                                   ["2027-02-06", "workday", "春节"]])
    result = run(admin_user, csv_file(text + "\n"))
    assert (result.ok, result.count) == (True, 2)


def test_a_one_column_csv_is_read_and_each_row_misses_its_type(admin_user):
    result = run(admin_user, csv_file("2027-01-01\n2027-01-02\n"))
    assert rows_of(result) == [
        (1, "type", "", "“” is not a type: write holiday (休) or workday (班)."),
        (2, "type", "", "“” is not a type: write holiday (休) or workday (班)."),
    ]


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(admin_user):
    result = run(admin_user, SimpleUploadedFile("2027.xlsx", b"2027-01-01,holiday,x\n"))
    assert result.errors == file_error("The file is not a valid Excel .xlsx workbook.")


def test_a_zip_that_is_not_a_workbook_is_refused(admin_user):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    result = run(admin_user, SimpleUploadedFile("2027.xlsx", stream.getvalue()))
    assert result.errors == file_error("The file is not a valid Excel .xlsx workbook.")


def test_a_workbook_that_would_unpack_to_far_more_than_it_weighs_is_refused_unopened(admin_user):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (2 * MB))
    result = run(admin_user, SimpleUploadedFile("2027.xlsx", stream.getvalue()))
    assert result.errors == file_error(
        "The workbook is packed unusually tightly (a part unpacks to more than 100 times its size). "
        "Save it again from Excel, or split it.")


def test_xlsx_rows_are_numbered_from_1_as_excel_shows_them(admin_user):
    upload = xlsx_file([["date", "type", "name"], ["2027-01-01", "holiday", "元旦"], [None], ["x", "holiday", None],
                        ["2027-01-04", "workday", "元旦"]])
    assert rows_of(run(admin_user, upload)) == [
        (4, "date", "x", "“x” is not a date (use YYYY-MM-DD)."),
        (5, "type", "2027-01-04",
         "2027-01-04 is a weekday, a working day anyway; a make-up working day falls on a Saturday or Sunday. "
         "Check the date."),
    ]


def test_only_the_first_1200_rows_of_a_worksheet_are_read(admin_user):
    rows: list[list] = [[None]] * 1199 + [["2027-01-01", "holiday", "元旦"], ["2027-01-02", "holiday", "元旦"]]
    result = run(admin_user, xlsx_file(rows))
    assert (result.ok, result.count) == (True, 1)
    assert list(stored(2027)) == [datetime.date(2027, 1, 1)]


def test_a_formula_cell_is_read_as_its_saved_value_not_as_the_formula(admin_user):
    # A workbook written by a program without computing it has no saved value for the formula: an empty cell.
    result = run(admin_user, xlsx_file([["=DATE(2027,1,1)", "holiday", "元旦"]]))
    assert rows_of(result) == [(1, "date", "", "“” is not a date (use YYYY-MM-DD).")]


def test_only_the_first_worksheet_is_read(admin_user):
    workbook = openpyxl.Workbook()
    workbook.active.append(["2027-01-01", "holiday", "元旦"])
    workbook.create_sheet("notes").append(["2027-01-02", "holiday", "元旦"])
    stream = io.BytesIO()
    workbook.save(stream)
    assert run(admin_user, SimpleUploadedFile("2027.xlsx", stream.getvalue())).count == 1


# -- rows -----------------------------------------------------------------------------------------

def test_blank_rows_are_skipped_but_keep_their_numbers(admin_user):
    text = "\n ,  , \ndate,type,name\n\n2027-01-01,holiday,元旦\n,,\n2027-01-0x,holiday,元旦\n"
    assert rows_of(run(admin_user, csv_file(text))) == [
        (7, "date", "2027-01-0x", "“2027-01-0x” is not a date (use YYYY-MM-DD)."),
    ]


@pytest.mark.parametrize("header", ["date", "Date", " DATE ", "日期"])
def test_a_first_row_naming_the_columns_is_skipped(admin_user, header):
    assert run(admin_user, csv_file(f"{header},type,name\n2027-01-01,holiday,元旦\n")).count == 1


def test_a_header_after_the_first_row_is_a_bad_date(admin_user):
    text = "2027-01-01,holiday,元旦\ndate,type,name\n"
    assert rows_of(run(admin_user, csv_file(text))) == [(2, "date", "date", "“date” is not a date (use YYYY-MM-DD).")]


def test_a_second_header_row_is_a_bad_date(admin_user):
    text = "date,type,name\ndate,type,name\n2027-01-01,holiday,元旦\n"
    assert rows_of(run(admin_user, csv_file(text))) == [(2, "date", "date", "“date” is not a date (use YYYY-MM-DD).")]


def test_a_file_with_a_header_and_nothing_else_has_no_calendar_rows(admin_user):
    assert run(admin_user, csv_file("date,type,name\n,,\n")).errors == file_error("The file has no calendar rows.")
    assert run(admin_user, csv_file("\n\n")).errors == file_error("The file has no calendar rows.")


def leap_year_rows(extra_bad: int) -> str:
    """Every day of 2028 (366 rows) as a holiday, then ``extra_bad`` unreadable dates."""
    first = datetime.date(2028, 1, 1)
    good = [f"{first + datetime.timedelta(days=n)},holiday,x" for n in range(366)]
    return "\n".join(good + ["not a date,holiday,x"] * extra_bad) + "\n"


def test_400_rows_are_checked_row_by_row(admin_user):
    result = run(admin_user, csv_file(leap_year_rows(34), "2028.csv"), year=2028)
    assert len(result.errors) == 34
    assert result.errors[0]["row"] == 367 and result.errors[-1]["row"] == 400


def test_the_401st_row_refuses_the_whole_file_as_the_wrong_file(admin_user):
    result = run(admin_user, csv_file("date,type,name\n" + leap_year_rows(35), "2028.csv"), year=2028)
    assert result.errors == file_error("The file has more than 400 rows; a year has at most 366 days.")


def test_a_whole_leap_year_of_holidays_imports(admin_user):
    result = run(admin_user, csv_file(leap_year_rows(0), "2028.csv"), year=2028)
    assert (result.ok, result.count) == (True, 366)


@pytest.mark.parametrize("word", ["holiday", "Holiday", " OFF ", "rest", "day off", "休", "假", "放假", "休息",
                                  "休假", "节假日", "節假日", "假日"])
def test_every_word_for_a_day_off_imports_a_holiday(admin_user, word):
    assert run(admin_user, csv_file(f"2027-01-01,{word},元旦\n")).ok
    assert stored(2027) == {datetime.date(2027, 1, 1): (False, DayKind.HOLIDAY, "元旦")}


@pytest.mark.parametrize("word", ["workday", "WORK", "working", "makeup", "make-up", "班", "上班", "补班", "補班",
                                  "调休上班", "調休上班", "工作日"])
def test_every_word_for_a_make_up_day_imports_a_working_day(admin_user, word):
    assert run(admin_user, csv_file(f"2027-02-06,{word},春节\n")).ok  # a Saturday
    assert stored(2027) == {datetime.date(2027, 2, 6): (True, DayKind.MAKEUP, "春节")}


@pytest.mark.parametrize("word", ["调休", "vacation", "", "1"])
def test_a_type_that_does_not_say_off_or_on_is_refused_at_the_type(admin_user, word):
    result = run(admin_user, csv_file(f"2027-01-01,{word},元旦\n"))
    assert rows_of(result) == [(1, "type", word, f"“{word}” is not a type: write holiday (休) or workday (班).")]


def test_long_bad_cells_are_cut_to_40_characters_in_the_message_and_100_in_the_value(admin_user):
    date, kind = "d" * 150, "t" * 150
    result = run(admin_user, csv_file(f"{date},holiday,x\n2027-01-01,{kind},x\n"))
    assert rows_of(result) == [
        (1, "date", "d" * 100, f"“{'d' * 40}” is not a date (use YYYY-MM-DD)."),
        (2, "type", "t" * 100, f"“{'t' * 40}” is not a type: write holiday (休) or workday (班)."),
    ]


def test_a_name_of_100_characters_is_kept_and_101_is_refused(admin_user):
    result = run(admin_user, csv_file(f"2027-01-01,holiday,{'春' * 100}\n2027-01-02,holiday,{'节' * 101}\n"
                                      "2027-01-03,rest day,元旦\n"))
    assert rows_of(result) == [  # the rows after a refused one are still checked
        (2, "name", "节" * 100, "The name is too long (at most 100 characters)."),
        (3, "type", "rest day", "“rest day” is not a type: write holiday (休) or workday (班).")]
    assert run(admin_user, csv_file(f"2027-01-01,holiday,  {'春' * 100}  \n")).ok
    assert stored(2027)[datetime.date(2027, 1, 1)] == (False, DayKind.HOLIDAY, "春" * 100)


def test_a_date_listed_twice_names_the_row_it_first_appeared_in(admin_user):
    text = "2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027/1/1,holiday,元旦\n2027年1月2日,休,元旦\n"
    assert rows_of(run(admin_user, csv_file(text))) == [
        (3, "date", "2027-01-01", "2027-01-01 is already in row 1."),
        (4, "date", "2027-01-02", "2027-01-02 is already in row 2."),
    ]


def test_a_make_up_workday_must_fall_on_a_saturday_or_sunday(admin_user):
    # 2027-02-05 is a Friday, 06 a Saturday, 07 a Sunday, 08 a Monday.
    text = "2027-02-05,workday,春节\n2027-02-06,workday,春节\n2027-02-07,workday,春节\n2027-02-08,workday,春节\n"
    message = ("{} is a weekday, a working day anyway; a make-up working day falls on a Saturday or Sunday. "
               "Check the date.")
    assert rows_of(run(admin_user, csv_file(text))) == [
        (1, "type", "2027-02-05", message.format("2027-02-05")),
        (4, "type", "2027-02-08", message.format("2027-02-08")),
    ]


def test_a_holiday_may_fall_on_any_day_of_the_week(admin_user):
    text = "".join(f"2027-02-{d:02d},holiday,春节\n" for d in range(5, 12))  # Friday to Thursday
    assert run(admin_user, csv_file(text)).count == 7


def test_errors_are_listed_in_row_order_whichever_check_found_them(admin_user):
    text = "2026-12-31,holiday,元旦\n2027-01-01,vacation,元旦\n2027-01-02,holiday,元旦\n"
    assert [(row, field) for row, field, _v, _m in rows_of(run(admin_user, csv_file(text)))] == [
        (1, "date"), (2, "type")]


# -- a good file ----------------------------------------------------------------------------------

def test_a_good_file_replaces_the_year_and_records_file_and_importer(admin_user):
    StatutoryDay.objects.create(date=datetime.date(2027, 5, 1), is_working=False, kind=DayKind.HOLIDAY, name="劳动节")
    StatutoryDay.objects.create(date=datetime.date(2028, 1, 1), is_working=False, kind=DayKind.HOLIDAY, name="元旦")
    text = "2027-02-07,holiday,春节\n2027-01-01,放假,元旦\n2027-02-06,班,\n"
    result = run(admin_user, csv_file(text, name="国务院通知2027.csv"))
    assert (result.ok, result.year, result.count, result.errors) == (True, 2027, 3, [])
    assert list(StatutoryDay.objects.filter(date__year=2027).order_by("date").values_list(
        "date", "is_working", "kind", "name")) == [
        (datetime.date(2027, 1, 1), False, DayKind.HOLIDAY, "元旦"),
        (datetime.date(2027, 2, 6), True, DayKind.MAKEUP, ""),
        (datetime.date(2027, 2, 7), False, DayKind.HOLIDAY, "春节"),
    ]
    assert StatutoryDay.objects.filter(date__year=2028).count() == 1  # the next year untouched
    assert CalendarYear.objects.get(year=2027).source == "国务院通知2027.csv · admin1"
    entry = AuditEntry.objects.get(content_type__model="statutoryday", action="bulk_create")
    assert (entry.object_repr, entry.company_id, entry.changes) == (
        "statutory calendar 2027: 国务院通知2027.csv", None, {"count": [None, 3]})


def test_a_long_file_name_is_kept_to_120_characters(admin_user):
    name = "通" * 130 + ".csv"
    assert run(admin_user, csv_file("2027-01-01,holiday,元旦\n", name=name)).ok
    assert CalendarYear.objects.get(year=2027).source == "通" * 120 + " · admin1"
    entry = AuditEntry.objects.get(content_type__model="statutoryday", action="bulk_create")
    assert entry.object_repr == "statutory calendar 2027: " + "通" * 120


def test_importing_again_replaces_the_source_of_the_year(admin_user):
    assert run(admin_user, csv_file("2027-01-01,holiday,元旦\n", name="first.csv")).ok
    assert run(admin_user, csv_file("2027-01-02,holiday,元旦\n", name="second.csv")).ok
    assert list(stored(2027)) == [datetime.date(2027, 1, 2)]
    assert list(CalendarYear.objects.filter(year=2027).values_list("source", flat=True)) == ["second.csv · admin1"]


def test_a_refused_file_leaves_the_year_unconfirmed_and_empty(admin_user):
    result = run(admin_user, csv_file("2027-01-01,holiday,元旦\n2027-01-04,workday,元旦\n"))
    assert (result.ok, result.year, result.count) == (False, 2027, 0)
    assert stored(2027) == {}
    assert not CalendarYear.objects.filter(year=2027).exists()


# -- the template ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "saturday"), [
    (2027, datetime.date(2027, 2, 6)),  # 1 February a Monday
    (2026, datetime.date(2026, 2, 7)),  # a Sunday: the Saturday after it, not before
    (2025, datetime.date(2025, 2, 1)),  # a Saturday: that day itself
    (2028, datetime.date(2028, 2, 5)),  # a leap year: 1 March is not the same weekday as 1 February
])
def test_the_template_s_example_make_up_day_is_the_first_saturday_of_february(year, saturday):
    sheet = openpyxl.load_workbook(cal.import_template_xlsx(year)).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["date", "type", "name"],
        [datetime.datetime(year, 1, 1), "holiday", "元旦"],
        [datetime.datetime.combine(saturday, datetime.time()), "workday", "春节"],
        [datetime.datetime(year, 10, 1), "holiday", "国庆节"],
    ]
    assert all(sheet.cell(row=r, column=1).number_format == "yyyy-mm-dd" for r in (2, 3, 4))
    assert sheet.cell(row=1, column=1).font.bold


def test_the_template_s_columns_are_wide_enough_for_a_date_a_name_and_the_notes():
    workbook = openpyxl.load_workbook(cal.import_template_xlsx(2027))
    widths = workbook["calendar"].column_dimensions
    assert (widths["A"].width, widths["C"].width) == (14, 20)
    assert workbook["README"].column_dimensions["A"].width == 100


def test_the_template_explains_the_columns_in_a_second_sheet():
    workbook = openpyxl.load_workbook(cal.import_template_xlsx(2027))
    assert workbook.sheetnames == ["calendar", "README"]
    notes = [row[0] for row in workbook["README"].iter_rows(values_only=True)]
    assert len(notes) == 6
    assert notes[-1] == "A workday on Monday–Friday is refused (a make-up day is always a Saturday or Sunday)."
