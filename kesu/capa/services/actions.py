"""Raising, linking, editing and moving corrective actions: the one write path (pages, API, other modules)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import actor_or_none, require_role
from kesu.core.workflow import run_transition

from .. import permissions, signals
from ..choices import STEPS_BY_FORMAT, ActionFormat, ActionKind, ActionStatus, SourceKind, Step
from ..models import ActionChange, ActionLink, ActionStep, CorrectiveAction
from ..sections import SECTIONS, Section
from ..selectors import capa_settings_for, effectiveness, rules_for
from ..workflow import CHECKS, INPUT_LABELS, TABLE, CheckContext

COUNTER_KEY = "action"
RAISE_FIELDS = ("title", "problem", "kind", "format", "customer", "category", "responsible_department", "owner",
                "qa_owner")


def _full_clean(instance: models.Model, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def _check_same_company(action: CorrectiveAction, users, field: str) -> None:
    for user in users:
        if user is not None and not user.is_superuser and user.company_id != action.company_id:
            raise ValidationError({field: _("Choose people of the action's company.")})


def _source(kind: str, obj) -> tuple[str, ContentType | None, int | None, str]:
    if obj is None:
        return kind, None, None, ""
    return kind, ContentType.objects.get_for_model(type(obj)), obj.pk, str(getattr(obj, "number", None) or obj)[:200]


def action_raise(*, actor, company, data: dict[str, Any], parts=(), sources=(), source: str = "web"
                 ) -> CorrectiveAction:
    """Raise an action (issue 4 §1) from any module: ``sources`` are (SourceKind, record) pairs.

    ``data`` holds the fields in ``RAISE_FIELDS`` (relations as objects or ``<name>_id``). The format
    defaults to the customer's rule, else the company's; the steps get owners and due dates in working
    days of the company calendar.
    """
    require_role(actor, permissions.RAISE, company.pk)
    unknown = sorted(set(data) - set(RAISE_FIELDS) - {f"{n}_id" for n in RAISE_FIELDS})
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    now = timezone.now()
    action = CorrectiveAction(company=company, raised_by=actor_or_none(actor), raised_at=now, **data)
    rules = rules_for(company, action.customer if action.customer_id else None)
    action.format = action.format or rules.format
    action.kind = action.kind or ActionKind.CORRECTIVE
    action.effectiveness_shipments = rules.effectiveness_shipments
    sources = list(sources)
    action.origin = sources[0][0] if sources else SourceKind.MANUAL
    _full_clean(action, exclude=["number"])
    _check_same_company(action, [action.owner, action.qa_owner], "owner")
    parts = list(parts)
    if any(p.company_id != company.pk for p in parts):
        raise ValidationError({"parts": _("Choose parts of the action's company.")})
    cfg = capa_settings_for(company)
    calendar = WorkingCalendar(company)
    with acting_as(actor, source), transaction.atomic():
        action.number = next_number(company, COUNTER_KEY, cfg.number_pattern, now, taken=lambda n: (
            CorrectiveAction.objects.filter(company=company, number=n).exists()))
        action.save()
        action.parts.set(parts)
        for step in STEPS_BY_FORMAT[ActionFormat(action.format)]:
            ActionStep.objects.create(company=company, action=action, step=step, owner=action.owner,
                                      due_at=calendar.add_working_days(now, rules.step_days[step]).at)
        for kind, obj in sources:
            _link(action, kind, obj, now)
        ActionChange.write(action, name="raise", old="", new=action.status, actor=actor_or_none(actor), at=now)
        transaction.on_commit(lambda: signals.action_raised.send(CorrectiveAction, action=action, actor=actor))
    return action


def action_raise_from_complaint(*, actor, complaint, data: dict[str, Any] | None = None, source: str = "web"
                                ) -> CorrectiveAction:
    """The usual case: a complaint (marked "needs corrective action") raises its action with its facts."""
    base: dict[str, Any] = {
        "title": f"{complaint.number} {complaint.defect_nature or complaint.defect_location}".strip()[:200],
        "problem": complaint.description, "customer": complaint.customer, "category": complaint.category,
    }
    if complaint.responsible_department_id:
        department = complaint.responsible_department
        base["responsible_department"] = department
        if department.head_id:
            base["owner"] = department.head
    base.update(data or {})
    parts = [complaint.part] if complaint.part_id else []
    return action_raise(actor=actor, company=complaint.company, data=base, parts=parts,
                        sources=[(SourceKind.COMPLAINT, complaint)], source=source)


def _link(action: CorrectiveAction, kind: str, obj, now) -> ActionLink:
    kind, content_type, object_id, label = _source(kind, obj)
    if obj is not None and getattr(obj, "company_id", action.company_id) != action.company_id:
        raise ValidationError({"source": _("Only records of the action's company can be linked.")})
    return ActionLink.objects.create(company_id=action.company_id, action=action, kind=kind,
                                     content_type=content_type, object_id=object_id, label=label, linked_at=now)


def action_link(*, actor, action: CorrectiveAction, kind: str, obj, source: str = "web") -> ActionLink:
    """Link another record to an existing action (a recurrence shares the action)."""
    require_role(actor, permissions.RAISE, action.company_id)
    if action.status not in (s for s in ActionStatus.values if s != ActionStatus.CANCELLED):
        raise ValidationError({"action": _("A cancelled action takes no new links.")})
    content_type = ContentType.objects.get_for_model(type(obj))
    if ActionLink.objects.filter(action=action, content_type=content_type, object_id=obj.pk).exists():
        raise ValidationError({"source": _("%(record)s is already linked to this action.") % {"record": obj}})
    with acting_as(actor, source), transaction.atomic():
        return _link(action, kind, obj, timezone.now())


# -- sections -------------------------------------------------------------------------


def _may_edit(actor, action: CorrectiveAction) -> None:
    require_role(actor, permissions.EDIT, action.company_id)
    failure = CHECKS["in_department"](action, CheckContext(actor=actor, inputs={}))
    if failure is not None:
        raise PermissionDenied(failure[1])


def _save_rows(action: CorrectiveAction, name: str, spec, rows: list[dict[str, Any]]) -> None:
    manager = spec.model.objects.filter(action=action, **spec.fixed)
    allowed = set(spec.fields) | {f"{f}_id" for f in spec.fields} | ({"id"} if spec.update_only else set())
    existing = {obj.pk: obj for obj in manager} if spec.update_only else {}
    built = []
    for i, row in enumerate(rows):
        unknown = sorted(set(row) - allowed)
        if unknown:
            raise ValidationError({f"{name}[{i}].{unknown[0]}": _("This field cannot be set here.")})
        if spec.update_only:
            obj = existing.get(row.get("id"))
            if obj is None:
                raise ValidationError({f"{name}[{i}].id": _("No such row on this action.")})
            for key, value in row.items():
                if key != "id":
                    setattr(obj, key, value)
        else:
            obj = spec.model(company_id=action.company_id, action=action, **spec.fixed, **row)
        if spec.model.__name__ == "WhyRow":
            obj.position = 1 + sum(1 for other in built if other.chain == obj.chain)
        try:
            obj.full_clean(exclude=["action", "company"], validate_unique=False)
        except ValidationError as error:
            raise ValidationError({f"{name}[{i}].{key}": value for key, value in error.message_dict.items()}) from error
        for field_name in ("user", "owner"):
            if getattr(obj, f"{field_name}_id", None):
                _check_same_company(action, [getattr(obj, field_name)], f"{name}[{i}].{field_name}")
        department = getattr(obj, "department", None) if hasattr(obj, "department_id") else None
        if department is not None and department.company_id != action.company_id:
            raise ValidationError({f"{name}[{i}].department": _("Choose a department of the action's company.")})
        built.append(obj)
    if name == "team" and built and not any(m.is_leader for m in built):
        raise ValidationError({"team": _("Name the team leader.")})
    if name == "team" and len({m.user_id for m in built}) != len(built):
        raise ValidationError({"team": _("Each person is on the team once.")})
    if spec.update_only:
        for obj in built:
            obj.save()
        return
    manager.delete()
    for obj in built:
        obj.save()


def action_section_save(*, actor, action: CorrectiveAction, section: str, data: dict[str, Any],
                        complete: bool = False, expected_version: int | None = None, source: str = "web"
                        ) -> CorrectiveAction:
    """Save one section of the 8D report or the simple form (fields and rows); ``complete`` marks its step done."""
    spec: Section | None = SECTIONS.get(section)
    if spec is None or action.format not in spec.formats:
        raise ValidationError({"section": _("This action has no section “%(section)s”.") % {"section": section}})
    _may_edit(actor, action)
    unknown = sorted(set(data) - set(spec.fields) - set(spec.rows))
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError({"version": _("Someone else changed this action meanwhile; reload it and try again.")})
        if locked.status not in spec.statuses:
            raise ValidationError({"section": _("%(section)s cannot be changed while the action is “%(status)s”.") % {
                "section": spec.label, "status": locked.get_status_display()}})
        for name in spec.fields:
            if name in data:
                setattr(locked, name, data[name])
        _full_clean(locked)
        for name, rows_spec in spec.rows.items():
            if name in data:
                _save_rows(locked, name, rows_spec, list(data[name] or []))
        locked.version += 1  # the row is locked: no one else moves it meanwhile
        locked.save()
        if complete and spec.step:
            ActionStep.objects.filter(action=locked, step=spec.step, done_at__isnull=True).update(done_at=now)
    return locked


def action_step_update(*, actor, action: CorrectiveAction, step: str, owner, due_at: datetime.datetime,
                       source: str = "web") -> ActionStep:
    """Give a step another owner or due date (QA or the GM; customers' 8D deadlines are negotiated)."""
    require_role(actor, permissions.STEPS, action.company_id)
    row = ActionStep.objects.filter(action=action, step=step).first()
    if row is None:
        raise ValidationError({"step": _("This action has no step “%(step)s”.") % {"step": step}})
    _check_same_company(action, [owner], "owner")
    if due_at is None:
        raise ValidationError({"due_at": _("Give the due date.")})
    with acting_as(actor, source), transaction.atomic():
        row.owner, row.due_at, row.escalation_level, row.last_escalated_at = owner, due_at, 0, None
        row.save()
    return row


# -- the workflow -------------------------------------------------------------------------------

STEP_DONE_BY = {
    "submit_plan": (Step.D0, Step.D1, Step.D2, Step.D3, Step.D4, Step.D5, Step.PROBLEM, Step.CAUSE, Step.ACTION),
    "verify": (Step.D6,),
    "close": (Step.D7, Step.D8, Step.VERIFICATION),
}
REPLANNED = (Step.D4, Step.D5, Step.D6, Step.D7, Step.D8, Step.CAUSE, Step.ACTION, Step.VERIFICATION)


def _label(name: str) -> str:
    if name in INPUT_LABELS:
        return str(INPUT_LABELS[name])
    return str(CorrectiveAction._meta.get_field(name).verbose_name)


def action_transition(*, actor, action: CorrectiveAction, name: str, expected_version: int | None = None,
                      source: str = "web", **inputs: Any) -> CorrectiveAction:
    """Move an action one step through ``workflow.py`` on the core runner; the only way its status changes."""

    def prepare(a: CorrectiveAction, row, given: dict[str, Any], who, now) -> CheckContext:
        return CheckContext(actor=who, inputs=given,
                            effectiveness=effectiveness(a) if "effective" in row.checks else None)

    def effects(a: CorrectiveAction, row, given: dict[str, Any], now) -> None:
        _effects(a, row.name, given, actor, now)
        done = STEP_DONE_BY.get(row.name, ())
        if done:
            ActionStep.objects.filter(action=a, step__in=done, done_at__isnull=True).update(done_at=now)

    def announce(a: CorrectiveAction, row, old: str, note: str, now) -> None:
        transaction.on_commit(lambda: signals.action_transitioned.send(
            CorrectiveAction, action=a, name=row.name, old_status=old, new_status=row.target, actor=actor,
            note=note))

    return run_transition(table=TABLE, obj=action, name=name, actor=actor, inputs=inputs,
                          noun=CorrectiveAction._meta.verbose_name, label_of=_label, prepare=prepare,
                          effects=effects, changes=ActionChange,
                          announce=announce, expected_version=expected_version, source=source)


def _effects(a: CorrectiveAction, name: str, inputs: dict[str, Any], actor, now) -> None:
    person = actor_or_none(actor)
    if name == "submit_plan":
        a.plan_submitted_at = now
    elif name == "return_plan":
        a.plan_submitted_at = None
    elif name == "approve_plan":
        a.approved_by, a.approved_at = person, now
        a.qa_owner = a.qa_owner or person
    elif name == "report_implemented":
        a.implemented_at = now
    elif name == "reject_implementation":
        a.implemented_at = None
    elif name == "verify":
        a.verified_by, a.verified_at = person, now
    elif name == "close":
        a.closed_at = now
        a.effectiveness_evidence = (inputs.get("effectiveness_evidence") or "").strip()
        a.effectiveness_reason = (inputs.get("effectiveness_reason") or "").strip()
    elif name == "not_effective":
        # A new planning round: cause, actions and what follows are due again, counted from now.
        a.cycle += 1
        a.plan_submitted_at = a.approved_at = a.implemented_at = a.verified_at = None
        a.approved_by = a.verified_by = None
        rules = rules_for(a.company, a.customer if a.customer_id else None)
        calendar = WorkingCalendar(a.company)
        for step in ActionStep.objects.filter(action=a, step__in=REPLANNED):
            step.done_at, step.escalation_level, step.last_escalated_at = None, 0, None
            step.due_at = calendar.add_working_days(now, rules.step_days[step.step]).at
            step.save()
