"""The shared state of a demo run and the batched writer every step uses."""

from __future__ import annotations

import datetime
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

BATCH_SIZE = 5000
GROUP_CODE = "ZKJG"
DEFAULT_PASSWORD = "kesu-demo-2026"


class DemoAlreadyLoaded(Exception):
    """The demo group already exists in this database; nothing was added."""


def demo_loaded() -> bool:
    from kesu.accounts.models import Company

    return Company.objects.filter(code=GROUP_CODE).exists()


class BatchWriter:
    """Collects unsaved instances of one model and inserts them ``BATCH_SIZE`` at a time.

    bulk_create sends no signals, so per-row audit entries are not written;
    the context records one summary entry per model and company instead.
    """

    def __init__(self, ctx: DemoContext, model: type[models.Model]):
        self.ctx = ctx
        self.model = model
        self.pending: list[models.Model] = []
        self.count_by_company: dict[int | None, int] = defaultdict(int)

    def add(self, obj: models.Model) -> None:
        self.pending.append(obj)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        from kesu.core.lookups import fill_initials

        fill_initials(self.pending)  # bulk_create sends no pre_save: the lookups' pinyin initials are set here
        self.model.objects.bulk_create(self.pending, batch_size=BATCH_SIZE)
        for obj in self.pending:
            self.count_by_company[getattr(obj, "company_id", None)] += 1
        self.pending = []


class RowWriter:
    """Plain tuples into one table, ``BATCH_SIZE`` rows per ``executemany``: for the biggest tables.

    Making a model instance costs about 30 µs; for tens of millions of
    timeline rows that is most of the run, so these rows skip the ORM. The
    database chooses the ids. Columns are attribute names (``company_id``);
    ``created_at`` and ``updated_at`` are filled with the row's own time.
    """

    def __init__(self, ctx: DemoContext, model: type[models.Model], columns: tuple[str, ...], stamp: str):
        self.ctx = ctx
        self.model = model
        fields = [model._meta.get_field(name) for name in columns]
        self.columns = columns
        self.stamp = columns.index(stamp)
        self.company = columns.index("company_id")
        self.datetimes = [i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]
        names = [*(f.column for f in fields), "created_at", "updated_at"]
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(n) for n in names)}) "
                    f"VALUES ({', '.join(['%s'] * len(names))})")
        self.pending: list[tuple] = []
        self.count_by_company: dict[int | None, int] = defaultdict(int)

    def add(self, *values) -> None:
        self.pending.append(values)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        adapt = connection.ops.adapt_datetimefield_value
        rows = []
        for values in self.pending:
            row = list(values)
            for i in self.datetimes:
                row[i] = adapt(row[i])
            stamp = row[self.stamp]
            rows.append((*row, stamp, stamp))
            self.count_by_company[values[self.company]] += 1
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
        self.pending = []


@dataclass
class DemoContext:
    """What one run knows: its parameters, the random source, and what earlier steps made.

    Steps keep ids and small tuples here, not model instances, so a run with a
    million shipments does not hold a million objects in memory.
    """

    scale: int
    seed: int
    today: datetime.date
    password: str | None = None
    log: Callable[[str], None] | None = None
    rng: random.Random = field(init=False)
    # Filled by the steps; later modules read them.
    companies: list[Any] = field(default_factory=list)  # Company instances, the group first
    users: dict[int, dict[str, Any]] = field(default_factory=dict)  # company id → role → User
    salespeople: dict[int, list[int]] = field(default_factory=dict)  # company id → user ids
    regions: dict[int, list[int]] = field(default_factory=dict)  # company id → sales region ids
    suppliers: dict[int, list[int]] = field(default_factory=dict)
    parts: dict[int, list[int]] = field(default_factory=dict)  # company id → part ids
    customers: dict[int, list[int]] = field(default_factory=dict)  # company id → customer ids
    customer_info: dict[int, dict[str, Any]] = field(default_factory=dict)  # customer id → facts for later steps
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, company)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _writers: dict[type, BatchWriter | RowWriter] = field(default_factory=dict)
    _next_ids: dict[type, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        if self.password is None:
            self.password = os.environ.get("KESU_DEMO_PASSWORD") or DEFAULT_PASSWORD

    # --- helpers for steps ---------------------------------------------------------

    @staticmethod
    def clock() -> float:
        return time.monotonic()

    def say(self, message: str) -> None:
        if self.log is not None:
            self.log(message)

    def new_id(self, model: type[models.Model]) -> int:
        """Precomputed primary keys: children can point at parents before either is inserted."""
        if model not in self._next_ids:
            last = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self._next_ids[model] = last + 1
        pk = self._next_ids[model]
        self._next_ids[model] += 1
        return pk

    def writer(self, model: type[models.Model]) -> BatchWriter:
        if model not in self._writers:
            self._writers[model] = BatchWriter(self, model)
        return self._writers[model]

    def rows(self, model: type[models.Model], columns: tuple[str, ...], stamp: str) -> RowWriter:
        """The tuple writer for ``model`` (see :class:`RowWriter`); one per model and run."""
        writer = self._writers.get(model)
        if writer is None:
            writer = self._writers[model] = RowWriter(self, model, columns, stamp)
        assert isinstance(writer, RowWriter) and writer.columns == columns, model
        return writer

    def add(self, obj: models.Model) -> models.Model:
        """Queue an instance for insertion, giving it a precomputed id."""
        if obj.pk is None:
            obj.pk = self.new_id(type(obj))
        self.writer(type(obj)).add(obj)
        return obj

    def flush(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def sync_ids(self) -> None:
        """Insert what is queued and hand id allocation back to the database.

        Call this before a step writes through the ordinary services (which let
        the database choose ids) and after it, so queued rows and service rows
        never pick the same id.
        """
        self.flush()
        self._reset_sequences()
        self._next_ids.clear()

    def _reset_sequences(self) -> None:
        from django.core.management.color import no_style

        # Explicit ids do not advance PostgreSQL's sequences; without this the
        # next ordinary insert would collide with a demo row.
        sql = connection.ops.sequence_reset_sql(no_style(), list(self._writers))
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)

    def finish(self) -> None:
        """Write the summary audit entries and move database sequences past the ids we chose."""
        from kesu.core.audit import record_bulk

        self.flush()
        for model, writer in self._writers.items():
            if model._meta.auto_created:  # many-to-many links belong to their record's entry
                continue
            total = 0
            for company_id, count in sorted(writer.count_by_company.items(), key=lambda kv: kv[0] or 0):
                record_bulk(
                    model, count=count, company_id=company_id,
                    note=f"demo data: {count} {model._meta.verbose_name_plural} (scale {self.scale}, seed {self.seed})",
                )
                total += count
            self.counts[model._meta.label] = total
        self._reset_sequences()

    # --- random helpers --------------------------------------------------------------

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        span = (end - start).days
        return start + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))
