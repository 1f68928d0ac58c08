"""Every write of the prevention module: groups, meetings, signals and their steps, preventive actions,
assessments (one write path for pages, API, demo and the monitoring job)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.numbering import next_number
from kesu.core.services import actor_or_none, require_role
from kesu.core.workflow import run_transition

from . import signals
from .choices import (
    LEADERSHIP_CLASSES,
    AssessmentStatus,
    GroupKind,
    MemberPosition,
    Outcome,
    SignalSource,
    SignalStatus,
)
from .models import (
    Assessment,
    AssessmentChange,
    GroupMember,
    PreventionGroup,
    PreventiveAction,
    SignalChange,
    SpecialMeeting,
    WarningSignal,
)
from .workflow import ASSESSMENT_TABLE, INPUT_LABELS, PREVENTERS, RECORDERS, SIGNAL_TABLE, in_group

NUMBER_PATTERN = "YJ-{year}-{seq:04d}"
# Seed 001 §六: the leadership group (led by the GM, deputies incl. the vice GM) and the prevention office, set in
# the technical quality section (QA), organise prevention; so they, and only they, set the groups, their duties and
# the repeat rules. The sales director is not among them: the repeat rules feed the assessment of the salespeople
# (seed 004 §6) he confirms, and the market managers sit in the working group as members, not as its organisers.
GROUP_EDITORS = frozenset({"gm", "vice_gm", "qa"})
RULE_EDITORS = GROUP_EDITORS

# Seed 001 §七: the duties of each body, the default text of a company's groups.
DUTIES = {
    GroupKind.LEADERSHIP: (
        "组长：组织领导小组成员召开会议讨论决策；决策处理意见；向股份公司领导汇报。\n"
        "副组长：负责调度、指导、指挥对重大问题的预防处理；对重大问题提出处理意见，提出会议决议；对重大事故、"
        "可能导致媒体曝光等事件向组长提出处理建议；负责媒体、政府职能部门等的公关和协调；负责提出召开专题小组会议。\n"
        "组员：负责对一般性投诉问题的预防处理，并调度、安排、指挥市场部进行处理；向各市场部催办处理进程，做好记录；"
        "负责汇总、总结，向有关领导汇报；根据组长（副组长）安排进行处理。"),
    GroupKind.WORKING: (
        "主要负责从市场反映的潜在问题、质量事故、纠纷、用户抱怨等事件中发现问题，及时处理，避免用户投诉的发生，"
        "并负责调度、安排、指挥市场部进行处理。成员：呼叫中心客服代表和各市场部经理。"),
    GroupKind.OFFICE: (
        "预防投诉管理办公室（设在技术质量科）：投诉迹象的监测、收集和汇总，组织识别和诊断，跟踪预控措施，"
        "记录专题会议。"),
}


def _label(name: str) -> str:
    return str(INPUT_LABELS.get(name, name))


# -- groups and meetings ---------------------------------------------------------------------------


def groups_ensure(company) -> list[PreventionGroup]:
    """The company's three groups (seed 001 §六), made with the seed's duties when missing."""
    out = []
    for kind in GroupKind:
        group, _created = PreventionGroup.objects.get_or_create(company=company, kind=kind,
                                                                defaults={"duties": DUTIES[kind]})
        out.append(group)
    return out


def group_get(company, kind: str) -> PreventionGroup:
    return PreventionGroup.objects.get_or_create(company=company, kind=kind, defaults={"duties": DUTIES[kind]})[0]


def members_of(company, kind: str) -> list:
    """The active people of one group of the company, leader first."""
    order = {MemberPosition.LEADER: 0, MemberPosition.DEPUTY: 1, MemberPosition.MEMBER: 2}
    rows = GroupMember.objects.filter(group__company=company, group__kind=kind, user__is_active=True).select_related(
        "user")
    return [m.user for m in sorted(rows, key=lambda m: (order.get(m.position, 3), m.pk))]


def group_member_set(*, actor, group: PreventionGroup, user, position: str = MemberPosition.MEMBER, note: str = "",
                     source: str = "web") -> GroupMember:
    """Put ``user`` in ``group`` with ``position`` (or change their position)."""
    require_role(actor, GROUP_EDITORS, group.company_id)
    if user.company_id != group.company_id:
        raise ValidationError({"user": _("Choose a person of the group's company.")})
    if position not in MemberPosition.values:
        raise ValidationError({"position": _("Choose the position in the group.")})
    with acting_as(actor, source), transaction.atomic():
        before = _members_text(group)
        member, _created = GroupMember.objects.update_or_create(group=group, user=user,
                                                                defaults={"position": position, "note": note})
        _audit_members(group, before)
    return member


def _members_text(group: PreventionGroup) -> str:
    rows = GroupMember.objects.filter(group=group).select_related("user").order_by("position", "id")
    return "、".join(f"{m.user} ({m.position})" for m in rows)


def _audit_members(group: PreventionGroup, before: str) -> None:
    """Group members are not audited rows of their own: the change is written on the group's trail."""
    from kesu.core.audit import record_change

    after = _members_text(group)
    if after != before:
        record_change(group, {"members": [before, after]})


