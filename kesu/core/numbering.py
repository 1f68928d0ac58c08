"""Record numbers from per-company patterns (complaints, actions, claims, …), unique and never reused.

``next_number`` must run inside the transaction that creates the record.
The counter row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite
the IMMEDIATE transaction already holds the one write lock), so concurrent
creations queue and each gets its own number. A failed creation rolls the
counter back too, so a yearly sequence has no gaps. A number already used
(a pattern changed mid-year) is skipped, never reused.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable

from django.core.exceptions import ValidationError
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
    NumberCounter.objects.get_or_create(company=company, key=key, year=counter_year)
    counter = NumberCounter.objects.select_for_update().get(company=company, key=key, year=counter_year)
    for _attempt in range(10000):
        counter.last_value += 1
        number = pattern.format(year=year, seq=counter.last_value, company=company.code)
        if not taken(number):
            break
    else:  # pragma: no cover - would need 10,000 collisions
        raise ValidationError({"number": _("No free number could be found; check the number pattern.")})
    counter.save(update_fields=["last_value", "updated_at"])
    return number


def counter_set(company, key: str, year: int, last_value: int) -> None:
    """Move a counter to ``last_value`` (bulk loads that numbered records themselves)."""
    NumberCounter.objects.update_or_create(company=company, key=key, year=year,
                                           defaults={"last_value": last_value})
