"""The analyses' filter (issue 7 §2), shared by the page, its Excel export and the REST API.

A GET form: company (one of the visible ones, blank for all of them), a period of calendar days, and optional
narrowing by customer code, part number, category and responsibility. Codes are resolved to ids within the
companies looked at, so another company's customer is simply unknown. A company the user may not see is
refused with PermissionDenied rather than a form error, so pages answer 403 and the API 403 as for any record
outside the user's companies.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Company
from kesu.complaints.choices import Responsibility
from kesu.complaints.models import ComplaintCategory
from kesu.customers.models import Customer, Part

from . import analyses

MAX_YEARS = 10


def visible_companies(user) -> list[Company]:
    """The companies the user may report on, by code (one query)."""
    qs = Company.objects.order_by("code")
    if not user.is_superuser:
        qs = qs.filter(pk__in=user.visible_company_ids())
    return list(qs)


def user_today(user) -> datetime.date:
    """Today in the user's company's time zone (the active one otherwise)."""
    company = getattr(user, "company", None)
    return timezone.localdate(timezone.now(), company.tz) if company is not None else timezone.localdate()


def company_choice(user, value, companies: list[Company]) -> Company | None:
    """The company named by ``value`` (an id) among ``companies``; PermissionDenied when it is not one of them;
    None for blank."""
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise PermissionDenied from None
    for company in companies:
        if company.pk == pk:
            return company
    raise PermissionDenied


class AnalysisForm(forms.Form):
    company = forms.TypedChoiceField(label=_("company"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    customer_code = forms.CharField(label=_("customer code"), required=False, max_length=50)
    part_no = forms.CharField(label=_("part number"), required=False, max_length=100)
    category = forms.TypedChoiceField(label=_("category"), required=False, coerce=int, empty_value=None)
    responsibility = forms.ChoiceField(label=_("responsibility"), required=False,
                                       choices=[("", "—"), *Responsibility.choices])

    def __init__(self, data=None, *, user, **kwargs):
        data = data.copy() if data is not None else {}
        self.user = user
        self.companies = visible_companies(user)
        # A company outside the user's is refused before anything is read (see the module docstring).
        self.chosen_company = company_choice(user, data.get("company"), self.companies)
        today = user_today(user)
        self.default_from, self.default_to = datetime.date(today.year, 1, 1), today
        for name, default in (("date_from", self.default_from), ("date_to", self.default_to)):
            if not data.get(name):
                data[name] = default.isoformat()
        super().__init__(data, **kwargs)
        several = len(self.companies) > 1
        self.fields["company"].choices = [("", _("All my companies"))] + [
            (c.pk, f"{c.code} {c}") for c in self.companies]
        ids = [self.chosen_company.pk] if self.chosen_company else [c.pk for c in self.companies]
        categories = ComplaintCategory.objects.filter(company_id__in=ids).select_related("company").order_by(
            "company__code", "code")
        self.fields["category"].choices = [("", "—")] + [
            (c.pk, f"{c.company.code} · {c.name}" if several and not self.chosen_company else c.name)
            for c in categories]
        self.company_ids = ids
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else \
                "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean_customer_code(self):
        code = self.cleaned_data.get("customer_code", "").strip()
        if not code:
            return None
        found = list(Customer.objects.filter(company_id__in=self.company_ids, code__iexact=code).values_list(
            "pk", flat=True)[:2])
        if not found:
            raise forms.ValidationError(_("No customer with the code “%(code)s” in these companies.") % {"code": code})
        if len(found) > 1:
            raise forms.ValidationError(_("Several companies have a customer “%(code)s”: choose the company.")
                                        % {"code": code})
        return found[0]

    def clean_part_no(self):
        number = self.cleaned_data.get("part_no", "").strip()
        if not number:
            return None
        found = list(Part.objects.filter(company_id__in=self.company_ids, part_no__iexact=number).values_list(
            "pk", flat=True)[:2])
        if not found:
            raise forms.ValidationError(_("No part with the number “%(number)s” in these companies.")
                                        % {"number": number})
        if len(found) > 1:
            raise forms.ValidationError(_("Several companies have a part “%(number)s”: choose the company.")
                                        % {"number": number})
        return found[0]

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            if date_from > date_to:
                self.add_error("date_to", _("The end of the period must not be before its start."))
            elif date_to.year - date_from.year > MAX_YEARS or (
                    date_to - date_from).days > MAX_YEARS * 366:
                self.add_error("date_from", _("The period may span at most %(n)s years.") % {"n": MAX_YEARS})
        return data

    def scope(self) -> analyses.Scope:
        """The analysis scope of a valid form (the user's companies, or the one chosen)."""
        data = self.cleaned_data
        try:
            return analyses.scope_for(
                self.user, date_from=data["date_from"], date_to=data["date_to"],
                company_id=self.chosen_company.pk if self.chosen_company else None,
                customer_id=data.get("customer_code"), part_id=data.get("part_no"),
                category_id=data.get("category"), responsibility=data.get("responsibility") or "")
        except PermissionError as error:
            raise PermissionDenied from error

    def errors_by_field(self) -> list[dict]:
        """The errors as ``[{"loc": ["query", field], "msg": text}]`` for the API's 422 answer."""
        return [{"loc": ["query", field], "msg": " ".join(str(m) for m in messages)}
                for field, messages in self.errors.items()]


class MonthField(forms.CharField):
    """``YYYY-MM`` → the first of that month."""

    default_error_messages = {"invalid": _("Give a month as YYYY-MM.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class SummaryForm(forms.Form):
    """The monthly summary's company and month (default: the user's own company, this month)."""

    company = forms.TypedChoiceField(label=_("company"), required=False, coerce=int, empty_value=None)
    month = MonthField(label=_("month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, data=None, *, user, **kwargs):
        data = data.copy() if data is not None else {}
        self.user = user
        self.companies = visible_companies(user)
        chosen = company_choice(user, data.get("company"), self.companies)
        if chosen is None:
            chosen = next((c for c in self.companies if c.pk == user.company_id), None) or (
                self.companies[0] if self.companies else None)
        self.chosen_company = chosen
        if chosen is not None:
            data["company"] = str(chosen.pk)
        if not data.get("month"):
            data["month"] = f"{user_today(user):%Y-%m}"
        super().__init__(data, **kwargs)
        self.fields["company"].choices = [(c.pk, f"{c.code} {c}") for c in self.companies]
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else \
                "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if self.chosen_company is None:
            raise forms.ValidationError(_("Your user belongs to no company."))
        month = data.get("month")
        if month and not 2000 <= month.year <= 2100:
            self.add_error("month", _("Give a month as YYYY-MM."))
        return data


class AlertFilterForm(forms.Form):
    """The trend alert list's filter: company, month, what is watched."""

    company = forms.TypedChoiceField(label=_("company"), required=False, coerce=int, empty_value=None)
    month = MonthField(label=_("month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    dimension = forms.ChoiceField(label=_("watched"), required=False)

    def __init__(self, data=None, *, user, **kwargs):
        from .choices import Dimension

        data = data if data is not None else {}
        self.user = user
        self.companies = visible_companies(user)
        self.chosen_company = company_choice(user, data.get("company"), self.companies)
        super().__init__(data, **kwargs)
        self.fields["company"].choices = [("", _("All my companies"))] + [
            (c.pk, f"{c.code} {c}") for c in self.companies]
        self.fields["dimension"].choices = [("", "—"), *Dimension.choices]
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else \
                "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if self.chosen_company is not None:
            qs = qs.filter(company_id=self.chosen_company.pk)
        if data.get("month"):
            qs = qs.filter(month=data["month"])
        if data.get("dimension"):
            qs = qs.filter(dimension=data["dimension"])
        return qs
