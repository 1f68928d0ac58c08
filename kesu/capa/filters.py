"""Filters of the action list, shared by the page, the Excel export and the REST API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.core.filters_base import ScopedFilterSet, apply_filters

from .choices import ActionFormat, ActionKind, ActionStatus, SourceKind
from .models import CorrectiveAction, NonconformingReport
from .selectors import action_list, ncrs_visible_to


class ActionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("number or title"))
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, label=_("status"))
    # Not "format": ?format=xlsx asks for the Excel export.
    report_format = django_filters.ChoiceFilter(field_name="format", choices=ActionFormat.choices, label=_("format"))
    kind = django_filters.ChoiceFilter(choices=ActionKind.choices, label=_("kind"))
    origin = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("raised from"))
    customer_code = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact",
                                              label=_("customer code"))
    overdue = django_filters.BooleanFilter(field_name="has_overdue", label=_("overdue"))
    complaint = django_filters.NumberFilter(method="filter_complaint", label=_("complaint"))

    class Meta:
        model = CorrectiveAction
        fields = ["q", "status", "report_format", "kind", "origin", "responsible_department", "owner", "customer_code",
                  "overdue"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset

    def filter_complaint(self, queryset: QuerySet, name: str, value) -> QuerySet:
        from django.contrib.contenttypes.models import ContentType

        from kesu.complaints.models import Complaint

        ct = ContentType.objects.get_for_model(Complaint)
        return queryset.filter(links__content_type=ct, links__object_id=value).distinct()


def actions_filtered(user, params) -> tuple[QuerySet, ActionFilter]:
    return apply_filters(ActionFilter, action_list(user), user, params, "-raised_at", "-id")


class NcrFilter(ScopedFilterSet):
    class Meta:
        model = NonconformingReport
        fields = ["status", "disposition", "responsible_department"]


def ncrs_filtered(user, params) -> tuple[QuerySet, NcrFilter]:
    base = ncrs_visible_to(user).select_related("responsible_department", "part", "complaint", "issued_by")
    return apply_filters(NcrFilter, base, user, params, "-issued_at", "-id")
