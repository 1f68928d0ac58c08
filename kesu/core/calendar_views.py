"""Working calendar pages: the year grid, company days, and the yearly statutory import (issue 2 §3)."""

from __future__ import annotations

import calendar as pycalendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from . import calendar as cal
from .forms import CalendarImportForm, CompanyDayForm
from .models import CalendarYear, CompanyCalendarDay

# kind → (css classes on the grid, legend label); the grid and the legend share it. Bootstrap's
# table-* classes colour a cell (a plain background is overridden by .table's own cell colour).
CELL_KINDS: dict[str, tuple[str, str]] = {
    "holiday": ("cal-off table-danger", gettext_lazy("statutory holiday")),
    "makeup": ("cal-makeup table-warning fw-bold", gettext_lazy("make-up working day (调休)")),
    "weekend": ("cal-weekend table-secondary text-secondary", gettext_lazy("weekend")),
    "shutdown": ("cal-off cal-company table-danger", gettext_lazy("company shutdown")),
    "extra_shift": ("cal-makeup cal-company table-success fw-bold", gettext_lazy("extra working day")),
}


def company_for(request, wanted: str | None) -> tuple:
    """The company whose calendar is shown: ``wanted`` if the user may see it (else 404), or the user's own."""
    companies = cal.visible_companies(request.user)
    if wanted not in (None, ""):
        company = companies.filter(pk=wanted).first() if str(wanted).isdigit() else None
        if company is None:
            raise Http404
        return company, companies
    company = companies.filter(pk=request.user.company_id).first() or companies.order_by("pk").first()
    if company is None:
        raise PermissionDenied
    return company, companies


def _year_param(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, cal.MIN_YEAR), cal.MAX_YEAR)


def _months(year: int, days: dict[datetime.date, cal.EffectiveDay]) -> list[dict]:
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[dict | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                entry = days.get(day)
                if entry is not None:
                    kind = entry.kind if entry.kind in CELL_KINDS else ("makeup" if entry.is_working else "holiday")
                    if entry.is_working and kind == "holiday":
                        kind = "makeup"
                    title = f"{CELL_KINDS[kind][1]}{'：' + entry.name if entry.name else ''}"
                elif day.weekday() >= 5:
                    kind, title = "weekend", str(CELL_KINDS["weekend"][1])
                else:
                    kind, title = "", ""
                cells.append({"date": day, "css": CELL_KINDS[kind][0] if kind else "", "kind": kind,
                              "title": title})
            weeks.append(cells)
        months.append({"number": month, "weeks": weeks})
    return months


def _render_year(request, company, companies, year: int, form: CompanyDayForm | None = None):
    days = {d.date: d for d in cal.effective_days(company, year)}
    can_add = request.user.has_perm("core.add_companycalendarday")
    if can_add and form is None:
        form = CompanyDayForm(initial={"company": company.pk})
    own_days = list(CompanyCalendarDay.objects.filter(company=company, date__year=year).order_by("date"))
    return render(request, "calendar/year.html", {
        "company": company,
        "companies": companies.order_by("code") if companies.count() > 1 else None,
        "year": year,
        "months": _months(year, days),
        "legend": [{"css": css, "label": label} for css, label in CELL_KINDS.values()],
        "confirmed": CalendarYear.objects.filter(year=year).first(),
        "own_days": own_days,
        "holidays": cal.holiday_summary(year),
        "form": form if can_add else None,
        "can_delete": request.user.has_perm("core.delete_companycalendarday"),
        "can_import": cal.can_import(request.user),
        # Two-letter names fit the grid's narrow columns (一 二 三 … in Chinese).
        "weekday_names": [
            pgettext("calendar grid", "Mo"), pgettext("calendar grid", "Tu"), pgettext("calendar grid", "We"),
            pgettext("calendar grid", "Th"), pgettext("calendar grid", "Fr"), pgettext("calendar grid", "Sa"),
            pgettext("calendar grid", "Su"),
        ],
    })


@login_required
def year_view(request):
    """Twelve months of one company's effective calendar, its own days, and whether the year is confirmed."""
    company, companies = company_for(request, request.GET.get("company"))
    return _render_year(request, company, companies, _year_param(request))


@login_required
@require_POST
def day_create(request):
    """Add a shutdown or extra shift; on a refusal the page comes back with the error at the field."""
    if not request.user.has_perm("core.add_companycalendarday"):
        raise PermissionDenied
    company, companies = company_for(request, request.POST.get("company") or None)
    form = CompanyDayForm(request.POST)
    if form.is_valid():
        try:
            day = cal.company_day_set(actor=request.user, company=company, **form.cleaned_data_for_service())
        except ValidationError as error:
            for field_name, errors in error.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, _("%(date)s saved as %(kind)s.")
                             % {"date": day.date.isoformat(), "kind": day.get_kind_display()})
            return redirect(f"{reverse('calendar:year')}?company={company.pk}&year={day.date.year}")
    year = form.cleaned_data["date"].year if "date" in getattr(form, "cleaned_data", {}) else _year_param(request)
    return _render_year(request, company, companies, year, form=form)


@login_required
@require_POST
def day_delete(request, pk: int):
    if not request.user.has_perm("core.delete_companycalendarday"):
        raise PermissionDenied
    day = get_object_or_404(CompanyCalendarDay.objects.visible_to(request.user), pk=pk)
    cal.company_day_delete(actor=request.user, day=day)
    messages.success(request, _("%(date)s removed: it follows the statutory calendar again.")
                     % {"date": day.date.isoformat()})
    return redirect(f"{reverse('calendar:year')}?company={day.company_id}&year={day.date.year}")


@login_required
def import_view(request):
    """Administrators load a year of the State Council calendar; all rows or none, every bad row reported."""
    if not cal.can_import(request.user):
        raise PermissionDenied
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = cal.statutory_year_import(
            actor=request.user, upload=form.cleaned_data["file"], year=form.cleaned_data["year"]
        )
        if result.ok:
            messages.success(request, _("The %(year)d calendar has been imported: %(count)d days.")
                             % {"year": result.year, "count": result.count})
            return redirect(f"{reverse('calendar:year')}?year={result.year}")
    return render(request, "calendar/import.html", {
        "form": form, "result": result, "years": CalendarYear.objects.order_by("-year")[:5],
    })


@login_required
def import_template(request):
    if not cal.can_import(request.user):
        raise PermissionDenied
    year = timezone.localdate().year + 1
    return FileResponse(cal.import_template_xlsx(year), as_attachment=True,
                        filename=f"kesu-calendar-{year}-template.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

