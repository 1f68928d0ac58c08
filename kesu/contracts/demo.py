"""Demo step: contract, order and tender reviews of every type and state, with change notices (seed 002).

Per company, made through the services with the clock at each step's own past moment: a draft; an order being
signed off; a tender of 2,800,000 reviewed by the departments, where engineering could not meet a tolerance, sales
agreed a change with the customer and engineering then could, now waiting for the branch factory head; a tender of
4,500,000 centrally reviewed and approved by the GM; a foreign-trade contract in US dollars whose delivery date
production cannot meet, referred to the GM; another the GM declined; a quality agreement accepted and changed
(the change notice re-reviewed, sent to three departments who all confirmed: version 2); a contract accepted whose
change notice still waits for receipts; one whose change is being re-reviewed; an informal order taken by phone
and confirmed by read-back; a declined order and a cancelled contract. Linked to the company's master contracts
where the customer has one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import translation

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.customers.models import Contract, Customer
from kesu.demo.base import DemoContext
from kesu.demo.complaints import LANGUAGE, _anchor, _clock

from . import services
from .choices import Answer, Dept, ReviewType
from .rules import rules_for

DAY = datetime.timedelta(days=1)
DEPT_ROLE = {Dept.ENGINEERING: Role.ENGINEERING, Dept.PURCHASING: Role.PURCHASING, Dept.PRODUCTION: Role.PRODUCTION,
             Dept.QA: Role.QA, Dept.FINANCE: Role.FINANCE, Dept.SALES: Role.SALESPERSON}
COMMENTS = {Dept.ENGINEERING: "技术参数可满足", Dept.PURCHASING: "物料供应无问题", Dept.PRODUCTION: "交期可满足",
            Dept.QA: "质量要求及验收标准可满足", Dept.FINANCE: "价格及付款方式可接受", Dept.SALES: "合同内容正确完整"}


def create_contract_reviews(ctx: DemoContext) -> None:
    ctx.sync_ids()  # the services below let the database choose ids
    anchor = _anchor(ctx)
    with translation.override(LANGUAGE):
        for company in ctx.companies:
            if ctx.customers.get(company.pk):
                Reviews(ctx, company, anchor).run()


class Reviews:
    def __init__(self, ctx: DemoContext, company, anchor: datetime.datetime) -> None:
        self.ctx, self.company, self.anchor, self.tz = ctx, company, anchor, company.tz
        self.people = {role: User.objects.select_related("position", "company", "department").get(pk=user.pk)
                       for role, user in ctx.users[company.pk].items()}
        self.contracts = list(Contract.objects.filter(company=company).select_related("customer").order_by("pk")[:12])
        self.customers = list(Customer.objects.filter(pk__in=ctx.customers[company.pk][:12]).order_by("pk"))
        self.n = 0

    def at(self, days_ago: float) -> datetime.datetime:
        moment = self.anchor - datetime.timedelta(days=days_ago)
        local = moment.astimezone(self.tz)
        while local.weekday() >= 5:
            local -= DAY
        return min(local.replace(hour=9 + int(days_ago * 7) % 8, minute=(self.n * 7) % 60), self.anchor
                   - datetime.timedelta(minutes=5))

    def new(self, days_ago: int, review_type: str, title: str, amount: str, **extra: Any):
        contract = self.contracts[self.n % len(self.contracts)] if self.contracts else None
        customer = contract.customer if contract else self.customers[self.n % len(self.customers)]
        self.n += 1
        received = self.at(days_ago)
        data = {"review_type": review_type, "customer": customer, "title": title,
                "received_on": received.date(), "amount": Decimal(amount), "currency": "CNY",
                "product_name": extra.pop("product", "齿轮泵"), "specification": "CB-B25", "model": "CB-B25",
                "quantity": Decimal(extra.pop("quantity", "500")), "delivery_method": "送货上门",
                "delivery_date": received.date() + 45 * DAY, "price_terms": "含税单价", "payment_terms": "月结 60 天",
                "packaging": "木箱包装，每箱 10 台", "quality_requirements": "出厂检验合格率 100%",
                "technical_requirements": "按客户图纸及技术协议", "acceptance_criteria": "按 GB/T 5837 抽样验收",
                "special_requirements": "每批附出厂检验报告", **extra}
        if contract and review_type not in (ReviewType.INFORMAL, ReviewType.TENDER):
            data["contract"] = contract
        with _clock(received):
            review = services.review_create(actor=self.people[Role.SALESPERSON], company=self.company, data=data)
        return review, received

    def step(self, review, when, name: str, role: str, **inputs):
        with _clock(when):
            return services.review_transition(actor=self.people[role], review=review, name=name, **inputs)

    def sign(self, review, when, depts=None, cannot=None):
        for i, dept in enumerate(depts or review.waiting_depts()):
            answer = Answer.CANNOT if dept == (cannot or {}).get("dept") else Answer.CAN
            comment = cannot["comment"] if answer == Answer.CANNOT else COMMENTS[dept]
            review = self.step(review, when + datetime.timedelta(minutes=20 * (i + 1)), "sign_off", DEPT_ROLE[dept],
                               answer=answer, comment=comment)
        return review

    def accepted(self, days_ago, review_type, title, amount, **extra):
        review, t = self.new(days_ago, review_type, title, amount, **extra)
        review = self.step(review, t + datetime.timedelta(hours=1), "submit", Role.SALESPERSON)
        review = self.sign(review, t + DAY)
        review = self.step(review, t + 2 * DAY, "accept", Role.SALESPERSON)
        return self.step(review, t + 2 * DAY + datetime.timedelta(hours=3), "approve", Role.GM), t

    def notice(self, review, when, description, new_values, affected, concerned, *, sign=True, issue=True,
               confirm=None):
        sales = self.people[Role.SALESPERSON]
        with _clock(when):
            notice = services.notice_create(actor=sales, review=review, description=description,
                                            new_values=new_values, affected=affected, concerned=concerned)
            notice = services.notice_transition(actor=sales, notice=notice, name="submit")
        if not sign:
            return notice
        for i, dept in enumerate(affected):
            with _clock(when + datetime.timedelta(hours=2 + i)):
                notice = services.notice_transition(actor=self.people[DEPT_ROLE[dept]], notice=notice,
                                                    name="sign_off", answer=Answer.CAN, comment="变更可满足")
        if not issue:
            return notice
        with _clock(when + DAY):
            notice = services.notice_transition(actor=sales, notice=notice, name="issue")
        for i, dept in enumerate(concerned if confirm is None else confirm):
            with _clock(when + DAY + datetime.timedelta(hours=1 + i)):
                notice = services.notice_transition(actor=self.people[DEPT_ROLE[dept]], notice=notice,
                                                    name="confirm")
        return notice

    def run(self) -> None:
        rules = rules_for(self.company)
        rules.branch_head = self.people[Role.PRODUCTION]
        rules.gm_proxy = self.people[Role.VICE_GM]
        rules.save()
        P = Role.SALESPERSON  # noqa: N806

        self.new(2, ReviewType.CONTRACT, "液压站配套泵年度采购合同", "680000.00")

        order, t = self.new(3, ReviewType.ORDER, "5 月追加订单（齿轮泵 300 台）", "150000.00", quantity="300")
        order = self.step(order, t + datetime.timedelta(hours=1), "submit", P)
        self.sign(order, t + datetime.timedelta(hours=2), depts=[Dept.ENGINEERING, Dept.QA, Dept.SALES])

        tender, t = self.new(12, ReviewType.TENDER, "市政泵站设备招标（标段二）", "2800000.00", quantity="120")
        tender = self.step(tender, t + datetime.timedelta(hours=1), "submit", P)
        tender = self.sign(tender, t + DAY, cannot={"dept": Dept.ENGINEERING,
                                                     "comment": "CB-B25 轴孔公差 ±0.005 现有设备无法达到"})
        tender = self.step(tender, t + 2 * DAY, "agree_change", P, change_note="客户同意公差放宽至 ±0.01，书面确认")
        tender = self.sign(tender, t + 3 * DAY)
        self.step(tender, t + 3 * DAY + datetime.timedelta(hours=2), "accept_with_changes", P,
                  change_note="公差 ±0.01，其余按招标文件")

        big, t = self.new(30, ReviewType.TENDER, "水务集团泵组集中采购招标", "4500000.00", quantity="300")
        big = self.step(big, t + datetime.timedelta(hours=1), "submit", P)
        big = self.sign(big, t + DAY)
        with _clock(t + DAY + datetime.timedelta(hours=5)):
            # Seed 002 §6: a tender at or above the threshold is reviewed centrally, in a meeting on record.
            services.meeting_record(
                actor=self.people[P], review=big, source="demo",
                attendees=[self.people[r] for r in (Role.ENGINEERING, Role.PRODUCTION, Role.QA, Role.PURCHASING,
                                                    Role.FINANCE)],
                data={"held_at": t + DAY + datetime.timedelta(hours=4), "place": "总部三楼会议室",
                      "chaired_by": self.people[Role.GM], "other_attendees": "",
                      "decisions": "各部门均可满足；按招标文件报价，交货分三批", "actions": "营销部 3 日内完成标书"})
        big = self.step(big, t + 2 * DAY, "accept", P)
        self.step(big, t + 3 * DAY, "approve", Role.GM)

        export, t = self.new(8, ReviewType.FOREIGN_TRADE, "出口越南齿轮泵合同（USD）", "300000.00", currency="USD",
                             exchange_rate=Decimal("7.150000"))
        export = self.step(export, t + datetime.timedelta(hours=1), "submit", P)
        export = self.sign(export, t + DAY, cannot={"dept": Dept.PRODUCTION,
                                                     "comment": "要求 30 天交货，现有排产需 45 天"})
        self.step(export, t + 2 * DAY, "refer_to_gm", P, reason="客户坚持 30 天交货，无法协商")

        refused, t = self.new(40, ReviewType.FOREIGN_TRADE, "出口中东泵组合同（USD）", "90000.00", currency="USD",
                              exchange_rate=Decimal("7.100000"))
        refused = self.step(refused, t + datetime.timedelta(hours=1), "submit", P)
        refused = self.sign(refused, t + DAY, cannot={"dept": Dept.FINANCE, "comment": "付款方式为 180 天远期信用证，风险过高"})
        refused = self.step(refused, t + 2 * DAY, "refer_to_gm", P, reason="客户不接受即期信用证")
        self.step(refused, t + 3 * DAY, "gm_decline", Role.GM, decision="收款风险过高，不接此单")

        agreement, t = self.accepted(50, ReviewType.AGREEMENT, "质量保证协议（2026 版）", "0.00")
        self.notice(agreement, t + 10 * DAY, "交货期提前 10 天，数量增至 600 台",
                    {"quantity": "600", "delivery_date": (t + 35 * DAY).date().isoformat()},
                    [Dept.PRODUCTION, Dept.PURCHASING], [Dept.PRODUCTION, Dept.QA, Dept.PURCHASING])

        contract, t = self.accepted(25, ReviewType.CONTRACT, "齿轮泵框架供货合同", "420000.00")
        self.notice(contract, t + 8 * DAY, "包装改为托盘加缠绕膜", {"packaging": "托盘加缠绕膜"}, [Dept.PRODUCTION],
                    [Dept.PRODUCTION, Dept.QA, Dept.SALES], confirm=[Dept.PRODUCTION])

        changing, t = self.accepted(20, ReviewType.ORDER, "4 月常规订单", "96000.00", quantity="200")
        self.notice(changing, t + 9 * DAY, "单价下调 2%", {"amount": "94080.00"}, [Dept.FINANCE, Dept.SALES],
                    [Dept.FINANCE, Dept.SALES], sign=False)

        informal, t = self.new(6, ReviewType.INFORMAL, "电话订货：密封件 50 套", "4500.00", product="密封件",
                               quantity="50")
        self.step(informal, t + datetime.timedelta(hours=1), "self_review", P, confirmation_method="read_back",
                  confirmation_note="电话复述订单内容，客户采购李经理确认")

        declined, t = self.new(15, ReviewType.ORDER, "样品加急订单", "8000.00", quantity="5")
        declined = self.step(declined, t + datetime.timedelta(hours=1), "submit", P)
        declined = self.sign(declined, t + DAY)
        self.step(declined, t + 2 * DAY, "decline", P, reason="客户取消采购计划")

        cancelled, t = self.new(18, ReviewType.CONTRACT, "备件年度合同（客户撤回）", "55000.00")
        self.step(cancelled, t + datetime.timedelta(hours=2), "cancel", Role.SALES_DIRECTOR, reason="客户撤回询价")

        self.plans(order=changing)

    def plan_step(self, plan, when: list, name: str, role: str = Role.SALES_ASSISTANT, **inputs):
        when[0] += datetime.timedelta(hours=2)
        with _clock(when[0]):
            return services.plan_transition(actor=self.people[role], plan=plan, name=name, **inputs)

    def plans(self, order) -> None:
        """Orders taken to delivery plans (顾客需求管理程序), in each state."""
        from kesu.customers.models import Supplier

        planner = self.people[Role.SALES_ASSISTANT]
        outsourcer = Supplier.objects.filter(company=self.company, is_active=True).order_by("pk").first()
        if outsourcer is not None:
            # The approved-outsourcer list (《外包加工商清单》) names it, approved by purchasing a year back.
            services.outsourcer_approve(actor=self.people[Role.PURCHASING], company=self.company, supplier=outsourcer,
                                        approved_on=self.at(14).date() - 365 * DAY, scope="齿轮泵装配、喷涂",
                                        source="demo")
        stages = ["checking", "approval", "customer", "distributed", "closed", "closed_outsourced"]
        for i, stage in enumerate(stages):
            t = self.at(14 - 2 * i)
            customer = order.customer if i == 0 else self.customers[i % len(self.customers)]
            data = {"customer": customer, "order_reference": f"HK-PO-{t:%m%d}-{i + 1}",
                    "order_text": f"齿轮泵 CB-B25 共 {100 + 50 * i} 台（传真订单）", "quantity": Decimal(100 + 50 * i),
                    "due_on": t.date() + 40 * DAY}
            if i == 0:
                data["review"] = order
            if i % 2:
                data["clarification"] = "便条未注明包装，电话与客户确认为木箱包装"
            with _clock(t):
                plan = services.plan_create(actor=planner, company=self.company, data=data)
            when = [t]

            plan = self.plan_step(plan, when, "issue_notice")
            short = stage == "closed_outsourced" and outsourcer is not None
            for dept, role in (("engineering", Role.ENGINEERING), ("purchasing", Role.PURCHASING),
                               ("production", Role.PRODUCTION)):
                if stage == "checking" and dept == "production":
                    break
                cannot = short and dept == "production"
                plan = self.plan_step(plan, when, "check", role, answer=Answer.CANNOT if cannot else Answer.CAN,
                          comment="本月产能不足，需外包 60 台" if cannot else "可满足")
            if stage == "checking":
                continue
            extra = {"outsourcer": outsourcer, "outsource_date": t.date() + 25 * DAY} if short else {}
            plan = self.plan_step(plan, when, "propose", plan_text="分两批交货：第一批 60%，第二批 40%", first_delivery=t.date() + 30 * DAY,
                      last_delivery=t.date() + 40 * DAY, **extra)
            if stage == "approval":
                continue
            plan = self.plan_step(plan, when, "approve", Role.VICE_GM)
            if stage == "customer":
                continue
            plan = self.plan_step(plan, when, "customer_confirms", confirmation_note="香港客户传真回签确认交货计划")
            for dept, role in (("engineering", Role.ENGINEERING), ("purchasing", Role.PURCHASING),
                               ("production", Role.PRODUCTION), ("qa", Role.QA)):
                if stage == "distributed" and dept == "production":
                    break
                plan = self.plan_step(plan, when, "sign_for", role)
