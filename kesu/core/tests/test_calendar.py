"""The working calendar service: statutory holidays, make-up days, company days, time zones, provisional years.

Expectations are worked out by hand from the State Council notices (as
packaged by chinese-calendar, loaded by migration core/0002). Working hours
are the default 08:30–17:30 in Asia/Shanghai unless a test says otherwise.
"""

from __future__ import annotations

import datetime
import zoneinfo

import chinese_calendar
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kesu.accounts.roles import Role
from kesu.core import calendar as cal
from kesu.core.models import AuditEntry, CalendarYear, CompanyCalendarDay, DayKind, StatutoryDay
from kesu.core.tests.calendar_state import forget_calendar_year

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str, tz: zoneinfo.ZoneInfo = SHANGHAI) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


def days_after(company, start: str, n: int) -> cal.Deadline:
    return cal.WorkingCalendar(company).add_working_days(at(start), n)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


# -- the statutory data -------------------------------------------------------

@pytest.mark.parametrize(("first", "last"), [
    ("2025-09-01", "2025-10-31"),  # National Day 2025
    ("2026-02-01", "2026-03-31"),  # Spring Festival 2026
    ("2026-09-01", "2026-10-31"),  # Mid-autumn and National Day 2026
])
def test_working_days_agree_with_the_chinese_calendar_package(company_a, first, last):
    work = cal.WorkingCalendar(company_a)
    day = datetime.date.fromisoformat(first)
    while day <= datetime.date.fromisoformat(last):
        assert work.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_national_day_2025_has_the_notice_s_holidays_and_make_up_days(company_a):
    work = cal.WorkingCalendar(company_a)
    assert not any(work.is_working_day(datetime.date(2025, 10, d)) for d in range(1, 9))
    assert work.is_working_day(datetime.date(2025, 9, 28))  # Sunday, make-up
    assert work.is_working_day(datetime.date(2025, 10, 11))  # Saturday, make-up
    assert StatutoryDay.objects.get(date=datetime.date(2025, 10, 1)).name == "国庆节"


def test_spring_festival_2026_and_national_day_2026_make_up_days_are_loaded():
    makeup = set(StatutoryDay.objects.filter(kind=DayKind.MAKEUP, date__year=2026).values_list("date", flat=True))
    assert {datetime.date(2026, 2, 14), datetime.date(2026, 2, 28), datetime.date(2026, 9, 20),
            datetime.date(2026, 10, 10)} <= makeup
    holidays = StatutoryDay.objects.filter(kind=DayKind.HOLIDAY, date__range=("2026-02-15", "2026-02-23"))
    assert holidays.count() == 9
    assert set(holidays.values_list("name", flat=True)) == {"春节"}


# -- N working days (design §11) ------------------------------------------------

def test_one_working_day_is_the_same_time_on_the_next_working_day(company_a):
    assert days_after(company_a, "2026-03-10 10:15", 1) == cal.Deadline(at("2026-03-11 10:15"), False)


def test_spring_festival_2026_the_make_up_saturday_counts_and_the_holiday_does_not(company_a):
    # Friday 13 Feb 10:00 → Saturday 14 (make-up) → Tuesday 24 (after 15–23 off) …
    assert days_after(company_a, "2026-02-13 10:00", 1).at == at("2026-02-14 10:00")
    assert days_after(company_a, "2026-02-13 10:00", 2).at == at("2026-02-24 10:00")
    assert days_after(company_a, "2026-02-13 10:00", 5).at == at("2026-02-27 10:00")
    assert days_after(company_a, "2026-02-13 10:00", 6).at == at("2026-02-28 10:00")  # Saturday, make-up


def test_a_complaint_received_on_a_make_up_saturday_counts_from_that_saturday(company_a):
    assert days_after(company_a, "2026-02-14 09:00", 1).at == at("2026-02-24 09:00")


def test_a_complaint_received_on_a_make_up_saturday_evening_counts_from_after_the_holiday(company_a):
    assert days_after(company_a, "2026-02-14 18:00", 1).at == at("2026-02-25 08:30")


