"""A transition table and the one runner that applies it (claims and supplier claims use it).

A workflow module declares its ``Transition`` rows and named checks; its service
calls ``run_transition`` inside which the record is locked, the version and
state compared, the role, the inputs and the checks verified, the effects
applied and one status-change row written — in one transaction, so two users
acting at once cannot both win and a refused step changes nothing.
(Complaints and corrective actions predate this module and keep their own
runner with the same rules.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import acting_as
from .services import TransitionRefused

CheckResult = tuple[str, Any] | None


@dataclass(frozen=True)
class Transition:
    """One row: from which statuses, to which, who, what must be given, which rules must hold."""

    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: Any
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()


@dataclass
class Table:
    """The rows of one workflow, indexed by (source status, name), and its named checks."""

    rows: tuple[Transition, ...]
    checks: dict[str, Callable[[Any, dict[str, Any], Any], CheckResult]]
    index: dict[tuple[str, str], Transition] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {}
        for row in self.rows:
            for check in row.checks:
                if check not in self.checks:
                    raise RuntimeError(f"unknown check {check} in {row.name}")
            for source in row.sources:
                key = (str(source), row.name)
                if key in self.index:
                    raise RuntimeError(f"duplicate transition {key}")
                self.index[key] = row

    @property
    def names(self) -> frozenset[str]:
        return frozenset(row.name for row in self.rows)

    def get(self, status: str, name: str) -> Transition | None:
        return self.index.get((str(status), name))

    def available(self, obj, user) -> list[Transition]:
        """The steps the user may try now (pages show them as buttons; checks run on submit)."""
        return [row for (source, _name), row in self.index.items()
                if source == obj.status and user.has_role(*row.roles)]


def _blank(value) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, set)) and not (
        value.strip() if isinstance(value, str) else value))


def run_transition(*, table: Table, obj, name: str, actor, inputs: dict[str, Any], noun: Any,
                   label_of: Callable[[str], str], effects: Callable[..., None],
                   record_change: Callable[..., None], expected_version: int | None = None,
                   source: str = "web"):
    """Apply step ``name`` to ``obj`` (a model with ``status`` and ``version``); returns the saved record.

    ``effects(locked, row, inputs, now)`` sets the fields the step changes;
    ``record_change(locked, row, old_status, note, now)`` writes the status-change row and registers,
    with ``transaction.on_commit``, whatever is announced.
    """
    if name not in table.names:
        raise TransitionRefused(TransitionRefused.UNKNOWN_ACTION, _("Unknown step “%(action)s”.") % {"action": name})
    now = timezone.now()
    model = type(obj)
    with acting_as(actor, source), transaction.atomic():
        locked = model.objects.select_for_update().select_related("company").get(pk=obj.pk)
        if actor is not None and not (actor.is_superuser or locked.company_id in actor.visible_company_ids()):
            raise PermissionDenied
        if locked.status != obj.status or (expected_version is not None and locked.version != expected_version):
            raise TransitionRefused(TransitionRefused.STALE, _(
                "Someone else changed this %(record)s meanwhile (it is now “%(status)s”); reload it and try again."
            ) % {"record": noun, "status": locked.get_status_display()})
        row = table.get(locked.status, name)
        if row is None:
            label = next(r.label for r in table.rows if r.name == name)
            raise TransitionRefused(TransitionRefused.WRONG_STATE, _(
                "“%(action)s” is not possible while the %(record)s is “%(status)s”."
            ) % {"action": label, "record": noun, "status": locked.get_status_display()})
        if actor is not None and not actor.has_role(*row.roles):
            raise TransitionRefused(TransitionRefused.WRONG_ROLE, _("Your role may not “%(action)s”.") % {
                "action": row.label})
        unexpected = sorted(k for k in inputs if k not in set(row.required) | set(row.optional))
        if unexpected:
            raise TransitionRefused(TransitionRefused.UNEXPECTED_FIELD, _(
                "“%(field)s” cannot be given when you “%(action)s”.") % {
                "field": label_of(unexpected[0]), "action": row.label}, field=unexpected[0])
        for required in row.required:
            if _blank(inputs.get(required)):
                raise TransitionRefused(TransitionRefused.MISSING_FIELD, _("%(field)s is required to “%(action)s”.")
                                        % {"field": label_of(required).capitalize(), "action": row.label},
                                        field=required)
        for check in row.checks:
            failure = table.checks[check](locked, inputs, actor)
            if failure is not None:
                raise TransitionRefused(TransitionRefused.PRECONDITION, failure[1], field=failure[0])
        old = locked.status
        effects(locked, row, inputs, now)
        locked.status = row.target
        locked.version += 1
        locked.save()
        note = str(inputs.get("reason") or inputs.get("note") or "")
        record_change(locked, row, old, note, now)
    obj.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_state")})
    return locked
