"""Record numbers from per-company patterns (complaints, actions, claims, …), unique and never reused.

``next_number`` must run inside the transaction that creates the record.
The counter row is locked by the UPDATE that advances it (on SQLite the
IMMEDIATE transaction already holds the one write lock), so concurrent
creations queue and each gets its own number. A failed creation rolls the
counter back too, so a yearly sequence has no gaps. A number already used
(a pattern changed mid-year) is skipped, never reused.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NumberCounter


def validate_pattern(value: str) -> None:
    """A pattern needs ``{seq}`` and may use ``{year}`` and ``{company}``; it must format."""
    if "{seq" not in value:
        raise ValidationError(gettext_lazy("The pattern must contain {seq}, e.g. KS-{year}-{seq:04d}."))
    try:
        # The largest values a number can carry: a format that only works for small ones ({seq:c}) is refused.
        value.format(year=datetime.MAXYEAR, seq=sys.maxsize, company="A")
    except (KeyError, ValueError, IndexError, OverflowError) as error:
        raise ValidationError(
            gettext_lazy("The pattern is not valid (%(error)s); use {year}, {seq} and {company}."), params={"error": error}
        ) from error


def next_number(company, key: str, pattern: str, now: datetime.datetime, *, per_year: bool = True,
                taken: Callable[[str], bool]) -> str:
    """The next free number of kind ``key`` for ``company`` formatted with ``pattern``.

    ``taken(number)`` says whether a record already has that number.
    """
    year = now.astimezone(company.tz).year
    counter_year = year if per_year else 0
    value = _advance(company, key, counter_year)
    if value is None:  # the first number of its kind (and year): make the counter, then advance it
        NumberCounter.objects.get_or_create(company=company, key=key, year=counter_year)
        value = _advance(company, key, counter_year)
    for _attempt in range(10000):
        number = pattern.format(year=year, seq=value, company=company.code)
        if not taken(number):
            return number
        value = _advance(company, key, counter_year)
    raise ValidationError(  # pragma: no cover - would need 10,000 collisions
        {"number": _("No free number could be found; check the number pattern.")})


def _advance(company, key: str, year: int) -> int | None:
    """Add one to the counter and give its new value, or None when there is no counter yet.

    One statement (issue 24): the UPDATE locks the row until the transaction ends, as ``SELECT … FOR UPDATE``
    would, and RETURNING (PostgreSQL, SQLite 3.35+) gives the value it wrote.
    """
    database = router.db_for_write(NumberCounter)
    quote = connections[database].ops.quote_name
    table, columns = NumberCounter._meta.db_table, {f.name: quote(f.column) for f in NumberCounter._meta.fields}
    with connections[database].cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {columns['last_value']} = {columns['last_value']} + 1, "  # noqa: S608
            f"{columns['updated_at']} = %s WHERE {columns['company']} = %s AND {columns['key']} = %s "
            f"AND {columns['year']} = %s RETURNING {columns['last_value']}",
            [timezone.now(), company.pk, key, year],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    (value,) = row
    return value


def counter_set(company, key: str, year: int, last_value: int) -> None:
    """Move a counter to ``last_value`` (bulk loads that numbered records themselves)."""
    NumberCounter.objects.update_or_create(company=company, key=key, year=year,
                                           defaults={"last_value": last_value})