def group_member_remove(*, actor, member: GroupMember, source: str = "web") -> None:
    require_role(actor, GROUP_EDITORS, member.group.company_id)
    with acting_as(actor, source), transaction.atomic():
        group = member.group
        before = _members_text(group)
        member.delete()
        _audit_members(group, before)


def group_duties_set(*, actor, group: PreventionGroup, duties: str, source: str = "web") -> PreventionGroup:
    """Change a group's duties text (seed 001 §七); audited on the group."""
    require_role(actor, GROUP_EDITORS, group.company_id)
    duties = (duties or "").strip()
    if not duties:
        raise ValidationError({"duties": _("Write the group's duties.")})
    if len(duties) > 5000:
        raise ValidationError({"duties": _("At most 5000 characters.")})
    with acting_as(actor, source), transaction.atomic():
        group.duties = duties
        group.save()
    return group


def meeting_record(*, actor, group: PreventionGroup, held_at: datetime.datetime, topic: str, attendees,
                   decisions: str, signal: WarningSignal | None = None, source: str = "web") -> SpecialMeeting:
    """Record a special meeting (seed 001 §七 1.2): topic, attendees, decisions."""
    require_role(actor, PREVENTERS, group.company_id)
    attendees = list(attendees)
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = _("Give the meeting's topic.")
    if not (decisions or "").strip():
        errors["decisions"] = _("Record the decisions.")
    if len(attendees) < 2:
        errors["attendees"] = _("A meeting has at least two attendees.")
    if any(u.company_id != group.company_id for u in attendees):
        errors["attendees"] = _("Choose attendees of the group's company.")
    if signal is not None and signal.company_id != group.company_id:
        errors["signal"] = _("Choose a signal of the group's company.")
    if errors:
        raise ValidationError(errors)
    with acting_as(actor, source), transaction.atomic():
        meeting = SpecialMeeting.objects.create(company_id=group.company_id, group=group, signal=signal,
                                                held_at=held_at, topic=topic.strip(), decisions=decisions.strip(),
                                                recorded_by=actor_or_none(actor))
        meeting.attendees.set(attendees)
    return meeting


# -- signals -------------------------------------------------------------------------------------------

CREATE_FIELDS = ("source", "customer", "part", "observed", "warning_class", "raised_at", "owner")


def _first(users):
    return users[0] if users else None


