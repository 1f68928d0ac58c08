"""Bounded input types shared by every API schema and parameter.

Each bound is the database column's (or a sane domain range): a value outside it is a 422 naming the
field, never an overflow deep in the database driver (issue 15: an id above 2^63 was a 500).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

# The largest value of a 64-bit signed integer column (BigAutoField ids on SQLite and PostgreSQL).
BIGINT_MAX = 2**63 - 1
# IntegerField / PositiveIntegerField on PostgreSQL.
INT_MAX = 2**31 - 1
# PositiveSmallIntegerField on PostgreSQL.
SMALLINT_MAX = 2**15 - 1

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
"""A record's primary key: positive, within the id column."""

Count = Annotated[int, Field(ge=0, le=INT_MAX)]
"""A quantity or number of days stored in an integer column."""

SmallCount = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]
"""A small count stored in a small-integer column (days, months, shipments)."""

Year = Annotated[int, Field(ge=1970, le=2200)]
"""A calendar year: the working calendar, targets and reports know no other."""

Version = Annotated[int, Field(ge=0, le=INT_MAX)]
"""The optimistic-locking version a client read."""

Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]
"""An amount in a money column (claims, ledger): 14 digits, 2 after the point."""

Rate = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=6, allow_inf_nan=False)]
"""An exchange rate to the base currency: 14 digits, 6 after the point."""

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)]
"""A share or a score in per cent."""

DecimalQuantity = Annotated[Decimal, Field(max_digits=12, decimal_places=3, allow_inf_nan=False)]
"""A quantity of a claim item (parts, hours, kilometres)."""

JsonScalar = (
    Annotated[str, Field(max_length=20000)]
    | Annotated[int, Field(ge=-BIGINT_MAX - 1, le=BIGINT_MAX)]
    | Annotated[float, Field(allow_inf_nan=False)]
    | bool
    | None
)
"""One value of a workflow step's inputs, which vary by step and are typed by the step's form: never an object
or a list where the form reads text (a list given for a note was stored as its Python text, issue 15)."""

WorkflowInput = JsonScalar | list[JsonScalar]
"""A workflow input that may also be a list (several people chosen for a meeting)."""


def _sane_instant(value: datetime.datetime) -> datetime.datetime:
    """An instant PostgreSQL can store: offsets on Earth are within ±14 h (PostgreSQL refuses beyond ±15:59,
    Python allows ±23:59 — the fuzzing run's "-22:39" was a 500), years within what Kesu's records span."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > datetime.timedelta(hours=14):
        raise ValueError("the time zone offset must be within ±14:00")
    if not 1900 <= value.year <= 2200:
        raise ValueError("the year must be between 1900 and 2200")
    return value


# A date and time given by a client (a due date, when a meeting was held, when a complaint was received).
Instant = Annotated[datetime.datetime, AfterValidator(_sane_instant)]
