"""Demo data of complaint prevention (issue 22), per company, in Chinese, through the services: the three groups
with their members and duties, early-warning signals in every state and class (with actions and a special
meeting; one became a complaint), the repeat flags of the year's complaints, and a year of salesperson
assessments (the months before this one confirmed by the sales director)."""

from __future__ import annotations

import datetime

from django.utils import translation

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.customers.models import Customer, Part
from kesu.demo.base import DemoContext

from . import services
from .choices import GroupKind, MemberPosition
from .repeats import flag_history

R = Role
SIGNALS = [
    # (class, source, what was seen or heard, where it ends)
    ("a", "call_centre", "客户来电称收割机连续三次液压泵漏油，扬言向省农机局投诉并联系电视台。", "identifying"),
    ("b", "sales", "业务员拜访时客户抱怨交货一再延期，准备向市质监局反映。", "diagnosing"),
    ("c", "service_engineer", "服务工程师反馈客户对上次维修不满意，认为响应太慢。", "preventing"),
    ("b", "market", "市场部反馈经销商库存的一批泵体外壳划伤，用户有退货倾向。", "resolved"),
    ("a", "call_centre", "用户多次来电反映发动机异响未解决，要求退机并威胁上访。", "complaint"),
    ("c", "visit", "回访中客户提到包装破损，但表示可以接受。", "no_risk"),
    ("c", "call_centre", "客户询问保修期，语气不满，认为说明书不清楚。", "identifying"),
]
MAX_ASSESSED = 5  # salespeople with a year of assessments per company (the demo stays small at every scale)
ANNOUNCED_DAYS = 30  # repeats received this many days before the demo's today are announced to their owners


def create_prevention(ctx: DemoContext) -> None:
    ctx.sync_ids()
    with translation.override("zh-hans"):
        for company in ctx.companies:
            if Customer.objects.filter(company=company).exists() and ctx.users.get(company.pk):
                _company(ctx, company)
    ctx.sync_ids()


def _user(ctx, company, role):
    user = ctx.users.get(company.pk, {}).get(role)
    return User.objects.get(pk=user.pk) if user is not None else None


def _groups(ctx, company) -> dict:
    people = {role: _user(ctx, company, role) for role in R}
    services.groups_ensure(company)
    plan = {
        GroupKind.LEADERSHIP: [(R.GM, MemberPosition.LEADER), (R.VICE_GM, MemberPosition.DEPUTY),
                               (R.QA, MemberPosition.MEMBER)],
        GroupKind.WORKING: [(R.REGIONAL_MANAGER, MemberPosition.LEADER), (R.AFTER_SALES, MemberPosition.MEMBER),
                            (R.SALESPERSON, MemberPosition.MEMBER)],
        GroupKind.OFFICE: [(R.QA, MemberPosition.LEADER), (R.GENERAL_OFFICE, MemberPosition.MEMBER)],
    }
    editor = people.get(R.GM) or people.get(R.QA)
    for kind, rows in plan.items():
        group = services.group_get(company, kind)
        for role, position in rows:
            if people.get(role) is not None and editor is not None:
                services.group_member_set(actor=editor, group=group, user=people[role], position=position,
                                          source="command")
    return people


