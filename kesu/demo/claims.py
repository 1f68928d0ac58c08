"""Demo step: customer claims, supplier charge-backs and the quality cost ledger, made through the services (issue 5).

Per company: the US dollar rate finance keeps, and ten claims, most of them
from the company's own complaints (customer and part come from the
complaint), standing in every state:

* collecting (the photos and the sorting report are still missing),
  analysing, awaiting the general manager's approval (the GM approves every
  proposal: no delegation to the vice GM), negotiating (in US dollars),
  fixing responsibility, settling (finance has computed part of the items);
* settled after the customer rejected the first offer and accepted the
  second, a supplier responsible for 70 % and its charge-back taken through
  send → agree → recover, so the ledger shows the gross cost, the recovery
  and the net cost;
* settled in US dollars with a department of ours responsible, and the
  corrective action its settlement raised (every settlement raises one);
* withdrawn (not our responsibility, the customer agreed in writing) and
  cancelled (the customer dropped it).

A few complaint costs are booked by hand over several months (a return, an
on-site service, extra freight, a scrapped return) borne by a department, a
salesperson and the customer. Each step runs with the clock at its own past
moment. The step makes the same small set whatever the ``--scale``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import (
    Bearer,
    CostCategory,
    DocumentKind,
    ItemKind,
    Outcome,
    ResponsibleParty,
    SettlementMethod,
)
from kesu.complaints.choices import Responsibility, Status
from kesu.complaints.models import Complaint
from kesu.customers.models import Shipment, Supplier

from .base import DemoContext
from .complaints import LANGUAGE, _anchor, _clock

DAY = datetime.timedelta(days=1)
FINISHED = (Status.CLOSED, Status.CANCELLED, Status.REJECTED_AT_INTAKE)
# Open complaints a customer would follow with a claim: being investigated or remedied.
BEING_HANDLED = (Status.QA_INVESTIGATION, Status.REMEDY_PROPOSED, Status.REMEDY_APPROVED, Status.CUSTOMER_REJECTED,
                 Status.REMEDY_ACCEPTED, Status.REMEDY_DONE, Status.VERIFICATION, Status.SALES_HANDLING)
# Finance's US dollar rates (base-currency yuan per dollar) and from how many days before "today".
USD_RATES = [(200, "7.10"), (90, "7.15")]
DOCUMENT_NAMES = {
    DocumentKind.CLAIM_LETTER: "索赔函", DocumentKind.INVOICE: "发票及费用清单", DocumentKind.PHOTOS: "不良品照片",
    DocumentKind.INSPECTION_REPORT: "挑选检验报告", DocumentKind.SHIPPING: "运单及运费发票",
    DocumentKind.STOPPAGE_RECORD: "停线记录", DocumentKind.AGREEMENT: "客户书面确认函",
}
BASIC = (DocumentKind.CLAIM_LETTER, DocumentKind.INVOICE, DocumentKind.PHOTOS)


def _item(kind: str, description: str, quantity: str, unit_price: str) -> dict[str, Any]:
    return {"kind": kind, "description": description, "quantity": Decimal(quantity),
            "unit_price": Decimal(unit_price)}


def _pdf(title: str) -> bytes:
    """A small one-page PDF (ASCII text only) that viewers open: the demo's stand-in for a scanned document."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td (Kesu demo document: {text}) Tj ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def create_claims(ctx: DemoContext) -> None:
    ctx.sync_ids()  # everything below goes through the services, which let the database choose ids
    anchor = _anchor(ctx)
    with translation.override(LANGUAGE):
        for company in ctx.companies:
            Claims(ctx, company, anchor).run()


