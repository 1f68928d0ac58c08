"""Demo step: complaints, a few in every state and many in the past (issue 3 §10).

Two kinds:

* **Showcase** — about twenty complaints per company received in the last
  weeks, walked through the ordinary services (``complaint_create``,
  ``complaint_transition``, meetings, dispositions) with the clock set to
  the moment of each step. Together they stand in every status, with
  meetings, rejected proposals, mis-order returns, verification and a
  reopened case; some are overdue, so the escalation job has work.
* **History** — about 5,000 × scale complaints over the last 2½ years, all
  finished (closed, closed after a written explanation, cancelled,
  rejected at intake), inserted in bulk. Their paths follow the transition
  table (each step is looked up in ``workflow.TRANSITIONS``), and the
  status changes, timeline entries, proposals, dispositions, meetings and
  search documents are written as the services would write them. That is
  one complaint per shipment line on average, far above a real complaint
  rate (0.5–2 %), so that ``--scale 200`` reaches a million complaints for
  benchmarks. The defective quantities are small (a few pieces of lines of
  thousands), so delivered PPM sits at a few hundred (issue 17 §13), and the
  figures tell a story: the orders step's ``troubled`` customers complain twice
  as often, and in BAD_BATCH_COMPANY a bad batch two months ago doubled
  the complaints of that month; both bring some large quantities (a batch
  sorted out at the customer, always our fault). Past deadlines and audit
  entries per row are not made for them (one summary audit entry per model
  says what was inserted).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.db.models import Max
from django.utils import timezone, translation

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import (
    AcceptanceDecision,
    Channel,
    CustomerDecision,
    Direction,
    DispositionKind,
    Responsibility,
    Severity,
    Status,
    TimelineKind,
    WarningClass,
    WindowStatus,
)
from kesu.complaints.models import (
    AdHocMeeting,
    Complaint,
    ComplaintCategory,
    ComplaintSearchDocument,
    ComplaintSettings,
    DefectType,
    DispositionLine,
    RemedyProposal,
    StatusChange,
    TimelineEntry,
)
from kesu.complaints.search import document_text
from kesu.complaints.selectors import settings_for
from kesu.complaints.workflow import TRANSITIONS, preferred_role
from kesu.core.calendar import WorkingCalendar
from kesu.core.numbering import counter_set
from kesu.customers.models import Part, Shipment

from . import defects as text
from .base import DemoContext
from .organization import SECOND_QA

COMPLAINTS_PER_SCALE = 5000
HISTORY_MIN_AGE_DAYS = 14  # history ends two weeks ago; the showcase covers the recent past
CHUNK = 2000
LANGUAGE = "zh-hans"
# Issue 18 §12: this company's escalation chain hands an overdue complaint to the department head at level 2.
REASSIGNING_COMPANY = "ZKSZ"
# Issue 17 §13: the month whose complaints and PPM stand out on this company's dashboard, months before today.
BAD_BATCH_COMPANY = "ZKSZ"
BAD_BATCH_MONTHS_AGO = 2
TROUBLED_COMPLAINT_WEIGHT = 2
BAD_BATCH_COMPLAINT_WEIGHT = 2
# Pieces found defective in one complaint; a troubled customer's complaint now and then, and the bad batch's
# more often, concerns a sorted-out batch, whose cause is always found in our own process.
DEFECTIVE_PIECES = [1, 1, 1, 1, 1, 1, 2, 2, 3, 3]
TROUBLED_BATCH_SHARE = 0.15
BAD_BATCH_SHARE = 0.05
BATCH_PIECES = (20, 80)

CHANNEL_WEIGHTS = {
    Channel.PHONE: 40, Channel.EMAIL: 25, Channel.WRITTEN_FORM: 10, Channel.VISIT: 8, Channel.FAX: 5,
    Channel.LETTER: 4, Channel.ONSITE: 8,
}
SEVERITY_WEIGHTS = {Severity.MINOR: 40, Severity.GENERAL: 40, Severity.MAJOR: 15, Severity.SEVERE: 5}
REMEDY_DISPOSITION = {
    "更换": DispositionKind.EXCHANGE, "补发": DispositionKind.REPLENISH, "返修": DispositionKind.REPAIR,
    "退回": DispositionKind.RETURN, "上门": DispositionKind.ONSITE_REPAIR,
}


def create_complaints(ctx: DemoContext) -> None:
    with translation.override(LANGUAGE):
        for company in ctx.companies:
            services.complaint_categories_ensure_defaults(company=company)
            if company.code == REASSIGNING_COMPANY:
                ctx.add(ComplaintSettings(company_id=company.pk, escalation_actions=["notify", "reassign"]))
        ctx.flush()
        for company in ctx.companies:
            target = round(COMPLAINTS_PER_SCALE * ctx.scale * company.demo_share)
            History(ctx, company).run(target)
        ctx.sync_ids()
        for company in ctx.companies:
            Showcase(ctx, company).run()
        # The worker escalated yesterday and again today: deadlines overdue for a day reach level 2 (where
        # REASSIGNING_COMPANY hands the complaint to the department head).
        anchor = _anchor(ctx)
        for when in (anchor - datetime.timedelta(days=1), anchor):
            services.escalate_overdue(now=when)
        ctx.sync_ids()


def _anchor(ctx: DemoContext) -> datetime.datetime:
    """"Now" for the demo: the real clock on the real day, else the end of ``ctx.today``."""
    now = timezone.now()
    if ctx.today == timezone.localdate(now):
        return now
    return datetime.datetime.combine(ctx.today, datetime.time(18, 0), tzinfo=timezone.get_current_timezone())


class CompanyFacts:
    """What both kinds need to know about one company: people, departments, categories."""

    def __init__(self, ctx: DemoContext, company) -> None:
        self.ctx = ctx
        self.company = company
        self.users = ctx.users[company.pk]
        self.departments = dict(Department.objects.filter(company=company).values_list("code", "pk"))
        self.categories = {c.code: c for c in ComplaintCategory.objects.filter(company=company)}
        self.defect_types = {(category_code, code): pk for pk, category_code, code in DefectType.objects.filter(
            company=company).values_list("pk", "category__code", "code")}
        self.customers = [cid for cid in ctx.customers[company.pk] if ctx.customer_info[cid].get("shipments")]
        self.bad_month = None
        if company.code == BAD_BATCH_COMPANY:
            month = ctx.today.replace(day=1)
            for _n in range(BAD_BATCH_MONTHS_AGO):
                month = (month - datetime.timedelta(days=1)).replace(day=1)
            self.bad_month = (month.year, month.month)

    def defect(self) -> tuple:
        return self.ctx.pick(text.DEFECTS)

    def defect_type_id(self, category_code: str, nature: str) -> int | None:
        """The defect type an assessment files this defect nature under (issue 18 §11)."""
        return self.defect_types.get((category_code, text.DEFECT_TYPE_BY_NATURE.get(nature, "")))

    def quantity_defective(self, shipped: int, *, batch_share: float = 0.0) -> int:
        rng = self.ctx.rng
        pieces = rng.randint(*BATCH_PIECES) if rng.random() < batch_share else rng.choice(DEFECTIVE_PIECES)
        return max(1, min(shipped, pieces))

    def batch_share(self, customer_id: int, day: datetime.date) -> float:
        """How likely a complaint about goods received on ``day`` concerns a whole sorted-out batch."""
        if (day.year, day.month) == self.bad_month:
            return BAD_BATCH_SHARE
        return TROUBLED_BATCH_SHARE if self.ctx.customer_info[customer_id].get("troubled") else 0.0

    def weight(self, customer_id: int, day: datetime.date) -> float:
        """How many complaints a shipment received on ``day`` draws, relative to an ordinary one."""
        weight = 1.0
        if self.ctx.customer_info[customer_id].get("troubled"):
            weight *= TROUBLED_COMPLAINT_WEIGHT
        if (day.year, day.month) == self.bad_month:
            weight *= BAD_BATCH_COMPLAINT_WEIGHT
        return weight


# -- history (bulk) ----------------------------------------------------------------------


class History(CompanyFacts):
    """Finished complaints of the past, inserted in bulk along paths of the transition table."""

    def run(self, target: int) -> None:
        if target <= 0:
            return
        ctx, company = self.ctx, self.company
        cfg = settings_for(company)
        self.pattern = cfg.number_pattern
        self.per_year = cfg.gap_free_per_year
        self.calendar = WorkingCalendar(company)
        self.tz = company.tz
        self.last = datetime.datetime.combine(
            ctx.today - datetime.timedelta(days=HISTORY_MIN_AGE_DAYS), datetime.time(18), tzinfo=self.tz)
        self.sequence: dict[int, int] = {}
        self.suppliers = ctx.suppliers.get(company.pk, [])
        for keys in self._chunks(self._draw(target)):
            self._write_chunk(keys)
        for year, value in self.sequence.items():
            counter_set(company, services.COUNTER_KEY, year, value)
        ctx.say(f"    {company.code}: {sum(self.sequence.values())} past complaints")

    def _draw(self, target: int) -> list[int]:
        """When each complaint arrived and about which shipment, sorted by time (numbers follow time).

        Encoded as ``seconds << 32 | shipment id`` to keep a million of them small.
        """
        ctx = self.ctx
        shipments = Shipment.objects.filter(
            company=self.company, receipt_date__isnull=False, receipt_date__lte=self.last.date(),
        )
        rows = shipments.values_list("pk", "receipt_date", "customer_id")
        weights = sum(self.weight(customer, receipt) for _pk, receipt, customer in rows.iterator(chunk_size=10000))
        if not weights:
            return []
        keys = []
        start = datetime.time(8, 30)
        for pk, receipt, customer in rows.iterator(chunk_size=10000):
            rate = target * self.weight(customer, receipt) / weights
            count = int(rate) + (1 if ctx.rng.random() < rate - int(rate) else 0)
            for _n in range(count):
                # Appearance and quantity are found on arrival; performance later in use.
                days = ctx.rng.randint(0, 5) if ctx.chance(0.7) else ctx.rng.randint(6, 150)
                moment = datetime.datetime.combine(receipt + datetime.timedelta(days=days), start, tzinfo=self.tz)
                moment += datetime.timedelta(seconds=ctx.rng.randint(0, 9 * 3600))
                if moment > self.last:
                    continue
                keys.append(int(moment.timestamp()) << 32 | pk)
        keys.sort()
        return keys

    @staticmethod
    def _chunks(keys: list[int]):
        for i in range(0, len(keys), CHUNK):
            yield keys[i:i + CHUNK]

    def _write_chunk(self, keys: list[int]) -> None:
        ids = {key & 0xFFFFFFFF for key in keys}
        rows = {
            row["pk"]: row for row in Shipment.objects.filter(pk__in=ids).values(
                "pk", "customer_id", "part_id", "part__name", "part__warranty_months", "quantity",
                "receipt_date", "ship_date", "contract_line__contract_id",
            )
        }
        for key in keys:
            received = datetime.datetime.fromtimestamp(key >> 32, tz=self.tz)
            self._complaint(received, rows[key & 0xFFFFFFFF])

    def _number(self, received: datetime.datetime) -> str:
        year = received.year
        seq_year = year if self.per_year else 0
        self.sequence[seq_year] = self.sequence.get(seq_year, 0) + 1
        return self.pattern.format(year=year, seq=self.sequence[seq_year], company=self.company.code)

    def _complaint(self, received: datetime.datetime, ship: dict[str, Any]) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        category_code, location, nature, description, dept_code, root_cause, remedy = self.defect()
        owner_id = ctx.customer_info[ship["customer_id"]]["owner_id"] or self.users[Role.SALESPERSON].pk
        qty = self.quantity_defective(ship["quantity"],
                                      batch_share=self.batch_share(ship["customer_id"], ship["receipt_date"]))
        c = Complaint(
            pk=ctx.new_id(Complaint), company_id=self.company.pk, number=self._number(received),
            channel=rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0],
            received_at=received, customer_id=ship["customer_id"], contract_id=ship["contract_line__contract_id"],
            delivery_date=ship["receipt_date"], quantity_shipped=ship["quantity"], quantity_defective=qty,
            defect_location=location, defect_nature=nature,
            description=description.format(part=ship["part__name"], qty=qty),
            customer_request=rng.choice(["要求更换", "要求退货", "要求返修", "要求书面分析报告", "要求补发"]),
            category=self.categories[category_code], owner_id=owner_id,
            department_id=self.departments["SALES"], created_by_id=owner_id,
        )
        # In-memory relations: the acceptance check reads them without a query per complaint.
        c.company = self.company
        c.shipment = Shipment(pk=ship["pk"], receipt_date=ship["receipt_date"], ship_date=ship["ship_date"])
        c.part = Part(pk=ship["part_id"], warranty_months=ship["part__warranty_months"])
        c.window_status, reason, c.window_last_day = services.acceptance_check(c, self.calendar)
        c.window_reason = reason[:500]
        c.severity = rng.choices(list(SEVERITY_WEIGHTS), weights=list(SEVERITY_WEIGHTS.values()))[0]
        c.warning_class = rng.choices(
            [WarningClass.A, WarningClass.B, WarningClass.C, WarningClass.NONE], weights=[1, 4, 70, 25])[0]
        c.safety_or_regulatory_impact = c.severity == Severity.SEVERE and ctx.chance(0.3)
        c.priority = services.derived_priority(severity=c.severity, safety=c.safety_or_regulatory_impact,
                                               importance=ctx.customer_info[ship["customer_id"]]["importance"])
        if c.pk % 3 == 0:  # a third of the customers give the lot (batch) number printed on the label
            c.lot_number = f"L{ship['receipt_date']:%y%m%d}-{ship['pk'] % 100:02d}"
        c.acceptance_decision = AcceptanceDecision.ACCEPTED
        if c.window_status == WindowStatus.OUTSIDE:
            c.acceptance_decision = rng.choices(
                [AcceptanceDecision.GOODWILL, AcceptanceDecision.PAID_SERVICE, AcceptanceDecision.NOT_ACCEPTED],
                weights=[60, 30, 10])[0]
        path = Path(self, c, received)
        roll = rng.random()
        if qty >= BATCH_PIECES[0]:  # a sorted-out batch is ours: assessed, handled and closed
            roll = max(roll, 0.12)
        if roll < 0.03:
            path.step("reject_at_intake", note=ctx.pick(text.REJECT_NOTES))
        elif roll < 0.06:
            path.acknowledge()
            path.step("cancel", note=ctx.pick(text.CANCEL_NOTES))
        elif roll < 0.12 or c.acceptance_decision == AcceptanceDecision.NOT_ACCEPTED:
            path.acknowledge()
            path.assess()
            if c.severity in (Severity.MAJOR, Severity.SEVERE):
                path.escalate()
            path.explain()
            path.step("customer_acknowledges", note=ctx.pick(text.CLOSING_NOTES))
        else:
            path.acknowledge()
            path.assess()
            escalate = c.severity in (Severity.MAJOR, Severity.SEVERE) or (
                c.severity == Severity.GENERAL and ctx.chance(0.25))
            if escalate:
                path.escalate(department=self.departments[dept_code], root_cause=root_cause)
            else:
                path.step("start_sales_handling")
            if ctx.chance(0.1):  # a first proposal the customer turns down
                path.propose(remedy.format(qty=qty))
                path.decide("customer_rejects", ctx.pick(text.CUSTOMER_REJECTION_REASONS))
            path.propose(remedy.format(qty=qty))
            path.decide("customer_accepts")
            path.dispose(remedy, qty)
            path.step("complete_remedy")
            c.remedy_done_at = path.now
            if c.severity in (Severity.MAJOR, Severity.SEVERE):
                path.step("start_verification", later=datetime.timedelta(days=rng.randint(20, 45)))
            path.close(dept_code, root_cause)
        path.finish()


TIMELINE_COLUMNS = ("company_id", "complaint_id", "kind", "direction", "channel", "summary", "internal", "actor_id",
                    "at")
CHANGE_COLUMNS = ("company_id", "complaint_id", "name", "old_status", "new_status", "actor_id", "note", "at")


class Path:
    """One past complaint's steps, each checked against the transition table and written like the services do."""

    def __init__(self, history: History, c: Complaint, received: datetime.datetime) -> None:
        self.h, self.c, self.ctx = history, c, history.ctx
        self.now = received
        self.version = 0
        self.proposals: list[RemedyProposal] = []
        self.summaries: list[str] = []
        self.lots: list[str] = []
        c.status = Status.RECEIVED
        self._entry(TimelineKind.COMMUNICATION, c.description, c.owner_id, internal=False, direction=Direction.IN,
                    channel=c.channel)
        self._change("create", "", Status.RECEIVED, c.owner_id, "")

    def _later(self, delta: datetime.timedelta | None = None) -> datetime.datetime:
        delta = delta or datetime.timedelta(minutes=self.ctx.rng.randint(30, 60 * 30))
        # People act in working time: a step that would fall at night or on a holiday waits for the next morning.
        moment = self.h.calendar.working_start(self.now + delta)
        if moment.time() == self.h.company.work_start:
            moment += datetime.timedelta(minutes=self.ctx.rng.randint(5, 90))
        self.now = min(moment, self.h.last)
        return self.now

    def _actor(self, row) -> int:
        role = preferred_role(row, self.c)
        if row.action in ("approve_remedy", "approve_explanation") and role == Role.QA:
            return self.h.users[SECOND_QA].pk  # QA proposed it; another QA engineer approves (design §11)
        return self.c.owner_id if role == Role.SALESPERSON else self.h.users[role].pk

    def _entry(self, kind: str, summary: str, actor_id, *, internal: bool = True, direction: str = "",
               channel: str = "") -> None:
        self.ctx.rows(TimelineEntry, TIMELINE_COLUMNS, "at").add(
            self.c.company_id, self.c.pk, kind, direction, channel, summary, internal, actor_id, self.now)
        self.summaries.append(summary)

    def _change(self, action: str, old: str, new: str, actor_id, note: str) -> None:
        self.ctx.rows(StatusChange, CHANGE_COLUMNS, "at").add(
            self.c.company_id, self.c.pk, action, old, new, actor_id, note, self.now)

    def step(self, action: str, *, later: datetime.timedelta | None = None, note: str = "", reason: str = "",
             **fields) -> int:
        c = self.c
        row = TRANSITIONS[(c.status, action)]  # KeyError: the path left the table
        for name, value in fields.items():
            setattr(c, name, value)
        self._later(later)
        actor = self._actor(row)
        old, new = c.status, row.target or c.status
        c.status = new
        self.version += 1
        self._change(action, old, new, actor, note or reason)
        self._entry(TimelineKind.TRANSITION, services.transition_summary(row, old, new, reason or note), actor)
        return actor

    def acknowledge(self) -> None:
        actor = self.step("acknowledge")
        self.c.acknowledged_at = self.c.first_response_at = self.now
        self._entry(TimelineKind.COMMUNICATION, services.acknowledgement_text(self.c.number), actor, internal=False,
                    direction=Direction.OUT, channel=self.c.channel)

    def assess(self) -> None:
        c = self.c
        self.step("assess", defect_type_id=self.h.defect_type_id(c.category.code, c.defect_nature))

    def escalate(self, department: int | None = None, root_cause: str = "") -> None:
        c, ctx = self.c, self.ctx
        self.step("escalate_to_qa")
        c.escalated_to_qa = True
        self.step("record_qa_opinion", note=ctx.pick(text.QA_OPINIONS))
        if department:
            self.step("instruct_department", responsible_department_id=department,
                      note="请于两个工作日内书面答复原因及措施。")
            self.step("record_department_answer", root_cause=root_cause, note=ctx.pick(text.DEPARTMENT_ANSWERS))
        if c.severity in (Severity.MAJOR, Severity.SEVERE):
            self._meeting()

    def _meeting(self) -> None:
        h, c = self.h, self.c
        self._later()
        meeting = self.ctx.add(AdHocMeeting(
            company_id=c.company_id, complaint_id=c.pk, held_at=self.now, conclusions=text.MEETING_CONCLUSIONS,
            actions=text.MEETING_ACTIONS, recorded_by_id=h.users[Role.QA].pk,
        ))
        for code in ("QA", "ENG", "PROD"):
            self.ctx.add(AdHocMeeting.departments.through(adhocmeeting_id=meeting.pk, department_id=h.departments[code]))
        for role in (Role.QA, Role.ENGINEERING, Role.PRODUCTION):
            self.ctx.add(AdHocMeeting.attendees.through(adhocmeeting_id=meeting.pk, user_id=h.users[role].pk))
        self._entry(TimelineKind.NOTE, services.meeting_summary(text.MEETING_CONCLUSIONS), h.users[Role.QA].pk)

    def propose(self, remedy: str) -> None:
        actor = self.step("propose_remedy")
        proposal = RemedyProposal(
            company_id=self.c.company_id, complaint_id=self.c.pk, round=len(self.proposals) + 1, text=remedy,
            proposed_by_id=actor, proposed_at=self.now,
        )
        self.proposals.append(proposal)
        proposal.approved_by_id = self.step("approve_remedy")
        proposal.approved_at = self.now

    def decide(self, action: str, reason: str = "") -> None:
        self.step(action, reason=reason)
        proposal = self.proposals[-1]
        proposal.customer_decision = (
            CustomerDecision.ACCEPTED if action == "customer_accepts" else CustomerDecision.REJECTED)
        proposal.decision_reason, proposal.decided_at = reason, self.now

    def dispose(self, remedy: str, qty: int) -> None:
        kind = next((k for word, k in REMEDY_DISPOSITION.items() if word in remedy), DispositionKind.CREDIT)
        # The complaint's lot, else for one line in four the serial numbers of the goods sent back.
        lot = self.c.lot_number or (f"SN{self.c.pk:07d}-{qty:03d}" if self.c.pk % 4 == 1 else "")
        if lot:
            self.lots.append(lot)
        self.ctx.add(DispositionLine(company_id=self.c.company_id, complaint_id=self.c.pk, kind=kind, quantity=qty,
                                     lot_number=lot))

    def explain(self) -> None:
        c, ctx = self.c, self.ctx
        responsibility, explanation, evidence = ctx.pick(text.EXPLANATIONS)
        c.responsibility = responsibility
        if responsibility == Responsibility.SUPPLIER and self.h.suppliers:
            c.responsible_supplier_id = ctx.pick(self.h.suppliers)
        elif responsibility == Responsibility.SUPPLIER:
            c.responsibility = Responsibility.CUSTOMER
        c.explanation, c.explanation_evidence = explanation, evidence
        # 003 §5.4.2: QA prepares it, a second QA engineer approves it, sales sends it.
        c.explanation_prepared_by_id = self.step("prepare_explanation")
        c.explanation_prepared_at = self.now
        c.explanation_approved_by_id = self.step("approve_explanation")
        c.explanation_approved_at = self.now
        actor = self.step("send_explanation")
        c.first_response_at = c.first_response_at or self.now
        self._entry(TimelineKind.COMMUNICATION, explanation, actor, internal=False, direction=Direction.OUT,
                    channel=Channel.LETTER)

    def close(self, dept_code: str, root_cause: str) -> None:
        c, ctx = self.c, self.ctx
        batch = c.quantity_defective >= BATCH_PIECES[0]
        if dept_code == "PUR" and self.h.suppliers and not batch:
            c.responsibility, c.responsible_supplier_id = Responsibility.SUPPLIER, ctx.pick(self.h.suppliers)
        elif batch or ctx.chance(0.9):
            c.responsibility = Responsibility.OURS
            c.responsible_department_id = c.responsible_department_id or self.h.departments[dept_code]
        else:
            c.responsibility = Responsibility.UNDETERMINED
        c.root_cause = c.root_cause or root_cause
        c.needs_corrective_action = c.severity in (Severity.MAJOR, Severity.SEVERE)
        self.step("close", note=ctx.pick(text.CLOSING_NOTES))

    def finish(self) -> None:
        c = self.c
        if c.status == Status.CLOSED:
            c.closed_at = self.now
        for proposal in self.proposals:
            self.ctx.add(proposal)
        c.version = self.version
        self.ctx.add(c)
        self.ctx.add(ComplaintSearchDocument(complaint_id=c.pk, text=document_text(c, self.summaries,
                                                                                  lots=self.lots)))


# -- showcase (through the services) ---------------------------------------------------

A, ASSESS, SALES = "acknowledge", "assess", "start_sales_handling"
ESC, OPINION = "escalate_to_qa", "record_qa_opinion"
EXPLAIN = ("prepare_explanation", "approve_explanation", "send_explanation")
SOLVE = ["propose_remedy", "approve_remedy", "customer_accepts"]

# (days before now it came in, assessment profile, steps). Steps are workflow
# actions or "meeting", "call", "dispose:<kind>[:mis]".
SHOWCASE: list[tuple[float, str, list[str]]] = [
    (0.1, "minor", []),
    (3, "general", []),
    (1, "general", [A]),
    (2, "general", [A, ASSESS, "priority:1"]),
    (2, "minor", [A, ASSESS, SALES, "call"]),
    (4, "major_safety", [A, ASSESS, ESC, OPINION, "instruct_department"]),
    (6, "severe_hard", [A, ASSESS, ESC, OPINION, "meeting", "submit_initial_report"]),
    (5, "general", [A, ASSESS, "priority:4", SALES, "propose_remedy"]),
    (7, "general", [A, ASSESS, SALES, "propose_remedy", "approve_remedy"]),
    (9, "major", [A, ASSESS, ESC, OPINION, "meeting", "propose_remedy", "approve_remedy", "customer_rejects"]),
    (10, "general", [A, ASSESS, SALES, *SOLVE, "dispose:return:mis"]),
    (12, "general", [A, ASSESS, SALES, *SOLVE, "dispose:exchange", "complete_remedy"]),
    (40, "severe", [A, ASSESS, ESC, OPINION, "meeting", *SOLVE, "dispose:exchange", "complete_remedy",
                    "start_verification"]),
    (8, "general", [A, ASSESS, ESC, OPINION, *EXPLAIN]),
    (20, "minor", [A, ASSESS, SALES, *SOLVE, "dispose:replenish", "complete_remedy", "close"]),
    (25, "major", [A, ASSESS, ESC, OPINION, "instruct_department", "record_department_answer", "meeting",
                   "propose_remedy", "approve_remedy", "customer_rejects", *SOLVE, "dispose:repair",
                   "complete_remedy", "start_verification"]),
    (30, "general", [A, ASSESS, ESC, OPINION, *EXPLAIN, "customer_acknowledges"]),
    (2, "minor", ["reject_at_intake"]),
    (3, "general", [A, "cancel"]),
    (35, "general", [A, ASSESS, SALES, *SOLVE, "dispose:credit", "complete_remedy", "close", "reopen"]),
    (6, "outside", [A, ASSESS, SALES, "propose_remedy"]),
]


@contextmanager
def _clock(moment: datetime.datetime):
    """Run the services as if it were ``moment`` (the demo's past steps happen at their own time)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Showcase(CompanyFacts):
    """Recent complaints in every state, made by the services as people would make them."""

    contact_id: int | None = None  # the contact named on every complaint (the portal's demo contact), if any

    def prepare(self) -> None:
        self.people = {role: User.objects.select_related("position", "company").get(pk=user.pk)
                       for role, user in self.users.items()}
        self.anchor = _anchor(self.ctx)

    def run(self) -> None:
        if not self.customers:
            return
        self.prepare()
        for n, (days, profile, steps) in enumerate(SHOWCASE):
            self._one(days, profile, steps, with_lot=n % 2 == 0)

    def _shipment(self, profile: str, received: datetime.datetime):
        customer = self.ctx.pick(self.customers)
        shipments = Shipment.objects.filter(company=self.company, customer_id=customer,
                                            receipt_date__isnull=False, receipt_date__lte=received.date())
        if profile == "outside":  # long past the three working days for appearance
            shipments = shipments.filter(receipt_date__lte=received.date() - datetime.timedelta(days=20))
        return shipments.order_by("-receipt_date", "pk").first()

    def _one(self, days: float, profile: str, steps: list[str], *, with_lot: bool = False) -> Complaint | None:
        ctx = self.ctx
        received = self.anchor - datetime.timedelta(days=days)
        shipment = self._shipment(profile, received)
        if shipment is None:
            return None
        category_code, location, nature, description, dept_code, root_cause, remedy = self.defect()
        if profile == "outside":
            category_code = "appearance"
        qty = self.quantity_defective(shipment.quantity,
                                      batch_share=self.batch_share(shipment.customer_id, shipment.receipt_date))
        sales = self.people[Role.SALESPERSON]
        # Steps spread over the time since receipt, each after the one before.
        span = (self.anchor - received).total_seconds()
        moments = sorted(received + datetime.timedelta(seconds=span * ctx.rng.uniform(0.05, 0.95)) for _ in steps)
        with _clock(received):
            complaint = services.complaint_create(actor=sales, company=self.company, source="command", data={
                "channel": ctx.pick(list(CHANNEL_WEIGHTS)), "received_at": received, "customer_id": shipment.customer_id,
                "shipment_id": shipment.pk, "quantity_defective": qty, "defect_location": location,
                "defect_nature": nature, "description": description.format(part=shipment.part.name, qty=qty),
                "customer_request": "要求尽快处理并书面回复原因", "category": self.categories[category_code],
                "owner": sales,  # the demo's "sales" login has work waiting
                "lot_number": f"L{shipment.receipt_date:%y%m%d}-{shipment.pk % 100:02d}" if with_lot else "",
                **({"contact_id": self.contact_id} if self.contact_id else {}),
            })
        for step, moment in zip(steps, moments, strict=True):
            with _clock(moment):
                complaint = self._step(complaint, step, profile, moment, dept_code=dept_code,
                                       root_cause=root_cause, remedy=remedy.format(qty=qty), qty=qty)
        return complaint

    def _step(self, c: Complaint, step: str, profile: str, moment, **facts) -> Complaint:
        people = self.people
        if step == "meeting":
            services.meeting_record(
                actor=people[Role.QA], complaint=c, held_at=moment, source="command",
                attendees=[people[Role.QA], people[Role.ENGINEERING], people[Role.PRODUCTION]],
                departments=list(Department.objects.filter(company=self.company, code__in=["QA", "ENG", "PROD"])),
                conclusions=text.MEETING_CONCLUSIONS, actions=text.MEETING_ACTIONS,
            )
            return c
        if step == "call":
            services.communication_log(actor=people[Role.SALESPERSON], complaint=c, direction=Direction.OUT,
                                       channel=Channel.PHONE, summary="电话告知客户已安排处理，预计两日内回复方案。",
                                       source="command")
            return c
        if step.startswith("dispose:"):
            _prefix, kind, *mis = step.split(":")
            services.disposition_add(actor=people[Role.SALESPERSON], complaint=c, kind=kind, quantity=facts["qty"],
                                     mis_order=bool(mis), note="客户下错订单，申请退货" if mis else "",
                                     lot_number=c.lot_number, source="command")
            return c
        if step.startswith("priority:"):  # QA sets the priority by hand, with the reason (issue 18 §11)
            value = int(step.split(":")[1])
            return services.complaint_priority_override(actor=people[Role.QA], complaint=c, priority=value,
                                                        reason=text.PRIORITY_REASONS[value], source="command")
        row = TRANSITIONS[(c.status, step)]
        role = preferred_role(row, c)
        # QA proposed the remedy of an escalated complaint; another QA engineer approves it (design §11).
        actor = people[SECOND_QA if step in ("approve_remedy", "approve_explanation") and role == Role.QA else role]
        inputs = self._inputs(step, profile, c, **facts)
        return services.complaint_transition(actor=actor, complaint=c, action=step, source="command", **inputs)

    def _inputs(self, step: str, profile: str, c: Complaint, *, dept_code: str, root_cause: str, remedy: str,
                qty: int) -> dict[str, Any]:
        ctx = self.ctx
        if step == "acknowledge":
            return {"channel": Channel.PHONE, "note": "已电话告知客户投诉编号，将在 24 小时内答复。"}
        if step == "assess":
            severity = {"severe_hard": Severity.SEVERE, "outside": Severity.MINOR,
                        "major_safety": Severity.MAJOR}.get(profile, profile)
            data: dict[str, Any] = {
                "category": c.category, "severity": severity,
                "defect_type": DefectType.objects.filter(
                    pk=self.defect_type_id(c.category.code, c.defect_nature)).first(),
                "warning_class": WarningClass.B if severity == Severity.SEVERE else WarningClass.C,
                # Issue 18 §11: flagged only at major or above; it tells the QA head and the GM at once.
                "safety_or_regulatory_impact": severity == Severity.SEVERE or profile == "major_safety",
            }
            if c.window_status in (WindowStatus.OUTSIDE, WindowStatus.EXCLUDED):
                data.update(acceptance_decision=AcceptanceDecision.GOODWILL,
                            acceptance_note="重点客户，超出验收期限仍按善意处理。")
            return data
        if step == "start_sales_handling":
            return {"note": "一般问题，由销售直接处理。"}
        if step == "escalate_to_qa":
            return {"note": "问题较严重，提交品质部处理。"}
        if step == "record_qa_opinion":
            return {"note": ctx.pick(text.QA_OPINIONS), "root_cause": root_cause,
                    "cause_hard_to_find": profile == "severe_hard"}
        if step == "instruct_department":
            return {"responsible_department": Department.objects.get(company=self.company, code=dept_code),
                    "note": "请于两个工作日内书面答复原因及措施。"}
        if step == "record_department_answer":
            return {"note": ctx.pick(text.DEPARTMENT_ANSWERS)}
        if step == "submit_initial_report":
            return {"initial_report": "原因暂不明确：已隔离同批次产品，委托第三方做失效分析，先行免费更换。"}
        if step == "propose_remedy":
            round_no = (c.remedies.aggregate(m=Max("round"))["m"] or 0) + 1
            return {"remedy_text": remedy if round_no == 1 else f"{remedy}（第 {round_no} 版：承担往返运费）"}
        if step == "customer_rejects":
            return {"reason": ctx.pick(text.CUSTOMER_REJECTION_REASONS)}
        if step == "send_explanation":
            return {"channel": Channel.LETTER, "note": "书面说明经品质部审核后寄送客户。"}
        if step == "prepare_explanation":
            responsibility, explanation, evidence = text.EXPLANATIONS[0]
            return {"responsibility": responsibility, "explanation": explanation, "explanation_evidence": evidence}
        if step == "customer_acknowledges":
            return {"note": "客户回函认可我司说明。"}
        if step == "close":
            return {"responsibility": Responsibility.OURS,
                    "responsible_department": c.responsible_department
                    or Department.objects.get(company=self.company, code=dept_code),
                    "root_cause": c.root_cause or root_cause, "note": ctx.pick(text.CLOSING_NOTES)}
        if step == "reject_at_intake":
            return {"note": ctx.pick(text.REJECT_NOTES)}
        if step == "cancel":
            return {"note": ctx.pick(text.CANCEL_NOTES)}
        if step == "reopen":
            return {"note": "客户反馈更换后同一问题再次发生。"}
        return {}
