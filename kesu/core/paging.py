"""Pagination for the million-row lists: the page's ids first, then its rows.

The list query joins customers, parts, owners and computes deadline states.
Asked for page N directly, a database that cannot walk an index in the
wanted order (a group's several companies, an IN list) computes all of that
for every matching row before it sorts. Here the page's ids come from the
lean query alone (ordering and filters, no joins, no extra columns), which an
index serves; the full rows are then read for those ids only.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator


class IdFirstPaginator(Paginator):
    def _get_page(self, object_list, number, paginator) -> Page:
        ids = list(object_list.values_list("pk", flat=True))
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()} if ids else {}
        return Page([rows[pk] for pk in ids if pk in rows], number, paginator)
