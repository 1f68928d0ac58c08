"""Working-day arithmetic on the Chinese statutory calendar plus each company's own days.

Design §11: "within N working days" of an instant is the same time of day on
the N-th working day after it; an instant outside working time counts from the
start of the next working day. Instants are converted to the company's time
zone before any counting.

A day is a working day when the company says so (shutdown / extra shift),
else when the statutory calendar says so (holiday / make-up day 调休), else
when it is Monday to Friday. A year with no confirmed statutory calendar
(no :class:`CalendarYear` row) still counts weekdays, but every result that
touched it is marked ``provisional`` so nobody mistakes it for a real deadline
(issue 2 §3: "never silently computed as plain weekdays").

Writes (company days, the yearly import) are services here too, so the pages,
the API and the admin share one copy of each rule (conventions habit 1).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, DateField, IntegerField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import acting_as, current_actor
from .models import CalendarYear, CompanyCalendarDay, DayKind, StatutoryDay

MAX_DAYS = 3660  # ten years: a bound on every walk, against runaway loops
MIN_YEAR, MAX_YEAR = 2000, 2100  # years the calendar can be edited or imported for
# The State Council publishes next year's notice in late October or November;
# from this day on, a missing next year is worth an administrator's attention
# (deadlines of 30 working days started now reach into January).
NEXT_YEAR_DUE = (11, 1)


@dataclass(frozen=True)
class Deadline:
    """When something is due, and whether an unconfirmed calendar year was used to work it out."""

    at: datetime.datetime
    provisional: bool


@dataclass(frozen=True)
class WorkingTime:
    """Working time between two instants; ``working_days`` in units of the company's working day."""

    duration: datetime.timedelta
    working_days: float
    provisional: bool


