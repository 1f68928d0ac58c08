"""Small template helpers shared by every page."""

from __future__ import annotations

from django import forms, template

register = template.Library()


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
