"""The yearly statutory calendar import: all rows or none, every bad row reported, upload checks, the template."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core import calendar as cal
from kesu.core.models import AuditEntry, CalendarYear, DayKind, StatutoryDay
from kesu.core.tests.calendar_state import forget_calendar_year

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
IMPORT_URL = reverse("calendar:import")

GOOD_2027 = """date,type,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-06,workday,春节
2027-02-07,holiday,春节
"""


def csv_file(text: str, name: str = "2027.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "2027.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue())


@pytest.fixture(autouse=True)
def _no_2027(db):
    # These tests import 2027 into a year without a published calendar, whatever the package covers.
    forget_calendar_year(2027)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def test_a_good_csv_replaces_nothing_and_confirms_the_year(admin_user, frozen):
    result = cal.statutory_year_import(actor=admin_user, upload=csv_file(GOOD_2027), year=2027)
    assert (result.ok, result.year, result.count) == (True, 2027, 5)
    assert StatutoryDay.objects.get(date=datetime.date(2027, 2, 6)).kind == DayKind.MAKEUP
    assert StatutoryDay.objects.get(date=datetime.date(2027, 1, 1)).name == "元旦"
    source = CalendarYear.objects.get(year=2027).source
    assert "2027.csv" in source and admin_user.username in source
    entry = AuditEntry.objects.get(content_type__model="statutoryday", action="bulk_create")
    assert entry.actor == admin_user and entry.source == "import" and entry.changes["count"] == [None, 5]


def test_the_year_is_taken_from_the_rows_when_not_given(admin_user):
    assert cal.statutory_year_import(actor=admin_user, upload=csv_file(GOOD_2027)).year == 2027


def test_a_gbk_csv_with_chinese_types_and_dates_imports(admin_user):
    text = "日期,类型,名称\n2027年1月1日,休,元旦\n2027/2/6,班,春节\n2027.2.7,放假,春节\n20270208,假,春节\n"
    result = cal.statutory_year_import(actor=admin_user, upload=csv_file(text, encoding="gbk"), year=2027)
    assert result.ok, result.errors
    assert dict(StatutoryDay.objects.filter(date__year=2027).values_list("date", "is_working")) == {
        datetime.date(2027, 1, 1): False, datetime.date(2027, 2, 6): True,
        datetime.date(2027, 2, 7): False, datetime.date(2027, 2, 8): False,
    }


def test_an_xlsx_with_excel_dates_imports(admin_user):
    upload = xlsx_file([["date", "type", "name"], [datetime.datetime(2027, 1, 1), "holiday", "元旦"],
                        [datetime.date(2027, 2, 6), "上班", "春节"], [None, None, None]])
    result = cal.statutory_year_import(actor=admin_user, upload=upload, year=2027)
    assert (result.ok, result.count) == (True, 2)


def test_reimporting_a_year_replaces_its_days(admin_user):
    assert StatutoryDay.objects.filter(date__year=2026).count() > 30
    result = cal.statutory_year_import(actor=admin_user, upload=csv_file("2026-10-01,holiday,国庆节\n", "x.csv"),
                                       year=2026)
    assert result.ok
    assert list(StatutoryDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [
        datetime.date(2026, 10, 1)]
    assert StatutoryDay.objects.filter(date__year=2025).count() > 30  # other years untouched


@pytest.mark.usefixtures("english")
def test_every_bad_row_is_reported_and_nothing_is_saved(admin_user):
    before = list(StatutoryDay.objects.filter(date__year=2026).values_list("date", "is_working", "name"))
    text = "\n".join([
        "date,type,name",
        "2026-10-01,holiday,国庆节",      # 2 good
        "2026-02-30,holiday,春节",        # 3 no such date
        "2026-10-02,vacation,国庆节",     # 4 unknown type
        "2025-12-31,holiday,元旦",        # 5 other year
        "2026-10-01,holiday,国庆节",      # 6 duplicate of row 2
        "2026-10-09,workday,国庆节",      # 7 a workday on a Friday
        "2026-10-10,调休,国庆节",         # 8 ambiguous
        f"2026-10-11,workday,{'长' * 101}",  # 9 name too long
        "2026-10-03,holiday,国庆节",      # 10 holiday on a Saturday: fine
    ])
    result = cal.statutory_year_import(actor=admin_user, upload=csv_file(text, "2026.csv"), year=2026)
    assert not result.ok
    assert [(e["row"], e["field"]) for e in result.errors] == [
        (3, "date"), (4, "type"), (5, "date"), (6, "date"), (7, "type"), (8, "type"), (9, "name"),
    ]
    assert "row 2" in result.errors[3]["message"]
    assert "2025-12-31" in result.errors[2]["message"]
    assert list(StatutoryDay.objects.filter(date__year=2026).values_list("date", "is_working", "name")) == before
    assert CalendarYear.objects.get(year=2026).source.startswith("chinese-calendar")


def test_a_file_mixing_years_without_a_year_reports_the_minority_rows(admin_user):
    text = "2027-01-01,holiday,元旦\n2027-02-07,holiday,春节\n2026-12-31,holiday,元旦\n"
    result = cal.statutory_year_import(actor=admin_user, upload=csv_file(text))
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "date")]
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(("upload", "reason"), [
    (SimpleUploadedFile("2027.txt", b"2027-01-01,holiday,x\n"), ".csv and .xlsx"),
    (SimpleUploadedFile("2027.xls", b"\xd0\xcf\x11\xe0"), ".csv and .xlsx"),
    (SimpleUploadedFile("2027.xlsx", b"2027-01-01,holiday,x\n"), "Excel"),
    (SimpleUploadedFile("2027.xlsx", b"PK\x03\x04broken zip"), "Excel"),
    (SimpleUploadedFile("2027.csv", b"PK\x03\x04\x00\x00binary"), "text"),
    (SimpleUploadedFile("2027.csv", b"2027-01-01,holiday,\xff\xff\n"), "UTF-8 or GBK"),
    (SimpleUploadedFile("2027.csv", b"2027-01-01,holiday,x\n" * 60000), "1 MB"),
    (SimpleUploadedFile("2027.csv", b"date,type,name\n\n"), "no calendar rows"),
    (SimpleUploadedFile("2027.csv", b"2027-01-01,holiday,x\n" * 500), "more than"),
])
@pytest.mark.usefixtures("english")
def test_unusable_files_are_refused_with_the_reason(admin_user, upload, reason):
    upload.seek(0)  # one upload object per parameter, read again by every run of this test in the session
    result = cal.statutory_year_import(actor=admin_user, upload=upload, year=2027)
    assert not result.ok
    assert result.errors[0]["row"] == 0 and result.errors[0]["field"] == "file"
    assert reason in result.errors[0]["message"]
    assert not StatutoryDay.objects.filter(date__year=2027).exists()


def test_only_administrators_may_import(make_user, salesperson):
    with pytest.raises(PermissionDenied):
        cal.statutory_year_import(actor=salesperson, upload=csv_file(GOOD_2027), year=2027)
    with pytest.raises(PermissionDenied):
        cal.statutory_year_import(actor=make_user(Role.GENERAL_OFFICE), upload=csv_file(GOOD_2027), year=2027)
    non_superuser_admin = make_user(Role.ADMIN, username="admin2")
    assert cal.statutory_year_import(actor=non_superuser_admin, upload=csv_file(GOOD_2027), year=2027).ok


# -- pages -----------------------------------------------------------------------------

def test_the_import_page_lists_the_rejected_rows(login, admin_user):
    text = "date,type,name\n2027-01-01,holiday,元旦\nnot a date,holiday,<b>x</b>\n"
    response = login(admin_user).post(IMPORT_URL, {"year": 2027, "file": csv_file(text)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html and "not a date" in html
    assert "<b>x</b>" not in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_import_page_requires_a_year_and_a_file(login, admin_user):
    response = login(admin_user).post(IMPORT_URL, {"year": "next"})
    assert set(response.context["form"].errors) == {"year", "file"}


def test_importing_2027_makes_the_crossing_deadline_firm_and_respects_new_year(login, admin_user, company_a, frozen):
    start = datetime.datetime(2026, 12, 30, 10, tzinfo=SHANGHAI)
    assert cal.WorkingCalendar(company_a).add_working_days(start, 3) == cal.Deadline(
        datetime.datetime(2027, 1, 4, 10, tzinfo=SHANGHAI), True)
    response = login(admin_user).post(IMPORT_URL, {"year": 2027, "file": csv_file(GOOD_2027)})
    assert response.status_code == 302
    assert cal.WorkingCalendar(company_a).add_working_days(start, 3) == cal.Deadline(
        datetime.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), False)
    entry = AuditEntry.objects.get(content_type__model="statutoryday", action="bulk_create")
    assert (entry.actor, entry.source) == (admin_user, "import")


def test_the_template_is_an_xlsx_that_imports_as_it_is(login, admin_user, frozen):
    response = login(admin_user).get(reverse("calendar:import_template"))
    assert response.status_code == 200
    assert "kesu-calendar-2027-template.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content[:4] == b"PK\x03\x04"  # the whole file from its first byte: a zip's first local header
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["date", "type", "name"]
    result = cal.statutory_year_import(actor=admin_user, upload=SimpleUploadedFile("t.xlsx", content), year=2027)
    assert result.ok, result.errors