@dataclass(frozen=True)
class EffectiveDay:
    """A day of one company's effective calendar that differs from plain Monday–Friday, or is named."""

    date: datetime.date
    is_working: bool
    kind: str
    name: str
    source: str  # "statutory" or "company"
    company_day_id: int | None = None


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
            days = self._days[year] = self._load(year)
        return days

    def _load(self, year: int) -> dict[datetime.date, bool]:
        """The year's statutory and company days, and the confirmed years when not read yet, in one query."""
        no_date, no_flag = Value(None, output_field=DateField()), Value(None, output_field=BooleanField())
        no_year = Cast(Value(None), output_field=IntegerField())  # typed: PostgreSQL reads a bare NULL as text
        statutory = StatutoryDay.objects.filter(date__year=year).order_by().values_list(
            Value("statutory"), "date", "is_working", no_year)
        company = CompanyCalendarDay.objects.filter(company_id=self.company.pk, date__year=year).order_by().values_list(
            Value("company"), "date", "is_working", no_year)
        years = ([CalendarYear.objects.order_by().values_list(Value("year"), no_date, no_flag, "year")]
                 if self._confirmed is None else [])
        found: dict[str, dict] = {"statutory": {}, "company": {}, "year": {}}
        for source, day, working, confirmed in statutory.union(company, *years):
            found[source][day or confirmed] = working
        if self._confirmed is None:
            self._confirmed = set(found["year"])
        # Company days win over the statutory calendar (a shutdown inside a make-up week, an extra shift on a
        # holiday): applied second.
        return found["statutory"] | found["company"]

    def is_confirmed(self, year: int) -> bool:
        if self._confirmed is None:
            self._year(year)
        return year in self._confirmed

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.is_confirmed(day.year):
            self.touched_unconfirmed = True
        override = self._year(day.year).get(day)
        if override is not None:
            return override
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        for _i in range(MAX_DAYS):
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within ten years")

    def nth_working_day_after(self, day: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``day``, ``day`` itself being day 0 whatever kind of day it is.

        Seed 004 §5.1 ("自客户收到产品后3个工作日内"): goods received on a Saturday or a public holiday give the
        customer three working days, not four (the receipt day is not moved to the next working day first).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        for _i in range(days):
            day = self.next_working_day(day)
        return day

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
        for _i in range(days):
            day = self.next_working_day(day)
        return self._result(self._at(day, base.time()))

    def add_working_hours(self, start: datetime.datetime, hours: float) -> Deadline:
        """The instant when ``hours`` of working time have passed since ``start``."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        self.touched_unconfirmed = False
        remaining = datetime.timedelta(hours=hours)
        current = self.working_start(start)
        for _i in range(MAX_DAYS):
            # Wall-clock arithmetic inside one working day: DST changes happen
            # at night, never between work_start and work_end.
            available = self._at(current.date(), self.work_end) - current
            if remaining <= available:
                return self._result(current + remaining)
            remaining -= available
            current = self._at(self.next_working_day(current.date()), self.work_start)
        raise ValueError("deadline beyond ten years")

    def working_time_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time inside [start, end); negative when end is before start."""
        return self.measure(start, end).duration

    def working_days_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Elapsed working time expressed in working days (one day = the company's working hours)."""
        return self.measure(start, end).working_days

    def day_length(self) -> datetime.timedelta:
        return datetime.datetime.combine(datetime.date(2000, 1, 3), self.work_end) - datetime.datetime.combine(
            datetime.date(2000, 1, 3), self.work_start
        )

    def measure(self, start: datetime.datetime, end: datetime.datetime) -> WorkingTime:
        """Working time between two instants, in time and in working days, with its provisional flag."""
        if end < start:
            backwards = self.measure(end, start)
            return WorkingTime(-backwards.duration, -backwards.working_days, backwards.provisional)
        self.touched_unconfirmed = False
        start_local, end_local = self._local(start), self._local(end)
        if (end_local.date() - start_local.date()).days > MAX_DAYS:
            raise ValueError("period longer than ten years")
        total = datetime.timedelta()
        day = start_local.date()
        while day <= end_local.date():
            if self.is_working_day(day):
                window_start = max(self._at(day, self.work_start), start_local)
                window_end = min(self._at(day, self.work_end), end_local)
                if window_end > window_start:
                    total += window_end - window_start
            day += datetime.timedelta(days=1)
        provisional = self.touched_unconfirmed
        self.touched_unconfirmed = False
        return WorkingTime(duration=total, working_days=total / self.day_length(), provisional=provisional)


def effective_days(company, year: int) -> list[EffectiveDay]:
    """The company's calendar for a year: every statutory day and company day, company days winning."""
    days: dict[datetime.date, EffectiveDay] = {
        d.date: EffectiveDay(d.date, d.is_working, d.kind, d.name, "statutory")
        for d in StatutoryDay.objects.filter(date__year=year)
    }
    for d in CompanyCalendarDay.objects.filter(company_id=company.pk, date__year=year):
        days[d.date] = EffectiveDay(d.date, d.is_working, d.kind, d.name, "company", d.pk)
    return [days[key] for key in sorted(days)]


def holiday_summary(year: int) -> list[dict[str, Any]]:
    """The statutory holidays of a year as spans with their names and make-up working days.

    Holidays of one name are grouped (春节 2026-02-15 – 2026-02-23, 9 days;
    make-up days 2026-02-14, 2026-02-28), in date order.
    """
    groups: dict[str, dict[str, Any]] = {}
    for day in StatutoryDay.objects.filter(date__year=year).order_by("date"):
        name = day.name or (_("holiday") if not day.is_working else _("make-up working day"))
        group = groups.setdefault(name, {"name": name, "holidays": [], "makeup": []})
        (group["makeup"] if day.is_working else group["holidays"]).append(day.date)
    summary = []
    for group in groups.values():
        dates = group["holidays"] or group["makeup"]
        group["first"] = group["holidays"][0] if group["holidays"] else None
        group["last"] = group["holidays"][-1] if group["holidays"] else None
        group["count"] = len(group["holidays"])
        group["sort"] = dates[0]
        summary.append(group)
    return sorted(summary, key=lambda g: g["sort"])


def missing_calendar_years(today: datetime.date | None = None) -> list[int]:
    """Years whose statutory calendar administrators should load now: this year, and next year from November."""
    today = today or timezone.localdate()
    wanted = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_DUE:
        wanted.append(today.year + 1)
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
    rows: dict[datetime.date, Any] = {}
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


# -- access -----------------------------------------------------------------

def can_import(user) -> bool:
    """Loading the State Council calendar for a year is for administrators."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role("admin")))


def visible_companies(user):
    """Companies whose calendar the user may see: their own (or their group's); every one for superusers."""
    from kesu.accounts.models import Company

    if not getattr(user, "is_authenticated", False):
        return Company.objects.none()
    if user.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(pk__in=user.visible_company_ids())


def _check_company(actor, company_id: int) -> None:
    if not (actor.is_superuser or company_id in actor.visible_company_ids()):
        raise PermissionDenied


@contextlib.contextmanager
def _acting(actor, source: str):
    """Attribute the writes to ``actor``, keeping the channel a page or API request already set."""
    if current_actor().user == actor:  # the same person (models compare by primary key)
        yield
    else:
        with acting_as(actor, source):
            yield


# -- company days -----------------------------------------------------------

COMPANY_KINDS = {DayKind.SHUTDOWN.value: False, DayKind.EXTRA_SHIFT.value: True}  # kind → is_working


def statutory_is_working(day: datetime.date) -> bool:
    """Whether the national calendar (without company days) makes this a working day."""
    entry = StatutoryDay.objects.filter(date=day).values_list("is_working", flat=True).first()
    return entry if entry is not None else day.weekday() < 5


def validate_company_day(
    *, company, date: datetime.date, is_working: bool | None, kind: str, name: str, exclude_pk: int | None = None
) -> bool:
    """The rules of a company day; returns ``is_working`` (derived from the kind when not given).

    A shutdown must turn a working day into a day off and an extra shift a day
    off into a working day: anything else changes nothing and would only
    mislead whoever reads the calendar. One company day per date.
    """
    if kind not in COMPANY_KINDS:
        raise ValidationError({"kind": _("Choose a company shutdown or an extra working day.")})
    expected = COMPANY_KINDS[kind]
    if is_working is None:
        is_working = expected
    elif is_working != expected:
        raise ValidationError({"is_working": _("A company shutdown is a day off and an extra shift is a working "
                                               "day; “working day” contradicts the kind.")})
    if not isinstance(date, datetime.date) or not (MIN_YEAR <= date.year <= MAX_YEAR):
        raise ValidationError({"date": _("Enter a date between %(first)d and %(last)d.")
                               % {"first": MIN_YEAR, "last": MAX_YEAR}})
    if len(name or "") > 100:
        raise ValidationError({"name": _("The name is too long (at most 100 characters).")})
    existing = CompanyCalendarDay.objects.filter(company_id=company.pk, date=date).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise ValidationError({"date": _("%(date)s already has a company day (%(kind)s); remove it first.")
                               % {"date": date.isoformat(), "kind": existing.get_kind_display()}})
    statutory_working = statutory_is_working(date)
    if is_working and statutory_working:
        raise ValidationError({"date": _("%(date)s is already a working day; an extra shift is only for a day off.")
                               % {"date": date.isoformat()}})
    if not is_working and not statutory_working:
        raise ValidationError({"date": _("%(date)s is already a day off; a shutdown is only for a working day.")
                               % {"date": date.isoformat()}})
    return is_working


def company_day_set(
    *, actor, company, date: datetime.date, is_working: bool | None = None, kind: str, name: str = ""
) -> CompanyCalendarDay:
    """Record a company's own shutdown or extra shift on one date (issue 2 §3).

    ``is_working`` may be left out: a shutdown is a day off, an extra shift a
    working day; when given it must agree with the kind.
    """
    if not actor.has_perm("core.add_companycalendarday"):
        raise PermissionDenied
    _check_company(actor, company.pk)
    name = (name or "").strip()
    with _acting(actor, "system"), transaction.atomic():
        is_working = validate_company_day(company=company, date=date, is_working=is_working, kind=kind, name=name)
        try:
            with transaction.atomic():
                return CompanyCalendarDay.objects.create(
                    company=company, date=date, is_working=is_working, kind=kind, name=name
                )
        except IntegrityError as error:  # a concurrent request added the same date first
            raise ValidationError({"date": _("%(date)s already has a company day; remove it first.")
                                   % {"date": date.isoformat()}}) from error


def company_day_delete(*, actor, day: CompanyCalendarDay) -> None:
    """Remove a company day: the date falls back to the statutory calendar."""
    if not actor.has_perm("core.delete_companycalendarday"):
        raise PermissionDenied
    _check_company(actor, day.company_id)
    with _acting(actor, "system"), transaction.atomic():
        day.delete()


# -- yearly import ------------------------------------------------------------

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 400  # a year has 366 days; more rows means the wrong file


@dataclass
class ImportResult:
    """The outcome of a yearly import: ``ok`` and counts, or every rejected row."""

    ok: bool
    year: int | None = None
    count: int = 0
    errors: list[dict] = field(default_factory=list)


# Words accepted in the type column. "调休" alone is refused on purpose: in
# notices and in speech it names both the day off in lieu and the make-up
# working day, so it cannot decide either way.
OFF_WORDS = {"holiday", "off", "rest", "day off", "休", "假", "放假", "休息", "休假", "节假日", "節假日", "假日"}
ON_WORDS = {"workday", "work", "working", "makeup", "make-up", "班", "上班", "补班", "補班", "调休上班", "調休上班",
            "工作日"}
HEADER_WORDS = {"date", "日期"}

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> datetime.date | None:
    """A date cell as people type it: 2027-01-01, 2027/1/1, 2027.1.1, 2027年1月1日, 20270101, or an Excel date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _field_labels() -> dict[str, str]:
    return {"file": _("file"), "year": _("year"), "date": _("date"), "type": _("type"), "name": _("name")}


def _error(row: int, field_name: str, value: Any, message: str) -> dict[str, Any]:
    """One rejected row: ``field`` is the stable column key, ``label`` its name in the user's language."""
    return {"row": row, "field": field_name, "label": _field_labels()[field_name],
            "value": "" if value is None else str(value)[:100], "message": message}


def _upload_error(message: str) -> ImportResult:
    return ImportResult(ok=False, errors=[_error(0, "file", "", message)])


def read_calendar_file(upload) -> list[tuple[int, list[Any]]]:
    """Rows (1-based number, cells) of an uploaded .csv or .xlsx, after checking name, size and content."""
    name = (upload.name or "").lower()
    if not (name.endswith(".csv") or name.endswith(".xlsx")):
        raise ValidationError(_("Only .csv and .xlsx files can be imported."))
    if upload.size > MAX_UPLOAD_BYTES:  # counted by Django's upload handlers as the bytes arrived
        raise ValidationError(_("The file is larger than 1 MB."))
    content = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        from .importexport import ImportError_, inspect_xlsx

        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ValidationError(_("The file is not a valid Excel .xlsx workbook."))
        try:
            inspect_xlsx(io.BytesIO(content))  # what the zip unpacks to, before openpyxl opens it (issue 15 §2)
        except ImportError_ as error:
            raise ValidationError(str(error)) from error
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
            rows = []
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS * 3:  # read-only sheets can claim a million empty rows
                    break
                rows.append((number, list(row)))
            workbook.close()
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ValidationError(_("The file is not a valid Excel .xlsx workbook.")) from error
        return rows
    if b"\x00" in content:
        raise ValidationError(_("The file is not a text CSV file (is it a workbook renamed to .csv?)."))
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 is the superset of GBK that Chinese Excel writes
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The CSV file must be encoded as UTF-8 or GBK."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
    except csv.Error as error:  # e.g. one cell longer than the csv module's field limit (131,072 characters)
        raise ValidationError(_("The CSV file could not be read: one of its cells is too long or badly "
                                "quoted.")) from error


def statutory_year_import(*, actor, upload, year: int | None = None) -> ImportResult:
    """Replace one year of the statutory calendar from a file; all rows or none.

    Columns: date, type, name; a first row naming the columns is skipped. The
    type is ``holiday`` (休, 假, 放假 …) or ``workday`` (班, 上班, 补班 …).
    Rows are refused, each with its row number, field and reason, for: a date
    that cannot be read; an unknown type; a date outside the year (``year``,
    or when not given the year most rows are in); a date listed twice; a name
    over 100 characters; and a *workday* on Monday–Friday — a make-up working
    day always moves a weekend day, so a weekday there means a mistyped date.
    A *holiday* on a weekend is accepted: the notice's holiday spans include
    their weekends (春节 2026-02-15 is a Sunday). Nothing is saved unless
    every row is good; then the year's statutory days are replaced and the
    year is marked confirmed, with the file name and importer as its source.
    """
    if not can_import(actor):
        raise PermissionDenied
    if year is not None and not (MIN_YEAR <= year <= MAX_YEAR):
        return ImportResult(ok=False, errors=[_error(0, "year", year, _(
            "Enter a year between %(first)d and %(last)d.") % {"first": MIN_YEAR, "last": MAX_YEAR})])
    try:
        rows = read_calendar_file(upload)
    except ValidationError as error:
        return _upload_error(" ".join(error.messages))

    errors: list[dict] = []

    def reject(row: int, field_name: str, value: Any, message: str) -> None:
        errors.append(_error(row, field_name, value, message))

    candidates: list[tuple[int, datetime.date, bool, str]] = []
    seen_data = False
    for number, values in rows:
        cells = [("" if v is None else v) for v in values] + ["", "", ""]
        raw_date, raw_type, raw_name = cells[0], str(cells[1]).strip(), str(cells[2]).strip()
        if not any(str(c).strip() for c in cells):
            continue
        if not seen_data and str(raw_date).strip().lower() in HEADER_WORDS:
            seen_data = True
            continue
        seen_data = True
        if len(candidates) + len(errors) >= MAX_ROWS:
            return _upload_error(_("The file has more than %(max)d rows; a year has at most 366 days.")
                                 % {"max": MAX_ROWS})
        day = parse_date(raw_date)
        if day is None:
            reject(number, "date", raw_date, _("“%(value)s” is not a date (use YYYY-MM-DD).")
                   % {"value": str(raw_date)[:40]})
            continue
        kind = raw_type.lower()
        if kind in OFF_WORDS:
            is_working = False
        elif kind in ON_WORDS:
            is_working = True
        else:
            reject(number, "type", raw_type, _("“%(value)s” is not a type: write holiday (休) or workday (班).")
                   % {"value": raw_type[:40]})
            continue
        if len(raw_name) > 100:
            reject(number, "name", raw_name, _("The name is too long (at most 100 characters)."))
            continue
        candidates.append((number, day, is_working, raw_name))

    if year is None and candidates:
        # The year most rows are in; the others are reported as outside it.
        year = Counter(day.year for _n, day, _w, _name in candidates).most_common(1)[0][0]
    parsed: dict[datetime.date, tuple[bool, str, int]] = {}
    for number, day, is_working, name in candidates:
        if day.year != year:
            reject(number, "date", day.isoformat(), _("%(date)s is outside %(year)d; import one year at a time.")
                   % {"date": day.isoformat(), "year": year})
            continue
        if day in parsed:
            reject(number, "date", day.isoformat(), _("%(date)s is already in row %(row)d.")
                   % {"date": day.isoformat(), "row": parsed[day][2]})
            continue
        if is_working and day.weekday() < 5:
            reject(number, "type", day.isoformat(), _(
                "%(date)s is a weekday, a working day anyway; a make-up working day falls on a Saturday or "
                "Sunday. Check the date.") % {"date": day.isoformat()})
            continue
        parsed[day] = (is_working, name, number)
    errors.sort(key=lambda e: e["row"])
    if not parsed and not errors:
        return _upload_error(_("The file has no calendar rows."))
    if errors or year is None:
        return ImportResult(ok=False, year=year, errors=errors)

    # Always recorded as an import, whichever page or command ran it.
    with acting_as(actor, "import"), transaction.atomic():
        StatutoryDay.objects.filter(date__year=year).delete()
        StatutoryDay.objects.bulk_create([
            StatutoryDay(date=d, is_working=w, kind=DayKind.MAKEUP if w else DayKind.HOLIDAY, name=n)
            for d, (w, n, _row) in sorted(parsed.items())
        ])
        source = f"{upload.name[:120]} · {actor.get_username()}"
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        from .audit import record_bulk

        # Statutory days are national data without a company; one summary
        # entry keeps who loaded which file (issue 2 §5).
        record_bulk(StatutoryDay, count=len(parsed), company_id=None,
                    note=f"statutory calendar {year}: {upload.name[:120]}")
    return ImportResult(ok=True, year=year, count=len(parsed))


def import_template_xlsx(year: int) -> io.BytesIO:
    """An example file for the yearly import, in the columns the importer reads, with instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "calendar"
    sheet.append(["date", "type", "name"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    first_saturday_of_february = datetime.date(year, 2, 1) + datetime.timedelta(
        days=(5 - datetime.date(year, 2, 1).weekday()) % 7
    )
    for row in (
        [datetime.date(year, 1, 1), "holiday", "元旦"],
        [first_saturday_of_february, "workday", "春节"],
        [datetime.date(year, 10, 1), "holiday", "国庆节"],
    ):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["C"].width = 20
    notes = workbook.create_sheet("README")
    for line in (
        _("Example rows only: replace them with the days of the State Council notice for the year."),
        _("One row per day that differs from Monday–Friday, in the first sheet."),
        _("date: YYYY-MM-DD (2027/1/1 and Excel dates also work); all dates in one year."),
        _("type: holiday (also 休, 假, 放假) or workday (also 班, 上班, 补班). List every day of a holiday span."),
        _("name: the holiday, e.g. 春节; for a make-up working day, the holiday it belongs to."),
        _("A workday on Monday–Friday is refused (a make-up day is always a Saturday or Sunday)."),
    ):
        notes.append([str(line)])
    notes.column_dimensions["A"].width = 100
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream
