"""Filters for the complaint list, shared by the list page and the REST API (conventions: filters.py)."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet

from .choices import Responsibility, Severity, Status, WarningClass
from .models import Complaint, Deadline
from .search import search_complaints
from .selectors import complaints_visible_to, with_deadline_state


def overdue_deadline_exists() -> Exists:
    """An open deadline past due on the row's complaint (one subquery, not one query per row)."""
    return Exists(Deadline.objects.filter(
        complaint=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True, due_at__lt=timezone.now(),
    ))


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the active time zone (the user's company), as ``__date`` lookups count days."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ComplaintFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))
    part_no = django_filters.CharFilter(field_name="part__part_no", lookup_expr="iexact", label=_("part number"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    warning_class = django_filters.ChoiceFilter(choices=WarningClass.choices, label=_("early-warning class"))
    responsibility = django_filters.ChoiceFilter(choices=Responsibility.choices, label=_("responsibility"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    # Ranges on the stored instant (not a date() of it) so the (company, received_at) index serves them.
    received_from = django_filters.DateFilter(method="filter_received_from", label=_("received from"))
    received_to = django_filters.DateFilter(method="filter_received_to", label=_("received to"))

    class Meta:
        model = Complaint
        fields = ["status", "customer_code", "part_no", "category", "severity", "warning_class", "owner",
                  "department", "responsibility", "overdue", "received_from", "received_to"]

    def filter_received_from(self, queryset: QuerySet, name: str, value):
        return queryset.filter(received_at__gte=_day_start(value)) if value else queryset

    def filter_received_to(self, queryset: QuerySet, name: str, value):
        return queryset.filter(received_at__lt=_day_start(value + datetime.timedelta(days=1))) if value else queryset

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
