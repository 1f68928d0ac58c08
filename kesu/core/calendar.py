"""Working-day arithmetic on the Chinese statutory calendar plus each company's own days.

Design §11: "within N working days" of an instant is the same time of day on
the N-th working day after it; an instant outside working time counts from the
start of the next working day. Instants are converted to the company's time
zone before any counting.

A day is a working day when the company says so (shutdown / extra shift),
else when the statutory calendar says so (holiday / make-up day 调休), else
when it is Monday to Friday. A year with no confirmed statutory calendar
(no :class:`CalendarYear` row) still counts weekdays, but every result that
touched it is marked ``provisional`` so nobody mistakes it for a real deadline.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import CalendarYear, CompanyCalendarDay, DayKind, StatutoryDay

MAX_DAYS = 3660  # ten years: a bound on every walk, against runaway loops


@dataclass(frozen=True)
class Deadline:
    at: datetime.datetime
    provisional: bool


class WorkingCalendar:
    """The effective calendar of one company. Loads a year at a time, two queries per year."""

    def __init__(self, company) -> None:
        self.company = company
        self.tz = company.tz
        self.work_start: datetime.time = company.work_start
        self.work_end: datetime.time = company.work_end
        self._days: dict[int, dict[datetime.date, bool]] = {}
        self._confirmed: set[int] | None = None
        self.touched_unconfirmed = False

    # -- days -------------------------------------------------------------
    def _year(self, year: int) -> dict[datetime.date, bool]:
        days = self._days.get(year)
        if days is None:
            days = dict(
                StatutoryDay.objects.filter(date__year=year).values_list("date", "is_working")
            )
            days.update(
                CompanyCalendarDay.objects.filter(company_id=self.company.pk, date__year=year).values_list(
                    "date", "is_working"
                )
            )
            self._days[year] = days
        return days

    def is_confirmed(self, year: int) -> bool:
        if self._confirmed is None:
            self._confirmed = set(CalendarYear.objects.values_list("year", flat=True))
        return year in self._confirmed

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.is_confirmed(day.year):
            self.touched_unconfirmed = True
        override = self._year(day.year).get(day)
        if override is not None:
            return override
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        for _ in range(MAX_DAYS):
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within ten years")

    # -- instants ---------------------------------------------------------
    def _at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def _local(self, instant: datetime.datetime) -> datetime.datetime:
        if timezone.is_naive(instant):
            raise ValueError("instants must be time-zone aware")
        return instant.astimezone(self.tz)

    def working_start(self, instant: datetime.datetime) -> datetime.datetime:
        """The instant itself if it lies in working time, else the start of the next working period."""
        local = self._local(instant)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.work_start:
                return self._at(day, self.work_start)
            if local.time() < self.work_end:
                return local
        return self._at(self.next_working_day(day), self.work_start)

    def _result(self, at: datetime.datetime) -> Deadline:
        provisional = self.touched_unconfirmed
        self.touched_unconfirmed = False
        return Deadline(at=at, provisional=provisional)

    def add_working_days(self, start: datetime.datetime, days: int) -> Deadline:
        """Same time of day on the ``days``-th working day after ``start`` (design §11)."""
        if days < 0:
            raise ValueError("days must not be negative")
        self.touched_unconfirmed = False
        base = self.working_start(start)
        day = base.date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self._result(self._at(day, base.timetz().replace(tzinfo=None)))

    def add_working_hours(self, start: datetime.datetime, hours: float) -> Deadline:
        """The instant when ``hours`` of working time have passed since ``start``."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        self.touched_unconfirmed = False
        remaining = datetime.timedelta(hours=hours)
        current = self.working_start(start)
        for _ in range(MAX_DAYS):
            day_end = self._at(current.date(), self.work_end)
            available = day_end - current
            if remaining <= available:
                return self._result(current + remaining)
            remaining -= available
            current = self._at(self.next_working_day(current.date()), self.work_start)
        raise ValueError("deadline beyond ten years")

    def working_time_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time inside [start, end); negative when end is before start."""
        if end < start:
            return -self.working_time_between(end, start)
        start_local, end_local = self._local(start), self._local(end)
        total = datetime.timedelta()
        day = start_local.date()
        while day <= end_local.date():
            if self.is_working_day(day):
                window_start = max(self._at(day, self.work_start), start_local)
                window_end = min(self._at(day, self.work_end), end_local)
                if window_end > window_start:
                    total += window_end - window_start
            day += datetime.timedelta(days=1)
        return total

    def working_days_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Elapsed working time expressed in working days (one day = the company's working hours)."""
        day_length = self._at(datetime.date(2000, 1, 3), self.work_end) - self._at(
            datetime.date(2000, 1, 3), self.work_start
        )
        return self.working_time_between(start, end) / day_length


