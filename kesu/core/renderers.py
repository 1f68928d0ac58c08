"""The form renderer: Django's, except that selects, inputs and text areas are written in Python.

Django renders every <option> through a template of its own. A filter bar
offering a few hundred users, departments and categories then costs more
than the list's whole SQL on a million complaints, and the two dozen inputs
of a complaint's page cost a fifth of its time. The markup is the same as
Django's templates give (kesu/core/tests/test_rendering.py compares them); a
widget with templates of its own is left to them.
"""

from __future__ import annotations

from django.forms import ClearableFileInput, Select, Textarea
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Django's templates of widgets that are one <input> (each includes input.html and nothing else).
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{kind}.html" for kind in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "checkbox",
    "file", "color", "search", "tel"))


def _attrs(attrs: dict) -> SafeString:
    """Attributes in their order, as django/forms/widgets/attrs.html writes them (False: left out)."""
    return mark_safe("".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items() if value is not False
    ))


def render_input(widget: dict) -> SafeString:
    """An input widget's context as django/forms/widgets/input.html writes it."""
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return mark_safe(f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
                     f'{value}{_attrs(widget["attrs"])}>')


def render_textarea(widget: dict) -> SafeString:
    """A text area's context as django/forms/widgets/textarea.html writes it (its first newline included)."""
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return mark_safe(f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                     f'{value}</textarea>')


def render_select(widget: dict) -> SafeString:
    """A select widget's context (``Select.get_context()["widget"]``) as HTML, every value and label escaped."""
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        items = format_html_join("", '<option value="{}"{}>{}</option>', (
            ("" if option["value"] is None else option["value"], _attrs(option["attrs"]), option["label"])
            for option in options
        ))
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, items) if group_name else items)
    return format_html('<select name="{}"{}>{}</select>', widget["name"], _attrs(widget["attrs"]),
                       mark_safe("".join(groups)))


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget and (template_name in INPUT_TEMPLATES or (
                template_name == ClearableFileInput.template_name and not widget.get("is_initial"))):
            return render_input(widget)  # a file input with no file yet is one <input> too
        if widget and template_name == Textarea.template_name:
            return render_textarea(widget)
        if template_name == Select.template_name and widget and all(
            option["template_name"] == Select.option_template_name
            for _name, options, _index in widget["optgroups"] for option in options
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
