"""The complaint list's rows, written in Python (as kesu.core.renderers writes form widgets).

A page of fifty rows through the template language resolved some 1,300 variables, reversed fifty URLs and
formatted a hundred dates, one lookup at a time: about a third of the list page's time on a million complaints.
The markup is the one complaints/_rows.html had (kesu/complaints/tests/test_list_rows.py reads it as a user's
browser does: cells, labels, badges, links, escaping); the table around the rows stays in that template.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kesu.core.templatetags.group_tags import company_of

register = template.Library()

_PK = 987650123456789  # stands for a row's id in the detail URL reversed once a page
_STATE_CLASSES = {"overdue": "text-bg-danger", "at_risk": "text-bg-warning", "due": "text-bg-info"}
_PRIORITY_BADGES = {1: "text-bg-danger", 2: "text-bg-warning"}


def _text(value) -> str:
    """A related record or a value as the template showed it: its text, escaped; nothing for None."""
    return "" if value is None else escape(str(value))


def _local(moment, pattern: str) -> str:
    return timezone.localtime(moment).strftime(pattern) if moment is not None else ""


@register.simple_tag(takes_context=True)
def complaint_rows(context, rows, repeats, several: bool) -> SafeString:
    """The ``<tr>`` of each (complaint, deadline state) in ``rows``; ``repeats`` the ids flagged as repeats;
    ``several``: the reader sees several companies (a company column)."""
    detail = reverse("complaints:detail", args=[_PK])
    state_texts = {"overdue": escape(_("Overdue")), "at_risk": escape(_("At risk")), "due": escape(_("On track"))}
    select, customer, status, deadlines = escape(_("Select")), escape(_("Customer")), escape(_("Status")), escape(
        _("Deadlines"))
    company_label = escape(_("Company"))
    # (No translated text inside an f-string: makemessages would not find it.)
    repeat_title, repeat_text = escape(_("Repeat complaint (ISO 10002 §8.5)")), escape(_("Repeat"))
    repeat = f' <span class="badge text-bg-warning repeat-badge" title="{repeat_title}">{repeat_text}</span>'
    out = []
    for c, state in rows:
        href = detail.replace(str(_PK), str(c.pk))
        number = escape(c.number)
        company = (f'<td class="card-keep company-col" data-label="{company_label}">{escape(company_of(context, c))}</td>'
                   if several else "")
        priority = escape(c.get_priority_display())
        if c.priority in _PRIORITY_BADGES:
            priority = f'<span class="badge {_PRIORITY_BADGES[c.priority]}">{priority}</span>'
        badge = f'<span class="badge {_STATE_CLASSES[state]}">{state_texts[state]}</span>' if state in state_texts else ""
        due_at = getattr(c, "next_due_at", None)
        due = f' <span class="small text-secondary">{_local(due_at, "%m-%d %H:%M")}</span>' if due_at else ""
        out.append(
            f'<tr class="deadline-row-{escape(state or "none")}" data-href="{href}">'
            f'<td class="card-select"><input class="form-check-input row-select" type="checkbox" name="ids" '
            f'value="{c.pk}" form="bulk-form" aria-label="{select} {number}"></td>'
            f'<td class="card-title-cell"><a href="{href}">{number}</a>{repeat if c.pk in repeats else ""}</td>'
            f'{company}'
            f'<td class="text-nowrap card-hide">{_local(c.received_at, "%Y-%m-%d %H:%M")}</td>'
            f'<td class="card-keep" data-label="{customer}">{_text(c.customer)}</td>'
            f'<td class="card-hide">{_text(c.part)}</td><td class="card-hide">{_text(c.category)}</td>'
            f'<td class="card-hide">{escape(c.get_severity_display())}</td>'
            f'<td class="priority-{escape(c.priority)} card-hide">{priority}</td>'
            f'<td class="card-hide">{escape(c.get_warning_class_display())}</td>'
            f'<td class="card-keep" data-label="{status}">{escape(c.get_status_display())}</td>'
            f'<td class="card-hide">{_text(c.owner)}</td>'
            f'<td class="text-nowrap card-keep" data-label="{deadlines}">{badge}{due}</td></tr>\n')
    return mark_safe("".join(out))
