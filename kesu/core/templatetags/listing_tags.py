"""Template pieces of the shared list helper (``kesu.core.listing``): sortable column headers."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def sort_th(listing, key: str, label, css: str = ""):
    """A column header: a link that sorts by ``key`` where the list offers it, the plain label otherwise."""
    attrs = format_html(' class="{}"', css) if css else ""
    if listing is None:
        return format_html("<th{}>{}</th>", attrs, label)
    link = listing.sort_link(key)
    if not link.offered:
        return format_html("<th{}>{}</th>", attrs, label)
    if link.active:
        arrow, aria = ("▼", "descending") if link.descending else ("▲", "ascending")
        title = _("Sorted descending; click to sort ascending") if link.descending else _(
            "Sorted ascending; click to sort descending")
        return format_html('<th{} aria-sort="{}"><a class="sort-link sort-active" href="{}" data-sort="{}" '
                           'title="{}">{} <span aria-hidden="true">{}</span></a></th>',
                           attrs, aria, link.url, key, title, label, arrow)
    return format_html('<th{}><a class="sort-link" href="{}" data-sort="{}" title="{}">{}</a></th>',
                       attrs, link.url, key, _("Sort by this column"), label)
