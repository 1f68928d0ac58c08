"""Small template helpers shared by every page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms, template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(needs_autoescape=True)
def readable(value, empty="", autoescape=True):
    """A value as people read it (issue 17 §3): a time in the current (the reader's) zone to the minute, a date,
    yes or no, an amount with thousands separators, text with its line breaks; ``empty`` for nothing."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value:,}"
    return linebreaksbr(value, autoescape=autoescape)


@register.filter
def bs_widget(bound_field):
    """Render a form field's widget with the Bootstrap class its kind needs (and is-invalid on error)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})
