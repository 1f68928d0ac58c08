"""One helper for every list page (issue 17 §7): sorting, numbered pages, page size, default filters as chips.

A list declares which shown columns it sorts by (``Sort``: the ``?sort=`` name and the fields to order by) and
which of those an index serves. Sorting on an indexed column is always offered; on any other column the
database must read and sort every matching row before it returns the first page, so that sort is offered
only while the filtered list is shorter than ``unindexed_below`` rows (the header shows no link past it and a
typed ``?sort=`` is refused with a note, the list then keeps its default order). An unknown ``?sort=`` is
refused the same way: the name is never passed to ``order_by``.

Default filters (``defaults``: e.g. complaints open only) are applied to the bare list (no filter in the query)
and shown as a chip whose removal sends the parameter empty, which the filter set reads as "any".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
# Below this many filtered rows any shown column sorts (SQLite or PostgreSQL sort that in a few ms); above it
# only the columns an index serves.
UNINDEXED_SORT_BELOW = 5_000
# Parameters of the list itself, not filters: never shown as chips, kept by sort links and the jump box.
LIST_PARAMS = ("sort", "page", "per_page", "format")


@dataclass(frozen=True)
class Sort:
    """A sortable column: ``?sort=key`` orders by ``fields`` (``-key`` by each field reversed)."""

    key: str
    fields: tuple[str, ...]
    indexed: bool = False


@dataclass(frozen=True)
class ListSpec:
    """What one list page allows: its sortable columns, its default order and its default filters."""

    sorts: tuple[Sort, ...]
    default_order: tuple[str, ...]
    tie_breaker: str = "pk"
    defaults: dict[str, str] = field(default_factory=dict)
    default_labels: dict[str, Any] = field(default_factory=dict)  # key → chip text for a default filter
    unindexed_below: int = UNINDEXED_SORT_BELOW

    def sort(self, key: str) -> Sort | None:
        return next((sort for sort in self.sorts if sort.key == key), None)


def _reverse(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


@dataclass
class SortLink:
    key: str
    offered: bool
    active: bool
    descending: bool
    url: str


class Listing:
    """The state of one list page as its template reads it (built by ``paginate``)."""

    def __init__(self, request, spec: ListSpec, *, path: str | None = None) -> None:
        self.request = request
        self.spec = spec
        self.path = path if path is not None else request.path
        self.query = request.GET.copy()
        self.params = request.GET.copy()
        # Defaults only for the bare list: a link carrying any filter (a report's drill-down, a dashboard figure)
        # means exactly what it says, and the filter form always sends the default's own field.
        self.bare = not any(key not in LIST_PARAMS for key in request.GET)
        if self.bare:
            for key, value in spec.defaults.items():
                self.params[key] = value
        self.per_page = _int(self.query.get("per_page"), DEFAULT_PAGE_SIZE)
        if self.per_page not in PAGE_SIZES:
            self.per_page = DEFAULT_PAGE_SIZE
        raw = (self.query.get("sort") or "").strip()
        self.sort_key = raw.lstrip("-")
        self.descending = raw.startswith("-")
        self.refused = ""
        self.sort_obj = spec.sort(self.sort_key) if raw else None
        if raw and self.sort_obj is None:
            self.refused = _("The list cannot be sorted by “%(column)s”; it is shown in its usual order.") % {
                "column": self.sort_key}
            self.sort_key = ""
        self.page = None
        self.paginator = None
        self.filterset = None
        self.count = 0

    # -- ordering ---------------------------------------------------------------------------------------------
    def ordering(self) -> tuple[str, ...]:
        if self.sort_obj is None:
            return self.spec.default_order
        fields = tuple(_reverse(f) if self.descending else f for f in self.sort_obj.fields)
        tie = _reverse(self.spec.tie_breaker) if self.descending else self.spec.tie_breaker
        return fields + (tie,)

    def offered(self, sort: Sort) -> bool:
        return sort.indexed or self.count < self.spec.unindexed_below

    # -- urls -------------------------------------------------------------------------------------------------
    def url(self, **changes) -> str:
        query = self.query.copy()
        for key, value in changes.items():
            query.pop(key, None)  # set again at the end: the changed parameter reads last in the address
            if value is not None:
                query[key] = value
        encoded = query.urlencode()
        return f"{self.path}?{encoded}" if encoded else self.path

    def sort_link(self, key: str) -> SortLink:
        sort = self.spec.sort(key)
        active = sort is not None and key == self.sort_key
        descending = active and self.descending
        # A click on the sorted column turns its order round; on another column it sorts ascending.
        target = key if not active or descending else f"-{key}"
        return SortLink(key=key, offered=sort is not None and self.offered(sort), active=active,
                        descending=descending, url=self.url(sort=target, page=None))

    @property
    def sort_links(self) -> dict[str, SortLink]:
        return {sort.key: self.sort_link(sort.key) for sort in self.spec.sorts}

    def page_url(self, number: int) -> str:
        return self.url(page=str(number))

    @property
    def url_first(self) -> str:
        return self.page_url(1)

    @property
    def url_previous(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def url_next(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def url_last(self) -> str:
        return self.page_url(self.paginator.num_pages)

    @property
    def page_links(self) -> list[tuple[int | None, str]]:
        """Numbered pages around the current one, with the first and last; ``None`` marks a gap."""
        if self.page is None:
            return []
        last, current = self.paginator.num_pages, self.page.number
        shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        links: list[tuple[int | None, str]] = []
        previous = 0
        for number in shown:
            if number - previous > 1:
                links.append((None, ""))
            links.append((number, self.page_url(number)))
            previous = number
        return links

    @property
    def page_size_links(self) -> list[tuple[int, str, bool]]:
        return [(size, self.url(per_page=str(size), page=None), size == self.per_page) for size in PAGE_SIZES]

    @property
    def hidden_params(self) -> list[tuple[str, str]]:
        """The query to carry in the jump-to-page form (everything but the page)."""
        return [(key, value) for key, values in self.query.lists() if key != "page" for value in values]

    @property
    def clear_url(self) -> str:
        """The list with no filter at all: the default filters switched off, sort and page size kept."""
        query = QueryDict(mutable=True)
        for key in ("sort", "per_page"):
            if self.query.get(key):
                query[key] = self.query[key]
        for key in self.spec.defaults:
            query[key] = ""
        encoded = query.urlencode()
        return f"{self.path}?{encoded}" if encoded else self.path

    @property
    def chips(self) -> list[tuple[str, str]]:
        """(text, url without it) for each filter in force, the defaults first."""
        chips: list[tuple[str, str]] = []
        for key, value in self.spec.defaults.items():
            if self.params.get(key) == value:
                chips.append((str(self.spec.default_labels.get(key, key)), self.url(**{key: "", "page": None})))
        if self.filterset is None or not self.filterset.form.is_valid():
            return chips
        form = self.filterset.form
        for name, bound in form.fields.items():
            if name in self.spec.defaults or name in LIST_PARAMS or isinstance(bound.widget, forms.HiddenInput):
                continue
            raw = self.query.get(name)
            if raw in (None, ""):
                continue
            value = form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            chips.append((f"{bound.label}: {_display(bound, value, raw)}", self.url(**{name: None, "page": None})))
        if self.query.get("q") and "q" not in form.fields:  # a search box outside the filter set (complaints)
            chips.append((f"{_('Search')}: {self.query['q']}", self.url(q=None, page=None)))
        return chips

    @cached_property
    def saved_filters(self) -> list:
        """The user's saved filters of this list and those shared with the user's department (one query)."""
        from django.db.models import Q

        from .models import SavedFilter

        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        whose = Q(user=user)
        if user.department_id:
            whose |= Q(shared=True, user__department_id=user.department_id, user__company_id=user.company_id)
        return list(SavedFilter.objects.filter(whose, list_path=self.path).select_related("user"))

    @property
    def saveable_query(self) -> str:
        query = self.query.copy()
        for key in ("page", "format"):
            query.pop(key, None)
        return query.urlencode()

    @property
    def filtered(self) -> bool:
        return bool(self.chips)


def _display(bound: forms.Field, value, raw: str) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    choices = getattr(bound, "choices", None)
    if choices and not isinstance(bound, forms.ModelChoiceField):
        return str(dict((str(k), v) for k, v in choices).get(str(raw), raw))
    return str(value)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paginate(request, qs, spec: ListSpec, *, paginator_class=Paginator, filterset=None, path: str | None = None,
             prepare=None, listing: Listing | None = None, **paginator_kwargs):
    """(page, listing) for ``qs`` ordered as the request asks where ``spec`` allows it.

    ``prepare`` (optional) turns the ordered queryset into what the page reads (e.g. only the shown columns).
    The count is read once, before the order is settled: an unindexed sort asked for above the threshold is
    refused and the default order used.
    """
    listing = listing or Listing(request, spec, path=path)
    listing.filterset = filterset
    prepare = prepare or (lambda q: q)
    paginator = paginator_class(prepare(qs.order_by(*listing.ordering())), listing.per_page, **paginator_kwargs)
    listing.paginator = paginator
    listing.count = paginator.count
    if listing.sort_obj is not None and not listing.offered(listing.sort_obj):
        listing.refused = _("Sorting by this column is offered only for lists of fewer than %(n)s rows; "
                            "narrow the filters first.") % {"n": f"{spec.unindexed_below:,}"}
        listing.sort_obj, listing.sort_key = None, ""
        paginator.object_list = prepare(qs.order_by(*listing.ordering()))
    listing.page = paginator.get_page(request.GET.get("page"))
    return listing.page, listing


def api_ordering(spec: ListSpec, raw: str, qs) -> tuple[str, ...]:
    """The order an API list is asked for (``sort``), refused as the page refuses it: an unknown column, or an
    unindexed one while the filtered list reaches the threshold (a 422 naming ``sort``)."""
    from django.core.exceptions import ValidationError

    raw = (raw or "").strip()
    if not raw:
        return spec.default_order
    key, descending = raw.lstrip("-"), raw.startswith("-")
    sort = spec.sort(key)
    if sort is None:
        raise ValidationError({"sort": [_("Unknown sort column “%(column)s”; one of: %(columns)s.") % {
            "column": key, "columns": ", ".join(s.key for s in spec.sorts)}]})
    if not sort.indexed and qs.order_by()[:spec.unindexed_below].count() >= spec.unindexed_below:
        raise ValidationError({"sort": [_("Sorting by this column is offered only for lists of fewer than %(n)s "
                                          "rows; narrow the filters first.") % {"n": f"{spec.unindexed_below:,}"}]})
    fields = tuple(_reverse(f) if descending else f for f in sort.fields)
    return fields + ((_reverse(spec.tie_breaker) if descending else spec.tie_breaker),)
