"""Demo step: corrective actions and nonconforming reports, made through the services (issue 4).

Per company: a finished 8D report raised from a past major complaint (every
discipline filled, effectiveness checked), 8D reports stopped at planning,
at QA's approval and in implementation, a simple CAPA form, and
nonconforming product reports issued, answered and verified. Each step runs
with the clock at its own moment, so dates, deadlines and overdue steps look
as they would in a factory.
"""

from __future__ import annotations

import datetime

from django.utils import translation

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionFormat, ContainmentLocation, WhyChain
from kesu.complaints.models import Complaint
from kesu.core.services import TransitionRefused

from .base import DemoContext
from .complaints import LANGUAGE, _anchor, _clock

DAY = datetime.timedelta(days=1)


def create_actions(ctx: DemoContext) -> None:
    anchor = _anchor(ctx)
    with translation.override(LANGUAGE):
        for company in ctx.companies:
            people = {role: User.objects.select_related("position", "company", "department").get(pk=user.pk)
                      for role, user in ctx.users[company.pk].items()}
            departments = {d.code: d for d in Department.objects.filter(company=company)}
            past = (Complaint.objects.filter(company=company, escalated_to_qa=True, severity="major",
                                             status="closed", part__isnull=False)
                    .select_related("customer", "part", "category").order_by("-received_at"))
            old = past.filter(received_at__lte=anchor - 150 * DAY).first()
            if old is None:
                continue
            _finished_8d(old, people, departments, anchor - 140 * DAY)
            stops = [("planning", 8), ("plan_submitted", 12), ("implementing", 20)]
            for (stop, days), complaint in zip(stops, past.filter(received_at__gte=anchor - 400 * DAY)[1:4],
                                               strict=False):
                _open_8d(complaint, people, departments, anchor - days * DAY, stop)
            _simple(people, departments, anchor - 10 * DAY)
            _ncrs(people, departments, anchor - 6 * DAY, past.first())


def _dept_head(people, departments, code: str):
    department = departments[code]
    return department.head or people[Role.PRODUCTION], department


def _raise(complaint, people, departments, when, code: str = "PROD", fmt: str = ActionFormat.EIGHT_D):
    owner, department = _dept_head(people, departments, code)
    with _clock(when):
        return services.action_raise_from_complaint(
            actor=people[Role.QA], complaint=complaint, source="command",
            data={"responsible_department": department, "owner": owner, "format": fmt,
                  "qa_owner": people[Role.QA]}), owner


def _plan(action, owner, people, when) -> None:
    qa, engineer = people[Role.QA], people[Role.ENGINEERING]
    steps = [
        ("d0", {"emergency_response": "通知客户隔离在线及库存产品；我司库存及在途产品全部冻结待检。"}),
        ("d1", {"team": [
            {"user": owner, "department": owner.department, "is_leader": True, "responsibility": "组长，原因分析"},
            {"user": qa, "department": qa.department, "responsibility": "验证与客户沟通"},
            {"user": engineer, "department": engineer.department, "responsibility": "工艺与图纸评审"}]}),
        ("d2", {"what": action.problem[:500], "where": "客户来料检验及装配线", "when": "最近两批到货",
                "who": "客户来料检验员发现", "why": "影响客户装配及外观质量", "how": "目视及量具检查",
                "how_many": "抽检 200 件，不良 12 件"}),
        ("d3", {"containment": [
            {"location": ContainmentLocation.CUSTOMER, "quantity_checked": 800, "quantity_bad": 12,
             "effective_on": when.date(), "note": "派员到客户处挑选"},
            {"location": ContainmentLocation.IN_TRANSIT, "quantity_checked": 300, "quantity_bad": 2},
            {"location": ContainmentLocation.IN_HOUSE, "quantity_checked": 1500, "quantity_bad": 5,
             "effective_on": when.date()}]}),
        ("d4", {"occurrence_cause": "加工后工件在周转中相互碰撞，周转箱无隔板。",
                "escape_cause": "终检只抽检尺寸，未要求逐件检查外观。",
                "fishbone_man": "新员工未培训周转要求", "fishbone_machine": "—", "fishbone_material": "—",
                "fishbone_method": "周转方式未规定", "fishbone_measurement": "终检外观无标准样件",
                "fishbone_environment": "周转区域拥挤",
                "whys": [{"chain": WhyChain.OCCURRENCE, "answer": "表面有划伤"},
                         {"chain": WhyChain.OCCURRENCE, "answer": "周转时工件相互碰撞"},
                         {"chain": WhyChain.OCCURRENCE, "answer": "周转箱没有隔板"},
                         {"chain": WhyChain.ESCAPE, "answer": "终检未检查外观"},
                         {"chain": WhyChain.ESCAPE, "answer": "检验规程缺少外观项目"}]}),
        ("d5", {"items": [
            {"text": "周转箱全部加装隔板", "owner": owner, "due_on": (when + 10 * DAY).date()},
            {"text": "终检增加外观 100% 检查并制作标准样件", "owner": qa, "due_on": (when + 7 * DAY).date()}]}),
    ]
    for i, (section, data) in enumerate(steps):
        with _clock(when + datetime.timedelta(hours=2 * (i + 1))):
            action = services.action_section_save(actor=owner, action=action, section=section, data=data,
                                                  complete=True, source="command")
    return action


