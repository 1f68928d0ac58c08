"""Transition tables and the one runner that applies them (every workflow of Kesu runs here).

A workflow module declares its ``Transition`` rows and named checks as a :class:`Table`; its service calls
:func:`run_transition`, inside which the record is locked, the version and state compared, the role, the
inputs and the checks verified, the effects applied and one status-change row (a
:class:`kesu.core.models.StatusChangeBase`) written — in one transaction, so two users acting at once
cannot both win and a refused step changes nothing (conventions habit 3; design §12: all workflows run on
one runner with one status-change record, so queues, notifications, history and analyses read them alike).

What differs between workflows is said by small hooks, not by a second runner:

- a row's roles may depend on the record (``Transition.allowed_roles``: a complaint escalated to QA is
  QA's, seed 000 §4.1.3–4.1.4);
- ``Table.plain_inputs``: when set, every other input is a field of the record, set on it before the
  required inputs and the checks are judged (a complaint's assessment fills its category and severity);
- ``prepare`` builds what the checks receive when they need more than the inputs and the actor
  (complaints: the effective settings and the clock; CAPA: the effectiveness count);
- ``Table.compare_and_set``: the status only moves by an ``UPDATE … WHERE status = old AND version = v``;
- ``Table.texts``: a table may keep its own refusal wording (same ``msgid`` as before it moved here).

Each app registers its tables with :func:`register_table`; :func:`tables` lists every table of the project
(work queues, notification defaults and table-driven tests iterate it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .context import acting_as
from .services import TransitionRefused, actor_or_none

CheckResult = tuple[str, Any] | None


@dataclass(frozen=True)
class Transition:
    """One row: from which statuses, to which, who, what must be given, which rules must hold.

    ``target`` None means the status stays (a step recorded inside a state). An app whose rows carry more
    columns subclasses this (complaints: deadlines met, scheduled, cancelled; roles once escalated).
    """

    name: str
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    label: Any
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()

    @property
    def action(self) -> str:
        """The step's name (complaints call it the action)."""
        return self.name

    def allowed_roles(self, obj) -> frozenset[str]:
        """The roles that may take this step on ``obj`` (the same as ``roles`` unless a table says otherwise)."""
        return self.roles


# The default refusal wording; a table may replace any of them (``Table.texts``). Each is formatted with
# ``action`` (the step's label or name), ``record`` (the noun), ``status`` (the record's status) and
# ``roles`` (the allowed roles' names).
DEFAULT_TEXTS: dict[str, Any] = {
    "unknown": gettext_lazy("Unknown step “%(action)s”."),
    "stale": gettext_lazy(
        "Someone else changed this %(record)s meanwhile (it is now “%(status)s”); reload it and try again."),
    "wrong_state": gettext_lazy("“%(action)s” is not possible while the %(record)s is “%(status)s”."),
    "wrong_role": gettext_lazy("Your role may not “%(action)s”."),
}