def signal_create(*, actor, company, data: dict[str, Any], source: str = "web", auto: dict[str, str] | None = None
                  ) -> WarningSignal:
    """Record a sign of dissatisfaction (seed 001 投诉迹象监测). The working group's leader follows it; an A or B
    signal is decided by the leadership group's leader; the groups are told at once (after commit).

    ``auto`` (the monitoring job, ``actor`` None): ``auto_cause``, ``cause_key`` and ``why``."""
    require_role(actor, RECORDERS, company.pk)
    unknown = sorted(set(data) - set(CREATE_FIELDS) - {f"{n}_id" for n in ("customer", "part", "owner")})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    now = timezone.now()
    signal = WarningSignal(company=company, reported_by=actor_or_none(actor), **data, **(auto or {}))
    if signal.raised_at is None:
        signal.raised_at = now
    if signal.raised_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"raised_at": _("A signal cannot be recorded in the future.")})
    errors = {}
    if signal.customer_id and signal.customer.company_id != company.pk:
        errors["customer"] = _("Choose a customer of this company.")
    if signal.part_id and signal.part.company_id != company.pk:
        errors["part"] = _("Choose a part of this company.")
    if errors:
        raise ValidationError(errors)
    try:
        signal.full_clean(exclude=["number"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    working = members_of(company, GroupKind.WORKING)
    if signal.owner_id is None:
        signal.owner = _first(working) or _first(members_of(company, GroupKind.OFFICE)) or actor_or_none(actor)
    if signal.warning_class in LEADERSHIP_CLASSES:
        signal.decider = _first(members_of(company, GroupKind.LEADERSHIP)) or signal.owner
    with acting_as(actor, source), transaction.atomic():
        signal.number = next_number(company, "warning_signal", NUMBER_PATTERN, now, taken=lambda n: (
            WarningSignal.objects.filter(company=company, number=n).exists()))
        signal.save()
        SignalChange.write(signal, name="create", old="", new=signal.status, actor=actor_or_none(actor), at=now)
        transaction.on_commit(lambda: signals.signal_raised.send(WarningSignal, warning=signal, actor=actor))
    return signal


CHANNEL_OF_SOURCE = {SignalSource.VISIT: "visit", SignalSource.SERVICE_ENGINEER: "onsite",
                     SignalSource.MEDIA: "letter"}


def _create_complaint(signal: WarningSignal, actor, note: str):
    """Seed 001: the prevention failed — the complaint is registered through the complaints service, linked."""
    from kesu.complaints.services import complaint_create

    text = signal.observed
    if signal.causes:
        text = f"{text}\n{signal.causes}"
    return complaint_create(actor=actor, company=signal.company, data={
        "channel": CHANNEL_OF_SOURCE.get(signal.source, "phone"), "customer": signal.customer,
        "part": signal.part, "description": f"{text}\n{note}".strip()[:5000],
        "defect_nature": "", "defect_location": ""})


def _effects(actor):
    def effects(signal: WarningSignal, row, inputs, now) -> None:
        if row.name == "to_complaint":
            signal.complaint = _create_complaint(signal, actor, inputs.get("closing_note", ""))
            signal.outcome = Outcome.COMPLAINT
        elif row.name == "close_resolved":
            signal.outcome = Outcome.RESOLVED
        elif row.name == "close_no_risk":
            signal.outcome = Outcome.NO_RISK
        if row.target == SignalStatus.CLOSED:
            signal.closed_at = now
    return effects


def _announce(actor):
    def announce(signal: WarningSignal, row, old, note, now) -> None:
        new = signal.status
        transaction.on_commit(lambda: signals.signal_transitioned.send(
            WarningSignal, warning=signal, name=row.name, old_status=old, new_status=new, actor=actor, note=note))
    return announce


def signal_transition(*, actor, signal: WarningSignal, name: str, expected_version: int | None = None,
                      source: str = "web", **inputs: Any) -> WarningSignal:
    """Move a signal one step through ``workflow.ROWS``; the only way its status changes."""
    return run_transition(table=SIGNAL_TABLE, obj=signal, name=name, actor=actor, inputs=inputs,
                          noun=WarningSignal._meta.verbose_name, label_of=_label, effects=_effects(actor),
                          changes=SignalChange, announce=_announce(actor), expected_version=expected_version,
                          source=source, related=("company", "customer"))


def _may_handle(actor, signal: WarningSignal) -> bool:
    if actor is None or actor.is_superuser or actor.pk in (signal.owner_id, signal.decider_id):
        return True
    return in_group(signal, actor, (GroupKind.WORKING, GroupKind.LEADERSHIP, GroupKind.OFFICE))


def action_add(*, actor, signal: WarningSignal, description: str, owner, working_days: int,
               source: str = "web") -> PreventiveAction:
    """A preventive action (预控) with its owner and a deadline in working days (design §11)."""
    require_role(actor, PREVENTERS, signal.company_id)
    if not _may_handle(actor, signal):
        raise PermissionDenied(_("Only the prevention working group, office or leadership group handles signals."))
    errors = {}
    if signal.status not in (SignalStatus.DIAGNOSING, SignalStatus.PREVENTING):
        errors["description"] = _("Actions are planned while the signal is diagnosed or prevented.")
    if not (description or "").strip():
        errors["description"] = _("Describe the action.")
    if owner is None or owner.company_id != signal.company_id:
        errors["owner"] = _("Choose the action's owner in the signal's company.")
    if not isinstance(working_days, int) or not 0 < working_days <= 60:
        errors["working_days"] = _("Give 1 to 60 working days.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    due = WorkingCalendar(signal.company).add_working_days(now, working_days).at
    with acting_as(actor, source), transaction.atomic():
        return PreventiveAction.objects.create(company_id=signal.company_id, signal=signal,
                                               description=description.strip(), owner=owner,
                                               working_days=working_days, due_at=due)


def action_done(*, actor, action: PreventiveAction, result: str, source: str = "web") -> PreventiveAction:
    """The owner (or whoever follows the signal) records the action done and its result."""
    signal = action.signal
    if actor is not None and not (actor.pk == action.owner_id or _may_handle(actor, signal)):
        raise PermissionDenied(_("Only the action's owner or the prevention groups record it done."))
    if actor is not None and not (actor.is_superuser or signal.company_id in actor.visible_company_ids()):
        raise PermissionDenied
    if action.done_at is not None:
        raise ValidationError({"result": _("This action is already done.")})
    if not (result or "").strip():
        raise ValidationError({"result": _("Record the result of the action.")})
    with acting_as(actor, source), transaction.atomic():
        action.done_at = timezone.now()
        action.result = result.strip()
        action.save()
    return action


# -- assessments ----------------------------------------------------------------------------------


def assessment_compute(*, actor, company, salesperson, period_start: datetime.date, period_end: datetime.date,
                       source: str = "web") -> Assessment:
    """Compute (or recompute, while unconfirmed) a salesperson's assessment from the records (seed 004 §6)."""
    from .assessment import figures_for

    if actor is not None:
        require_role(actor, {"sales_director", "regional_manager", "gm", "vice_gm"}, company.pk)
    if salesperson.company_id != company.pk:
        raise ValidationError({"salesperson": _("Choose a salesperson of this company.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    now = timezone.now()
    figures = figures_for(company, salesperson, period_start, period_end)
    with acting_as(actor, source), transaction.atomic():
        assessment, created = Assessment.objects.select_for_update().get_or_create(
            company=company, salesperson=salesperson, period_start=period_start, period_end=period_end,
            defaults={"figures": figures, "computed_at": now})
        if not created:
            if assessment.status != AssessmentStatus.DRAFT:
                raise ValidationError({"status": _("A confirmed assessment is not computed again.")})
            assessment.figures = figures
            assessment.computed_at = now
            assessment.version += 1
            assessment.save()
        else:
            AssessmentChange.write(assessment, name="create", old="", new=assessment.status,
                                   actor=actor_or_none(actor), at=now)
    return assessment


def assessment_transition(*, actor, assessment: Assessment, name: str, expected_version: int | None = None,
                          source: str = "web", **inputs: Any) -> Assessment:
    """The sales director comments and confirms (seed 004 §6)."""
    def effects(obj, row, inputs, now):
        obj.confirmed_by = actor_or_none(actor)
        obj.confirmed_at = now

    def announce(obj, row, old, note, now):
        new = obj.status
        transaction.on_commit(lambda: signals.assessment_transitioned.send(
            Assessment, assessment=obj, name=row.name, old_status=old, new_status=new, actor=actor, note=note))

    return run_transition(table=ASSESSMENT_TABLE, obj=assessment, name=name, actor=actor, inputs=inputs,
                          noun=Assessment._meta.verbose_name, label_of=_label, effects=effects,
                          changes=AssessmentChange, announce=announce, expected_version=expected_version,
                          source=source)


# -- repeat rules ----------------------------------------------------------------------------------


def repeat_settings_save(*, actor, company, window_days: int, same_customer: bool, same_part: bool,
                         source: str = "web"):
    """The company's repeat-complaint rules (design §11: 180 days, both rules on by default)."""
    from .models import RepeatSettings

    require_role(actor, RULE_EDITORS, company.pk)
    if not isinstance(window_days, int) or isinstance(window_days, bool) or not 1 <= window_days <= 3650:
        raise ValidationError({"window_days": _("Give 1 to 3650 days.")})
    with acting_as(actor, source), transaction.atomic():
        row, _created = RepeatSettings.objects.update_or_create(company=company, defaults={
            "window_days": window_days, "same_customer": bool(same_customer), "same_part": bool(same_part)})
    return row
