"""Working calendar API under /api/v1/calendar/: a company's year, its own days, deadlines and working time.

Same rules as the pages: company scope from :func:`kesu.core.calendar.visible_companies`
(another company's id is a 404), writes through the services in
:mod:`kesu.core.calendar` with their permission checks.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kesu.api.types import Id, Year

from . import calendar as cal
from .models import CalendarYear, CompanyCalendarDay

router = Router(tags=["calendar"])


class DayOut(Schema):
    date: datetime.date
    is_working: bool
    kind: str
    name: str
    source: str
    company_day_id: Id | None = None


class YearOut(Schema):
    company_id: Id
    year: Year
    confirmed: bool
    confirmed_source: str
    days: list[DayOut]


class CompanyDayIn(Schema):
    date: str
    kind: str
    name: str = ""
    is_working: bool | None = None
    company: Id | None = None


class CompanyDayOut(Schema):
    id: int
    company_id: Id
    date: datetime.date
    is_working: bool
    kind: str
    name: str


class DeadlineOut(Schema):
    at: datetime.datetime
    provisional: bool


class WorkingTimeOut(Schema):
    seconds: int
    working_days: float
    provisional: bool


def _company(request, company_id: Id | None):
    """The user's own company, or ``company_id`` if they may see it; 404 for anyone else's."""
    companies = cal.visible_companies(request.user)
    if company_id is None:
        company = companies.filter(pk=request.user.company_id).first()
        if company is None:
            raise PermissionDenied
        return company
    company = companies.filter(pk=company_id).first()
    if company is None:
        raise Http404
    return company


def _view_required(request) -> None:
    if not request.user.has_perm("core.view_companycalendarday"):
        raise PermissionDenied


def _instant(value: str, field: str) -> datetime.datetime:
    try:
        instant = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationError({field: _("Enter a date and time in ISO 8601, e.g. 2026-10-09T10:00:00+08:00.")}) \
            from error
    if instant.tzinfo is None:
        raise ValidationError({field: _("Give the time zone offset, e.g. +08:00.")})
    if not (cal.MIN_YEAR <= instant.year <= cal.MAX_YEAR):
        raise ValidationError({field: _("Enter a date between %(first)d and %(last)d.")
                               % {"first": cal.MIN_YEAR, "last": cal.MAX_YEAR}})
    return instant


def _query_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


@router.get("/days", response=YearOut, summary="A company's effective calendar for a year")
def year_days(request, year: Year | None = None, company: Id | None = None):
    """Every day that differs from Monday–Friday or is named, company days winning; ``confirmed`` is False
    when the State Council calendar of the year is not loaded (deadlines in it are provisional)."""
    _view_required(request)
    the_company = _company(request, company)
    year = year or timezone.localdate().year
    if not (cal.MIN_YEAR <= year <= cal.MAX_YEAR):
        raise _query_error("year", _("Enter a year between %(first)d and %(last)d.")
                           % {"first": cal.MIN_YEAR, "last": cal.MAX_YEAR})
    confirmed = CalendarYear.objects.filter(year=year).first()
    return {
        "company_id": the_company.pk,
        "year": year,
        "confirmed": confirmed is not None,
        "confirmed_source": confirmed.source if confirmed else "",
        "days": cal.effective_days(the_company, year),
    }


@router.post("/days", response={201: CompanyDayOut}, summary="Add a company shutdown or extra working day")
def day_create(request, payload: CompanyDayIn):
    day = cal.parse_date(payload.date)
    if day is None:
        raise ValidationError({"date": _("Enter a date as YYYY-MM-DD.")})
    if not request.user.has_perm("core.add_companycalendarday"):
        raise PermissionDenied
    the_company = _company(request, payload.company)
    created = cal.company_day_set(actor=request.user, company=the_company, date=day, kind=payload.kind,
                                  name=payload.name, is_working=payload.is_working)
    return Status(201, created)


@router.delete("/days/{day_id}", response={204: None}, summary="Remove a company day")
def day_delete(request, day_id: Id):
    if not request.user.has_perm("core.delete_companycalendarday"):
        raise PermissionDenied
    day = get_object_or_404(CompanyCalendarDay.objects.visible_to(request.user), pk=day_id)
    cal.company_day_delete(actor=request.user, day=day)
    return Status(204, None)


@router.get("/deadline", response=DeadlineOut, summary="N working days or hours after an instant")
def deadline(request, start: str, working_days: int | None = None, working_hours: float | None = None,
             company: Id | None = None):
    """Design §11: the same time of day on the N-th working day after ``start`` (``working_days``), or the
    instant when ``working_hours`` of working time have passed; ``provisional`` when an unconfirmed year
    was used."""
    _view_required(request)
    the_company = _company(request, company)
    instant = _instant(start, "start")
    if (working_days is None) == (working_hours is None):
        raise _query_error("working_days", _("Give either working_days or working_hours."))
    work = cal.WorkingCalendar(the_company)
    try:
        if working_days is not None:
            if not 0 <= working_days <= 1000:
                raise _query_error("working_days", _("Enter a number of working days from 0 to 1000."))
            result = work.add_working_days(instant, working_days)
        else:
            assert working_hours is not None
            if not 0 <= working_hours <= 8000:
                raise _query_error("working_hours", _("Enter a number of working hours from 0 to 8000."))
            result = work.add_working_hours(instant, working_hours)
    except (ValueError, OverflowError) as error:
        raise _query_error("start", _("No deadline can be worked out from this start.")) from error
    return {"at": result.at, "provisional": result.provisional}


@router.get("/working-time", response=WorkingTimeOut, summary="Working time between two instants")
def working_time(request, start: str, end: str, company: Id | None = None):
    """Working time in seconds and in working days (one = the company's working hours); negative when
    ``end`` is before ``start``."""
    _view_required(request)
    the_company = _company(request, company)
    first, last = _instant(start, "start"), _instant(end, "end")
    try:
        measured = cal.WorkingCalendar(the_company).measure(first, last)
    except ValueError as error:
        raise _query_error("end", _("The period is longer than ten years.")) from error
    return {
        "seconds": int(measured.duration.total_seconds()),
        "working_days": round(measured.working_days, 4),
        "provisional": measured.provisional,
    }
