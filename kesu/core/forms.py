"""Forms of the working calendar pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calendar import MAX_YEAR, MIN_YEAR, parse_date
from .models import DayKind


class CompanyDayForm(forms.Form):
    """A company shutdown or extra shift; whether it is a working day follows from the kind."""

    company = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.CharField(
        label=_("date"), max_length=20, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("YYYY-MM-DD"),
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[(DayKind.SHUTDOWN.value, DayKind.SHUTDOWN.label), (DayKind.EXTRA_SHIFT.value, DayKind.EXTRA_SHIFT.label)],
        help_text=_("A shutdown makes a working day a day off; an extra shift makes a day off a working day."),
    )
    name = forms.CharField(label=_("name"), max_length=100, required=False)

    def clean_date(self) -> datetime.date:
        day = parse_date(self.cleaned_data["date"])
        if day is None:
            raise forms.ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid")
        if not (MIN_YEAR <= day.year <= MAX_YEAR):
            raise forms.ValidationError(_("Enter a date between %(first)d and %(last)d."),
                                        params={"first": MIN_YEAR, "last": MAX_YEAR}, code="invalid")
        return day

    def cleaned_data_for_service(self) -> dict:
        return {
            "date": self.cleaned_data["date"],
            "kind": self.cleaned_data["kind"],
            "name": self.cleaned_data["name"],
        }


class CalendarImportForm(forms.Form):
    """One year of the State Council calendar as a .csv or .xlsx file."""

    year = forms.IntegerField(
        label=_("year"), min_value=MIN_YEAR, max_value=MAX_YEAR,
        help_text=_("Every date in the file must fall in this year."),
    )
    file = forms.FileField(
        label=_("Calendar file (.csv or .xlsx)"),
        help_text=_("At most 1 MB; CSV encoded as UTF-8 or GBK."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
