"""Panels other modules add to a record's page (a complaint shows its corrective actions, later its claims).

The page's own app does not import the others: they register here in their
``AppConfig.ready`` and the page renders whatever is registered for its model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

_PANELS: dict[str, list[tuple[str, Callable[[Any, Any], dict[str, Any] | None]]]] = {}


def register(model_label: str, template: str, context: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    """``context(obj, user)`` returns the panel's data, or None to leave it out for that user."""
    entries = _PANELS.setdefault(model_label, [])
    if all(t != template for t, _c in entries):
        entries.append((template, context))


# -- parts of a page fetched when shown ---------------------------------------------------------------------------
#
# A detail page answers with what is read first (the record, its next step, its dates) and leaves the parts below
# the fold or behind a closed heading (other modules' panels, the change history, the record forms) as placeholders
# that htmx fetches from the same address with ``?part=<name>`` once they come into view or are opened
# (core/_later.html). Followed without a script, the placeholder's link asks for the same part and gets the whole
# page with every part in place.

PART = "part"


def asked_part(request) -> str:
    """The part of a page its placeholder asks for (``?part=…`` fetched by htmx), or "" for the whole page."""
    return request.GET.get(PART, "") if request.headers.get("HX-Request") else ""


def parts_later(request) -> bool:
    """Whether the page leaves its later parts to be fetched when shown: not when a part's link was followed
    without a script, and not when the page comes back with a refused form (shown as it was filled)."""
    return PART not in request.GET and not refused_forms(request)


def part_response(response):
    """A page's or a part's answer: the same address answers either by the ``HX-Request`` header, so caches keep
    the two apart."""
    from django.utils.cache import patch_vary_headers

    patch_vary_headers(response, ("HX-Request",))
    return response


def panels_for(obj, user) -> list[dict[str, Any]]:
    panels = []
    for template, context in _PANELS.get(obj._meta.label_lower, []):
        data = context(obj, user)
        if data is not None:
            panels.append({"template": template, **data})
    return panels


# -- the "next step" panel at the top of every detail page (issue 16 §5, design §12) ------------------------------


@dataclass
class PanelAction:
    """One step a user may take from a detail page: a form posted to ``url`` (its fields, if any, from ``form``).

    ``form_id`` keeps each page's own element id (``action-…`` on complaints, ``transition-…`` elsewhere), so
    the pages' tests and links keep working; ``danger`` marks steps that end the record (cancel, write off).
    """

    name: str
    label: Any
    url: str
    form: Any = None
    version: int | None = None
    form_id: str = ""
    multipart: bool = False
    danger: bool = False

    def __post_init__(self) -> None:
        self.form_id = self.form_id or f"transition-{self.name}"


@dataclass
class NextStep:
    """What the panel shows: the steps first and open, the rest under "more", the steps the rules refuse now with
    why, and who the record waits for (``mine``: this user; ``others``: someone else, with the deadline)."""

    first: list[PanelAction]
    more: list[PanelAction]
    refused: list[tuple[Any, Any]]
    mine: list[Any]
    others: list[Any]
    approval: list[tuple[Any, Any]] = field(default_factory=list)
    approval_title: Any = ""

    @property
    def empty(self) -> bool:
        return not (self.first or self.more or self.refused or self.mine or self.others)


FIRST = 2  # the one or two steps shown open (issue 16 §5)


def _shown(value):
    """An approval row's value as the page shows it (instants in local time to the minute)."""
    import datetime

    from django.utils import timezone

    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value
DANGEROUS = frozenset({"cancel", "write_off", "reject_at_intake"})


def concerns(item, user) -> bool:
    """Whether waiting ``item`` (a :class:`kesu.core.work.WorkItem`) is this user's to act on: assigned to them,
    or unassigned and for their role in their department (or their company when it names no department) — the
    same reading as the "mine" queue of :mod:`kesu.core.work`."""
    if item.assignee is not None:
        return item.assignee.pk == user.pk
    if getattr(user, "role", None) not in item.roles or item.company_id != getattr(user, "company_id", None):
        return False
    return item.department is None or item.department.pk == user.department_id


