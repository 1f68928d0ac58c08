"""Working calendar pages: the year grid, company days, and the yearly statutory import."""

from __future__ import annotations

import calendar as pycalendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import calendar as cal
from .forms import CalendarImportForm, CompanyDayForm
from .models import CalendarYear, CompanyCalendarDay, StatutoryDay


def _company_for(request):
    """The company whose calendar is shown: ?company= among the visible ones, else the user's own."""
    from kesu.accounts.models import Company

    visible = Company.objects.all() if request.user.is_superuser else Company.objects.filter(
        pk__in=request.user.visible_company_ids()
    )
    wanted = request.GET.get("company") or request.POST.get("company") or request.user.company_id
    company = visible.filter(pk=wanted).first() if str(wanted or "").isdigit() else None
    if company is None:
        company = visible.order_by("pk").first()
    if company is None:
        raise PermissionDenied
    return company, visible


@login_required
def year_view(request):
    company, companies = _company_for(request)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    work = cal.WorkingCalendar(company)
    statutory = {d.date: d for d in StatutoryDay.objects.filter(date__year=year)}
    own = {d.date: d for d in CompanyCalendarDay.objects.filter(company=company, date__year=year)}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                working = work.is_working_day(day)
                entry = own.get(day) or statutory.get(day)
                css = "cal-weekend" if not working and day.weekday() >= 5 and entry is None else (
                    "cal-off" if not working else ("cal-makeup" if day.weekday() >= 5 else "")
                )
                if day in own:
                    css += " cal-company"
                cells.append({"date": day, "css": css, "title": entry.name if entry else ""})
            weeks.append(cells)
        months.append({"number": month, "weeks": weeks})
    can_edit = request.user.has_perm("core.add_companycalendarday")
    return render(request, "calendar/year.html", {
        "company": company, "companies": companies, "year": year, "months": months,
        "confirmed": CalendarYear.objects.filter(year=year).first(),
        "own_days": sorted(own.values(), key=lambda d: d.date),
        "holidays": sorted((d for d in statutory.values()), key=lambda d: d.date),
        "form": CompanyDayForm(initial={"company": company.pk}) if can_edit else None,
        "can_edit": can_edit,
        "can_import": cal.can_import(request.user),
        "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    })


@login_required
@require_POST
def day_create(request):
    if not request.user.has_perm("core.add_companycalendarday"):
        raise PermissionDenied
    company, _companies = _company_for(request)
    form = CompanyDayForm(request.POST)
    if form.is_valid():
        try:
            cal.company_day_set(actor=request.user, company=company, **form.cleaned_data_for_service())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Calendar day saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
    year = form.cleaned_data.get("date").year if form.is_valid() else ""
    return redirect(f"{reverse('calendar:year')}?company={company.pk}&year={year}")


@login_required
@require_POST
def day_delete(request, pk: int):
    if not request.user.has_perm("core.delete_companycalendarday"):
        raise PermissionDenied
    day = get_object_or_404(CompanyCalendarDay.objects.visible_to(request.user), pk=pk)
    cal.company_day_delete(actor=request.user, day=day)
    messages.success(request, _("Calendar day removed."))
    return redirect(f"{reverse('calendar:year')}?company={day.company_id}&year={day.date.year}")


@login_required
def import_view(request):
    if not cal.can_import(request.user):
        raise PermissionDenied
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = cal.statutory_year_import(actor=request.user, upload=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("The %(year)d calendar has been imported: %(count)d days.")
                             % {"year": result.year, "count": result.count})
            return redirect(f"{reverse('calendar:year')}?year={result.year}")
    return render(request, "calendar/import.html", {
        "form": form, "result": result, "years": CalendarYear.objects.order_by("-year")[:5],
    })


@login_required
def import_template(request):
    stream = cal.import_template_xlsx(timezone.localdate().year + 1)
    return FileResponse(stream, as_attachment=True, filename="kesu-calendar-template.xlsx")


