"""Demo data of customer property (issue 19 "Done when"): per company a ledger of moulds, gauges, samples, materials,
drawings and a confidential process document; drawings in several revisions with their controlled copies (the old
ones recalled and confirmed); loans in every state (one overdue, one returned late with damage); damage reports in
every state; last year's inventory check closed. Made through the services, as people would."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import translation

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.customers.models import Customer, Part
from kesu.demo.base import DemoContext

from . import services
from .choices import ItemType

DAY = datetime.timedelta(days=1)
R = Role


def create_property(ctx: DemoContext) -> None:
    ctx.sync_ids()  # everything below goes through the services, which let the database choose ids
    with translation.override("zh-hans"):
        for company in ctx.companies:
            _Ledger(ctx, company).run()


class _Ledger:
    def __init__(self, ctx: DemoContext, company) -> None:
        self.ctx = ctx
        self.company = company
        self.today = ctx.today
        self.people = {role: User.objects.select_related("department", "company").get(pk=user.pk)
                       for role, user in ctx.users[company.pk].items()}
        self.customers = list(Customer.objects.filter(pk__in=ctx.customers.get(company.pk, [])[:6]).order_by("pk"))

    def p(self, role):
        return self.people[role]

    def item(self, customer, item_type, description, days_ago, **data):
        values = {"customer": customer, "item_type": item_type, "description": description,
                  "received_on": self.today - days_ago * DAY, "received_from": "客户物流/随货交付",
                  "terms": data.pop("terms", "keep"), **data}
        part = Part.objects.filter(company=self.company, customer=customer).order_by("pk").first()
        if part is not None and item_type in (ItemType.TOOLING, ItemType.SAMPLE, ItemType.DRAWING):
            values.setdefault("part", part)
        return services.item_create(actor=self.p(R.SALESPERSON), company=self.company, data=values, source="demo")

    def loan(self, item, borrower, days_from, days_to, purpose="试生产验证", **kwargs):
        return services.loan_request(actor=self.p(borrower), item=item, source="demo", data={
            "purpose": purpose, "borrow_from": self.today + days_from * DAY,
            "expected_return_on": self.today + days_to * DAY, **kwargs})

    def step(self, loan, name, role, **inputs):
        return services.loan_transition(actor=self.p(role), loan=loan, name=name, source="demo", **inputs)

    def run(self) -> None:
        if not self.customers:
            return
        c = self.customers
        moulds = [self.item(c[i % len(c)], ItemType.TOOLING, name, 120 - i * 7, customer_reference=f"MJ-{i + 1:03d}",
                            location=f"模具库 A-{i + 1}", quantity=Decimal("1"), unit="套",
                            condition_on_receipt="外观完好，附试模样件 5 件", loan_needs_consent=(i == 1))
                  for i, name in enumerate(["前盖注塑模具", "后盖压铸模具", "支架冲压模具", "外壳注塑模具"])]
        gauges = [self.item(c[0], ItemType.GAUGE, "通止规 Φ12H7", 200, calibration_due_on=self.today + 4 * DAY,
                            serial_or_lot="GZ-2291", location="计量室"),
                  self.item(c[1 % len(c)], ItemType.GAUGE, "专用检具 GP-20", 150,
                            calibration_due_on=self.today + 120 * DAY, serial_or_lot="JJ-0457", location="计量室")]
        samples = [self.item(c[i % len(c)], ItemType.SAMPLE, name, 30 + i * 5, quantity=Decimal(qty), unit="件",
                             terms="return_by", return_by=self.today + (20 + i * 10) * DAY, location="样品柜")
                   for i, (name, qty) in enumerate([("限度样件（外观）", "3"), ("首件样品", "5"), ("封样件", "2")])]
        self.item(c[2 % len(c)], ItemType.MATERIAL, "客供包装箱（印刷）", 40, quantity=Decimal("500"), unit="个",
                  location="包材库")
        self.item(c[0], ItemType.INTANGIBLE, "客户工艺参数及价格信息", 100, confidentiality="secret",
                  access_roles="qa,engineering", terms="keep")
        drawing_items = [self.item(c[i % len(c)], ItemType.DRAWING, f"{name} 图纸", 110 - i * 10, unit="份",
                                   confidentiality="confidential")
                         for i, name in enumerate(["前盖", "支架"])]
        self.drawings(drawing_items)
        self.loans(moulds, gauges, samples)
        self.inventory()
        self.information()
        # "Now" is the end of the demo's day, never the machine's clock: the same seed gives the same reminders.
        services.loans_remind(datetime.datetime.combine(self.today, datetime.time(18, 0), tzinfo=self.company.tz))
        services.calibrations_remind(self.today)

    def information(self) -> None:
        """Customer information kept as property (issue 19 §7; seed 002 "保护客户信息"): a drawing package, the
        customer's price and volume plan, and their people's contact list, each with exactly who may see it."""
        c = self.customers
        sales, engineering, qa = self.p(R.SALESPERSON), self.p(R.ENGINEERING), self.p(R.QA)
        rows = [
            (c[0], "新品 3D 数模及公差包", "drawing", "secret", "engineering", [qa],
             "工程部加密服务器 /customer/3d", "客户提供的 STEP 数模与 GD&T 公差说明，仅用于本项目开发"),
            (c[1 % len(c)], "年度价格及采购量预测", "commercial", "confidential", "sales_director,gm", [],
             "营销部文件柜 B-2（上锁）", "客户提供的次年采购量预测与目标价格"),
            (c[2 % len(c)], "客户联系人通讯录", "personal", "confidential", "salesperson,after_sales", [engineering],
             "CRM 系统", "客户采购、质量、工程联系人的姓名、电话与邮箱"),
        ]
        for customer, title, kind, level, roles, users, kept_at, description in rows:
            services.information_register(actor=sales, company=self.company, users=users, source="demo", data={
                "customer": customer, "title": title, "kind": kind, "confidentiality": level, "access_roles": roles,
                "kept_at": kept_at, "description": description})

    def drawings(self, items) -> None:
        eng = self.p(R.ENGINEERING)
        departments = {d.kind: d for d in Department.objects.filter(company=self.company).order_by("-pk")}
        holders = [d for d in (departments.get("production"), departments.get("qa")) if d]
        for n, item in enumerate(items):
            parts = list(Part.objects.filter(company=self.company, customer=item.customer).order_by("pk")[:2])
            document = services.document_register(
                actor=eng, company=self.company, source="demo",
                data={"number": f"DWG-{item.customer.code}-{n + 1:03d}", "kind": "drawing", "customer": item.customer,
                      "title": item.description.replace(" 图纸", ""), "item": item},
                revision="A", received_on=item.received_on, pages=2, parts=parts)
            for revision, days in (("B", 60), ("C", 15))[: 2 - n]:
                current = document.revisions.get(status="current")
                copies = services.copies_issue(actor=eng, revision=current, departments=holders, source="demo")
                services.revision_add(actor=eng, document=document, revision=revision, pages=2,
                                      received_on=self.today - days * DAY, source="demo")
                for i, copy in enumerate(copies):
                    copy.refresh_from_db()
                    holder = self.p(R.PRODUCTION) if copy.department.kind == "production" else self.p(R.QA)
                    if revision == "B" or i == 0:  # the newest recall: one holder has not confirmed yet
                        services.copy_transition(actor=holder, copy=copy, source="demo",
                                                 name="confirm_returned" if i == 0 else "confirm_destroyed")
            current = document.revisions.get(status="current")
            services.copies_issue(actor=eng, revision=current, departments=holders, source="demo")

    def loans(self, moulds, gauges, samples) -> None:
        # requested; approved; issued on time; issued and overdue; returned in good order; refused; cancelled.
        self.loan(moulds[0], R.PRODUCTION, 1, 5, "新品试模")
        approved = self.loan(moulds[1], R.PRODUCTION, 0, 3, "模具保养后试产")
        self.step(approved, "approve", R.SALES_ASSISTANT, customer_consent="客户张工 12/1 邮件同意借用")
        on_time = self.loan(gauges[1], R.PRODUCTION, -2, 5, "来料检验")
        self.step(on_time, "approve", R.SALESPERSON)
        self.step(on_time, "issue", R.QA)
        overdue = self.loan(samples[0], R.QA, -10, -3, "外观比对")
        self.step(overdue, "approve", R.SALESPERSON)
        self.step(overdue, "issue", R.PRODUCTION)
        good = self.loan(samples[1], R.QA, -20, -15, "尺寸复核")
        self.step(good, "approve", R.SALESPERSON)
        self.step(good, "issue", R.PRODUCTION)
        self.step(good, "return", R.PRODUCTION, return_condition="good", return_note="完好")
        refused = self.loan(samples[2], R.ENGINEERING, 0, 2, "拆解分析")
        self.step(refused, "reject", R.SALESPERSON, reason="封样件不得拆解，请使用首件样品")
        cancelled = self.loan(samples[2], R.ENGINEERING, 1, 2, "拍照存档")
        self.step(cancelled, "cancel", R.ENGINEERING, reason="已有照片，不再需要")
        # Returned late with damage: the damage report goes the whole way, costed and closed; others stop earlier.
        reports = []
        for n, mould in enumerate(moulds[2:]):
            loan = self.loan(mould, R.PRODUCTION, -12, -6, "批量生产")
            self.step(loan, "approve", R.SALESPERSON)
            self.step(loan, "issue", R.PRODUCTION)
            self.step(loan, "return", R.PRODUCTION, return_condition="damaged",
                      return_note=["分型面崩角约 2 mm", "顶针断裂 1 根"][n])
            reports.append(loan.damage_reports.get())
        lost = services.damage_report(actor=self.p(R.QA), item=gauges[0], source="demo", data={
            "kind": "unsuitable", "description": "校准发现磨损超差，不适合继续使用",
            "happened_on": self.today - 2 * DAY})
        reports.insert(0, lost)
        plan = [("record_remedy", R.PRODUCTION, {"remedial_action": "补焊修模并试模 50 模次，尺寸合格"}),
                ("notify_customer", R.SALESPERSON, {"communication": "书面通知已邮件发送客户质量部，并电话说明"}),
                ("record_answer", R.SALESPERSON, {"customer_answer": "客户同意修复，费用由我司责任部门承担"}),
                ("book_cost", R.FINANCE, {"bearer": "department", "cost_amount": Decimal("1800.00")})]
        for report, depth in zip(reports, (0, 4, 2), strict=False):
            for name, role, inputs in plan[:depth]:
                actor = self.p(role)
                if name == "record_remedy" and report.keeper_department.kind == "qa":
                    actor = self.p(R.QA)
                report = services.damage_transition(actor=actor, report=report, name=name, source="demo", **inputs)

    def inventory(self) -> None:
        check = services.inventory_start(actor=self.p(R.SALESPERSON), company=self.company, year=self.today.year - 1)
        for line in check.lines.select_related("department"):
            person = next((u for u in self.people.values() if u.department_id == line.department_id), None)
            if person is not None:
                services.inventory_confirm(actor=person, line=line, result="present", source="demo")
        if not check.lines.filter(result="").exists():
            services.inventory_close(actor=self.p(R.SALESPERSON), check=check, source="demo")