def table_actions(rows, url: Callable[[Any], str], *, form: Callable[[Any], Any] | None = None,
                  version: int | None = None, form_id: str = "transition-{name}",
                  bound: dict[str, Any] | None = None) -> list[PanelAction]:
    """Panel actions for the rows of a workflow table (as :meth:`kesu.core.workflow.Table.offer` gives them).

    ``bound`` (see :func:`refused_forms`) holds the form a refused step was filled in with, by form id: that step
    shows it again, with what was typed and the errors, instead of an empty form.
    """
    bound = bound or {}
    actions = []
    for row in rows:
        the_id = form_id.format(name=row.name)
        the_form = bound.get(the_id) or (form(row) if form else None)
        actions.append(PanelAction(name=row.name, label=row.label, url=url(row), form=the_form, version=version,
                                   form_id=the_id, danger=row.name in DANGEROUS))
    return actions


# -- a refused form comes back as it was filled (issue 17 §2) -----------------------------------------------------
#
# One path for every app: the step's view binds the posted data to the step's form; when the form or the service
# refuses, it answers with :func:`show_refused`, which renders the record's page again (no redirect, so nothing typed
# is lost) with that form in place of the empty one. The form names every refused field above its fields and marks
# each field; the panel holding it stays open and the page scrolls to it (kesu.js: data-scroll-into-view).


def add_refusal(form, error) -> None:
    """Put a service's refusal on the form the user filled: next to the field it names, else above the fields."""
    from django.core.exceptions import ValidationError

    from .services import TransitionRefused

    if isinstance(error, TransitionRefused):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error))


def page_step(request, record, *, name: str, form, run: Callable[..., Any], done: Callable[[], Any],
              page: Callable[..., Any], form_id: str, back: str):
    """One workflow step taken from a record's page: the step's form (bound to the post, or None for a step
    without inputs), then the service ``run(actor=, name=, expected_version=, **inputs)``.

    Done: a message saying so and the page again (``back``). Refused by the form or the service: the page again
    (``page(request, record.pk)``) with the form as it was filled, every refused field named (:func:`show_refused`).
    A step the page no longer offers, or a page out of date, is said in a message on a fresh page.
    """
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from .services import TransitionRefused

    inputs = {}
    if form is not None:
        if not form.is_valid():
            return show_refused(request, page, record.pk, form_id=form_id, form=form)
        inputs = form.inputs()
    version = request.POST.get("version", "")
    try:
        run(actor=request.user, name=name, expected_version=int(version) if version.isdigit() else None, **inputs)
    except (TransitionRefused, ValidationError) as error:
        if form is None or getattr(error, "code", "") == TransitionRefused.STALE:
            for message in [error.message] if isinstance(error, TransitionRefused) else error.messages:
                messages.error(request, message)
            return redirect(back)
        return show_refused(request, page, record.pk, form_id=form_id, form=form, error=error)
    messages.success(request, done() if callable(done) else done)  # read after the step: the new status
    return redirect(back)


DONE = gettext_lazy("Done: %(step)s. Now “%(status)s”.")


def table_step(request, record, table, name: str, *, run: Callable[..., Any], back: str, page: Callable[..., Any],
               form_class, form_kwargs: dict[str, Any] | None = None, done_message: Any = None):
    """One step of workflow ``table`` taken from ``record``'s page (the views of property, contracts and claims):
    the step's form ``form_class(request.POST, row=, prefix=name, **form_kwargs)`` when the record's status has
    that step, then :func:`page_step`. Done: ``done_message`` (default :data:`DONE`) formatted with the step's label
    and the status read back after the step, and the page ``back`` (a URL name taking the record's pk)."""
    from django.urls import reverse

    row = table.get(record.status, name)
    form = form_class(request.POST, row=row, prefix=name, **(form_kwargs or {})) if row is not None else None
    message = done_message or DONE

    def done():
        status = type(record)._default_manager.get(pk=record.pk).get_status_display()
        return str(message) % {"step": row.label if row else name, "status": status}

    return page_step(request, record, name=name, form=form, run=run, page=page, form_id=f"transition-{name}",
                     done=done, back=reverse(back, args=[record.pk]))