def missing_calendar_years(today: datetime.date | None = None) -> list[int]:
    """This year and next year, where their statutory calendar is not loaded."""
    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1]
    have = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in have]


def load_statutory_from_package() -> list[int]:
    """Load every year the `chinese_calendar` package covers; returns the years loaded.

    The package lists holidays (with names) and make-up working days; both are
    stored, and each covered year is marked confirmed.
    """
    return load_statutory_rows(StatutoryDay, CalendarYear)


def load_statutory_rows(day_model, year_model) -> list[int]:
    """The body of :func:`load_statutory_from_package`, usable with migration models."""
    import chinese_calendar
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    rows: dict[datetime.date, StatutoryDay] = {}
    for day, holiday in constants.holidays.items():
        rows[day] = day_model(date=day, is_working=False, kind=DayKind.HOLIDAY, name=_holiday_name(holiday))
    for day, holiday in constants.workdays.items():
        rows[day] = day_model(date=day, is_working=True, kind=DayKind.MAKEUP, name=_holiday_name(holiday))
    day_model.objects.filter(date__year__in=years).delete()
    day_model.objects.bulk_create(sorted(rows.values(), key=lambda r: r.date), batch_size=500)
    source = f"chinese-calendar {getattr(chinese_calendar, '__version__', '')}".strip()
    for year in years:
        year_model.objects.update_or_create(year=year, defaults={"source": source})
    return years


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(holiday) -> str:
    english = str(getattr(holiday, "value", holiday) or "")
    return _HOLIDAY_NAMES.get(english, english)


# -- writes -----------------------------------------------------------------

def can_import(user) -> bool:
    """Loading the State Council calendar for a year is for administrators."""
    return bool(user.is_superuser or user.has_role("admin"))


