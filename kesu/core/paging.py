"""Pagination for the million-row lists: the page's ids first, then its rows.

The list query joins customers, parts, owners and computes deadline states.
Asked for page N directly, a database that cannot walk an index in the
wanted order (a group's several companies, an IN list) computes all of that
for every matching row before it sorts. Here the page's ids come from the
lean query alone (ordering and filters, no joins, no extra columns), which an
index serves; the full rows are then read for those ids only.

The rows are read by the list's own query narrowed to the ids, unless the list
gives ``rows``: a function of the ids that reads them without the filters. The
filters said again can mislead PostgreSQL: a million-complaint group's open
complaints of one company were read through the status indexes, 1,870 rows for
the page's 50 (2.25 ms against 1.15), instead of by their primary keys. The ids came from
the filtered list, so the rows need not be filtered again.
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class IdFirstPaginator(Paginator):
    def __init__(self, object_list, per_page, *, trust_estimate: bool = False, rows=None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.trust_estimate = trust_estimate
        self.rows = rows

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.approximate:
            return super().page(number)
        bottom = (number - 1) * self.per_page  # a whole page, wherever the estimate puts the end
        return self._get_page(self.object_list[bottom:bottom + self.per_page], number, self)

    def _get_page(self, object_list, number, paginator) -> Page:
        ids = list(object_list.values_list("pk", flat=True))
        if self.approximate:
            self._correct_estimate(number, len(ids))
        found = (self.rows(ids) if self.rows else self.object_list.filter(pk__in=ids)).order_by() if ids else ()
        rows = {row.pk: row for row in found}
        return Page([rows[pk] for pk in ids if pk in rows], number, paginator)

    # -- the count ------------------------------------------------------------------------------------------
    # Counting half a million rows exactly costs PostgreSQL about 30 ms on every page of a big list. Above
    # APPROXIMATE_ABOVE rows the planner's estimate is shown instead ("about 501,782"). The rows are counted up to
    # one more than the threshold, in one query: a list that stops short of it (or an estimate far too high) is
    # then counted exactly at no further cost, and a long one is never read to its end, even when the estimate
    # is far too low (then the count shown is the larger of the two).
    #
    # A full-text search (``trust_estimate``) is not counted even so: its matches are found through the search
    # index but each must then be read to be counted: 600 ms for a word found in 56,000 of a million complaints.
    # Its estimate comes from the index's statistics. A page shows what the estimate got wrong: one that is not
    # full is the last, so the count is then exact; a full one proves at least as many rows as it reaches.

    approximate = False  # known once ``count`` has been read (a page is only got after it is)

    @cached_property
    def count(self) -> int:
        from .dbrouter import replica_alias

        # Counted on the replica when there is one (issue 24 §3): a count a moment old shows no harm.
        if not isinstance(self.object_list, QuerySet):
            return super().count
        qs = self.object_list.using(replica_alias(self.object_list.db))
        if connections[qs.db].vendor == "postgresql":
            if self.trust_estimate:
                estimate = _planner_estimate(qs)
                if estimate > APPROXIMATE_ABOVE:
                    self.approximate = True
                    return estimate
                return qs.count()
            # Counted up to one more than the threshold whatever the estimate: an estimate far too low (the open
            # complaints of a group at ten million) must not make the page count them all. The planner is asked
            # only for a list longer than that.
            # Only the ids are counted: the list's computed columns (deadline states) are not compiled into it.
            counted = qs.order_by().values("pk")[:APPROXIMATE_ABOVE + 1].count()
            if counted <= APPROXIMATE_ABOVE:
                return counted
            self.approximate = True
            return max(_planner_estimate(qs), counted)
        return qs.count()

    def _correct_estimate(self, number: int, found: int) -> None:
        """Bring an estimated count in line with what page ``number`` found (``found`` rows)."""
        reached = (number - 1) * self.per_page + found
        if 0 < found < self.per_page or (found == 0 and number == 1):
            self.approximate = False  # the last page: the count is exact
        elif found == 0:
            reached = min(self.count, reached)  # past the end: at most the rows before this page
        elif reached <= self.count:
            return
        self.__dict__["count"] = reached
        self.__dict__.pop("num_pages", None)


APPROXIMATE_ABOVE = 20_000


def _planner_estimate(qs) -> int:
    """The number of rows PostgreSQL's planner expects the query to return (EXPLAIN, nothing is run)."""
    try:
        sql, params = qs.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (``none()``, ``pk__in=[]``): no SQL to explain
        return 0
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