def refused_forms(request) -> dict[str, Any]:
    """The refused form of this request, by form id (empty on an ordinary visit of the page)."""
    return getattr(request, "_kesu_refused_forms", {})


def show_refused(request, page: Callable[..., Any], *args, form_id: str, form, error=None):
    """The record's page again, with ``form`` (bound to what was posted) shown under ``form_id`` and ``error`` (a
    ``TransitionRefused`` or ``ValidationError`` from the service, if the form itself was valid) on it."""
    if error is not None:
        add_refusal(form, error)
    request._kesu_refused_forms = {form_id: form}
    response = page(request, *args)
    response.status_code = 422  # the browser shows the page; a script or test can tell it was refused
    return response


def next_step(record, user, actions: list[PanelAction], *, refused=(), fulfils: dict[str, tuple[str, ...]] | None = None,
              approval: Callable[[list[PanelAction]], tuple[Any, list[tuple[Any, Any]]]] | None = None,
              waiting: list | None = None) -> NextStep:
    """Order a page's actions by one rule: the steps that do what the record waits for from this user (the work
    registry's items, :func:`kesu.core.work.waiting_for`) come first and open, at most :data:`FIRST` of them; the
    others go under "more". ``fulfils`` maps a waiting step to the transitions that do it when their names
    differ (a complaint's "route" is done by handling it in sales or escalating it); by default a step is done by
    the transition of its name, or of its name without a trailing ``_qa``. ``approval(first)`` gives the title and
    rows of what is being approved when the first step is an approval, shown on the same screen. ``refused`` are
    ``(label, why)`` of the steps the table's dry run refuses for this user now (``Table.offer``)."""
    from kesu.accounts.roles import Role

    from . import work

    items = work.waiting_for(record) if waiting is None else waiting
    for item in items:
        item.role_labels = [Role(role).label for role in sorted(item.roles) if role in Role.values]
    from .workflow import OWN_PROPOSAL

    own = {getattr(row, "name", None) for row, why in refused if why is OWN_PROPOSAL}
    refused_names = {getattr(row, "name", None) for row, _why in refused}

    def does(item) -> tuple[str, ...]:
        return (fulfils or {}).get(item.action) or (item.action, item.action.removesuffix("_qa"))

    def takes(item) -> bool:
        names = does(item)
        if not concerns(item, user) or own & set(names):
            return False  # not theirs, or they proposed what is to be approved (design §11)
        # A step for a role whose main transition the rules refuse this user (above their approval limit) waits
        # for another holder of the role; one assigned to them stays theirs, with the reason shown.
        return item.assignee is not None or names[0] not in refused_names

    mine = [item for item in items if takes(item)]
    others = [item for item in items if not takes(item)]
    wanted: list[str] = []
    for item in mine:
        wanted.extend(name for name in does(item) if name not in wanted)
    first = sorted((a for a in actions if a.name in wanted), key=lambda a: wanted.index(a.name))[:FIRST]
    # A step just refused stays open, first, with what was typed (issue 17 §2).
    first = [a for a in actions if getattr(a.form, "is_bound", False)] + [a for a in first
                                                                          if not getattr(a.form, "is_bound", False)]
    more = [a for a in actions if a not in first]
    title, rows = approval(first) if approval is not None and first else ("", [])
    rows = [(label, _shown(value)) for label, value in rows]
    return NextStep(first=first, more=more, refused=[(getattr(r, "label", r), why) for r, why in refused],
                    mine=mine, others=others, approval=rows, approval_title=title)