class Claims:
    """The claims, charge-backs and hand-booked costs of one company."""

    def __init__(self, ctx: DemoContext, company, anchor: datetime.datetime) -> None:
        self.ctx = ctx
        self.company = company
        self.anchor = anchor
        self.tz = company.tz
        self.people = {role: User.objects.select_related("position", "company", "department").get(pk=user.pk)
                       for role, user in ctx.users[company.pk].items()}
        self.departments = {d.code: d for d in Department.objects.filter(company=company)}
        self.used: set[int] = set()
        # The plating subcontractor, for the claim about rusting parts (any supplier if there is none).
        self.plater = Supplier.objects.filter(company=company, name__contains="表面处理").order_by("pk").first()
        self.count = 0

    # -- time ----------------------------------------------------------------------------------

    def day(self, days_ago: int) -> datetime.date:
        """A working day about ``days_ago`` before "today" (a weekend moves back to Friday)."""
        day = self.anchor.astimezone(self.tz).date() - days_ago * DAY
        while day.weekday() >= 5:
            day -= DAY
        return day

    def moments(self, received: datetime.date):
        """``at(days)``: the next step's moment, ``days`` after receipt on a working day, always later than the last."""
        last = [datetime.datetime.combine(received, datetime.time(9, 0), tzinfo=self.tz)]

        def at(days: int) -> datetime.datetime:
            day = received + days * DAY
            while day.weekday() >= 5:
                day += DAY
            moment = max(datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=self.tz),
                         last[0] + datetime.timedelta(minutes=35))
            last[0] = min(moment, self.anchor - datetime.timedelta(minutes=5))
            return last[0]
        return at

    # -- records to claim about ---------------------------------------------------------------------

    def complaint(self, before: datetime.date, *preferences: dict[str, Any], open_: bool = False
                  ) -> Complaint | None:
        """A complaint with a part, received before ``before`` and not claimed about yet (newest first).

        The first of ``preferences`` (filters, e.g. the defect) that finds one wins, an open complaint
        before a closed one when ``open_``; failing them all, any (open, then closed) complaint will do.
        """
        start = datetime.datetime.combine(before, datetime.time(0), tzinfo=self.tz)
        rows = (Complaint.objects.filter(company=self.company, part__isnull=False, received_at__lt=start)
                .exclude(pk__in=self.used).order_by("-received_at", "pk")
                .select_related("customer", "part", "responsible_department", "responsible_supplier"))
        scopes = [rows.filter(status=Status.CLOSED)]
        if open_:
            scopes.insert(0, rows.exclude(status__in=FINISHED))
        for filters in [*preferences, {}]:
            for scope in scopes:
                found = scope.filter(**filters).first()
                if found is not None:
                    self.used.add(found.pk)
                    return found
        return None

    @staticmethod
    def about(complaint, part: str, nature: str) -> tuple[str, str]:
        """The part and defect a claim is about: the complaint's when there is one."""
        if complaint is None:
            return part, nature
        return complaint.part.name, complaint.defect_nature or nature

    def supplier(self, complaint) -> Supplier | None:
        if self.plater is not None:
            return self.plater
        if complaint is not None and complaint.responsible_supplier_id:
            return complaint.responsible_supplier
        return Supplier.objects.filter(company=self.company).order_by("pk").first()

    def department(self, complaint, code: str = "PROD") -> Department:
        if complaint is not None and complaint.responsible_department_id:
            return complaint.responsible_department
        return self.departments[code]

    # -- services ----------------------------------------------------------------------------------

    def create(self, at, received: datetime.date, complaint, title: str, description: str, items, *,
               currency: str = "CNY"):
        self.count += 1
        data: dict[str, Any] = {"title": title, "description": description, "received_on": received,
                                "currency": currency,
                                "customer_reference": f"SQ{received:%y%m}-{self.company.pk:02d}{self.count:03d}"}
        if complaint is not None:
            data["complaint"] = complaint
        else:  # no complaint to start from: a recent delivery's customer and part
            shipment = (Shipment.objects.filter(company=self.company, ship_date__lte=received)
                        .order_by("-ship_date", "pk").first())
            data["customer"], data["part"] = shipment.customer, shipment.part
        with _clock(at(0)):
            return services.claim_create(actor=self.people[Role.SALESPERSON], company=self.company, data=data,
                                         items=items, source="command")

    def documents(self, claim, when: datetime.datetime, kinds) -> None:
        with _clock(when):
            for kind in kinds:
                name = DOCUMENT_NAMES[kind]
                upload = SimpleUploadedFile(f"{claim.number}-{name}.pdf", _pdf(f"{claim.number} {kind}"),
                                            content_type="application/pdf")
                services.claim_document_add(actor=self.people[Role.SALESPERSON], claim=claim, kind=kind,
                                            file=upload, source="command")

    def step(self, claim, when: datetime.datetime, name: str, role: str, **inputs):
        with _clock(when):
            return services.claim_transition(actor=self.people[role], claim=claim, name=name, source="command",
                                             **inputs)

    def propose(self, claim, when, analysis: str, amount: str, outcome: str = Outcome.OURS):
        return self.step(claim, when, "propose", Role.VICE_GM, analysis=analysis, proposed_outcome=outcome,
                         proposed_amount=Decimal(amount))

    def meeting(self, claim, when, party: str, conclusion: str, **named):
        p = self.people
        attendees = [p[Role.VICE_GM], p[Role.QA], p[Role.PRODUCTION], p[Role.ENGINEERING], p[Role.SALESPERSON]]
        if party == ResponsibleParty.SUPPLIER:
            attendees.append(p[Role.PURCHASING])
        return self.step(claim, when, "fix_responsibility", Role.GM, responsible_party=party,
                         meeting_conclusion=conclusion, meeting_attendees=attendees, **named)

    def settlement(self, claim, when, amounts: list[str | None]):
        items = list(claim.items.order_by("pk"))
        with _clock(when):
            return services.claim_settlement_save(
                actor=self.people[Role.FINANCE], claim=claim, source="command",
                amounts={item.pk: Decimal(a) for item, a in zip(items, amounts, strict=True) if a is not None})

    # -- the claims ----------------------------------------------------------------------------------

    def run(self) -> None:
        if not Complaint.objects.filter(company=self.company, part__isnull=False).exists():
            return  # claims follow complaints; without the complaint step there is nothing to claim about
        finance = self.people[Role.FINANCE]
        for days, rate in USD_RATES:
            with _clock(self.anchor - (days + 5) * DAY):
                services.exchange_rate_set(actor=finance, company=self.company, currency="USD",
                                           valid_from=self.day(days), rate=Decimal(rate), source="command")
        self.settled_with_supplier(150)
        self.settled_by_department(120)
        self.withdrawn(90)
        self.settling(60)
        self.responsibility(45)
        self.cancelled(40)
        self.negotiating(30)
        self.awaiting_approval(20)
        self.analysing(12)
        self.collecting(5)
        self.hand_booked_costs()

    def settled_with_supplier(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 10 * DAY, {"defect_nature": "锈蚀"},
                                   {"responsibility": Responsibility.SUPPLIER})
        part = complaint.part.name if complaint else "壳体"
        claim = self.create(at, received, complaint, f"{part}镀层锈蚀导致停线索赔",
                            f"客户来函称我司供货的{part}到货后出现批量锈蚀，装配线停线 2 小时，并组织 3 人挑选 2 天；"
                            "要求赔偿更换件、挑选工时、补货运费及停线损失。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换锈蚀{part}", "120", "85.50"),
                                _item(ItemKind.SORTING, "客户现场挑选（3 人 × 2 天）", "6", "480.00"),
                                _item(ItemKind.FREIGHT, "补货加急物流费", "1", "1650.00"),
                                _item(ItemKind.LINE_STOPPAGE, "装配线停线 2 小时", "2", "3000.00"),
                            ])  # claimed 20,790.00
        self.documents(claim, at(1), [*BASIC, DocumentKind.INSPECTION_REPORT, DocumentKind.SHIPPING,
                                      DocumentKind.STOPPAGE_RECORD])
        claim = self.step(claim, at(1), "submit", Role.SALESPERSON, note="资料已收齐：索赔函、发票、照片、挑选报告、运单、停线记录。")
        claim = self.propose(claim, at(3), "锈蚀为外协电镀层厚度不足所致，属我司供货责任；停线损失客户未提供产量损失依据，"
                                           "建议先按更换件、挑选及运费赔付。", "12000.00")
        claim = self.step(claim, at(4), "approve", Role.GM, note="同意按 12,000 元与客户协商。")
        claim = self.step(claim, at(12), "customer_rejects", Role.SALESPERSON,
                          reason="客户提供了停线记录和当班产量报表，坚持停线损失应予赔偿，至少按 80% 计。")
        claim = self.propose(claim, at(15), "客户补充的停线记录属实，同意承担部分停线损失，合计赔付 16,800 元。",
                             "16800.00")
        claim = self.step(claim, at(16), "approve", Role.GM, note="第二轮报价 16,800 元，同意。")
        claim = self.step(claim, at(22), "customer_accepts", Role.SALESPERSON,
                          note="客户采购部来函同意 16,800 元，以开具红字发票冲抵货款方式结算。")
        supplier = self.supplier(complaint)
        claim = self.meeting(claim, at(28), ResponsibleParty.SUPPLIER,
                             f"{supplier.short_name or supplier.name}处理的零件镀层厚度实测 4 μm（要求 ≥8 μm），"
                             "我司来料检验未测膜厚；由供应商承担 70%，我司承担来料检验漏检部分。",
                             supplier=supplier, supplier_share=Decimal("70"))
        claim = self.settlement(claim, at(35), ["10260.00", "2400.00", "1650.00", "2490.00"])  # = 16,800.00
        settled_at = at(36)
        claim = self.step(claim, settled_at, "settle", Role.FINANCE, settlement_method=SettlementMethod.CREDIT,
                          settled_on=settled_at.date(), settlement_reference=f"HZ{settled_at:%Y%m%d}01")
        charge_back = claim.supplier_claims.get()  # 70 % of 16,800.00 = 11,760.00
        steps = [
            ("send", Role.PURCHASING, at(38), {"note": "索赔函及检测报告已发供应商，要求 15 日内答复。"}),
            ("agree", Role.VICE_GM, at(55), {"agreed_amount": Decimal("10000.00"),
                                             "note": "供应商承担更换件、挑选及运费，停线损失协商减免至 10,000 元。"}),
        ]
        for name, role, when, inputs in steps:
            with _clock(when):
                charge_back = services.supplier_claim_transition(
                    actor=self.people[role], supplier_claim=charge_back, name=name, source="command", **inputs)
        recovered_at = at(70)
        with _clock(recovered_at):
            services.supplier_claim_transition(
                actor=self.people[Role.FINANCE], supplier_claim=charge_back, name="recover", source="command",
                recovered_amount=Decimal("10000.00"), recovered_on=recovered_at.date(),
                recovery_reference=f"KK{recovered_at:%Y%m%d}07")

    def settled_by_department(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 10 * DAY, {"defect_nature": "尺寸超差", "responsibility": Responsibility.OURS},
                                   {"responsibility": Responsibility.OURS, "responsible_department__isnull": False})
        part = complaint.part.name if complaint else "齿轮泵"
        claim = self.create(at, received, complaint, f"出口客户{part}尺寸超差索赔（美元）",
                            f"海外客户来函（英文附中文译本）：{part}孔径超差无法装配，要求以美元赔偿更换件、"
                            "返修工时及空运费。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换{part}", "40", "38.50"),
                                _item(ItemKind.LABOUR, "客户返修工时", "12", "45.00"),
                                _item(ItemKind.FREIGHT, "补货空运费", "1", "620.00"),
                            ], currency="USD")  # claimed USD 2,700.00
        self.documents(claim, at(1), [*BASIC, DocumentKind.SHIPPING])
        claim = self.step(claim, at(2), "submit", Role.SALESPERSON)
        claim = self.propose(claim, at(5), "尺寸超差为我司加工刀具磨损未及时补偿，责任在我司；返修工时按实际 8 小时、"
                                           "空运费按合同约定分摊。", "2300.00")
        claim = self.step(claim, at(6), "approve", Role.GM, note="折合人民币约 16,330 元，同意。")
        claim = self.step(claim, at(14), "customer_accepts", Role.SALESPERSON, note="客户邮件确认接受 2,300 美元。")
        department = self.department(complaint)
        claim = self.meeting(claim, at(20), ResponsibleParty.DEPARTMENT,
                             f"首件及巡检记录不完整，刀具寿命管理缺失，责任部门：{department.name}。",
                             responsible_department=department)
        claim = self.settlement(claim, at(28), ["1540.00", "400.00", "360.00"])  # = USD 2,300.00
        settled_at = at(30)
        # Settling raises the corrective action of the root cause (seed 000 §4.2.6) for the responsible department.
        self.step(claim, settled_at, "settle", Role.FINANCE, settlement_method=SettlementMethod.PAYMENT,
                  settled_on=settled_at.date(), settlement_reference=f"TT{settled_at:%Y%m%d}03")

    def withdrawn(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 10 * DAY, {"responsibility": Responsibility.CUSTOMER,
                                                         "explanation__contains": "专用工装"},
                                   {"responsibility": Responsibility.CUSTOMER})
        part = complaint.part.name if complaint else "端盖"
        claim = self.create(at, received, complaint, f"{part}装配开裂索赔",
                            f"客户称装配时{part}批量开裂，要求赔偿更换件及返工工时。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换开裂{part}", "200", "45.00"),
                                _item(ItemKind.LABOUR, "拆装返工工时", "16", "120.00"),
                            ])
        self.documents(claim, at(1), BASIC)
        claim = self.step(claim, at(1), "submit", Role.SALESPERSON)
        claim = self.propose(claim, at(6), "现场确认客户安装时未使用专用工装，装配扭矩设定为 45 N·m，超出图纸要求"
                                           " 25±3 N·m，造成变形开裂；我司出厂检验记录及留样复测均合格，非我司责任。",
                             "0.00", Outcome.NOT_OURS)
        claim = self.step(claim, at(7), "approve", Role.GM, note="同意向客户说明非我司责任。")
        when = at(15)
        self.documents(claim, when, [DocumentKind.AGREEMENT])
        self.step(claim, when, "withdraw", Role.SALESPERSON,
                  agreement_note="客户质量部书面确认开裂系其装配扭矩设定错误所致，同意撤回索赔，并已调整扭矩参数。")

    def settling(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 10 * DAY, {"defect_nature": "型号错发"})
        part = complaint.part.name if complaint else "法兰"
        claim = self.create(at, received, complaint, f"{part}型号错发索赔",
                            f"订单要求 B 型{part}，实际发 A 型，客户要求我司承担补发及退回运费。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"补发正确型号{part}", "50", "120.00"),
                                _item(ItemKind.FREIGHT, "错发件退回及补发运费", "2", "450.00"),
                            ])
        self.documents(claim, at(1), [*BASIC, DocumentKind.SHIPPING])
        claim = self.step(claim, at(1), "submit", Role.SALESPERSON)
        claim = self.propose(claim, at(4), "订单录入型号错误，发货前未复核，属我司责任。", "6500.00")
        claim = self.step(claim, at(5), "approve", Role.GM)
        claim = self.step(claim, at(12), "customer_accepts", Role.SALESPERSON, note="客户同意 6,500 元。")
        claim = self.meeting(claim, at(18), ResponsibleParty.SALESPERSON,
                             "业务员下单时型号录入错误且未与客户确认，由业务员承担，计入考核。",
                             responsible_salesperson=self.people[Role.SALESPERSON])
        self.settlement(claim, at(22), ["6000.00", None])  # freight still being checked against the waybills

    def responsibility(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 7 * DAY, {"defect_nature": "砂眼气孔"}, open_=True)
        part = complaint.part.name if complaint else "阀体"
        claim = self.create(at, received, complaint, f"{part}砂眼渗漏索赔",
                            f"{part}加工面砂眼导致试漏不合格，客户组织挑选并要求更换。", [
                                _item(ItemKind.SORTING, "挑选（4 人 × 1.5 天）", "6", "450.00"),
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换{part}", "30", "210.00"),
                            ])
        self.documents(claim, at(1), [*BASIC, DocumentKind.INSPECTION_REPORT])
        claim = self.step(claim, at(1), "submit", Role.SALESPERSON)
        claim = self.propose(claim, at(5), "砂眼为铸件缺陷，外协铸造厂与我司来料检验均有责任，先按我司责任赔付。",
                             "7500.00")
        claim = self.step(claim, at(6), "approve", Role.GM)
        self.step(claim, at(13), "customer_accepts", Role.SALESPERSON, note="客户同意 7,500 元，待责任认定后结算。")

    def cancelled(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 7 * DAY, {"defect_nature": "包装破损"})
        part = complaint.part.name if complaint else "支架"
        claim = self.create(at, received, complaint, f"{part}包装破损索赔",
                            f"客户称{part}外包装破损受潮，要求赔偿挑选费用。", [
                                _item(ItemKind.SORTING, "开箱挑选", "2", "400.00"),
                                _item(ItemKind.OTHER, "重新包装材料", "1", "350.00"),
                            ])
        self.documents(claim, at(1), [*BASIC, DocumentKind.INSPECTION_REPORT])
        claim = self.step(claim, at(2), "submit", Role.SALESPERSON)
        self.step(claim, at(9), "cancel", Role.SALES_DIRECTOR,
                  reason="客户来函表示受潮件经晾干复检合格，自行消化，不再索赔。")

    def negotiating(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 7 * DAY, {"defect_nature": "异响"}, open_=True)
        part = complaint.part.name if complaint else "电机端盖"
        claim = self.create(at, received, complaint, f"{part}异响索赔（美元）",
                            f"海外客户整机测试{part}异响超标，要求以美元赔偿更换件及运费。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换{part}", "60", "52.00"),
                                _item(ItemKind.FREIGHT, "海运改空运差价", "1", "480.00"),
                            ], currency="USD")  # claimed USD 3,600.00
        self.documents(claim, at(1), [*BASIC, DocumentKind.SHIPPING])
        claim = self.step(claim, at(2), "submit", Role.SALESPERSON)
        claim = self.propose(claim, at(6), "异响为齿面修形参数不当，属我司设计责任；空运差价因客户要求提前交货，"
                                           "建议只赔付一半。", "2600.00")
        self.step(claim, at(7), "approve", Role.GM, note="折合人民币约 18,590 元，同意。")

    def awaiting_approval(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 5 * DAY, {"defect_nature": "功能失效"}, open_=True)
        part = complaint.part.name if complaint else "控制器"
        claim = self.create(at, received, complaint, f"{part}功能失效停线索赔",
                            f"{part}上电无输出，客户总装线停线 4 小时，要求赔偿停线损失、挑选及更换费用。", [
                                _item(ItemKind.LINE_STOPPAGE, "总装线停线 4 小时", "4", "6000.00"),
                                _item(ItemKind.SORTING, "全检挑选（8 工日）", "8", "500.00"),
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换同批次{part}", "300", "36.00"),
                            ])  # claimed 38,800.00
        self.documents(claim, at(1), [*BASIC, DocumentKind.STOPPAGE_RECORD, DocumentKind.INSPECTION_REPORT])
        claim = self.step(claim, at(2), "submit", Role.SALESPERSON)
        self.propose(claim, at(6), "电源芯片批次性不良，来料未做老化筛选，属我司责任；停线损失按客户记录的 4 小时计，"
                                   "挑选费按实际 6 工日。超过副总审批权限，请总经理审批。", "26000.00")

    def analysing(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 3 * DAY, {"status__in": BEING_HANDLED}, open_=True)
        part, nature = self.about(complaint, "齿轮", "硬度不足")
        where = f"（投诉 {complaint.number}）" if complaint else ""
        claim = self.create(at, received, complaint, f"{part}{nature}索赔",
                            f"客户就{part}{nature}{where}来函索赔，要求更换不良件并赔偿拆装工时。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换{part}", "80", "95.00"),
                                _item(ItemKind.LABOUR, "拆装工时", "10", "150.00"),
                            ])
        self.documents(claim, at(1), BASIC)
        self.step(claim, at(3), "submit", Role.SALESPERSON, note="资料已齐，投诉原因分析尚未结束，请副总一并分析责任。")

    def collecting(self, days_ago: int) -> None:
        received = self.day(days_ago)
        at = self.moments(received)
        complaint = self.complaint(received - 2 * DAY, {"status__in": BEING_HANDLED}, open_=True)
        part, nature = self.about(complaint, "泵体", "划伤")
        where = f"（投诉 {complaint.number}）" if complaint else ""
        claim = self.create(at, received, complaint, f"{part}{nature}索赔",
                            f"客户就{part}{nature}{where}来函索赔，要求更换不良件并赔偿来料挑选费用；"
                            "不良品照片和挑选报告待客户补寄。", [
                                _item(ItemKind.REPLACEMENT_PARTS, f"更换不良{part}", "25", "320.00"),
                                _item(ItemKind.SORTING, "来料挑选（2 工日）", "2", "480.00"),
                            ])
        self.documents(claim, at(1), [DocumentKind.CLAIM_LETTER, DocumentKind.INVOICE])

    # -- costs of complaints booked by hand -------------------------------------------------------

    def hand_booked_costs(self) -> None:
        finance = self.people[Role.FINANCE]
        rows = [
            (160, CostCategory.RETURN, "1280.00", "不良品退回运费及入库检验", {"bearer": Bearer.DEPARTMENT},
             {"responsibility": Responsibility.OURS}),
            (110, CostCategory.ON_SITE, "3460.00", "派两名工程师到客户现场返修，差旅及工时", {"bearer": Bearer.DEPARTMENT},
             {"responsibility": Responsibility.OURS}),
            (75, CostCategory.EXTRA_FREIGHT, "860.00", "错发补货加急快递费",
             {"bearer": Bearer.SALESPERSON, "salesperson": self.people[Role.SALESPERSON]}, {"defect_nature": "型号错发"}),
            (35, CostCategory.SCRAPPED_RETURN, "2150.00", "客户使用不当损坏的退货件报废",
             {"bearer": Bearer.CUSTOMER}, {"responsibility": Responsibility.CUSTOMER}),
        ]
        for days_ago, category, amount, description, bearer, preferred in rows:
            booked_on = self.day(days_ago)
            complaint = self.complaint(booked_on - 5 * DAY, preferred)
            if complaint is None:
                continue
            data = {"complaint": complaint, "booked_on": booked_on, "category": category, "amount": Decimal(amount),
                    "description": f"{complaint.number} {description}", **bearer}
            if data["bearer"] == Bearer.DEPARTMENT:
                data["department"] = self.department(complaint)
            with _clock(datetime.datetime.combine(booked_on, datetime.time(15, 0), tzinfo=self.tz)):
                services.cost_book(actor=finance, company=self.company, data=data, source="command")