@dataclass
class Table:
    """The rows of one workflow, indexed by (source status, name), its named checks and how it is run.

    Checks are called ``check(record, inputs, actor)``, or ``check(record, context)`` when the service
    passes ``prepare`` to :func:`run_transition`; each returns None or ``(field, message)``.
    """

    rows: tuple[Transition, ...]
    checks: Mapping[str, Callable[..., CheckResult]]
    texts: Mapping[str, Any] = field(default_factory=dict)
    plain_inputs: frozenset[str] | None = None
    compare_and_set: bool = False
    note_inputs: tuple[str, ...] = ("reason", "note")
    # Checks that judge the record as it stands and the actor, never the step's inputs: the dry run
    # (:meth:`offer`) judges them too, so a page does not offer a step these rules refuse (issue 16 §5).
    dry_checks: frozenset[str] = frozenset()
    # For tables whose service passes ``prepare``: the context a dry check receives, ``dry_context(obj, user)``.
    dry_context: Callable[[Any, Any], Any] | None = None
    index: dict[tuple[str, str], Transition] = field(init=False)

    def __post_init__(self) -> None:
        unknown_texts = set(self.texts) - set(DEFAULT_TEXTS)
        if unknown_texts:
            raise RuntimeError(f"unknown refusal texts {sorted(unknown_texts)}")
        unknown_dry = set(self.dry_checks) - set(self.checks)
        if unknown_dry:
            raise RuntimeError(f"unknown dry checks {sorted(unknown_dry)}")
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

    def label(self, name: str) -> Any:
        """The label of step ``name`` (its first row's), or the name itself when there is no such step."""
        return next((row.label for row in self.rows if row.name == name), name)

    def text(self, key: str) -> Any:
        return self.texts.get(key) or DEFAULT_TEXTS[key]

    def allowed(self, obj, user) -> list[Transition]:
        """Dry run: the rows whose state and role would pass for ``user`` on ``obj`` now, in table order.

        The same state, company and role tests as :func:`run_transition` (the inputs and the named checks
        are judged only on submit), so a page never offers a step the runner refuses for who or when.
        """
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        if not (user.is_superuser or obj.company_id in user.visible_company_ids()):
            return []
        status = str(obj.status)
        return [row for (source, _name), row in self.index.items()
                if source == status and user.has_role(*row.allowed_roles(obj))]

    available = allowed  # the older name, still used by pages

    def offer(self, obj, user) -> tuple[list[Transition], list[tuple[Transition, Any]]]:
        """Dry run for pages: the rows :meth:`allowed` gives whose ``dry_checks`` also pass, and the rows one
        of them refuses with its message (``[(row, message)]``), so a page can say why a step is not offered.

        The same check functions the runner calls (only those needing no inputs), so page and rule cannot
        drift; the inputs and the other checks are still judged on submit.
        """
        offered: list[Transition] = []
        refused: list[tuple[Transition, Any]] = []
        for row in self.allowed(obj, user):
            failure = None
            for check in row.checks:
                if check not in self.dry_checks:
                    continue
                func = self.checks[check]
                failure = func(obj, self.dry_context(obj, user)) if self.dry_context else func(obj, {}, user)
                if failure is not None:
                    break
            if failure is None:
                offered.append(row)
            else:
                refused.append((row, failure[1]))
        return offered, refused


@dataclass(frozen=True)
class Registered:
    """One table in the project registry: its key, the table, and the model of the records it moves."""

    key: str
    table: Table
    model_label: str
    changes_label: str
    where: Mapping[str, Any]

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_label)

    @property
    def changes(self) -> type[models.Model]:
        """The status-change model (a ``StatusChangeBase``) of these records."""
        from django.apps import apps

        return apps.get_model(self.changes_label)


_REGISTRY: dict[str, Registered] = {}


def _label_of(model: str | type[models.Model]) -> str:
    return model if isinstance(model, str) else model._meta.label


def register_table(key: str, table: Table, model: str | type[models.Model], *,
                   changes: str | type[models.Model], where: Mapping[str, Any] | None = None) -> Table:
    """Add ``table`` to the project's registry under ``key`` (e.g. ``"claims.claim"``); returns the table.

    ``model`` and ``changes`` are the record and status-change models (classes or ``"app.Model"`` labels,
    so a workflow module need not import its models); ``where`` narrows the records when one model has
    several tables (department reports: one per kind). Registering the same key twice replaces it.
    """
    _REGISTRY[key] = Registered(key, table, _label_of(model), _label_of(changes), dict(where or {}))
    return table


def last_actor_id(obj, names: Iterable[str]) -> int | None:
    """Who last took one of the steps ``names`` on ``obj`` (its status-change rows), e.g. the proposer of what
    is now to be approved; None when nobody did (or the record's table is not registered)."""
    model = obj._meta.concrete_model._meta.label
    for registered in _REGISTRY.values():
        if registered.model_label == model:
            changes = registered.changes
            return (changes.objects.filter(**{changes.RECORD_FIELD: obj.pk}, name__in=list(names))
                    .order_by("-at", "-id").values_list("actor_id", flat=True).first())
    return None


OWN_PROPOSAL = gettext_lazy("You proposed this yourself; someone else must approve it (segregation of duties).")


def refuse_own_proposal(actor, proposer_id: int | None) -> CheckResult:
    """Segregation of duties (design §11 "Approvals": nobody approves a proposal they made; ISO 9001 §5.3):
    refused when ``actor`` is who proposed it, with :data:`OWN_PROPOSAL` (pages tell by it that the step waits
    for someone else). A step without a person (the system) is never refused here."""
    if actor is not None and proposer_id is not None and actor.pk == proposer_id:
        return "", OWN_PROPOSAL
    return None


def tables() -> dict[str, Registered]:
    """Every registered workflow table, by key (filled when the apps are ready)."""
    return dict(_REGISTRY)


def _blank(value) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, set)) and not (
        value.strip() if isinstance(value, str) else value))