def test_a_complaint_received_during_the_holiday_counts_from_the_first_working_morning(company_a):
    assert days_after(company_a, "2026-02-18 11:00", 0).at == at("2026-02-24 08:30")
    assert days_after(company_a, "2026-02-18 11:00", 1).at == at("2026-02-25 08:30")


def test_national_day_2025_is_skipped_and_its_make_up_sunday_and_saturday_count(company_a):
    start = "2025-09-26 15:00"  # Friday
    expected = ["2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11", "2025-10-13"]
    for n, day in enumerate(expected, start=1):
        assert days_after(company_a, start, n).at == at(f"{day} 15:00"), n


def test_national_day_2026_is_skipped_and_its_make_up_saturday_counts(company_a):
    start = "2026-09-30 10:00"  # Wednesday before the holiday
    assert days_after(company_a, start, 1).at == at("2026-10-08 10:00")
    assert days_after(company_a, start, 3).at == at("2026-10-10 10:00")  # Saturday, make-up
    assert days_after(company_a, start, 4).at == at("2026-10-12 10:00")


def test_a_saturday_complaint_before_the_2026_make_up_sunday_starts_on_that_sunday(company_a):
    assert days_after(company_a, "2026-09-19 10:00", 0).at == at("2026-09-20 08:30")
    assert days_after(company_a, "2026-09-19 10:00", 1).at == at("2026-09-21 08:30")


def test_an_instant_after_17_30_counts_from_the_next_morning(company_a):
    assert days_after(company_a, "2026-03-10 18:00", 1).at == at("2026-03-12 08:30")
    assert days_after(company_a, "2026-03-10 17:30", 1).at == at("2026-03-12 08:30")  # the end is outside


def test_an_instant_before_08_30_counts_from_that_morning(company_a):
    assert days_after(company_a, "2026-03-10 07:00", 1).at == at("2026-03-11 08:30")


def test_a_friday_evening_instant_counts_from_monday_morning(company_a):
    assert days_after(company_a, "2026-03-13 19:00", 0).at == at("2026-03-16 08:30")
    assert days_after(company_a, "2026-03-13 19:00", 1).at == at("2026-03-17 08:30")


def test_naive_instants_and_negative_counts_are_refused(company_a):
    work = cal.WorkingCalendar(company_a)
    with pytest.raises(ValueError):
        work.add_working_days(datetime.datetime(2026, 3, 10, 10), 1)
    with pytest.raises(ValueError):
        work.add_working_days(at("2026-03-10 10:00"), -1)


# -- working hours and working time ---------------------------------------------

def test_working_hours_continue_after_national_day(company_a):
    deadline = cal.WorkingCalendar(company_a).add_working_hours(at("2026-09-30 16:30"), 2)
    assert deadline == cal.Deadline(at("2026-10-08 09:30"), False)


def test_24_working_hours_across_spring_festival_use_the_make_up_saturday(company_a):
    # 1.5 h on Fri 13, 9 h on Sat 14 (make-up), 9 h on Tue 24, 4.5 h on Wed 25.
    deadline = cal.WorkingCalendar(company_a).add_working_hours(at("2026-02-13 16:00"), 24)
    assert deadline.at == at("2026-02-25 13:00")


def test_a_full_working_day_of_hours_ends_at_17_30_not_next_morning(company_a):
    assert cal.WorkingCalendar(company_a).add_working_hours(at("2026-03-09 08:30"), 9).at == at("2026-03-09 17:30")


def test_working_time_between_skips_the_weekend(company_a):
    work = cal.WorkingCalendar(company_a)
    friday, monday = at("2026-03-13 16:00"), at("2026-03-16 10:00")
    assert work.working_time_between(friday, monday) == datetime.timedelta(hours=3)
    assert work.working_time_between(monday, friday) == -datetime.timedelta(hours=3)
    assert work.working_days_between(friday, monday) == pytest.approx(3 / 9)


def test_working_time_between_across_spring_festival_counts_only_the_make_up_saturday(company_a):
    measured = cal.WorkingCalendar(company_a).measure(at("2026-02-13 17:00"), at("2026-02-24 09:30"))
    assert measured.duration == datetime.timedelta(hours=10, minutes=30)
    assert measured.provisional is False