def _signals(ctx, company, people) -> None:
    rng = ctx.rng
    # The same seed gives the same data: signals are dated from the demo's day, never from the run's clock.
    anchor = datetime.datetime.combine(ctx.today, datetime.time(10, 0), tzinfo=company.tz)
    customers = list(Customer.objects.filter(company=company).order_by("id")[:20])
    parts = list(Part.objects.filter(company=company).order_by("id")[:20])
    recorder = people.get(R.AFTER_SALES) or people.get(R.SALESPERSON)
    follower = people.get(R.REGIONAL_MANAGER) or recorder
    leader = people.get(R.GM) or follower
    doer = people.get(R.SALESPERSON) or follower
    if recorder is None or follower is None:
        return
    for i, (cls, source, text, end) in enumerate(SIGNALS):
        raised = anchor - datetime.timedelta(days=[1, 4, 9, 25, 40, 60, 2][i], hours=rng.randint(0, 5))
        signal = services.signal_create(actor=recorder, company=company, source="command", data={
            "source": source, "customer": rng.choice(customers), "part": rng.choice(parts) if parts else None,
            "warning_class": cls, "observed": text, "raised_at": raised})

        def step(name, actor=follower, signal=signal, **inputs):
            services.signal_transition(actor=actor, signal=signal, name=name, source="command", **inputs)

        if end == "identifying":
            continue
        if end == "complaint":
            step("identify", identification="电话回访核实，问题属实，用户情绪激动。")
            step("to_complaint", actor=recorder, closing_note="用户已正式投诉，转入投诉处理。")
            # The same seed gives the same data: the complaint is dated from the signal, not from the run's clock.
            signal.refresh_from_db()
            Complaint.objects.filter(pk=signal.complaint_id).update(received_at=raised + datetime.timedelta(hours=6))
            continue
        if end == "no_risk":
            step("close_no_risk", closing_note="核实后客户表示可以接受，无进一步风险。")
            continue
        step("identify", identification="经核实，迹象属实。")
        if end == "diagnosing":
            continue
        step("diagnose", causes="物流安排不当，未及时告知客户进度。", development="若一周内不答复，可能升级为 A 类。")
        first = services.action_add(actor=follower, signal=signal, description="区域经理当面拜访客户说明原因并致歉",
                                    owner=follower, working_days=1, source="command")
        second = services.action_add(actor=follower, signal=signal, description="安排服务工程师上门检查并处理",
                                     owner=doer, working_days=3, source="command")
        services.action_done(actor=follower, action=first, result="已拜访，客户表示理解。", source="command")
        if end == "preventing":
            continue
        services.action_done(actor=doer, action=second, result="已上门处理完毕，客户确认满意。", source="command")
        closer = leader if cls in ("a", "b") else follower
        step("close_resolved", actor=closer, closing_note="预控措施已落实，客户满意，关闭。")
        group = services.group_get(company, GroupKind.LEADERSHIP)
        attendees = [u for u in (people.get(R.GM), people.get(R.VICE_GM), people.get(R.QA)) if u is not None]
        if len(attendees) >= 2:
            services.meeting_record(actor=leader, group=group, held_at=raised + datetime.timedelta(days=1),
                                    topic="泵体外壳划伤预防专题会", attendees=attendees, signal=signal,
                                    decisions="1. 加强出厂包装防护；2. 对经销商库存全检；3. 一周内回访用户。",
                                    source="command")


def _repeats(ctx, company) -> None:
    # The past year is flagged; only the last month's repeats are announced (the owners of older ones heard of
    # them back then): 2,000 notices of year-old repeats would bury the demo inboxes.
    midnight = datetime.datetime.combine(ctx.today, datetime.time(0, 0), tzinfo=company.tz)
    flag_history(company, midnight - datetime.timedelta(days=365),
                 announce_from=midnight - datetime.timedelta(days=ANNOUNCED_DAYS))


def _month_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _assessments(ctx, company, people) -> None:
    director = people.get(R.SALES_DIRECTOR)
    if director is None:
        return
    ids = list(ctx.salespeople.get(company.pk, []))[:MAX_ASSESSED]
    salespeople = [u for u in User.objects.filter(pk__in=ids, position__role=R.SALESPERSON)] or (
        [people[R.SALESPERSON]] if people.get(R.SALESPERSON) else [])
    this_month = ctx.today.replace(day=1)
    for salesperson in salespeople:
        for back in range(12, -1, -1):
            start = _month_back(this_month, back)
            end = _month_back(this_month, back - 1) - datetime.timedelta(days=1)
            assessment = services.assessment_compute(actor=director, company=company, salesperson=salesperson,
                                                     period_start=start, period_end=end, source="command")
            if back > 0:
                figures = assessment.figures
                comment = ("本月售后工作良好。" if not figures.get("late_pass_on") and not figures.get("repeats")
                           else "请注意投诉信息一个工作日内传递，减少重复性反馈。")
                services.assessment_transition(actor=director, assessment=assessment, name="confirm",
                                               director_comment=comment, source="command")


def _company(ctx: DemoContext, company) -> None:
    people = _groups(ctx, company)
    _signals(ctx, company, people)
    _repeats(ctx, company)
    _assessments(ctx, company, people)
