"""Helpers for CAPA tests: actions are raised and moved through the services, never by hand."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionFormat, ActionStatus, ContainmentLocation, WhyChain
from kesu.capa.models import CorrectiveAction
from kesu.complaints.tests.factories import People


def raise_action(people: People, *, fmt: str = ActionFormat.EIGHT_D, **data: Any) -> CorrectiveAction:
    production = people[Role.PRODUCTION]
    base: dict[str, Any] = {
        "title": "外壳划伤", "problem": "客户来料检验发现外壳划伤 30 件。", "format": fmt,
        "responsible_department": production.department, "owner": production,
    }
    parts = data.pop("parts", ())
    sources = data.pop("sources", ())
    base.update(data)
    return services.action_raise(actor=people[Role.QA], company=people.company, data=base, parts=parts,
                                 sources=sources)


def plan(action: CorrectiveAction, people: People) -> CorrectiveAction:
    """Fill what a plan needs (D0–D5, or the simple form) as the responsible department."""
    who = people[Role.PRODUCTION]
    if action.format == ActionFormat.SIMPLE:
        return services.action_section_save(actor=who, action=action, section="plan", data={
            "cause": "周转箱无隔板", "corrective_measures": "周转箱加装隔板"})
    services.action_section_save(actor=who, action=action, section="d1", data={"team": [
        {"user": who, "department": who.department, "is_leader": True, "responsibility": "组长"},
        {"user": people[Role.QA], "department": people[Role.QA].department, "responsibility": "验证"},
    ]})
    services.action_section_save(actor=who, action=action, section="d2", data={"what": "外壳划伤", "how_many": "30 件"})
    services.action_section_save(actor=who, action=action, section="d3", data={"containment": [
        {"location": ContainmentLocation.IN_HOUSE, "quantity_checked": 500, "quantity_bad": 12,
         "effective_on": datetime.date(2026, 3, 2)}]})
    services.action_section_save(actor=who, action=action, section="d4", data={
        "occurrence_cause": "周转时工件相互碰撞", "escape_cause": "终检未检查外观",
        "fishbone_method": "周转方式不当",
        "whys": [{"chain": WhyChain.OCCURRENCE, "answer": "工件碰撞"}, {"chain": WhyChain.OCCURRENCE, "answer": "无隔板"},
                 {"chain": WhyChain.ESCAPE, "answer": "终检漏检外观"}]})
    return services.action_section_save(actor=who, action=action, section="d5", data={"items": [
        {"text": "周转箱加装隔板", "owner": who, "due_on": datetime.date(2026, 3, 20)}]})


def implement(action: CorrectiveAction, people: People) -> CorrectiveAction:
    who = people[Role.PRODUCTION]
    if action.format == ActionFormat.SIMPLE:
        return services.action_section_save(actor=who, action=action, section="verification",
                                            data={"verification": "连续三批无划伤"})
    rows = [{"id": item.pk, "implemented_on": timezone.localdate(), "validation": "连续三批抽检无划伤"}
            for item in action.items.all()]
    return services.action_section_save(actor=who, action=action, section="d6", data={"items": rows})


def prevent(action: CorrectiveAction, people: People) -> CorrectiveAction:
    if action.format == ActionFormat.SIMPLE:
        return action
    return services.action_section_save(actor=people[Role.PRODUCTION], action=action, section="d7", data={
        "fmea_updated": True, "lessons_learned": "同类壳体零件推广隔板周转箱"})


def move(action: CorrectiveAction, name: str, people: People, actor=None, **inputs) -> CorrectiveAction:
    role = Role.QA if name in {"approve_plan", "return_plan", "verify", "reject_implementation", "close",
                               "not_effective", "cancel"} else Role.PRODUCTION
    return services.action_transition(actor=actor or people[role], action=action, name=name, **inputs)


def walk_to(status: str, people: People, **raise_kw) -> CorrectiveAction:
    """An action in ``status`` (planning … closed), walked there through the services."""
    action = raise_action(people, **raise_kw)
    if status == ActionStatus.PLANNING:
        return action
    action = move(plan(action, people), "submit_plan", people)
    if status == ActionStatus.PLAN_SUBMITTED:
        return action
    action = move(action, "approve_plan", people)
    if status == ActionStatus.IMPLEMENTING:
        return action
    action = move(implement(action, people), "report_implemented", people)
    if status == ActionStatus.IMPLEMENTED:
        return action
    action = move(action, "verify", people)
    if status == ActionStatus.EFFECTIVENESS:
        return action
    prevent(action, people)
    return move(action, "close", people, effectiveness_evidence="客户确认后续三批无投诉",
                effectiveness_reason="该客户暂无后续发货")