# -- company days ------------------------------------------------------------------

@pytest.fixture
def office_a(make_user):
    return make_user(Role.GENERAL_OFFICE, username="office_a")


def test_a_shutdown_and_an_extra_saturday_shift_move_one_company_s_deadline_only(company_a, company_b, office_a):
    cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                        kind=DayKind.SHUTDOWN, name="设备检修")
    cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 21),
                        kind=DayKind.EXTRA_SHIFT, name="赶工")
    assert days_after(company_a, "2026-03-13 10:00", 1).at == at("2026-03-17 10:00")
    assert days_after(company_b, "2026-03-13 10:00", 1).at == at("2026-03-16 10:00")
    assert days_after(company_a, "2026-03-13 10:00", 5).at == at("2026-03-21 10:00")  # the extra Saturday
    assert days_after(company_b, "2026-03-13 10:00", 5).at == at("2026-03-20 10:00")


def test_a_company_day_is_audited_with_its_actor(company_a, office_a):
    day = cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                              kind=DayKind.SHUTDOWN, name="设备检修")
    entry = AuditEntry.objects.get(content_type__model="companycalendarday", object_id=str(day.pk))
    assert (entry.action, entry.actor_id, entry.company_id) == ("create", office_a.pk, company_a.pk)
    assert day.is_working is False


def test_a_shutdown_on_a_day_already_off_is_refused_naming_the_date(company_a, office_a):
    with pytest.raises(ValidationError) as error:
        cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 10, 2),
                            kind=DayKind.SHUTDOWN)
    assert "date" in error.value.message_dict
    assert not CompanyCalendarDay.objects.exists()


def test_an_extra_shift_on_a_working_day_is_refused(company_a, office_a):
    with pytest.raises(ValidationError) as error:
        cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 2, 14),
                            kind=DayKind.EXTRA_SHIFT)  # the make-up Saturday is already worked
    assert "date" in error.value.message_dict


def test_an_extra_shift_on_a_statutory_holiday_is_allowed_and_wins(company_a, office_a):
    cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 10, 2),
                        kind=DayKind.EXTRA_SHIFT, name="急单")
    assert cal.WorkingCalendar(company_a).is_working_day(datetime.date(2026, 10, 2))


def test_a_second_day_on_the_same_date_is_refused(company_a, office_a):
    cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16), kind=DayKind.SHUTDOWN)
    with pytest.raises(ValidationError) as error:
        cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 21),
                            kind=DayKind.EXTRA_SHIFT, name="x" * 101)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                            kind=DayKind.SHUTDOWN)
    assert "date" in error.value.message_dict
    assert CompanyCalendarDay.objects.count() == 1


def test_a_working_flag_contradicting_the_kind_or_a_statutory_kind_is_refused(company_a, office_a):
    with pytest.raises(ValidationError) as error:
        cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                            kind=DayKind.SHUTDOWN, is_working=True)
    assert "is_working" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16), kind=DayKind.HOLIDAY)
    assert "kind" in error.value.message_dict


def test_a_salesperson_cannot_add_or_remove_company_days(company_a, salesperson, office_a):
    with pytest.raises(PermissionDenied):
        cal.company_day_set(actor=salesperson, company=company_a, date=datetime.date(2026, 3, 16),
                            kind=DayKind.SHUTDOWN)
    day = cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                              kind=DayKind.SHUTDOWN)
    with pytest.raises(PermissionDenied):
        cal.company_day_delete(actor=salesperson, day=day)


def test_the_general_office_of_another_company_cannot_touch_this_company_s_days(company_a, company_b, make_user,
                                                                                office_a):
    other_office = make_user(Role.GENERAL_OFFICE, company=company_b, username="office_b")
    with pytest.raises(PermissionDenied):
        cal.company_day_set(actor=other_office, company=company_a, date=datetime.date(2026, 3, 16),
                            kind=DayKind.SHUTDOWN)
    day = cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                              kind=DayKind.SHUTDOWN)
    with pytest.raises(PermissionDenied):
        cal.company_day_delete(actor=other_office, day=day)


