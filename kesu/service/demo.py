"""Demo data of customer service (issue 21): per company, this year's service plan approved with visits, phone
return visits and follow-ups after closed complaints (☆ filled from them), next year's plan submitted to the sales
head, after-sales service jobs over the year. Made through the services, in Chinese."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import translation

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.customers.models import Customer, Part
from kesu.demo.base import DemoContext

from . import services
from .choices import Confirmation, JobKind, MarkKind, VisitKind, VisitPurpose
from .models import PlanMark, Visit

VIEWS = {
    "view_quality": ["产品质量总体稳定", "个别批次外观有划伤", "尺寸一致性比去年好", "希望加强出厂检验"],
    "view_delivery": ["交期基本准时", "上月有一批延期两天", "紧急订单响应较快", ""],
    "view_service": ["业务员沟通及时", "技术支持到位", "希望售后响应再快一些", ""],
    "view_price": ["价格可以接受", "希望明年有 3% 降幅", "", ""],
    "view_needs": ["明年有新机型开发计划", "计划导入新的密封件规格", "", ""],
}
FINDINGS = ["", "", "", "客户反映最近一批泵体外壳有轻微划伤，需要加强包装防护。", "客户希望提供月度质量数据。"]
FAULTS = [("泵体漏油", "更换密封圈，试压合格"), ("电机异响", "调整轴承间隙，更换轴承"),
          ("压力不稳", "清洗溢流阀，重新调定压力"), ("接头松动渗漏", "重新紧固并更换垫片"),
          ("控制板无输出", "更换控制板")]
NEGATIVE = {"个别批次外观有划伤", "上月有一批延期两天", "希望售后响应再快一些", FINDINGS[3]}
RATINGS = {
    "常州恒力精密机械有限公司": {"rating_cost": Decimal("88"), "rating_quality": Decimal("72"),
                                "rating_delivery": Decimal("85"), "rating_technology": Decimal("70")},
    "宁波东瑞汽车零部件有限公司": {"rating_cost": Decimal("75"), "rating_quality": Decimal("82"),
                                  "rating_delivery": Decimal("78"), "rating_technology": Decimal("86")},
}
MAX_LINES = 12  # customers of a plan that get visit records (the demo stays small at every scale)


def create_service(ctx: DemoContext) -> None:
    ctx.sync_ids()
    with translation.override("zh-hans"):
        for company in ctx.companies:
            if Customer.objects.filter(company=company).exists():
                _company(ctx, company)
    ctx.sync_ids()


def _user(ctx, company, role):
    user = ctx.users.get(company.pk, {}).get(role)
    return User.objects.get(pk=user.pk) if user is not None else None


def _company(ctx: DemoContext, company) -> None:
    rng = ctx.rng
    today = ctx.today
    sales = _user(ctx, company, Role.SALESPERSON) or _user(ctx, company, Role.SALES_ASSISTANT)
    head = _user(ctx, company, Role.SALES_DIRECTOR)
    after_sales = _user(ctx, company, Role.AFTER_SALES) or _user(ctx, company, Role.QA) or sales
    if sales is None or head is None:
        return
    people = {u.pk: u for u in User.objects.filter(pk__in=ctx.salespeople.get(company.pk, []))}
    # This year's plan, approved; next year's, submitted to the sales head.
    plan = services.plan_generate(actor=sales, company=company, year=today.year, source="command")
    services.plan_transition(actor=sales, plan=plan, name="submit", inputs={"note": "按公司规则生成，已核对"},
                             source="command")
    services.plan_transition(actor=head, plan=plan, name="approve", source="command")
    upcoming = services.plan_generate(actor=sales, company=company, year=today.year + 1, source="command")
    services.plan_transition(actor=sales, plan=upcoming, name="submit", source="command")
    # Visits for most planned visits of the months gone by (a few missed: they wait in the salespeople's queues).
    customers = list(plan.lines.values_list("customer_id", flat=True)[:MAX_LINES])
    marks = PlanMark.objects.filter(plan=plan, kind=MarkKind.VISIT, customer_id__in=customers,
                                    starts_on__lte=today).select_related("customer")
    for mark in marks:
        if rng.random() < 0.2:
            continue
        last = min(mark.due_on, today)
        day = mark.starts_on + datetime.timedelta(days=rng.randint(0, (last - mark.starts_on).days))
        actor = people.get(mark.customer.owner_id) or sales
        phone = rng.random() < 0.4
        data = {"kind": VisitKind.PHONE if phone else VisitKind.ONSITE, "customer": mark.customer,
                "visited_on": day, "findings": rng.choice(FINDINGS)}
        data.update({name: rng.choice(texts) for name, texts in VIEWS.items()})
        # A view the customer gave unhappily is marked negative: the complaint early warning reads these.
        data["negative"] = any(data[name] in NEGATIVE for name in VIEWS) or data["findings"] in NEGATIVE
        contacts = list(mark.customer.contacts.all()[:1])
        visit = services.visit_create(actor=actor, company=company, data=data, contacts=contacts, source="command")
        if visit.findings and rng.random() < 0.3 and not phone:
            services.visit_raise_complaint(actor=actor, visit=visit, source="command")
            # The same seed gives the same data: the complaint is dated from the visit, not from the run's clock.
            visit.refresh_from_db()
            Complaint.objects.filter(pk=visit.finding_complaint_id).update(received_at=datetime.datetime.combine(
                day, datetime.time(16, 0), tzinfo=company.tz))
    _signal_and_enquiry(company, sales)
    # Follow-up visits after closed complaints: the customer confirms the improvement (seed 000 §4.3.3.2).
    for complaint in Complaint.objects.filter(company=company, status=Status.CLOSED).order_by("-closed_at")[:3]:
        day = min(today, complaint.closed_at.date() + datetime.timedelta(days=10))
        confirmed = rng.random() < 0.8
        services.visit_create(actor=sales, company=company, source="command", data={
            "kind": VisitKind.ONSITE, "customer": complaint.customer, "visited_on": day,
            "purpose": VisitPurpose.AFTER_CLOSURE, "complaint": complaint,
            "view_quality": "整改后的批次未再出现同类问题" if confirmed else "仍偶有同类问题",
            "confirmation": Confirmation.CONFIRMED if confirmed else Confirmation.NOT_CONFIRMED,
            "confirmation_note": "客户质量部确认改进有效" if confirmed else "客户要求继续跟踪两批"})
    # The GM's product quality reports: the month before last analysed and reported back, last month's waiting.
    gm = _user(ctx, company, Role.GM)
    before = services.quality_report_generate(company=company, period="monthly",
                                              today=today.replace(day=1) - datetime.timedelta(days=1))
    if gm is not None and before is not None:
        before = services.quality_report_transition(actor=gm, report=before, name="analyse", source="command",
                                                    inputs={"cause_analysis": "外观划伤集中在两家客户，原因为包装隔板缺失；"
                                                            "已要求仓库改用带隔板的纸箱。"})
        services.quality_report_transition(actor=sales, report=before, name="report_back", source="command",
                                           inputs={"customer_reply": "已电话和邮件告知相关客户包装改进措施。"})
    services.quality_report_generate(company=company, period="monthly", today=today)
    # Customer and market information reported by sales, this month and last.
    month = today.replace(day=1)
    rated = list(Customer.objects.filter(company=company).order_by("code")[:2])
    for kind, title, text, competitor, tags, day in (
            ("competitor", "恒力精密齿轮泵降价", "常州恒力精密齿轮泵报价下调约 5%，主攻华东主机厂，交期承诺 15 天。",
             "常州恒力精密机械有限公司", "价格 齿轮泵 华东", month),
            ("competitor", "东瑞推出新型密封结构", "宁波东瑞新产品采用双唇密封，宣传寿命提升 30%。",
             "宁波东瑞汽车零部件有限公司", "技术 密封", month - datetime.timedelta(days=12)),
            ("need", "主机厂明年导入电动泵", "重点客户计划明年二季度导入电动泵平台，需提前送样。", "", "新产品 电动",
             month),
            ("regional", "华南市场产能扩张", "华南两家主机厂新建产线，预计明年需求增长 20%。", "", "华南 产能",
             month - datetime.timedelta(days=5)),
            ("feedback", "建议改用可回收周转箱", "多家客户建议改用可回收周转箱，减少纸箱受潮。", "", "包装", month)):
        data = {"kind": kind, "title": title, "text": text, "competitor": competitor, "tags": tags,
                "reported_on": min(day, today)}
        if competitor:
            # How the customer rates the competitor (issue 21 §3): read by the yearly report's comparison.
            data.update(RATINGS[competitor], customer=rated[len(competitor) % len(rated)] if rated else None)
        services.market_entry_create(actor=sales, company=company, source="command", data=data)
    _yields_and_audits(company, sales, today)
    # After-sales service jobs through the year.
    parts = list(Part.objects.filter(company=company).values_list("pk", flat=True)[:20])
    customer_ids = list(Customer.objects.filter(company=company).values_list("pk", flat=True)[:30])
    start = datetime.date(today.year, 1, 1)
    for _n in range(min(24, 4 + today.timetuple().tm_yday // 15)):
        fault, done = rng.choice(FAULTS)
        day = start + datetime.timedelta(days=rng.randint(0, (today - start).days))
        services.job_create(actor=after_sales, company=company, source="command", data={
            "kind": rng.choice([JobKind.REPAIR, JobKind.REPAIR, JobKind.REPAIR, JobKind.MAINTENANCE,
                                JobKind.COMMISSIONING]),
            "customer_id": rng.choice(customer_ids), "part_id": rng.choice(parts) if parts else None,
            "serial_or_lot": f"L{day:%y%m}{rng.randint(1, 99):02d}", "quantity": rng.choice([1, 1, 1, 2, 3]),
            "fault": fault, "work_done": done, "first_time_fixed": rng.random() < 0.85,
            "parts_used": rng.choice(["密封圈 2 只", "轴承 1 套", "", "垫片 4 片"]), "done_on": day,
            "hours": rng.choice([1, 2, 3, 4])})


def _signal_and_enquiry(company, sales) -> None:
    """One finding becomes an early-warning signal, one new need an enquiry (a contract review of type informal
    order), both linked back to their visit (issue 21 §2)."""
    from kesu.prevention.models import WarningSignal

    visits = Visit.objects.filter(company=company).order_by("visited_on", "id")
    heard = visits.filter(negative=True, finding_complaint__isnull=True).exclude(findings="").first()
    if heard is not None:
        signal = services.visit_raise_signal(actor=sales, visit=heard, warning_class="c", source="command")
        # The same seed gives the same data: the signal is dated from the visit, not from the run's clock.
        WarningSignal.objects.filter(pk=signal.pk).update(raised_at=datetime.datetime.combine(
            heard.visited_on, datetime.time(17, 0), tzinfo=company.tz))
    need = visits.filter(view_needs="明年有新机型开发计划").first()
    if need is not None:
        services.visit_raise_enquiry(actor=sales, visit=need, source="command")


def _yields_and_audits(company, sales, today: datetime.date) -> None:
    """The customers' processing yield of our parts, month by month, and their audits of us (issue 21 §6)."""
    customers = list(Customer.objects.filter(company=company).order_by("code")[:3])
    for i, customer in enumerate(customers):
        for month in range(1, today.month):
            start = datetime.date(today.year, month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            processed = 2000 + 250 * ((i + month) % 4)
            services.customer_yield_record(actor=sales, company=company, source="command", data={
                "customer": customer, "period_start": start, "period_end": end, "processed": processed,
                "passed": processed - (3 + 2 * ((i * 5 + month) % 7)), "note": "客户来料检验月报"})
    for i, customer in enumerate(customers[:2]):
        day = datetime.date(today.year, max(1, today.month - 2 - 2 * i), 10 + i)
        services.customer_audit_record(actor=sales, company=company, source="command", data={
            "customer": customer, "audited_on": min(day, today), "scope": ["过程审核（VDA 6.3）", "供应商质量体系年度审核"][i],
            "auditors": "客户 SQE 两人", "findings": ["包装防护不足，发现 2 项一般不符合。", "文件控制良好，无不符合项。"][i],
            "score": [Decimal("86.5"), Decimal("92")][i], "passed": True,
            "actions": ["改用带隔板纸箱，两周内提交 8D 报告。", ""][i]})
