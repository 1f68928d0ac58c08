"""Base filter set: choices offered in filters are limited to what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

BOOLEAN_CHOICES = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        from kesu.accounts.models import Company

        self.user = user
        for filter_ in self.filters.values():
            field = filter_.field
            if not isinstance(field, forms.ModelChoiceField) or user is None:
                continue
            model = field.queryset.model
            if model is Company:
                field.queryset = Company.objects.all() if user.is_superuser else Company.objects.filter(
                    pk__in=user.visible_company_ids()
                )
            elif hasattr(model.objects, "visible_to"):
                field.queryset = model.objects.visible_to(user)
        for filter_ in self.filters.values():
            if isinstance(filter_.field.widget, forms.NullBooleanSelect):
                # "Any / Yes / No" rather than Django's "Unknown / Yes / No" (issue 17 §7: no filter reads 未知).
                filter_.field.widget = forms.Select(choices=BOOLEAN_CHOICES)
            widget = filter_.field.widget
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


def apply_filters(filterset_class, base, user, params, *ordering):
    """(filtered and ordered queryset, bound filter set); invalid filters give an empty list, never everything."""
    filterset = filterset_class(params, queryset=base, user=user)
    qs = filterset.qs if filterset.is_valid() else base.none()
    return qs.order_by(*ordering), filterset
