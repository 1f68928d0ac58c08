"""The form renderer: Django's, except that a <select> is written in Python.

Django renders every <option> through a template of its own. A filter bar
offering a few hundred users, departments and categories then costs more
than the list's whole SQL on a million complaints. The markup is the same as
Django's templates give; a widget with templates of its own is left to them.
"""

from __future__ import annotations

from django.forms import Select
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    """Attributes in their order, as django/forms/widgets/attrs.html writes them (False: left out)."""
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False
    ))


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
        if template_name == Select.template_name and widget and all(
            option["template_name"] == Select.option_template_name
            for _name, options, _index in widget["optgroups"] for option in options
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
