"""Forms of the working calendar pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DayKind


class CompanyDayForm(forms.Form):
    company = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[(DayKind.SHUTDOWN.value, DayKind.SHUTDOWN.label), (DayKind.EXTRA_SHIFT.value, DayKind.EXTRA_SHIFT.label),
                 (DayKind.HOLIDAY.value, _("local holiday"))],
    )
    name = forms.CharField(label=_("name"), max_length=100, required=False)

    def cleaned_data_for_service(self) -> dict:
        kind = self.cleaned_data["kind"]
        return {
            "date": self.cleaned_data["date"],
            "is_working": kind == DayKind.EXTRA_SHIFT,
            "kind": kind,
            "name": self.cleaned_data["name"],
        }


class CalendarImportForm(forms.Form):
    file = forms.FileField(label=_("Calendar file (.csv or .xlsx)"))
