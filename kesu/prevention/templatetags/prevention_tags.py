"""Template tags other modules' pages use to show prevention facts (the repeat badge on the complaint list)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def repeat_ids(rows) -> frozenset[int]:
    """The ids, among the complaint list's ``rows`` ((complaint, state) pairs or complaints), of those flagged as
    repeats (ISO 10002 §8.5): one query for the whole page, whatever its number of rows."""
    from kesu.prevention.models import RepeatFlag

    ids = [row[0].pk if isinstance(row, tuple | list) else row.pk for row in rows or ()]
    if not ids:
        return frozenset()
    return frozenset(RepeatFlag.objects.filter(complaint_id__in=ids).values_list("complaint_id", flat=True))
