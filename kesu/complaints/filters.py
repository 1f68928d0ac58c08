"""Filters for the complaint list, shared by the list page and the REST API (conventions: filters.py)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet

from .choices import OPEN_STATUSES, Priority, Responsibility, Severity, Status, WarningClass
from .models import Complaint, Deadline, DispositionLine
from .search import search_complaints
from .selectors import complaints_visible_to, with_deadline_state


def overdue_deadline_exists() -> Exists:
    """An open deadline past due on the row's complaint (one subquery, not one query per row); the closure target
    is one of the deadlines (issue 18 §11), so a complaint not closed in time is overdue."""
    return Exists(Deadline.objects.filter(
        complaint=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True, due_at__lt=timezone.now(),
    ))


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the active time zone (the user's company), as ``__date`` lookups count days."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ComplaintFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    # Issue 17 §7: the list page shows open complaints unless told otherwise (a removable chip); empty = any.
    open = django_filters.BooleanFilter(method="filter_open", label=_("not closed"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))
    part_no = django_filters.CharFilter(field_name="part__part_no", lookup_expr="iexact", label=_("part number"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    # With the blank choice first: without it the select showed the first priority as if it were chosen.
    priority = django_filters.TypedChoiceFilter(choices=[*BLANK_CHOICE_DASH, *Priority.choices], coerce=int,
                                                label=_("priority"))
    # Issue 18 §11: the lot / batch / serial number of the complaint or of one of its disposition lines (prefix).
    lot = django_filters.CharFilter(method="filter_lot", label=_("lot / batch / serial number"))
    # The analyses group a group's companies by category code (and defect type code): their drill-down.
    category_code = django_filters.CharFilter(field_name="category__code", label=_("category code"))
    defect_type_code = django_filters.CharFilter(field_name="defect_type__code", label=_("defect type code"))
    # ...and the overdue backlog groups them by department code (issue 17 §5).
    department_code = django_filters.CharFilter(field_name="department__code", label=_("department code"))
    warning_class = django_filters.ChoiceFilter(choices=WarningClass.choices, label=_("early-warning class"))
    responsibility = django_filters.ChoiceFilter(choices=Responsibility.choices, label=_("responsibility"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    # ISO 10002 §8.5 (issue 22 §4): complaints flagged as repeats by kesu.prevention.
    repeat = django_filters.BooleanFilter(field_name="repeat_flag", lookup_expr="isnull", exclude=True,
                                          label=_("repeat complaint"))
    # Ranges on the stored instant (not a date() of it) so the (company, received_at) index serves them.
    received_from = django_filters.DateFilter(method="filter_received_from", label=_("received from"))
    received_to = django_filters.DateFilter(method="filter_received_to", label=_("received to"))
    # Drill-down from the analyses (kesu/reports/analyses.py): each chart links to exactly its complaints.
    company = django_filters.NumberFilter(field_name="company_id", label=_("company"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("customer"))
    part = django_filters.NumberFilter(field_name="part_id", label=_("part"))
    counted = django_filters.BooleanFilter(method="filter_counted", label=_("counted in analyses"))
    defect = django_filters.CharFilter(method="filter_defect", label=_("defect nature"))
    part_missing = django_filters.BooleanFilter(field_name="part", lookup_expr="isnull", label=_("no part"))
    category_missing = django_filters.BooleanFilter(field_name="category", lookup_expr="isnull",
                                                    label=_("no category"))
    department_missing = django_filters.BooleanFilter(field_name="department", lookup_expr="isnull",
                                                      label=_("no department"))
    defect_missing = django_filters.BooleanFilter(method="filter_defect_missing", label=_("no defect nature"))
    reopened = django_filters.BooleanFilter(method="filter_reopened", label=_("reopened"))
    closure_days_min = django_filters.NumberFilter(method="filter_closure_days", label=_("closed after at least (days)"))
    closure_days_max = django_filters.NumberFilter(method="filter_closure_days", label=_("closed after at most (days)"))
    response_hours_min = django_filters.NumberFilter(method="filter_hours",
                                                     label=_("first response after at least (hours)"))
    response_hours_max = django_filters.NumberFilter(method="filter_hours",
                                                     label=_("first response after at most (hours)"))

    class Meta:
        model = Complaint
        fields = ["status", "open", "customer_code", "part_no", "lot", "category", "severity", "priority", "warning_class", "owner",
                  "department", "responsibility", "overdue", "repeat", "received_from", "received_to", "company", "customer",
                  "part", "counted", "defect", "part_missing", "category_missing", "department_missing",
                  "defect_missing", "reopened", "closure_days_min", "closure_days_max", "response_hours_min",
                  "response_hours_max", "category_code", "defect_type_code", "department_code"]

    DRILL_DOWN = ("company", "customer", "part", "counted", "defect", "part_missing", "category_missing",
                  "category_code", "defect_type_code", "department_code",
                  "department_missing", "defect_missing", "reopened", "closure_days_min", "closure_days_max",
                  "response_hours_min", "response_hours_max")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set by links from the analyses, not typed by hand: carried along as hidden inputs.
        for name in self.DRILL_DOWN:
            self.form.fields[name].widget = forms.HiddenInput()

    @property
    def drilled_down(self) -> bool:
        return any(self.data.get(name) not in (None, "") for name in self.DRILL_DOWN)

    def filter_received_from(self, queryset: QuerySet, name: str, value):
        return queryset.filter(received_at__gte=_day_start(value)) if value else queryset

    def filter_received_to(self, queryset: QuerySet, name: str, value):
        return queryset.filter(received_at__lt=_day_start(value + datetime.timedelta(days=1))) if value else queryset

    def filter_counted(self, queryset: QuerySet, name: str, value):
        from kesu.surveys.indicators import NOT_COUNTED_STATUSES

        if value is None:
            return queryset
        return queryset.exclude(status__in=NOT_COUNTED_STATUSES) if value else queryset.filter(
            status__in=NOT_COUNTED_STATUSES)

    def filter_defect(self, queryset: QuerySet, name: str, value):
        # The analyses merge defect natures differing only in spacing; the drill-down matches the trimmed text.
        return queryset.filter(defect_nature__iexact=" ".join(value.split())) if value else queryset

    def filter_defect_missing(self, queryset: QuerySet, name: str, value):
        if value is None:
            return queryset
        return queryset.filter(defect_nature="") if value else queryset.exclude(defect_nature="")

    def filter_reopened(self, queryset: QuerySet, name: str, value):
        if value is None:
            return queryset
        return queryset.filter(reopen_count__gt=0) if value else queryset.filter(reopen_count=0)

    def filter_hours(self, queryset: QuerySet, name: str, value):
        """Elapsed whole hours from receipt to the first response, as the analyses count them."""
        from kesu.reports.analyses import ElapsedHours

        if value is None:
            return queryset
        alias = f"_{name}"
        queryset = queryset.alias(**{alias: ElapsedHours("received_at", "first_response_at")}).filter(
            first_response_at__isnull=False)
        return queryset.filter(**{f"{alias}__gte" if name.endswith("_min") else f"{alias}__lte": int(value)})

    def filter_closure_days(self, queryset: QuerySet, name: str, value):
        """Closed complaints by calendar days from the day received to the day closed (the user's time zone),
        as the closure-time analysis counts them."""
        from kesu.reports.analyses import closure_days

        if value is None:
            return queryset
        alias = f"_{name}"
        queryset = queryset.filter(status=Status.CLOSED, closed_at__isnull=False).alias(
            **{alias: closure_days(timezone.get_current_timezone())})
        bound = datetime.timedelta(days=int(value))
        return queryset.filter(**{f"{alias}__gte" if name.endswith("_min") else f"{alias}__lte": bound})

    def filter_lot(self, queryset: QuerySet, name: str, value):
        value = (value or "").strip()
        if not value:
            return queryset
        lines = DispositionLine.objects.filter(complaint=OuterRef("pk"), lot_number__istartswith=value)
        return queryset.filter(Q(lot_number__istartswith=value) | Q(Exists(lines)))

    def filter_open(self, queryset: QuerySet, name: str, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_overdue(self, queryset: QuerySet, name: str, value):
        if value is None:
            return queryset
        condition = overdue_deadline_exists()
        return queryset.filter(condition if value else ~condition)


def complaints_filtered(user, params) -> tuple[QuerySet, ComplaintFilter]:
    """The list the user asked for: visible complaints, filtered and searched; pages and API share it."""
    base = with_deadline_state(complaints_visible_to(user))
    filterset = ComplaintFilter(params, queryset=base, user=user)
    qs = filterset.qs if filterset.is_valid() else base.none()
    return search_complaints(qs, params.get("q", "")), filterset


def complaints_queried(user, params) -> QuerySet:
    """The list of :func:`complaints_filtered` without its bound form (the API and its exports): when no filter is
    asked for, the filter set (forty fields copied and a form validated, a third of an API page's time) is not
    built at all."""
    if any(params.get(name) not in (None, "") for name in ComplaintFilter.base_filters):
        return complaints_filtered(user, params)[0]
    return search_complaints(with_deadline_state(complaints_visible_to(user)), params.get("q", ""))