def company_day_set(*, actor, company, date: datetime.date, is_working: bool, kind: str, name: str = ""):
    """Record a company's own shutdown, extra shift or local holiday (replacing one on the same date)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from .context import acting_as

    if not (actor.is_superuser or company.pk in actor.visible_company_ids()):
        raise PermissionDenied
    statutory_working = statutory_is_working(date)
    if is_working and statutory_working:
        raise ValidationError({"date": _("%(date)s is already a working day.") % {"date": date}})
    if not is_working and not statutory_working:
        raise ValidationError({"date": _("%(date)s is already a day off.") % {"date": date}})
    with acting_as(actor, "web"), transaction.atomic():
        day, _created = CompanyCalendarDay.objects.update_or_create(
            company=company, date=date, defaults={"is_working": is_working, "kind": kind, "name": name[:100]}
        )
    return day


def statutory_is_working(day: datetime.date) -> bool:
    """Whether the national calendar (without company days) makes this a working day."""
    entry = StatutoryDay.objects.filter(date=day).values_list("is_working", flat=True).first()
    return entry if entry is not None else day.weekday() < 5


def company_day_delete(*, actor, day) -> None:
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from .context import acting_as

    if not (actor.is_superuser or day.company_id in actor.visible_company_ids()):
        raise PermissionDenied
    with acting_as(actor, "web"), transaction.atomic():
        day.delete()


@dataclass
class ImportResult:
    ok: bool
    year: int | None = None
    count: int = 0
    errors: list[dict] | None = None


OFF_WORDS = {"holiday", "off", "休", "假", "放假", "休息", "节假日", "節假日", "休假"}
ON_WORDS = {"workday", "work", "working", "班", "上班", "补班", "補班", "调休", "調休", "工作日"}


def _read_calendar_rows(upload) -> list[tuple[int, list]]:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    name = upload.name.lower()
    if upload.size > 1024 * 1024:
        raise ValidationError(_("The file is larger than 1 MB."))
    content = upload.read()
    if name.endswith(".xlsx"):
        import io
        import zipfile

        from openpyxl import load_workbook

        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ValidationError(_("The file is not a valid Excel .xlsx workbook."))
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as error:
            raise ValidationError(_("The file is not a valid Excel .xlsx workbook.")) from error
        return [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    if name.endswith(".csv"):
        import csv

        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("The CSV file must be encoded as UTF-8 or GBK."))
        return [(n, row) for n, row in enumerate(csv.reader(text.splitlines()), start=1)]
    raise ValidationError(_("Only .csv and .xlsx files can be imported."))


def statutory_year_import(*, actor, upload) -> ImportResult:
    """Replace one year of the statutory calendar from a file; all rows or none.

    Columns: date, type (holiday / workday, or 休 / 班 …), name. The first row
    may be a header. Every day in the file must fall in one year.
    """
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from .context import acting_as

    if not can_import(actor):
        raise PermissionDenied
    try:
        rows = _read_calendar_rows(upload)
    except ValidationError as error:
        return ImportResult(ok=False, errors=[{"row": 0, "field": _("file"), "message": m} for m in error.messages])
    errors: list[dict] = []
    parsed: dict[datetime.date, tuple[bool, str, int]] = {}
    for number, values in rows:
        cells = [("" if v is None else v) for v in values] + ["", "", ""]
        raw_date, raw_type, raw_name = cells[0], str(cells[1]).strip(), str(cells[2]).strip()
        if number == 1 and str(raw_date).strip().lower() in {"date", "日期"}:
            continue
        if str(raw_date).strip() == "" and raw_type == "":
            continue
        if isinstance(raw_date, datetime.datetime):
            day = raw_date.date()
        elif isinstance(raw_date, datetime.date):
            day = raw_date
        else:
            try:
                day = datetime.date.fromisoformat(str(raw_date).strip().replace("/", "-"))
            except ValueError:
                errors.append({"row": number, "field": _("date"),
                               "message": _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": raw_date}})
                continue
        kind = raw_type.lower()
        if kind in OFF_WORDS:
            is_working = False
        elif kind in ON_WORDS:
            is_working = True
        else:
            errors.append({"row": number, "field": _("type"),
                           "message": _("“%(value)s” must be holiday or workday.") % {"value": raw_type}})
            continue
        if day in parsed:
            errors.append({"row": number, "field": _("date"),
                           "message": _("%(date)s is already in row %(row)d.") % {"date": day, "row": parsed[day][2]}})
            continue
        parsed[day] = (is_working, raw_name[:100], number)
    years = {d.year for d in parsed}
    if len(years) > 1:
        errors.append({"row": 0, "field": _("date"),
                       "message": _("The file mixes several years (%(years)s); import one year at a time.")
                       % {"years": ", ".join(map(str, sorted(years)))}})
    if not parsed and not errors:
        errors.append({"row": 0, "field": _("file"), "message": _("The file has no calendar rows.")})
    if errors:
        return ImportResult(ok=False, errors=errors)
    year = years.pop()
    with acting_as(actor, "import"), transaction.atomic():
        StatutoryDay.objects.filter(date__year=year).delete()
        StatutoryDay.objects.bulk_create([
            StatutoryDay(date=d, is_working=w, kind=DayKind.MAKEUP if w else DayKind.HOLIDAY, name=n)
            for d, (w, n, _row) in sorted(parsed.items())
        ])
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": f"{upload.name[:120]} ({actor.get_username()})"}
        )
        from .audit import record_bulk

        record_bulk(StatutoryDay, count=len(parsed), company_id=None, note=f"statutory calendar {year}: {upload.name}")
    return ImportResult(ok=True, year=year, count=len(parsed))


def import_template_xlsx(year: int):
    """An example file for the yearly import, in the columns the importer reads."""
    import tempfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "type", "name"])
    sheet.append([datetime.date(year, 1, 1), "holiday", "元旦"])
    sheet.append([datetime.date(year, 2, 6), "workday", "春节调休上班"])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle
