"""Demo step: customer satisfaction surveys, made through the services (issue 6).

Per company, two years of campaigns so that the report shows a trend:

* last year's half-yearly survey (form CS-002, sent in July) and last year's
  yearly survey (form CS-001, sent in December), both closed with their
  scores: most customers answered through their personal links, a few on a
  written form or by phone (entered by sales), a few never answered. The
  yearly one has competitor ratings and a verified improvement line;
* this year's survey (CS-002), open for about twelve days: answers by link,
  by written form and by phone; contacts who have not answered yet, most of
  them reminded, one added by hand and not reminded yet; one answer below
  85 on form CS-002, which called an improvement meeting whose decisions
  raised a corrective action, and QA's line of the analysis-and-improvement
  form (《客户满意度调查分析改善表》) linked to it, approved by the sales director;
  competitor ratings for two named competitors.

Answers are drawn from the seed forms' options (best first), most scoring
80–95; remarks are in Chinese. The recipients are those the rule picks
(customers with shipments in the period), cut to the biggest few by sales,
so the step makes the same small set whatever the ``--scale``. Each step
runs with the clock at its own past moment.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import translation

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.core.calendar import WorkingCalendar
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, CampaignKind, InclusionReason, ReportChannel
from kesu.surveys.models import DIMENSIONS, Answer, Campaign, Recipient, SurveyTemplate

from .base import DemoContext
from .complaints import LANGUAGE, _anchor, _clock

DAY = datetime.timedelta(days=1)
KEEP = 10  # recipients per campaign: the biggest customers by sales among those the rule picks
OPEN_DAYS = 12  # this year's campaign was opened about this many days before "today"
COMPETITORS = ("常州恒力精密机械有限公司", "宁波东瑞汽车零部件有限公司")
# Items customers tend to rate lower (price, delivery, packaging): worsened more often.
WEAK_ITEMS = {"价格水平", "与同行相比的成本优势", "交货准时性", "紧急订单响应", "交货及时状况", "包装箱外观整洁度"}
REMARKS = [
    "产品质量稳定，希望继续保持。", "业务员响应及时，沟通顺畅。", "希望交货期能再缩短一些。",
    "包装牢固，运输中未见损坏。", "价格偏高，希望明年有一定降幅。", "技术支持及时，新产品开发配合良好。",
    "投诉处理比去年快了很多，值得肯定。", "希望紧急订单能优先安排。", "", "", "",
]
LOW_REMARKS = ("今年有两批货延期到货，影响我司排产；纸箱受潮变形，部分产品外观有划伤。"
               "希望贵司加强交期管理和包装防护，并书面回复改进措施。")
LOW_COMMENTS = {
    "交货及时状况": "最近两批各延误 3 天", "包装箱外观整洁度": "纸箱受潮变形", "产品质量状况": "有外观划伤",
    "处理问题的及时性和有效性": "问题回复较慢",
}


def create_surveys(ctx: DemoContext) -> None:
    ctx.sync_ids()  # everything below goes through the services, which let the database choose ids
    anchor = _anchor(ctx)
    with translation.override(LANGUAGE):
        for company in ctx.companies:
            # Like the actions and claims, the surveys tell the story of a year with complaints (the low
            # answer's remarks, its action): without the complaint step there is nothing to do.
            if Complaint.objects.filter(company=company).exists():
                Surveys(ctx, company, anchor).run()
    ctx.sync_ids()


class Surveys:
    """The satisfaction campaigns of one company."""

    def __init__(self, ctx: DemoContext, company, anchor: datetime.datetime) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.company = company
        self.anchor = anchor
        self.tz = company.tz
        self.calendar = WorkingCalendar(company)
        self.people = {role: User.objects.select_related("position", "company", "department").get(pk=user.pk)
                       for role, user in ctx.users[company.pk].items()}
        self.departments = {d.code: d for d in Department.objects.filter(company=company)}
        self._items: dict[int, list] = {}
        self.salespeople = {u.pk: u for u in User.objects.filter(pk__in=ctx.salespeople.get(company.pk, []))}

    # -- time ----------------------------------------------------------------------------------

    def working_day(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day of the company, else the next one."""
        return day if self.calendar.is_working_day(day) else self.calendar.next_working_day(day)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """A moment of ``day`` in the company's time, never later than a few minutes before "now"."""
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)
        return min(moment, self.anchor - datetime.timedelta(minutes=5))

    def during(self, first: datetime.date, days: int, *, customer: bool = False) -> datetime.datetime:
        """A moment ``0…days`` after ``first``: in working hours of a working day, or (``customer``: a contact
        answering their link) any day from morning to late evening."""
        day = first + self.rng.randint(0, days) * DAY
        if customer:
            return self.at(day, self.rng.randint(8, 21), self.rng.choice([0, 10, 20, 30, 40, 50]))
        return self.at(self.working_day(day), self.rng.randint(8, 17), self.rng.choice([0, 10, 20, 30, 40, 50]))

    # -- the campaigns -------------------------------------------------------------------------

    def run(self) -> None:
        today = self.anchor.astimezone(self.tz).date()
        opened = today - OPEN_DAYS * DAY
        while not self.calendar.is_working_day(opened):
            opened -= DAY
        last = opened.year - 1
        with _clock(self.at(datetime.date(last, 6, 20), 9)):
            services.templates_ensure_seeded(self.company)
        self.past("CS-002", CampaignKind.HALF_YEARLY, f"{last}年上半年客户满意度调查",
                  (datetime.date(last, 1, 1), datetime.date(last, 6, 30)), datetime.date(last, 7, 1),
                  targets=(84, 94))
        yearly = self.past("CS-001", CampaignKind.YEARLY, f"{last}年度顾客满意度调查",
                           (datetime.date(last, 1, 1), datetime.date(last, 12, 31)), datetime.date(last, 12, 1),
                           targets=(86, 96))
        if yearly is not None:
            self.price_improvement(yearly, opened)
        self.current(opened)

    def create(self, code: str, kind: str, name: str, period, send_month: datetime.date,
               when: datetime.datetime) -> Campaign | None:
        """A campaign with the recipients the rule picks, cut to the biggest ``KEEP`` by sales."""
        template = SurveyTemplate.objects.get(company=self.company, code=code, is_current=True)
        with _clock(when):
            campaign = services.campaign_create(
                actor=self.people[Role.GENERAL_OFFICE], company=self.company, source="command", data={
                    "name": name, "kind": kind, "template": template, "period_start": period[0],
                    "period_end": period[1], "send_month": send_month})
            # As the office would take them out by hand, in one go (reasons kept, the removal added).
            for reasons in {tuple(r) for r in campaign.recipients.filter(included=True, sales_rank__gt=KEEP)
                            .values_list("reasons", flat=True)}:
                campaign.recipients.filter(included=True, sales_rank__gt=KEEP, reasons=list(reasons)).update(
                    included=False, reasons=[*reasons, InclusionReason.REMOVED.value],
                    note=f"本次调查只发给期间销售额前 {KEEP} 名的客户")
        if not campaign.recipients.filter(included=True).exists():
            return None  # no business in the period: the draft stays as it is
        return campaign

    def open(self, campaign: Campaign, when: datetime.datetime) -> Campaign:
        with _clock(when):
            return services.campaign_open(actor=self.people[Role.GENERAL_OFFICE], campaign=campaign,
                                          source="command")

    def answers_in_order(self, campaign: Campaign, plan: list[tuple]) -> dict[int, Answer]:
        """``plan``'s answers (moment, recipient, channel, options) in the order they came in, the hourly
        reminder job running once in between, two working days after the links went out."""
        reminder = self.calendar.add_working_days(campaign.opened_at, 2).at + datetime.timedelta(minutes=30)
        reminder = min(reminder, self.anchor - datetime.timedelta(minutes=10))
        answers: dict[int, Answer] = {}
        for when, recipient, channel, options in sorted(plan, key=lambda row: (row[0], row[1].pk)):
            if reminder is not None and when >= reminder:
                self.remind(reminder)
                reminder = None
            answers[recipient.pk] = self.answer(recipient, when, channel, **options)
        if reminder is not None:
            self.remind(reminder)
        return answers

    @staticmethod
    def remind(moment: datetime.datetime) -> None:
        with _clock(moment):
            services.invitations_remind(now=moment)

    def items(self, template_id: int) -> list:
        """The template's items in order (sections, then items), read once per template."""
        if template_id not in self._items:
            template = SurveyTemplate.objects.get(pk=template_id)
            self._items[template_id] = [item for section in template.sections.order_by("position")
                                        for item in section.items.order_by("position")]
        return self._items[template_id]

    def recipients(self, campaign: Campaign) -> list[Recipient]:
        rows = list(campaign.recipients.filter(included=True).select_related("campaign", "customer", "contact")
                    .prefetch_related("invitations").order_by("sales_rank", "customer__code"))
        self.rng.shuffle(rows)
        return rows

    def answer(self, recipient: Recipient, when: datetime.datetime, channel: str, *, target: float,
               floor: float, worst: int = 2, remarks: str | None = None, comments: bool = False) -> Answer:
        """An answer scoring about ``target`` (never below ``floor``), by link or entered by sales."""
        items = self.items(recipient.campaign.template_id)
        picks = _picks(self.rng, items, target, floor, worst)
        notes = {item.pk: LOW_COMMENTS[item.text] for item, pick in zip(items, picks, strict=True)
                 if comments and pick >= 2 and item.text in LOW_COMMENTS}
        contact = recipient.contact
        respondent = contact.name if contact else ""
        if remarks is None:
            remarks = self.ctx.pick(REMARKS)
        with _clock(when):
            if channel == AnswerChannel.LINK:
                return services.answer_submit(
                    actor=None, recipient=recipient, invitation=recipient.invitations.all()[0], respondent=respondent,
                    choices={item.pk: pick for item, pick in zip(items, picks, strict=True)}, comments=notes,
                    remarks=remarks, source="command")
            if channel == AnswerChannel.WRITTEN:  # the customer's salesperson brings back the signed form
                actor = self.salespeople.get(recipient.customer.owner_id) or self.people[Role.SALESPERSON]
                if contact and contact.title:
                    respondent = f"{contact.name}（{contact.title}）"
            else:  # the sales office calls the contact
                actor = self.people[Role.SALES_ASSISTANT]
            return services.answer_submit(
                actor=actor, recipient=recipient, channel=channel, respondent=respondent,
                choices={item.pk: pick for item, pick in zip(items, picks, strict=True)}, comments=notes,
                remarks=remarks, source="command")

    def competitors(self, campaign: Campaign, answers: list[Answer], when: datetime.datetime) -> None:
        """Sales asks the biggest answering customers how they rate the two competitors they also buy from."""
        rated = sorted(answers, key=lambda a: (a.recipient.sales_rank or 0, a.pk))[:3]
        with _clock(when):
            for answer in rated:
                for competitor, low, high in ((COMPETITORS[0], 160, 186), (COMPETITORS[1], 150, 176)):
                    # Seed 000 §4.3.1: compared in cost, quality, delivery and technology.
                    ratings = {d: Decimal(self.rng.randint(low, high)) / 2 for d in DIMENSIONS}
                    services.competitor_rating_set(
                        actor=self.people[Role.SALESPERSON], campaign=campaign, customer=answer.recipient.customer,
                        competitor=competitor, ratings=ratings, note="客户采购经理回访时口头评价", source="command")

    def close(self, campaign: Campaign, when: datetime.datetime) -> Campaign:
        with _clock(when):
            return services.campaign_close(actor=self.people[Role.GENERAL_OFFICE], campaign=campaign,
                                           source="command")

    def past(self, code: str, kind: str, name: str, period, month: datetime.date, *, targets) -> Campaign | None:
        """A closed campaign of last year: most answered by link, a few by staff, a few never."""
        created = self.working_day(month)
        campaign = self.create(code, kind, name, period, month, self.at(created, 10))
        if campaign is None:
            return None
        opened = self.calendar.next_working_day(created)
        campaign = self.open(campaign, self.at(opened, 9, 30))
        rows = self.recipients(campaign)
        silent = round(len(rows) * 0.15) if len(rows) >= 4 else 0
        staff = round(len(rows) * 0.25)
        plan = []
        for n, recipient in enumerate(rows[silent:]):
            channel = (AnswerChannel.LINK if n >= staff else
                       AnswerChannel.WRITTEN if n % 2 == 0 else AnswerChannel.PHONE)
            when = (self.during(opened + DAY, 9, customer=True) if channel == AnswerChannel.LINK else
                    self.during(opened + 3 * DAY, 8))
            plan.append((when, recipient, channel, {"target": self.rng.uniform(*targets), "floor": 82}))
        answers = list(self.answers_in_order(campaign, plan).values())
        closed = self.working_day(opened + 16 * DAY)
        if answers and kind == CampaignKind.YEARLY:
            self.competitors(campaign, answers, self.at(closed, 10))
        return self.close(campaign, self.at(closed, 16, 30))

    def price_improvement(self, campaign: Campaign, before: datetime.date) -> None:
        """The yearly survey's weakest area (price), analysed, acted on and verified months later."""
        recorded = self.working_day(campaign.closed_at.astimezone(self.tz).date() + 3 * DAY)
        with _clock(self.at(recorded, 14)):
            row = services.improvement_save(actor=self.people[Role.GENERAL_OFFICE], campaign=campaign, source="command",
                                            data={
                "area": "价格与竞争力", "department": self.departments.get("SALES"),
                "analysis": "“价格水平”和“与同行相比的成本优势”两项得分最低；主要客户反映同类零件竞争对手报价低 3%–5%。",
                "measures": "1. 技术部牵头对年用量前十的零件做降本评审（工艺、材料利用率）；\n"
                            "2. 销售部与主要客户签订年度价格协议，按用量阶梯报价；\n3. 下次调查时回访价格项的评价。",
                "due_on": recorded + 90 * DAY})
        # Seed 003 §5.3.2.2: approved (呈核准) by the sales director before it is carried out.
        with _clock(self.at(self.calendar.next_working_day(recorded), 10)):
            row = services.improvement_transition(actor=self.people[Role.SALES_DIRECTOR], improvement=row,
                                                  name="approve", source="command")
        verified = self.working_day(recorded + 100 * DAY)
        if verified < before:
            with _clock(self.at(verified, 11)):
                row = services.improvement_transition(
                    actor=self.people[Role.GENERAL_OFFICE], improvement=row, name="complete", source="command",
                    result="前十零件平均降本 2.6%，已与 8 家主要客户签订年度价格协议；回访客户对价格项的评价提高。")
            with _clock(self.at(verified, 15)):
                row = services.improvement_transition(actor=self.people[Role.SALES_DIRECTOR], improvement=row,
                                                      name="verify", source="command")
            with _clock(self.at(self.calendar.next_working_day(verified), 10)):
                services.improvement_transition(
                    actor=self.people[Role.SALESPERSON], improvement=row, name="report_to_customer",
                    source="command", channel=ReportChannel.EMAIL, told="主要客户采购部",
                    summary="已书面告知主要客户：前十零件平均降本 2.6%，并签订年度阶梯价格协议。")

    def current(self, opened: datetime.date) -> None:
        """This year's campaign, open: answered, entered, pending (reminded or not), one below the threshold."""
        period = (opened - 182 * DAY, opened - DAY)
        created = opened - DAY
        while not self.calendar.is_working_day(created):
            created -= DAY
        campaign = self.create("CS-002", CampaignKind.HALF_YEARLY, f"{opened.year}年{opened.month}月客户满意度调查",
                               period, opened.replace(day=1), self.at(created, 15))
        if campaign is None:
            return
        campaign = self.open(campaign, self.at(opened, 9, 30))
        rows = self.recipients(campaign)
        low, rest = rows[0], rows[1:]
        staff = max(1, round(len(rows) * 0.2)) if len(rest) >= 2 else 0
        link = max(0, min(round(len(rows) * 0.4), len(rest) - staff - 1))
        plan = [(self.during(opened + DAY, 4, customer=True), recipient, AnswerChannel.LINK,  # by link
                 {"target": self.rng.uniform(83, 96), "floor": 80}) for recipient in rest[:link]]
        # Below the threshold: the rule raises a corrective action at once (QA takes it).
        plan.append((self.at(self.working_day(opened + 2 * DAY), 16, 20), low, AnswerChannel.LINK,
                     {"target": self.rng.uniform(66, 74), "floor": 60, "worst": 3, "remarks": LOW_REMARKS,
                      "comments": True}))
        for n, recipient in enumerate(rest[link:link + staff]):  # forms brought back and phone calls
            plan.append((self.during(opened + 5 * DAY, 3), recipient,
                         AnswerChannel.WRITTEN if n % 2 == 0 else AnswerChannel.PHONE,
                         {"target": self.rng.uniform(82, 94), "floor": 80}))
        answers = self.answers_in_order(campaign, plan)
        below = answers.pop(low.pk)
        answers = list(answers.values())
        # A customer the director wants asked as well: its link goes out late and is not reminded yet.
        extra = (campaign.recipients.filter(included=False, sales_rank__isnull=False)
                 .select_related("customer").order_by("sales_rank").first())
        if extra is not None:
            with _clock(self.at(self.working_day(opened + 7 * DAY), 11)):
                services.recipient_set(actor=self.people[Role.GENERAL_OFFICE], campaign=campaign,
                                       customer=extra.customer, included=True, source="command",
                                       note="销售总监要求增加：该客户下半年将扩大采购")
        if answers:
            self.competitors(campaign, answers, self.at(self.working_day(opened + 8 * DAY), 10))
        self.low_answer_improvement(campaign, below)

    def low_answer_improvement(self, campaign: Campaign, answer: Answer) -> None:
        """Below 85 on form CS-002: QA holds the improvement meeting (seed 002 §5.2.3.3.3), whose decisions raise
        the corrective action; QA's line of the improvement form, linked to it, approved by the sales director."""
        # Two working days after the answer, once QA has talked to the customer and the departments.
        recorded = self.calendar.next_working_day(
            self.calendar.next_working_day(answer.answered_at.astimezone(self.tz).date()))
        link = None
        meeting = getattr(answer, "meeting", None)
        if meeting is not None:
            with _clock(self.at(recorded, 10)):
                meeting = services.meeting_record(actor=self.people[Role.QA], meeting=meeting, source="command", data={
                    "held_on": recorded, "attendees": "品质部、技术部、生产部、销售部",
                    "analysis": "延期两批均因二季度产能紧张；纸箱受潮为雨季运输未做防潮。",
                    "decisions": "生产部调整排产并预留产能；品质部修订包装规范；销售部每周通报订单进度。"})
            link = meeting.action
        with _clock(self.at(recorded, 15, 30)):
            row = services.improvement_save(actor=self.people[Role.QA], campaign=campaign, source="command", data={
                "answer": answer, "area": "交付及时性与包装防护", "department": self.departments.get("PROD"),
                "analysis": "二季度产能紧张，两批货延期发运且未提前通知客户；纸箱未做防潮处理，雨季运输受潮变形，"
                            "产品在箱内相互碰撞造成划伤。",
                "measures": "1. 生产计划按客户周滚动预测排产，预留 10% 产能；\n2. 雨季发运改用防潮内衬和加强纸箱，"
                            "产品间加隔板；\n3. 业务员每周向客户通报在制订单进度，延期提前三天书面通知。",
                "due_on": recorded + 30 * DAY, "action": link})
        with _clock(self.at(self.calendar.next_working_day(recorded), 9, 30)):
            services.improvement_transition(actor=self.people[Role.SALES_DIRECTOR], improvement=row, name="approve",
                                            source="command")


def _picks(rng, items, target: float, floor: float, worst: int) -> list[int]:
    """Option indexes (0 = best), worsened one step at a time until the score is about ``target``.

    A step is taken only if the score stays at or above ``floor``; no option beyond ``worst`` is chosen
    (so an ordinary answer never scores a zero in a critical section). Price and delivery items are
    worsened more often, as customers rate them.
    """
    picks = [0] * len(items)
    maximum = sum(item.max_points for item in items)
    total = sum(int(item.options[0]["points"]) for item in items)
    while total * 100 / maximum > target:
        steps, weights = [], []
        for i, item in enumerate(items):
            nxt = picks[i] + 1
            if nxt > min(worst, len(item.options) - 1):
                continue
            delta = int(item.options[picks[i]]["points"]) - int(item.options[nxt]["points"])
            if (total - delta) * 100 / maximum >= floor:
                steps.append((i, delta))
                weights.append(3 if item.text in WEAK_ITEMS else 1)
        if not steps:
            break
        i, delta = rng.choices(steps, weights=weights)[0]
        picks[i] += 1
        total -= delta
    return picks