def _walk(action, owner, people, when, stop: str):
    qa = people[Role.QA]
    moments = iter(when + datetime.timedelta(days=n, hours=3) for n in range(1, 60, 3))

    def step(actor, name, **inputs):
        with _clock(next(moments)):
            return services.action_transition(actor=actor, action=action, name=name, source="command", **inputs)

    action = step(owner, "submit_plan", note="计划已完成，请品保审批。")
    if stop == "plan_submitted":
        return action
    action = step(qa, "approve_plan", note="同意按计划实施。")
    if stop == "implementing":
        return action
    with _clock(next(moments)):
        rows = [{"id": i.pk, "implemented_on": (when + 12 * DAY).date(), "validation": "连续三批抽检无划伤"}
                for i in action.items.filter(kind="permanent")]
        action = services.action_section_save(actor=owner, action=action, section="d6", data={"items": rows},
                                              complete=True, source="command")
    action = step(owner, "report_implemented", note="措施已全部实施。")
    action = step(qa, "verify", note="现场确认措施已落实。")
    with _clock(next(moments)):
        action = services.action_section_save(actor=owner, action=action, section="d7", source="command", data={
            "procedures_updated": True, "fmea_updated": True, "control_plan_updated": True,
            "lessons_learned": "同类壳体零件全部推广隔板周转箱，并纳入新产品设计评审检查表。",
            "prevention": [{"text": "修订《产品防护管理规定》", "owner": qa, "due_on": (when + 30 * DAY).date()}]})
    with _clock(next(moments)):
        action = services.action_section_save(actor=qa, action=action, section="d8", source="command", data={
            "recognition": "感谢生产部与品保部小组成员的快速响应，客户已书面确认关闭。"})
    try:
        return step(qa, "close", note="效果确认有效。")
    except TransitionRefused:
        return step(qa, "close", note="效果确认有效。", effectiveness_evidence="客户来料检验报告连续三批合格",
                    effectiveness_reason="该零件后续发货少于规定批次，以客户检验报告为证。")


def _finished_8d(complaint, people, departments, when) -> None:
    action, owner = _raise(complaint, people, departments, when)
    action = _plan(action, owner, people, when)
    _walk(action, owner, people, when + DAY, "closed")


def _open_8d(complaint, people, departments, when, stop: str) -> None:
    action, owner = _raise(complaint, people, departments, when)
    if stop == "planning":
        with _clock(when + datetime.timedelta(hours=3)):
            services.action_section_save(actor=owner, action=action, section="d0", complete=True, source="command",
                                         data={"emergency_response": "库存产品冻结，通知客户隔离。"})
        return
    action = _plan(action, owner, people, when)
    _walk(action, owner, people, when, stop)


def _simple(people, departments, when) -> None:
    owner, department = _dept_head(people, departments, "PUR")
    with _clock(when):
        action = services.action_raise(actor=people[Role.QA], company=people[Role.QA].company, source="command", data={
            "title": "外协电镀件镀层厚度不足", "problem": "来料抽检镀层厚度 4 μm，要求 ≥8 μm。",
            "format": ActionFormat.SIMPLE, "responsible_department": department, "owner": owner})
    with _clock(when + datetime.timedelta(hours=4)):
        services.action_section_save(actor=owner, action=action, section="plan", complete=True, source="command",
                                     data={"cause": "外协厂电镀时间不足", "corrective_measures": "外协厂调整工艺并每批附检测报告"})


def _ncrs(people, departments, when, complaint) -> None:
    qa = people[Role.QA]
    production = departments["PROD"]
    answerer = production.head or people[Role.PRODUCTION]
    for n, (stop, text) in enumerate([("issued", "批量毛刺，需返工去毛刺"), ("answered", "尺寸超差 0.05 mm"),
                                      ("verified", "外观划伤，挑选返工")]):
        with _clock(when + n * DAY):
            ncr = services.ncr_issue(actor=qa, company=qa.company, source="command", data={
                "complaint": complaint, "part": complaint.part if complaint else None, "quantity": 20 + 10 * n,
                "description": text, "disposition": "rework", "responsible_department": production})
        if stop == "issued":
            continue
        with _clock(when + n * DAY + datetime.timedelta(hours=5)):
            ncr = services.ncr_answer(actor=answerer, ncr=ncr, cause="刀具磨损未及时更换", measures="更换刀具并加严首检",
                                      source="command")
        if stop == "verified":
            with _clock(when + n * DAY + datetime.timedelta(days=1)):
                services.ncr_verify(actor=qa, ncr=ncr, result="effective", note="复查 3 批无异常", source="command")
