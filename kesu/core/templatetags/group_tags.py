"""Template helpers for group views (issue 17 §5): is this a group view, and whose record is this row."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from kesu.core import group

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) if request is not None else context.get("user")


@register.simple_tag(takes_context=True)
def group_view(context) -> bool:
    """True when the reader sees more than one company: the list shows a company column."""
    return group.sees_several_companies(_user(context))


@register.simple_tag(takes_context=True)
def company_of(context, record) -> str:
    """The label (short name, else code) of the record's company, for the company column."""
    user = _user(context)
    company_id = getattr(record, "company_id", None)
    if company_id is None or user is None:
        return ""
    label = group.company_labels(user).get(company_id)
    if label is None:
        company = getattr(record, "company", None)
        label = group.company_label(company) if company is not None else ""
    return label


@register.simple_tag(takes_context=True)
def group_number(context, record, number=None):
    """The record's number, with its company's code in front (muted) in a group view."""
    user = _user(context)
    number = number if number is not None else getattr(record, "number", "")
    company_id = getattr(record, "company_id", None)
    if not group.sees_several_companies(user) or company_id is None:
        return number
    code = group.company_codes(user).get(company_id, "")
    if not code:
        return number
    return format_html('<span class="text-body-secondary small company-prefix">{}·</span>{}', code, number)