def _refuse(table: Table, code: str, key: str, **params: Any) -> TransitionRefused:
    return TransitionRefused(code, str(table.text(key)) % params)


def _role_names(roles: Iterable[str]) -> str:
    from kesu.accounts.roles import Role

    return "、".join(str(Role(r).label) for r in sorted(roles))


def run_transition(*, table: Table, obj, name: str, actor, inputs: dict[str, Any], noun: Any,
                   label_of: Callable[[str], str], effects: Callable[..., None],
                   changes: type[models.Model], announce: Callable[..., None] | None = None,
                   prepare: Callable[..., Any] | None = None, related: tuple[str, ...] = ("company",),
                   expected_version: int | None = None, source: str = "web"):
    """Apply step ``name`` to ``obj`` (a model with ``company``, ``status`` and ``version``); returns it saved.

    In this order: unknown step; lock the row (of two users acting at once, the second waits here and then
    sees the status the first one left); the actor sees the company; stale status or version; a row for
    this status; the actor's role; no unexpected input; record fields set (``Table.plain_inputs``); every
    required input given; ``prepare(locked, row, inputs, actor, now)``; the named checks (the step's own
    rules first: "not possible because …" says more than a field error would); then the status moves,
    ``effects(locked, row, inputs, now)`` sets what the step changes, the record is saved, one row of
    ``changes`` is written and ``announce(locked, row, old_status, note, now)`` registers with
    ``transaction.on_commit`` whatever is told.
    """
    if name not in table.names:
        raise _refuse(table, TransitionRefused.UNKNOWN_ACTION, "unknown", action=name)
    now = timezone.now()
    model = type(obj)
    with acting_as(actor, source), transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)
        if actor is not None and not (actor.is_superuser or locked.company_id in actor.visible_company_ids()):
            raise PermissionDenied
        status = locked.get_status_display()
        if locked.status != obj.status or (expected_version is not None and locked.version != expected_version):
            raise _refuse(table, TransitionRefused.STALE, "stale", record=noun, status=status)
        row = table.get(locked.status, name)
        if row is None:
            raise _refuse(table, TransitionRefused.WRONG_STATE, "wrong_state", action=table.label(name),
                          record=noun, status=status)
        roles = row.allowed_roles(locked)
        if actor is not None and not actor.has_role(*roles):
            raise _refuse(table, TransitionRefused.WRONG_ROLE, "wrong_role", action=row.label,
                          roles=_role_names(roles))
        unexpected = sorted(k for k in inputs if k not in set(row.required) | set(row.optional))
        if unexpected:
            raise TransitionRefused(TransitionRefused.UNEXPECTED_FIELD, _(
                "“%(field)s” cannot be given when you “%(action)s”.") % {
                "field": label_of(unexpected[0]), "action": row.label}, field=unexpected[0])
        plain = table.plain_inputs
        if plain is not None:
            for key, value in inputs.items():
                if key not in plain:
                    setattr(locked, key, value)
        for required in row.required:
            value = inputs.get(required) if plain is None or required in plain else getattr(locked, required)
            if _blank(value):
                raise TransitionRefused(TransitionRefused.MISSING_FIELD, _("%(field)s is required to “%(action)s”.")
                                        % {"field": label_of(required).capitalize(), "action": row.label},
                                        field=required)
        context = prepare(locked, row, inputs, actor, now) if prepare is not None else None
        for check in row.checks:
            func = table.checks[check]
            failure = func(locked, context) if prepare is not None else func(locked, inputs, actor)
            if failure is not None:
                raise TransitionRefused(TransitionRefused.PRECONDITION, failure[1], field=failure[0])
        old = locked.status
        new = row.target or old
        if table.compare_and_set:
            # The row lock makes this a second line of defence: the status only moves from what we read.
            moved = model.objects.filter(pk=locked.pk, status=old, version=locked.version).update(
                status=new, version=F("version") + 1)
            if not moved:  # pragma: no cover
                raise _refuse(table, TransitionRefused.STALE, "stale", record=noun, status=status)
        effects(locked, row, inputs, now)
        locked.status = new
        locked.version += 1
        locked.save()
        note = next((str(inputs[k]) for k in table.note_inputs if inputs.get(k)), "")
        changes.write(locked, name=row.name, old=old, new=new, actor=actor_or_none(actor), note=note, at=now)
        if announce is not None:
            announce(locked, row, old, note, now)
    obj.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_state")})
    return locked
