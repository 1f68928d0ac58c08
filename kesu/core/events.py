"""Business events written with the change that causes them, then handed to the modules that act on them.

A service announces an event with ``publish`` inside its transaction: a ``PendingEvent`` row, committed or
rolled back with the change. After the commit the event is handed on (its signal sent: notifications, the
message to the customer, webhooks, the repeat check) either at once by the process that made the change or, with
``KESU_EVENTS_BY_WORKER``, by the ``kesu worker`` job ``core.deliver_events``, in batches. Whoever hands an
event on deletes its row in the transaction that holds what the receivers wrote, so each event is handed on
exactly once: a process killed after the change's commit leaves the row for a worker, two workers never take the
same row (``claim_rows``), and an event whose receivers fail stays for the next run (``MAX_ATTEMPTS`` times,
then it is logged and dropped).

A module makes an event of one of its signals with ``register`` (in its ``AppConfig.ready``)::

    events.register("complaints.created", signal=signals.complaint_created, argument="complaint",
                    model=Complaint, related=("company", "owner"))
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal

from .context import acting_as
from .jobs import claim_rows
from .memo import remembering

logger = logging.getLogger("kesu.events")

MAX_ATTEMPTS = 5
BATCH = 200


@dataclass(frozen=True)
class EventKind:
    """An event: the signal it is sent as, the keyword its record is given under, how the record is read."""

    name: str
    signal: Signal
    argument: str
    model: type[models.Model]
    related: tuple[str, ...] = field(default=())


KINDS: dict[str, EventKind] = {}


def register(name: str, *, signal: Signal, argument: str, model: type[models.Model],
             related: tuple[str, ...] = ()) -> None:
    KINDS[name] = EventKind(name, signal, argument, model, tuple(related))


def by_worker() -> bool:
    return bool(getattr(settings, "KESU_EVENTS_BY_WORKER", False))


def publish(name: str, record: models.Model, *, actor=None, source: str = "", **details) -> None:
    """Announce event ``name`` of ``record`` inside the transaction that changed it (``details``: the signal's
    other keywords, JSON values)."""
    from .models import PendingEvent

    kind = KINDS[name]
    row = PendingEvent.objects.create(name=name, record_type=kind.model._meta.label_lower, record_id=record.pk,
                                      actor_id=getattr(actor, "pk", None), source=source, details=details)
    if not by_worker():
        transaction.on_commit(lambda: _deliver_here(row.pk, kind, record, actor, source, details))


def _send(kind: EventKind, record, actor, source: str, details: dict) -> None:
    with acting_as(actor, source or "system"):
        kind.signal.send(kind.model, **{kind.argument: record}, actor=actor, **details)


def _deliver_here(pk: int, kind: EventKind, record, actor, source: str, details: dict) -> None:
    """The process that made the change hands its event on with the objects it holds. The row is deleted first,
    in the receivers' transaction: a worker's claim skips it meanwhile, and a failure puts it back for the worker.
    """
    from .models import PendingEvent

    try:
        with transaction.atomic():
            if not PendingEvent.objects.filter(pk=pk).delete()[0]:
                return  # a worker was quicker
            _send(kind, record, actor, source, details)
    except Exception:
        logger.exception("event %s of %s left to the worker", kind.name, record.pk)


def deliver_pending(limit: int = BATCH) -> int:
    """Hand on up to ``limit`` waiting events, oldest first, in one transaction; returns how many it took.

    The batch's records and actors are read together, one query per record type, and the receivers' reads of
    settings, templates, rules and calendars once per company (``remembering``). An event whose receivers fail
    is rolled back alone (a savepoint) and counted; the others are deleted with the batch.
    """
    from kesu.accounts.models import User

    from .models import PendingEvent

    if not PendingEvent.objects.exists():
        return 0  # the worker asks every second: no transaction (on SQLite a write lock) when nothing waits
    with transaction.atomic(), remembering():
        rows = claim_rows(PendingEvent.objects.order_by("pk"), limit)
        if not rows:
            return 0
        records = _records(rows)
        actors = User.objects.select_related("company").in_bulk({r.actor_id for r in rows if r.actor_id})
        done, failed = [], []
        for row in rows:
            kind = KINDS.get(row.name)
            record = records.get((row.record_type, row.record_id))
            if kind is None or record is None:  # an event no module knows now, or its record deleted since
                logger.warning("event %s dropped: %s", row, "unknown" if kind is None else "record gone")
                done.append(row.pk)
                continue
            try:
                with transaction.atomic():
                    _send(kind, record, actors.get(row.actor_id), row.source, row.details)
            except Exception:
                logger.exception("event %s failed (attempt %s)", row, row.attempts + 1)
                (done if row.attempts + 1 >= MAX_ATTEMPTS else failed).append(row.pk)
            else:
                done.append(row.pk)
        PendingEvent.objects.filter(pk__in=done).delete()
        if failed:
            PendingEvent.objects.filter(pk__in=failed).update(attempts=models.F("attempts") + 1)
    return len(rows)


def _records(rows) -> dict[tuple[str, int], models.Model]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row.record_type].add(row.record_id)
    models_by_label: dict[str, type[models.Model]] = {}
    related: dict[str, set[str]] = defaultdict(set)
    for kind in KINDS.values():
        models_by_label[kind.model._meta.label_lower] = kind.model
        related[kind.model._meta.label_lower].update(kind.related)
    found = {}
    for label, ids in wanted.items():
        if label in models_by_label:
            read = models_by_label[label].objects.select_related(*sorted(related[label])).in_bulk(ids)
            found.update({(label, pk): record for pk, record in read.items()})
    return found


def deliver_all() -> None:
    """Hand on the events waiting now, batch after batch (the worker's job; what tests call to play the worker).
    An event that failed waits for the next call."""
    while deliver_pending() == BATCH:
        pass