def test_removing_a_company_day_restores_the_statutory_day(company_a, office_a):
    day = cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                              kind=DayKind.SHUTDOWN)
    cal.company_day_delete(actor=office_a, day=day)
    assert cal.WorkingCalendar(company_a).is_working_day(datetime.date(2026, 3, 16))
    assert AuditEntry.objects.filter(content_type__model="companycalendarday", action="delete").count() == 1


# -- time zones ---------------------------------------------------------------------

def test_instants_are_converted_to_the_company_time_zone_before_counting(company_a, company_b):
    company_b.time_zone = "Europe/Berlin"
    company_b.save()
    start = at("2026-03-10 18:00")  # after hours in Suzhou, 11:00 in Berlin (UTC+1)
    assert cal.WorkingCalendar(company_a).add_working_days(start, 1).at == at("2026-03-12 08:30")
    berlin = cal.WorkingCalendar(company_b).add_working_days(start, 1).at
    assert berlin == at("2026-03-11 11:00", zoneinfo.ZoneInfo("Europe/Berlin"))
    assert berlin == at("2026-03-11 18:00")  # the same instant, seen from Shanghai


def test_a_deadline_across_the_daylight_saving_change_keeps_the_local_time_of_day(company_b):
    company_b.time_zone = "Europe/Berlin"
    company_b.save()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    deadline = cal.WorkingCalendar(company_b).add_working_days(at("2026-03-27 10:00", berlin), 1).at
    assert deadline == at("2026-03-30 10:00", berlin)
    assert deadline.utcoffset() == datetime.timedelta(hours=2)


def test_taipei_and_shanghai_share_the_offset_and_the_result(company_a, company_b):
    company_b.time_zone = "Asia/Taipei"
    company_b.save()
    start = at("2026-03-10 18:00")
    assert cal.WorkingCalendar(company_b).add_working_days(start, 1).at == \
        cal.WorkingCalendar(company_a).add_working_days(start, 1).at


# -- unconfirmed years ----------------------------------------------------------------

def test_a_deadline_crossing_into_unconfirmed_2027_is_provisional(company_a, frozen):
    forget_calendar_year(2027)
    # Wed 30 Dec → Thu 31, Fri 1 Jan (assumed working: 2027 not loaded), Mon 4 Jan.
    assert days_after(company_a, "2026-12-30 10:00", 3) == cal.Deadline(at("2027-01-04 10:00"), True)


def test_a_deadline_that_stays_in_2026_is_not_provisional(company_a, frozen):
    assert days_after(company_a, "2026-12-28 10:00", 2) == cal.Deadline(at("2026-12-30 10:00"), False)


def test_after_2027_is_confirmed_the_deadline_is_firm_and_respects_new_year(company_a, frozen):
    forget_calendar_year(2027)  # then 1 January alone is a holiday, whatever the package says of 2027
    StatutoryDay.objects.create(date=datetime.date(2027, 1, 1), is_working=False, kind=DayKind.HOLIDAY, name="元旦")
    CalendarYear.objects.create(year=2027, source="test")
    assert days_after(company_a, "2026-12-30 10:00", 3) == cal.Deadline(at("2027-01-05 10:00"), False)


def test_working_time_reaching_into_an_unconfirmed_year_is_provisional(company_a, frozen):
    forget_calendar_year(2027)
    measured = cal.WorkingCalendar(company_a).measure(at("2026-12-31 09:00"), at("2027-01-04 09:30"))
    assert measured.duration == datetime.timedelta(hours=8, minutes=30 + 9 * 60 + 60)
    assert measured.provisional is True


def test_missing_years_are_this_year_and_next_year_from_november():
    CalendarYear.objects.filter(year__gte=2026).delete()
    assert cal.missing_calendar_years(datetime.date(2026, 6, 1)) == [2026]
    assert cal.missing_calendar_years(datetime.date(2026, 11, 1)) == [2026, 2027]
    CalendarYear.objects.create(year=2026, source="test")
    assert cal.missing_calendar_years(datetime.date(2026, 12, 31)) == [2027]
