"""Work waiting for someone (issue 16 §1–2, design §12): one registry that every app fills.

A work item is derived from a record's state, never copied into a table of its own that could drift: the action
that must be done, by whom (a user, or a role in a department of a company), by when (the working-day deadline
where one exists) and about what (a link). Seed 004 §6: every step has a deadline and an owner; ISO 10002 §7.3:
each complaint is tracked until the next person acts.

How an app adds its waiting work
--------------------------------
In ``kesu/<app>/work.py`` (found by :func:`autodiscover` like ``admin.py``), declare a :class:`Source` for each
model that waits for people, with one :class:`Step` per thing it can wait for, and :func:`register` it::

    from django.db.models import F, Q
    from kesu.core import work

    work.register(work.Source(
        module="claims", label=_("Claims"), model=Claim,
        open=Q(status__in=OPEN_STATUSES),                 # the open records, read through an index
        url=lambda row: reverse("claims:detail", args=[row.pk]),
        steps=(
            work.Step("approve", _("Approve the claim"), roles=frozenset({Role.GM}),
                      when=Q(status="analysed"), due=F("approval_due_at")),
            work.Step("settle", _("Settle the claim"), roles=frozenset({Role.FINANCE}),
                      when=Q(status="agreed"), assignee="settled_by", department="finance_department"),
        ),
    ))

``when`` is a SQL condition on the record; ``assignee`` names the field holding the user who takes the step (when
it is empty the step goes to the step's roles); ``department`` names the field holding the department that takes
it (when the record has none, the roles' people of the record's company take it); ``due`` is an expression giving
when the step is due (a field, a subquery of a deadline row, or None when nothing is timed). When several steps of
one source hold for a record at once, the first listed that concerns the reader is the one shown in a queue;
:func:`waiting_for` returns them all.

Reading the work
----------------
- :func:`queue` ``(user, scope, filters)`` — a user's queue ("mine", "department", "team"): the items, most urgent
  first (overdue, then due today, then due later, then those without a deadline; within each, the record's
  priority where its source names one, ``Source.priority``, then the due time), capped per source and in all,
  and the counts by due state over everything, not only the rows shown. Each source costs two queries (rows,
  counts) whatever the data size, plus the working calendar of each company shown.
- :func:`counts` — the counts alone (the navigation bar).
- :func:`waiting_for` ``(record)`` — the items one record waits for now (the hand-off notifications call it after
  a transition to find the next actor); :func:`resolve_users` ``(item)`` turns an item into the people who should
  act: the assignee, else the active users with one of the roles in the department (or the company).
- :func:`describe_due` fills an item's due state, colour and time left in working hours or days
  (``WorkingCalendar``), which :func:`queue` has already done for its rows.
- :func:`assignable` says whether an item may be claimed or reassigned: the source names its assignment service
  (``Source.assign``, called as ``assign(actor=…, record=…, user=…)``) and the field it sets (``assigns``), and
  only steps taken by that field qualify.

Each source's query is compiled once per shape of scope and cached (see ``_compile``); a new source needs no
more than its declaration to be in every queue, count, export, home page panel and the API.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .memo import remembered
from .models import holds_related

SCOPES = ("mine", "department", "team")
# The roles whose "team" is every company they see (design §1: the GM and vice GM oversee the whole company).
OVERSEEING_ROLES = frozenset({"gm", "vice_gm"})
ALWAYS = Q(pk__isnull=False)  # a condition that holds (Django refuses an empty Q in When)
NORMAL_PRIORITY = 3  # the priority of a record whose source has none (complaints' "normal")
ROWS_PER_SOURCE = 50  # a queue shows at most this many items (of each source, then in all); counts cover all
MAX_ROWS = 200  # the most the API gives in one answer
DUE_STATES = ("overdue", "today", "later", "none")
DUE_STATE_LABELS = {
    "overdue": _("Overdue"),
    "today": _("Due today"),
    "later": _("Due later"),
    "none": _("No deadline"),
}
DUE_CLASSES = {"overdue": "danger", "today": "warning", "soon": "warning", "later": "secondary",
               "none": "secondary"}


@dataclass(frozen=True)
class Step:
    """One thing a record can wait for: the action, who takes it and by when.

    ``when``: the condition (SQL) under which the record waits for this step, e.g. ``Q(status="received")``.
    ``assignee``: field of the record naming the user who takes the step, or None.
    ``department``: field naming the department whose people with ``roles`` take it, or None (the company's).
    ``due``: an expression for when it is due (a field name, ``F``, a ``Subquery``), or None.
    """

    action: str
    label: Any
    roles: frozenset[str]
    when: Q
    assignee: str | None = None
    department: str | None = None
    due: Any = None
    # What is to be decided, for approvals (issue 16 §5: the GM sees the report text, the amount …):
    # ``subject(record, user)`` gives a short text; ``user`` is who reads it (money only to those who see it).
    subject: Callable[[Any, Any], str] | None = None


@dataclass
class Source:
    """The waiting work of one model of one app (see the module docstring)."""

    module: str
    label: Any
    model: type[Model]
    steps: tuple[Step, ...]
    url: Callable[[Any], str]
    open: Q = field(default_factory=Q)
    number: str | Callable[[Any], str] = "number"  # the record's name in a queue (field, relation__field, function)
    company: str = "company"  # the company relation (relation__company for records without their own)
    customer: str | None = "customer"  # the customer relation, for the customer filter and the row
    related: tuple[str, ...] = ()  # further relations the url or describe read
    describe: Callable[[Any], str] | None = None  # a short text about the record (defaults to the customer)
    # Claim an item (assign to me) and reassign it: the module's own assignment service, called as
    # assign(actor=…, record=…, user=…); None when the module has no assignment.
    assign: Callable[..., Any] | None = None
    assigns: str | None = None  # the field the assignment service sets: only steps taken by it can be claimed
    assign_roles: frozenset[str] = frozenset()  # who may reassign to someone else (heads); claiming needs a role
    # A field of the record holding its priority (1 most urgent … 4 least, issue 18 §11), ordering items of the
    # same due state; records without one count as NORMAL_PRIORITY.
    priority: str | None = None

    @property
    def key(self) -> str:
        return f"{self.module}.{self.model._meta.model_name}"

    def step(self, action: str) -> Step | None:
        return next((step for step in self.steps if step.action == action), None)


@dataclass
class WorkItem:
    """One piece of work waiting for someone; ``state``, ``css`` and ``time_left`` come from describe_due."""

    module: str
    module_label: Any
    action: str
    label: Any
    record_id: int
    number: str
    about: str
    url: str
    company_id: int
    company: Any
    customer_id: int | None
    customer: Any
    assignee: Any
    department: Any
    roles: frozenset[str]
    due_at: datetime.datetime | None
    state: str = "none"
    css: str = "secondary"
    time_left: str = ""
    record: Any = None
    source_key: str = ""
    subject: str = ""

    @property
    def assignee_id(self) -> int | None:
        return self.assignee.pk if self.assignee is not None else None

    @property
    def department_id(self) -> int | None:
        return self.department.pk if self.department is not None else None

    @property
    def key(self) -> str:
        return f"{self.module}:{self.record_id}:{self.action}"

    @property
    def roles_label(self) -> str:
        """The roles that take the step, as people read them ("质量工程师、销售员"), for an unassigned item."""
        from kesu.accounts.roles import Role

        return "、".join(str(Role(r).label) for r in sorted(self.roles) if r in Role.values)


@dataclass
class Counts:
    """How many items wait, by due state (``today`` counts those due before the end of today, not overdue)."""

    total: int = 0
    overdue: int = 0
    today: int = 0
    later: int = 0
    none: int = 0

    def add(self, other: Counts) -> None:
        for name in ("total", "overdue", "today", "later", "none"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Filters:
    """The queue's filters: module keys, one customer, one due state (shared by the page, the API, the export)."""

    modules: tuple[str, ...] = ()
    customer_id: int | None = None
    due: str | None = None
    actions: tuple[str, ...] = ()  # only these action keys (the home page's panels)


@dataclass
class Queue:
    items: list[WorkItem]
    counts: Counts
    by_module: dict[str, Counts]


# -- the registry --------------------------------------------------------------------------------------------

_SOURCES: dict[str, Source] = {}
_discovered = False


def register(source: Source) -> Source:
    """Add (or replace, on reload) one source; the key is ``module`` plus the model's name."""
    _SOURCES[source.key] = source
    return source


def autodiscover() -> None:
    """Import every installed app's ``work`` module once (the registry fills itself on first use)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("work")
        _discovered = True


def sources() -> list[Source]:
    autodiscover()
    return list(_SOURCES.values())


def source_by_key(key: str) -> Source | None:
    """The source registered under ``key`` (``module.model``), as pages and the API name it."""
    autodiscover()
    return _SOURCES.get(key)


def modules() -> list[tuple[str, Any]]:
    """(module key, label) of every source's module, in registration order, each once."""
    seen: dict[str, Any] = {}
    for source in sources():
        seen.setdefault(source.module, source.label)
    return list(seen.items())


def source_for(model_or_record) -> list[Source]:
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return [source for source in sources() if source.model is model or source.model._meta.concrete_model is model]


# -- who sees what -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A reader's scope in SQL terms: computed once per request from the user."""

    kind: str
    user_id: int
    role: str | None
    company_id: int | None
    department_ids: frozenset[int]
    company_ids: frozenset[int] | None  # None: every company (a superuser)
    everything: bool  # the team of the GM and vice GM: all work in their companies


def scope_for(user, kind: str = "mine") -> Scope:
    """The scope of ``user``: "mine", "department", or "team" (the departments they head; for the GM and vice GM
    every company they see). Anyone who heads nothing has the department as their team."""
    if kind not in SCOPES:
        raise ValueError(kind)
    role = user.role
    company_ids = None if user.is_superuser else frozenset(user.visible_company_ids())
    departments = {user.department_id} if user.department_id else set()
    everything = False
    if kind == "team":
        if user.is_superuser or role in OVERSEEING_ROLES:
            everything = True
        else:
            departments |= set(user.headed_departments.values_list("pk", flat=True))
    return Scope(kind=kind, user_id=user.pk, role=role, company_id=user.company_id,
                 department_ids=frozenset(departments), company_ids=company_ids, everything=everything)


def _unassigned(step: Step) -> Q:
    return Q(**{f"{step.assignee}__isnull": True}) if step.assignee else Q()


def _step_scope(step: Step, scope: Scope, source: Source) -> Q | None:
    """The SQL condition under which ``step`` of a record is in ``scope``; None when it never is."""
    if scope.everything:
        return Q()
    company = Q(**{f"{source.company}_id": scope.company_id})
    parts: list[Q] = []
    if scope.kind == "mine":
        if step.assignee:
            parts.append(Q(**{f"{step.assignee}_id": scope.user_id}))
        if scope.role in step.roles:
            if step.department:
                # The record names no department: the role's people in its company take it.
                where = (Q(**{f"{step.department}_id__in": scope.department_ids})
                         | Q(**{f"{step.department}__isnull": True}) & company)
            else:
                where = company
            parts.append(_unassigned(step) & where)
    else:
        if not scope.department_ids:
            return None
        if step.assignee:
            parts.append(Q(**{f"{step.assignee}__department_id__in": scope.department_ids}))
        if step.department:
            parts.append(_unassigned(step) & Q(**{f"{step.department}_id__in": scope.department_ids}))
        elif scope.role in step.roles:
            # A step for a role anywhere in the company is the department's of the people with that role.
            parts.append(_unassigned(step) & company)
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def _base(source: Source, scope: Scope | None) -> QuerySet:
    qs = source.model._default_manager.filter(source.open)
    if scope is not None and scope.company_ids is not None:
        qs = qs.filter(**{f"{source.company}_id__in": scope.company_ids})
    return qs


def _due_expression(step: Step):
    from django.db.models import F

    if step.due is None:
        return None
    return F(step.due) if isinstance(step.due, str) else step.due


def _annotated(source: Source, scope: Scope, filters: Filters) -> QuerySet | None:
    """Open records of ``source`` waiting for someone in ``scope`` as (pk, ``work_step``: the index of the first
    step in scope, ``work_due``) rows; None when no step can be in scope."""
    whens, dues, conditions = [], [], []
    for index, step in enumerate(source.steps):
        if filters.actions and step.action not in filters.actions:
            continue
        in_scope = _step_scope(step, scope, source)
        if in_scope is None:
            continue
        condition = step.when & in_scope or ALWAYS
        conditions.append(condition)
        whens.append(When(condition, then=Value(index)))
        due = _due_expression(step)
        if due is not None:
            dues.append(When(condition, then=due))
    if not whens:
        return None
    qs = _base(source, scope)
    if filters.customer_id is not None:
        if source.customer is None:
            return None
        qs = qs.filter(**{f"{source.customer}_id": filters.customer_id})
    anywhere = conditions[0]
    for condition in conditions[1:]:
        anywhere |= condition
    # The conditions go in the WHERE as they are (an index on status, owner or department serves them), not as a
    # test of the CASE below, which the database could only evaluate row by row.
    qs = qs.filter(anywhere).annotate(
        work_step=Case(*whens, default=None, output_field=IntegerField()),
        work_priority=F(source.priority) if source.priority else Value(NORMAL_PRIORITY, output_field=IntegerField()))
    if dues:
        qs = qs.annotate(work_due=Case(*dues, default=None, output_field=_datetime_field()))
    else:
        # Typed, not a bare NULL: PostgreSQL reads an untyped NULL column of a subquery as text.
        qs = qs.annotate(work_due=Cast(Value(None), output_field=_datetime_field()))
    return qs.order_by().annotate(work_id=F("pk")).values_list("work_id", "work_step", "work_due", "work_priority")


# -- compiled once per shape ---------------------------------------------------------------------------------
# Building and compiling a source's query (a CASE over its steps, each with the reader's scope) costs the ORM
# about ten milliseconds of Python, more than the database takes to run it. The query's shape depends only on
# the source, the scope's kind and role, how many departments and companies it holds and which filters are set;
# the ids are parameters. So each shape is compiled once with placeholder ids, and the real ids are put in
# place of the placeholders in the parameter list on every use.
_SENTINEL = -1_000_000_000
_USER, _COMPANY, _CUSTOMER = _SENTINEL - 1, _SENTINEL - 2, _SENTINEL - 3
_DEPARTMENTS, _COMPANIES = _SENTINEL - 1_000, _SENTINEL - 100_000
_compiled: dict[tuple, tuple[str, list] | None] = {}


def _compile(source: Source, scope: Scope, filters: Filters, connection) -> tuple[str, list] | None:
    """The inner query of ``source`` for ``scope`` as (sql, parameters), from the cache of shapes."""
    departments = sorted(scope.department_ids)
    companies = sorted(scope.company_ids) if scope.company_ids is not None else None
    key = (source.key, id(source), connection.vendor, scope.kind, scope.everything, scope.role,
           scope.company_id is None, len(departments), None if companies is None else len(companies),
           filters.actions, filters.customer_id is not None)
    if key not in _compiled:
        placeholder = Scope(
            kind=scope.kind, user_id=_USER, role=scope.role,
            company_id=None if scope.company_id is None else _COMPANY,
            department_ids=frozenset(_DEPARTMENTS - i for i in range(len(departments))),
            company_ids=None if companies is None else frozenset(_COMPANIES - i for i in range(len(companies))),
            everything=scope.everything)
        shaped = Filters(actions=filters.actions,
                         customer_id=None if filters.customer_id is None else _CUSTOMER)
        inner = _annotated(source, placeholder, shaped)
        _compiled[key] = None if inner is None else inner.query.sql_with_params()
    found = _compiled[key]
    if found is None:
        return None
    sql, params = found
    values = {_USER: scope.user_id, _COMPANY: scope.company_id, _CUSTOMER: filters.customer_id}
    values.update({_DEPARTMENTS - i: pk for i, pk in enumerate(departments)})
    values.update({_COMPANIES - i: pk for i, pk in enumerate(companies or ())})
    return sql, [values.get(p, p) if type(p) is int and p < _SENTINEL + 1 else p for p in params]


def _datetime_field():
    from django.db.models import DateTimeField

    return DateTimeField()


def _today_end(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=local.tzinfo)


def _due_filter(state: str | None, now: datetime.datetime) -> Q:
    end = _today_end(now)
    return {
        "overdue": Q(work_due__lt=now),
        "today": Q(work_due__gte=now, work_due__lt=end),
        "later": Q(work_due__gte=end),
        "none": Q(work_due__isnull=True),
    }.get(state or "", Q())


def _related(source: Source) -> list[str]:
    names = [source.company, *source.related]
    if source.customer:
        names.append(source.customer)
    if isinstance(source.number, str) and "__" in source.number:
        names.append(source.number.rsplit("__", 1)[0])
    for step in source.steps:
        for name in (step.assignee, step.department):
            if name:
                names.append(name)
    return sorted(set(names))


def _value(row, path: str):
    for part in path.split("__"):
        if row is None:
            return None
        row = getattr(row, part)
    return row


def _item(source: Source, step: Step, row, due_at, user=None) -> WorkItem:
    customer = _value(row, source.customer) if source.customer else None
    about = source.describe(row) if source.describe else (str(customer) if customer is not None else "")
    number = source.number(row) if callable(source.number) else _value(row, source.number)
    company = _value(row, source.company)
    return WorkItem(
        module=source.module, module_label=source.label, action=step.action, label=step.label, record_id=row.pk,
        number=str(number or ""), about=about, url=source.url(row), company_id=company.pk, company=company,
        customer_id=customer.pk if customer is not None else None, customer=customer,
        assignee=_value(row, step.assignee) if step.assignee else None,
        department=_value(row, step.department) if step.department else None,
        roles=step.roles, due_at=due_at, record=row, source_key=source.key,
        subject=step.subject(row, user) if step.subject is not None and user is not None else "",
    )


def _chosen(selected: Iterable[Source], filters: Filters) -> list[Source]:
    wanted = set(filters.modules)
    return [source for source in selected if not wanted or source.module in wanted]


def queue(user, scope: str = "mine", filters: Filters | None = None, *, limit: int = ROWS_PER_SOURCE,
          now: datetime.datetime | None = None, calendars: dict | None = None) -> Queue:
    """The user's queue: the most urgent ``limit`` items of all sources and the counts of everything waiting.

    ``calendars`` (company id → WorkingCalendar) may be shared by several calls on one page."""
    filters = filters or Filters()
    now = now or timezone.now()
    reader = scope_for(user, scope)
    chosen, counted, found = _read(reader, filters, now, limit)
    total = Counts()
    by_module: dict[str, Counts] = {}
    for index, source in enumerate(chosen):
        total.add(counted[index])
        by_module.setdefault(source.module, Counts()).add(counted[index])
    records: dict[int, dict[int, Any]] = {}
    for index in dict.fromkeys(k for k, _pk, _step, _due in found):
        source = chosen[index]
        # Without the model's default ordering: the rows come back by key and are put in order here.
        records[index] = {row.pk: row for row in source.model._default_manager.select_related(
            *_related(source)).filter(pk__in=[pk for k, pk, _s, _d in found if k == index]).order_by()}
    items = [_item(chosen[k], chosen[k].steps[step], records[k][pk], due, user)
             for k, pk, step, due in found if pk in records[k]]
    describe_due(items, now, calendars)
    return Queue(items=items, counts=total, by_module=by_module)


def counts(user, scope: str = "mine", filters: Filters | None = None,
           now: datetime.datetime | None = None) -> Counts:
    """The counts of a queue by due state, in one query (the navigation bar)."""
    filters = filters or Filters()
    now = now or timezone.now()
    _chosen_sources, counted, _found = _read(scope_for(user, scope), filters, now, 0)
    total = Counts()
    for value in counted.values():
        total.add(value)
    return total


_DUE_SQL = {
    "overdue": "u.work_due < %s",
    "today": "u.work_due >= %s AND u.work_due < %s",
    "later": "u.work_due >= %s",
    "none": "u.work_due IS NULL",
}


def _read(reader: Scope, filters: Filters, now: datetime.datetime, limit: int
          ) -> tuple[list[Source], dict[int, Counts], list[tuple[int, int, int, datetime.datetime | None]]]:
    """One query for every source in scope: the counts by due state of each (after the due filter) and the
    ``limit`` most urgent rows of all, as (source index, pk, step index, due).

    Each source's compiled query is a branch of a UNION ALL; window functions count each branch and number the
    rows by urgency, so the most urgent rows and one row per branch (carrying its counts) come back together.
    Plain SQL around the compiled branches: Django's aggregate over an annotated CASE compiled it once per count,
    which cost more than the query itself."""
    chosen: list[Source] = []
    branches: list[str] = []
    params: list[Any] = []
    database = None
    for source in _chosen(sources(), filters):
        db = source.model._default_manager.db
        compiled = _compile(source, reader, filters, connections[db])
        if compiled is None:
            continue
        database = database or db
        sql, branch_params = compiled
        branches.append(f"SELECT {len(chosen)} AS k, w.work_id, w.work_step, w.work_due, w.work_priority "
                        f"FROM ({sql}) w")
        params.extend(branch_params)
        chosen.append(source)
    if not chosen:
        return [], {}, []
    connection = connections[database]
    moment = connection.ops.adapt_datetimefield_value(now)
    end = connection.ops.adapt_datetimefield_value(_today_end(now))
    where, where_params = "", []
    if filters.due in _DUE_SQL:
        where = "WHERE " + _DUE_SQL[filters.due]
        where_params = {"overdue": [moment], "today": [moment, end], "later": [end], "none": []}[filters.due]
    union = " UNION ALL ".join(branches)
    sql = (
        "SELECT t.k, t.work_id, t.work_step, t.work_due, t.n, t.n_overdue, t.n_today, t.n_none, t.pos FROM ("
        "SELECT u.k, u.work_id, u.work_step, u.work_due, COUNT(*) OVER (PARTITION BY u.k) AS n, "
        "SUM(CASE WHEN u.work_due < %s THEN 1 ELSE 0 END) OVER (PARTITION BY u.k) AS n_overdue, "
        "SUM(CASE WHEN u.work_due >= %s AND u.work_due < %s THEN 1 ELSE 0 END) OVER (PARTITION BY u.k) AS n_today, "
        "SUM(CASE WHEN u.work_due IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY u.k) AS n_none, "
        # Overdue, due today, later, no deadline; within each the higher priority first (issue 18 §11), then by due.
        "ROW_NUMBER() OVER (ORDER BY CASE WHEN u.work_due IS NULL THEN 3 WHEN u.work_due < %s THEN 0 "
        "WHEN u.work_due < %s THEN 1 ELSE 2 END, u.work_priority, u.work_due, u.k, u.work_id)"
        " AS pos, ROW_NUMBER() OVER (PARTITION BY u.k) AS rn "
        f"FROM ({union}) u {where}"
        ") t WHERE t.pos <= %s OR t.rn = 1 ORDER BY t.pos"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [moment, moment, end, moment, end, *params, *where_params, limit])
        rows = cursor.fetchall()
    counted: dict[int, Counts] = {index: Counts() for index in range(len(chosen))}
    found = []
    for k, pk, step, due_at, n, overdue, today, none, pos in rows:
        total, overdue, today, none = int(n), int(overdue or 0), int(today or 0), int(none or 0)
        counted[k] = Counts(total=total, overdue=overdue, today=today, none=none,
                            later=total - overdue - today - none)
        if pos <= limit:
            found.append((k, pk, step, _as_datetime(due_at)))
    return chosen, counted, found


def _as_datetime(value) -> datetime.datetime | None:
    """A due time as the database gave it (SQLite: text or a naive datetime, in UTC) as an aware datetime."""
    if value is None:
        return None
    from django.utils.dateparse import parse_datetime

    parsed = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


# -- one record ----------------------------------------------------------------------------------------------


def waiting_for(record, *, now: datetime.datetime | None = None, calendars: dict | None = None) -> list[WorkItem]:
    """Every item ``record`` waits for now, whoever takes it (per source of the record's model: one query for its
    steps, compiled once, and one for the record with what its items show when any step waits).

    The hand-off notifications call this after a transition; :func:`resolve_users` names the people. ``calendars``
    (company id → working calendar) lets a caller that words the same items again read each calendar once."""
    items: list[WorkItem] = []
    for source in source_for(record):
        manager = source.model._default_manager
        connection = connections[manager.db]
        sql, params, dues = _waiting_sql(source, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [record.pk if p == _RECORD else p for p in params])
            found = cursor.fetchone()
        if found is None:
            continue
        # The row is each step's flag, then each distinct due time: step i's is column dues[i] (None: it has none).
        waiting = [(step, _as_datetime(found[dues[index]]) if dues[index] is not None else None)
                   for index, step in enumerate(source.steps) if found[index]]
        if not waiting:
            continue
        related = _related(source)
        if isinstance(record, source.model) and holds_related(record, related):
            row = record  # the caller read it with everything its items show (the worker's event batch)
        else:
            row = next(iter(manager.select_related(*related).filter(pk=record.pk).order_by()), None)
            if row is None:
                continue
        items.extend(_item(source, step, row, due) for step, due in waiting)
    describe_due(items, now or timezone.now(), calendars)
    return items


_RECORD = _SENTINEL - 4
_waiting_compiled: dict[tuple, tuple[str, list, tuple[int | None, ...]]] = {}


def _waiting_sql(source: Source, connection) -> tuple[str, list, tuple[int | None, ...]]:
    """The query of which of ``source``'s steps one record waits for, and their due times, as (sql, parameters
    with ``_RECORD`` for the record's id, for each step the column of its due time or None). Compiled once per
    source: building the CASE of every step costs the ORM far more than the database takes to run it. Steps that
    share a due time (most wait on the complaint's earliest open deadline) share its column: PostgreSQL plans
    every subquery of a statement on its own, and planning twenty copies of one took longer than running them."""
    key = (source.key, id(source), connection.vendor)
    if key not in _waiting_compiled:
        base = _base(source, None).filter(pk=_RECORD).order_by()
        flags = {f"work_{index}": Case(When(step.when or ALWAYS, then=Value(True)), default=Value(False))
                 for index, step in enumerate(source.steps)}
        columns: dict[tuple, str] = {}  # a due expression's SQL → its column name
        dues: dict[str, Any] = {}
        due_of: list[str | None] = []
        for step in source.steps:
            due = _due_expression(step)
            if due is None:
                due_of.append(None)
                continue
            sql, params = base.annotate(work_due=due).values_list("work_due").query.sql_with_params()
            name = columns.setdefault((sql, tuple(params)), f"work_due_{len(columns)}")
            dues.setdefault(name, due)
            due_of.append(name)
        names = [*flags, *dues]
        query = base.annotate(**flags, **dues).values_list(*names).query
        sql, params = query.sql_with_params()
        _waiting_compiled[key] = sql, list(params), tuple(None if name is None else names.index(name)
                                                          for name in due_of)
    return _waiting_compiled[key]


def resolve_users(item: WorkItem) -> list:
    """The people who should act on ``item``: its assignee when active, else the active users holding one of its
    roles in its department (or, when it names none, in its company)."""
    from kesu.accounts.models import User

    if item.assignee is not None:
        return [item.assignee] if item.assignee.is_active else []
    qs = User.objects.filter(is_active=True, company_id=item.company_id, position__role__in=item.roles)
    if item.department is not None:
        qs = qs.filter(department_id=item.department.pk)
    return list(qs.order_by("username"))


def assignable(item: WorkItem) -> bool:
    """Whether ``item`` can be claimed or reassigned: its source has an assignment service and the step is taken
    by the field that service sets (claiming a department's answer must not make someone the complaint's owner)."""
    source = source_by_key(item.source_key)
    if source is None or source.assign is None or not source.assigns:
        return False
    step = source.step(item.action)
    return step is not None and step.assignee == source.assigns


# -- time left in working time -------------------------------------------------------------------------------


@remembered
def _calendar(company):
    from .calendar import WorkingCalendar

    return WorkingCalendar(company)


def describe_due(items: list[WorkItem], now: datetime.datetime, calendars: dict | None = None) -> None:
    """Set each item's due state, colour and time left, measured on its company's working calendar (one
    calendar per company, so a queue reads each calendar year once)."""
    calendars = {} if calendars is None else calendars
    end = _today_end(now)
    for item in items:
        if item.due_at is None:
            item.state, item.css, item.time_left = "none", DUE_CLASSES["none"], str(DUE_STATE_LABELS["none"])
            continue
        calendar = calendars.get(item.company_id)
        if calendar is None:
            calendar = calendars[item.company_id] = _calendar(item.company)
        item.state = "overdue" if item.due_at < now else "today" if item.due_at < end else "later"
        item.time_left, soon = _time_left(calendar, now, item.due_at)
        item.css = DUE_CLASSES["soon" if soon and item.state == "later" else item.state]


def _time_left(calendar, now: datetime.datetime, due: datetime.datetime) -> tuple[str, bool]:
    """("还剩 3 小时" / "已逾期 1 个工作日", less than a working day left)."""
    day = calendar.day_length()
    try:
        span = calendar.working_time_between(min(now, due), max(now, due))
    except ValueError:  # more than ten years apart
        span = datetime.timedelta(days=3650)
    if due >= now:
        if span < day:
            hours = max(1, math.ceil(span.total_seconds() / 3600))
            return ngettext("%(count)d hour left", "%(count)d hours left", hours) % {"count": hours}, True
        days = int(span / day)
        return ngettext("%(count)d working day left", "%(count)d working days left", days) % {"count": days}, False
    if span < day:
        hours = max(1, math.ceil(span.total_seconds() / 3600))
        return ngettext("Overdue by %(count)d hour", "Overdue by %(count)d hours", hours) % {"count": hours}, True
    days = int(span / day)
    return (ngettext("Overdue by %(count)d working day", "Overdue by %(count)d working days", days)
            % {"count": days}, True)


def deadline_subquery(model, kind_field: str, kind: str, *, link: str = "complaint", due: str = "due_at",
                      open_filter: Q | None = None):
    """A subquery giving the due time of a record's open deadline row of one kind (for ``Step.due``)."""
    from django.db.models import OuterRef, Subquery

    qs = model.objects.filter(**{link: OuterRef("pk"), kind_field: kind})
    if open_filter is not None:
        qs = qs.filter(open_filter)
    return Subquery(qs.order_by(due).values(due)[:1])


def end_of_day(date_field: str):
    """A date field as the instant it runs out, for ``Step.due`` of records due "on" a day (improvements,
    department reports): midnight at its end in China Standard Time (UTC+8, no daylight saving), where the
    seeds' companies work; a company elsewhere is off by its offset, never by a day's work."""
    from django.db.models import DateTimeField, ExpressionWrapper, F
    from django.db.models.functions import Cast

    return ExpressionWrapper(Cast(F(date_field), DateTimeField()) + datetime.timedelta(hours=16),
                             output_field=DateTimeField())
