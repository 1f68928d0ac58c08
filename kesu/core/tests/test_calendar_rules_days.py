"""The working calendar's rules at their edges: which days are worked, 08:30 and 17:30, working hours and
working time, the acceptance window's day 0, provisional years, company days and the holiday summary.

Design §11 and issue 2 §3, with values worked out by hand from the State Council notices for 2026 (loaded by
migration core/0002): Spring Festival 15–23 Feb off, Saturday 14 Feb and Saturday 28 Feb worked; National Day
1–7 Oct off (with Mid-autumn), Sunday 20 Sep and Saturday 10 Oct worked. Default hours 08:30–17:30, Asia/Shanghai.
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from kesu.accounts.models import Company
from kesu.accounts.roles import Role
from kesu.core import calendar as cal
from kesu.core.context import acting_as
from kesu.core.models import AuditEntry, CalendarYear, CompanyCalendarDay, DayKind, StatutoryDay
from kesu.core.tests.calendar_state import forget_calendar_year

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(text: str, tz: zoneinfo.ZoneInfo = SHANGHAI) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


def work(company) -> cal.WorkingCalendar:
    return cal.WorkingCalendar(company)


@pytest.fixture
def office_a(make_user):
    return make_user(Role.GENERAL_OFFICE, username="office_a")


@pytest.fixture
def short_days(company_b):
    """A company working 08:00–12:00 (four hours a day)."""
    company_b.work_start, company_b.work_end = datetime.time(8, 0), datetime.time(12, 0)
    company_b.save()
    return company_b


# -- which days are worked -------------------------------------------------------------------------------

def test_monday_to_friday_are_worked_and_the_weekend_is_not(company_a):
    calendar = work(company_a)
    week = [calendar.is_working_day(D(2026, 3, 9) + datetime.timedelta(days=n)) for n in range(7)]
    assert week == [True, True, True, True, True, False, False]


def test_in_a_year_without_a_calendar_weekdays_are_worked_and_marked_unconfirmed(company_a):
    forget_calendar_year(2027)
    calendar = work(company_a)
    assert [calendar.is_working_day(D(2027, 1, d)) for d in (1, 2, 3, 4)] == [True, False, False, True]
    assert calendar.touched_unconfirmed is True
    assert calendar.is_confirmed(2026) and not calendar.is_confirmed(2027)


def test_a_provisional_result_does_not_leak_into_the_next_question(company_a):
    forget_calendar_year(2027)
    calendar = work(company_a)
    assert calendar.add_working_days(at("2026-12-31 10:00"), 2).provisional is True  # reaches into 2027
    assert calendar.touched_unconfirmed is False  # handed over with the deadline, then cleared
    assert calendar.is_working_day(D(2026, 3, 9)) is True
    assert calendar.touched_unconfirmed is False


def test_a_confirmed_year_leaves_the_result_firm(company_a):
    calendar = work(company_a)
    assert calendar.is_working_day(D(2026, 2, 14)) is True  # make-up Saturday
    assert calendar.is_working_day(D(2026, 2, 16)) is False  # Spring Festival Monday
    assert calendar.touched_unconfirmed is False


def test_a_company_shutdown_on_a_make_up_saturday_wins_over_the_statutory_calendar(company_a, company_b):
    CompanyCalendarDay.objects.create(company=company_a, date=D(2026, 2, 14), is_working=False,
                                      kind=DayKind.SHUTDOWN, name="停产")
    assert work(company_a).is_working_day(D(2026, 2, 14)) is False
    assert work(company_b).is_working_day(D(2026, 2, 14)) is True


# -- 08:30 and 17:30 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("instant", "start"), [
    ("2026-03-10 08:29", "2026-03-10 08:30"),
    ("2026-03-10 08:30", "2026-03-10 08:30"),
    ("2026-03-10 12:00", "2026-03-10 12:00"),
    ("2026-03-10 17:29", "2026-03-10 17:29"),
    ("2026-03-10 17:30", "2026-03-11 08:30"),
    ("2026-03-14 10:00", "2026-03-16 08:30"),  # a Saturday
    ("2026-02-14 17:29", "2026-02-14 17:29"),  # the make-up Saturday
    ("2026-02-14 17:30", "2026-02-24 08:30"),  # after it, the holiday
    ("2026-09-30 17:30", "2026-10-08 08:30"),  # National Day eve
])
def test_working_time_starts_at_the_instant_inside_08_30_to_17_30_else_at_the_next_08_30(company_a, instant, start):
    assert work(company_a).working_start(at(instant)) == at(start)


def test_one_working_day_from_17_29_is_17_29_the_next_working_day(company_a):
    assert work(company_a).add_working_days(at("2026-03-13 17:29"), 1) == cal.Deadline(at("2026-03-16 17:29"), False)
    assert work(company_a).add_working_days(at("2026-03-13 08:30"), 1) == cal.Deadline(at("2026-03-16 08:30"), False)


def test_working_start_is_given_in_the_company_s_time_zone(company_a):
    start = work(company_a).working_start(datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC))
    assert start == at("2026-03-10 10:00") and start.utcoffset() == datetime.timedelta(hours=8)


# -- the acceptance window: day 0 is the receipt day -------------------------------------------------------------

def test_goods_received_on_a_saturday_get_three_working_days_not_four(company_a):
    assert work(company_a).nth_working_day_after(D(2026, 3, 14), 3) == D(2026, 3, 18)


def test_goods_received_on_national_day_get_three_working_days_counting_the_make_up_saturday(company_a):
    calendar = work(company_a)
    assert calendar.nth_working_day_after(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert calendar.nth_working_day_after(D(2026, 10, 1), 3) == D(2026, 10, 10)
    assert calendar.nth_working_day_after(D(2026, 10, 1), 4) == D(2026, 10, 12)


def test_zero_working_days_is_the_receipt_day_itself_and_a_negative_count_is_refused(company_a):
    assert work(company_a).nth_working_day_after(D(2026, 2, 16), 0) == D(2026, 2, 16)
    with pytest.raises(ValueError):
        work(company_a).nth_working_day_after(D(2026, 2, 16), -1)


# -- working hours ------------------------------------------------------------------------------------------------

def test_zero_working_hours_from_17_29_is_17_29_and_from_17_30_the_next_morning(company_a):
    assert work(company_a).add_working_hours(at("2026-03-10 17:29"), 0).at == at("2026-03-10 17:29")
    assert work(company_a).add_working_hours(at("2026-03-10 17:30"), 0).at == at("2026-03-11 08:30")


def test_working_hours_carry_the_remainder_to_the_next_working_morning(company_a):
    # 17:00 + 1.5 h: half an hour on Friday, one hour on Monday from 08:30.
    assert work(company_a).add_working_hours(at("2026-03-13 17:00"), 1.5).at == at("2026-03-16 09:30")
    # 9 h and one minute from 08:30 overflow by a minute into the next day.
    assert work(company_a).add_working_hours(at("2026-03-09 08:30"), 9 + 1 / 60).at == at("2026-03-10 08:31")


def test_18_working_hours_from_spring_festival_eve_use_both_make_up_saturdays_days(company_a):
    # Fri 13 Feb 08:30: 9 h that day, 9 h on Saturday 14 (make-up) → 17:30 on the 14th.
    assert work(company_a).add_working_hours(at("2026-02-13 08:30"), 18) == cal.Deadline(at("2026-02-14 17:30"), False)
    assert work(company_a).add_working_hours(at("2026-02-13 08:30"), 18.5).at == at("2026-02-24 09:00")


def test_negative_working_hours_are_refused(company_a):
    with pytest.raises(ValueError):
        work(company_a).add_working_hours(at("2026-03-10 10:00"), -0.5)


def test_one_calendar_object_gives_each_deadline_its_own_provisional_flag(company_a):
    forget_calendar_year(2027)
    calendar = work(company_a)
    assert calendar.add_working_days(at("2026-12-31 10:00"), 1).provisional is True
    assert calendar.add_working_days(at("2026-12-28 10:00"), 1).provisional is False
    assert calendar.add_working_hours(at("2026-12-31 17:00"), 1).provisional is True
    assert calendar.add_working_hours(at("2026-12-28 10:00"), 1).provisional is False
    assert calendar.measure(at("2026-12-31 10:00"), at("2027-01-04 10:00")).provisional is True
    assert calendar.measure(at("2026-12-28 10:00"), at("2026-12-29 10:00")).provisional is False
    assert calendar.touched_unconfirmed is False


def test_a_provisional_check_before_a_deadline_does_not_make_it_provisional(company_a):
    forget_calendar_year(2027)
    calendar = work(company_a)
    calendar.is_working_day(D(2027, 1, 4))
    assert calendar.add_working_days(at("2026-12-28 10:00"), 1).provisional is False
    calendar.is_working_day(D(2027, 1, 4))
    assert calendar.add_working_hours(at("2026-12-28 10:00"), 1).provisional is False
    calendar.is_working_day(D(2027, 1, 4))
    assert calendar.measure(at("2026-12-28 10:00"), at("2026-12-28 11:00")).provisional is False


# -- working time between two instants -----------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "hours"), [
    ("2026-03-10 07:00", "2026-03-10 19:00", 9),      # the whole working day, not the evening
    ("2026-03-10 07:00", "2026-03-10 08:30", 0),      # ends as work starts
    ("2026-03-10 17:30", "2026-03-11 08:30", 0),      # the night
    ("2026-03-10 06:00", "2026-03-10 08:00", 0),      # the early morning
    ("2026-03-10 18:00", "2026-03-11 09:30", 1),      # the evening counts nothing, the next morning an hour
    ("2026-03-10 10:00", "2026-03-10 10:00", 0),
    ("2026-03-10 10:00", "2026-03-10 10:45", 0.75),
    ("2026-03-13 17:00", "2026-03-16 08:31", 0.5 + 1 / 60),
    ("2026-02-13 08:30", "2026-02-28 17:30", 9 * 7),  # 13, 14 (make-up), 24–27, 28 (make-up): 7 days
])
def test_working_time_between_counts_only_08_30_to_17_30_of_working_days(company_a, start, end, hours):
    measured = work(company_a).measure(at(start), at(end))
    assert measured.duration == datetime.timedelta(hours=hours)
    assert measured.working_days == pytest.approx(hours / 9)


def test_working_time_backwards_is_negative_and_the_same_size(company_a):
    measured = work(company_a).measure(at("2026-03-16 10:00"), at("2026-03-13 16:00"))
    assert measured.duration == -datetime.timedelta(hours=3)
    assert measured.working_days == pytest.approx(-3 / 9)
    instant = at("2026-03-16 10:00")
    assert work(company_a).measure(instant, instant) == cal.WorkingTime(datetime.timedelta(0), 0.0, False)


def test_working_time_backwards_into_an_unconfirmed_year_is_provisional_too(company_a):
    forget_calendar_year(2027)
    measured = work(company_a).measure(at("2027-01-05 10:00"), at("2026-12-31 10:00"))
    assert (measured.duration, measured.provisional) == (-datetime.timedelta(hours=27), True)


def test_working_days_are_counted_in_the_company_s_own_working_day(short_days):
    calendar = work(short_days)
    assert calendar.day_length() == datetime.timedelta(hours=4)
    assert calendar.working_days_between(at("2026-03-10 08:00"), at("2026-03-11 10:00")) == pytest.approx(1.5)
    assert calendar.working_time_between(at("2026-03-10 11:00"), at("2026-03-10 15:00")) == datetime.timedelta(
        hours=1)


def test_a_period_of_ten_years_is_measured_and_a_day_more_is_refused(company_a):
    start = at("2026-01-01 10:00")
    calendar = work(company_a)
    assert calendar.measure(start, start + datetime.timedelta(days=3660)).duration > datetime.timedelta(0)
    with pytest.raises(ValueError):
        calendar.measure(start, start + datetime.timedelta(days=3661))


def test_naive_instants_are_refused_everywhere(company_a):
    naive = datetime.datetime(2026, 3, 10, 10, 0)
    with pytest.raises(ValueError):
        work(company_a).measure(naive, naive + datetime.timedelta(hours=1))
    with pytest.raises(ValueError):
        work(company_a).add_working_hours(naive, 1)


def test_deadlines_working_times_and_calendar_days_are_values_that_cannot_be_changed(company_a):
    # A deadline is computed once and then shared (stored on several rows, compared, put in sets): it must not be
    # changed in place, and equal values are interchangeable.
    calendar = work(company_a)
    deadline = calendar.add_working_days(at("2026-03-09 10:00"), 1)
    elapsed = calendar.measure(at("2026-03-09 10:00"), at("2026-03-09 12:00"))
    day = cal.effective_days(company_a, 2026)[0]
    for value, name in ((deadline, "at"), (elapsed, "duration"), (day, "date")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, None)
    assert {deadline, calendar.add_working_days(at("2026-03-09 10:00"), 1)} == {deadline}
    assert len({elapsed, day, day}) == 2


# -- effective calendar and holiday summary ------------------------------------------------------------------

@pytest.fixture
def calendar_2027(db):
    """A small hand-made 2027: 元旦 1–3 Jan, 春节 6 Feb (make-up Saturday) and 7–9 Feb, and an unnamed make-up."""
    forget_calendar_year(2027)
    for day, working, kind, name in [
        (D(2027, 1, 1), False, DayKind.HOLIDAY, "元旦"), (D(2027, 1, 2), False, DayKind.HOLIDAY, "元旦"),
        (D(2027, 1, 3), False, DayKind.HOLIDAY, "元旦"), (D(2027, 2, 6), True, DayKind.MAKEUP, "春节"),
        (D(2027, 2, 7), False, DayKind.HOLIDAY, "春节"), (D(2027, 2, 8), False, DayKind.HOLIDAY, "春节"),
        (D(2027, 2, 9), False, DayKind.HOLIDAY, "春节"), (D(2027, 5, 8), True, DayKind.MAKEUP, ""),
        (D(2027, 6, 1), False, DayKind.HOLIDAY, ""), (D(2027, 4, 10), True, DayKind.MAKEUP, "清明节"),
    ]:
        StatutoryDay.objects.create(date=day, is_working=working, kind=kind, name=name)
    CalendarYear.objects.create(year=2027, source="test")


def test_the_holiday_summary_groups_each_holiday_with_its_make_up_days_in_date_order(calendar_2027):
    summary = [{k: g[k] for k in ("name", "first", "last", "count", "holidays", "makeup")}
               for g in cal.holiday_summary(2027)]
    assert summary == [
        {"name": "元旦", "first": D(2027, 1, 1), "last": D(2027, 1, 3), "count": 3,
         "holidays": [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)], "makeup": []},
        {"name": "春节", "first": D(2027, 2, 7), "last": D(2027, 2, 9), "count": 3,
         "holidays": [D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9)], "makeup": [D(2027, 2, 6)]},
        {"name": "清明节", "first": None, "last": None, "count": 0, "holidays": [], "makeup": [D(2027, 4, 10)]},
        {"name": "make-up working day", "first": None, "last": None, "count": 0, "holidays": [],
         "makeup": [D(2027, 5, 8)]},
        {"name": "holiday", "first": D(2027, 6, 1), "last": D(2027, 6, 1), "count": 1, "holidays": [D(2027, 6, 1)],
         "makeup": []},
    ]


def test_groups_are_ordered_by_their_first_day_even_when_they_overlap(calendar_2027):
    # Unnamed holidays form one group over the whole year: here 20 January and 1 June. It starts before 春节 and
    # ends after every make-up day, and is placed by its first day, 20 January.
    StatutoryDay.objects.create(date=D(2027, 1, 20), is_working=False, kind=DayKind.HOLIDAY, name="")
    order = [(g["name"], g["first"], g["last"]) for g in cal.holiday_summary(2027)]
    assert order == [("元旦", D(2027, 1, 1), D(2027, 1, 3)), ("holiday", D(2027, 1, 20), D(2027, 6, 1)),
                     ("春节", D(2027, 2, 7), D(2027, 2, 9)), ("清明节", None, None),
                     ("make-up working day", None, None)]


def test_the_spring_festival_2026_summary_is_nine_days_with_two_make_up_saturdays():
    festival = next(g for g in cal.holiday_summary(2026) if g["name"] == "春节")
    assert (festival["first"], festival["last"], festival["count"]) == (D(2026, 2, 15), D(2026, 2, 23), 9)
    assert festival["makeup"] == [D(2026, 2, 14), D(2026, 2, 28)]


def test_the_effective_calendar_lists_statutory_days_with_company_days_winning(calendar_2027, company_a, company_b):
    shutdown = CompanyCalendarDay.objects.create(company=company_a, date=D(2027, 2, 6), is_working=False,
                                                 kind=DayKind.SHUTDOWN, name="检修")
    extra = CompanyCalendarDay.objects.create(company=company_a, date=D(2027, 1, 16), is_working=True,
                                              kind=DayKind.EXTRA_SHIFT, name="赶工")
    CompanyCalendarDay.objects.create(company=company_b, date=D(2027, 3, 1), is_working=False,
                                      kind=DayKind.SHUTDOWN, name="")
    days = cal.effective_days(company_a, 2027)
    assert [d.date for d in days] == sorted(d.date for d in days)
    by_date = {d.date: d for d in days}
    assert len(days) == 11 and D(2027, 3, 1) not in by_date
    assert by_date[D(2027, 2, 6)] == cal.EffectiveDay(D(2027, 2, 6), False, DayKind.SHUTDOWN, "检修", "company",
                                                      shutdown.pk)
    assert by_date[D(2027, 1, 16)] == cal.EffectiveDay(D(2027, 1, 16), True, DayKind.EXTRA_SHIFT, "赶工", "company",
                                                       extra.pk)
    assert by_date[D(2027, 1, 1)] == cal.EffectiveDay(D(2027, 1, 1), False, DayKind.HOLIDAY, "元旦", "statutory")


# -- which years administrators must load ------------------------------------------------------------------------

def test_next_year_is_wanted_from_1_november_not_31_october():
    CalendarYear.objects.filter(year__gte=2026).delete()
    assert cal.missing_calendar_years(D(2026, 10, 31)) == [2026]
    assert cal.missing_calendar_years(D(2026, 11, 1)) == [2026, 2027]
    assert cal.missing_calendar_years(D(2026, 12, 1)) == [2026, 2027]
    CalendarYear.objects.create(year=2027, source="test")
    assert cal.missing_calendar_years(D(2026, 11, 2)) == [2026]
    assert cal.missing_calendar_years(D(2027, 11, 1)) == [2028]  # an odd year too: 2027 is loaded, 2028 is due


def test_missing_years_are_worked_out_for_today_in_the_local_time_zone():
    CalendarYear.objects.filter(year__gte=2026).delete()
    with time_machine.travel(datetime.datetime(2026, 10, 31, 16, 30, tzinfo=datetime.UTC), tick=False):
        assert cal.missing_calendar_years() == [2026, 2027]  # already 1 November 00:30 in Shanghai
    CalendarYear.objects.create(year=2026, source="test")
    CalendarYear.objects.create(year=2027, source="test")
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert cal.missing_calendar_years() == []


# -- the packaged calendar ------------------------------------------------------------------------------------------

def test_loading_the_package_restores_a_year_with_chinese_names_and_kinds():
    forget_calendar_year(2026)
    years = cal.load_statutory_from_package()
    assert 2026 in years and years == sorted(years)
    assert StatutoryDay.objects.get(date=D(2026, 2, 14)).kind == DayKind.MAKEUP
    festival = StatutoryDay.objects.get(date=D(2026, 2, 16))
    assert (festival.is_working, festival.kind, festival.name) == (False, DayKind.HOLIDAY, "春节")
    assert StatutoryDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert CalendarYear.objects.get(year=2026).source.startswith("chinese-calendar ")


def test_holiday_names_are_given_in_chinese_and_unknown_ones_kept():
    assert cal._holiday_name("National Day") == "国庆节"
    assert cal._holiday_name("Some New Day") == "Some New Day"
    assert cal._holiday_name(None) == ""


# -- who sees which calendar -------------------------------------------------------------------------------------

def test_a_user_sees_their_own_company_a_superuser_every_one_and_a_visitor_none(company_a, company_b, salesperson,
                                                                                 admin_user):
    assert list(cal.visible_companies(salesperson)) == [company_a]
    assert set(cal.visible_companies(admin_user)) == set(Company.objects.all())
    assert list(cal.visible_companies(AnonymousUser())) == []
    assert list(cal.visible_companies(None)) == []


# -- company days -------------------------------------------------------------------------------------------------

def set_day(actor, company, date, kind, name="", **kwargs):
    return cal.company_day_set(actor=actor, company=company, date=date, kind=kind, name=name, **kwargs)


def error_fields(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


@pytest.mark.parametrize("day", [D(2000, 1, 3), D(2100, 12, 31)])
def test_company_days_can_be_set_from_2000_to_2100(company_a, office_a, day):
    forget_calendar_year(day.year)
    assert set_day(office_a, company_a, day, DayKind.SHUTDOWN).date == day


@pytest.mark.parametrize("day", [D(1999, 12, 31), D(2101, 1, 3), "2026-03-16", None])
def test_a_company_day_outside_2000_to_2100_or_not_a_date_is_refused(company_a, office_a, day):
    fields = error_fields(lambda: set_day(office_a, company_a, day, DayKind.SHUTDOWN))
    assert fields == {"date": ["Enter a date between 2000 and 2100."]}


def test_a_company_day_name_may_have_100_characters_not_101(company_a, office_a):
    assert set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN, "检" * 100).name == "检" * 100
    fields = error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 17), DayKind.SHUTDOWN, "检" * 101))
    assert fields == {"name": ["The name is too long (at most 100 characters)."]}


def test_a_company_day_name_is_stored_without_surrounding_spaces(company_a, office_a):
    assert set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN, "  检修  ").name == "检修"


def test_a_working_flag_that_agrees_with_the_kind_is_accepted(company_a, office_a):
    assert set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN, is_working=False).is_working is False
    assert set_day(office_a, company_a, D(2026, 3, 21), DayKind.EXTRA_SHIFT, is_working=True).is_working is True
    fields = error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 28), DayKind.EXTRA_SHIFT, is_working=False))
    assert list(fields) == ["is_working"]
    fields = error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 17), DayKind.SHUTDOWN, is_working=True))
    assert list(fields) == ["is_working"]


def test_a_shutdown_on_the_make_up_saturday_and_an_extra_shift_on_a_plain_sunday_are_allowed(company_a, office_a):
    assert set_day(office_a, company_a, D(2026, 2, 14), DayKind.SHUTDOWN).is_working is False
    assert set_day(office_a, company_a, D(2026, 3, 15), DayKind.EXTRA_SHIFT).is_working is True
    assert cal.statutory_is_working(D(2026, 2, 14)) is True
    assert cal.statutory_is_working(D(2026, 3, 15)) is False
    assert cal.statutory_is_working(D(2026, 3, 13)) is True  # a Friday


def test_a_shutdown_on_a_weekend_and_an_extra_shift_on_a_weekday_are_refused_with_the_date(company_a, office_a):
    assert error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 14), DayKind.SHUTDOWN)) == {
        "date": ["2026-03-14 is already a day off; a shutdown is only for a working day."]}
    assert error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 13), DayKind.EXTRA_SHIFT)) == {
        "date": ["2026-03-13 is already a working day; an extra shift is only for a day off."]}


def test_a_date_with_a_company_day_names_it_and_the_day_itself_may_be_checked_again(company_a, company_b, office_a):
    day = set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN)
    assert error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN)) == {
        "date": ["2026-03-16 already has a company day (company shutdown); remove it first."]}
    assert cal.validate_company_day(company=company_a, date=D(2026, 3, 16), is_working=None, kind=DayKind.SHUTDOWN,
                                    name="", exclude_pk=day.pk) is False
    # Another company may shut down the same day.
    assert cal.validate_company_day(company=company_b, date=D(2026, 3, 16), is_working=None, kind=DayKind.SHUTDOWN,
                                    name="") is False


def test_a_day_added_by_a_concurrent_request_first_is_refused_at_the_date(company_a, office_a, monkeypatch):
    set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN)
    # The other request's row arrived after this one's checks: only the database's unique date stops it.
    monkeypatch.setattr(cal, "validate_company_day", lambda **kwargs: False)
    assert error_fields(lambda: set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN)) == {
        "date": ["2026-03-16 already has a company day; remove it first."]}
    assert CompanyCalendarDay.objects.filter(company=company_a).count() == 1


def test_a_company_day_is_recorded_as_the_channel_that_is_acting(company_a, office_a):
    set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN)
    with acting_as(office_a, "api"):
        set_day(office_a, company_a, D(2026, 3, 17), DayKind.SHUTDOWN)
    entries = AuditEntry.objects.filter(content_type__model="companycalendarday", action="create").order_by("pk")
    assert [(e.actor_id, e.source) for e in entries] == [(office_a.pk, "system"), (office_a.pk, "api")]


def test_the_channel_is_kept_when_the_request_loaded_its_own_copy_of_the_same_user(company_a, office_a):
    # The API authenticates its token to a user object of its own; it is still the same person.
    with acting_as(type(office_a).objects.get(pk=office_a.pk), "api"):
        set_day(office_a, company_a, D(2026, 3, 17), DayKind.SHUTDOWN)
    entry = AuditEntry.objects.get(content_type__model="companycalendarday", action="create")
    assert (entry.actor_id, entry.source) == (office_a.pk, "api")


def test_a_company_day_set_for_another_acting_user_is_recorded_as_its_own_actor(company_a, office_a, admin_user):
    with acting_as(admin_user, "web"):
        day = set_day(office_a, company_a, D(2026, 3, 16), DayKind.SHUTDOWN)
        cal.company_day_delete(actor=office_a, day=day)
    entries = AuditEntry.objects.filter(content_type__model="companycalendarday").order_by("pk")
    assert [(e.action, e.actor_id, e.source) for e in entries] == [
        ("create", office_a.pk, "system"), ("delete", office_a.pk, "system")]
