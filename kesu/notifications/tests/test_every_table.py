"""Every row of every workflow table: who the record then waits for, and who is told (issue 16 §3, "Done when").

The expectations are written out here from the seeds — 000 §4.1 (complaints), §3.2–3.3 (corrective action),
§4.2 (claims and supplier claims), 001 §5.1.2 (departmental reports), 004 §6 (every step has an owner) — and are
not read from the tables or the work registry under test. A new row in any table fails
``test_every_row_of_every_workflow_table_has_a_recipient`` until someone writes down who gets its work.

Each table's test puts one record in the state each row leaves it in, announces the row as its service does after
commit, and compares: the work item (action and the people :func:`kesu.core.work.resolve_users` names) with the
expected one, and the people told (inbox rows) with the next actor plus the people the event's default rule also
tells — never the actor, each person once, no one of another company.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from importlib import import_module

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import UserFactory
from kesu.complaints.tests.factories import People
from kesu.core import work
from kesu.core.workflow import tables
from kesu.notifications.models import AnnouncedWork, Notification

pytestmark = pytest.mark.django_db

R = Role
SALES_APPROVERS = (R.REGIONAL_MANAGER, R.SALES_DIRECTOR)
MANAGEMENT = (R.GM, R.VICE_GM)
OWNER = "owner"
NOBODY = None

# (step, from status) → (the action the record then waits for, who takes it: OWNER or the roles whose people in the
# record's department or company take it), or NOBODY when the record waits for no one.
COMPLAINT_OPEN = ("received", "acknowledged", "assessed", "sales_handling", "qa_investigation", "remedy_proposed",
                  "remedy_approved", "customer_rejected", "remedy_accepted", "remedy_done", "verification",
                  "explanation_sent")
EXPLAINABLE = ("assessed", "sales_handling", "qa_investigation", "customer_rejected")
COMPLAINTS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("acknowledge", "received"): ("assess", OWNER),
    ("assess", "acknowledged"): ("route", OWNER),
    ("start_sales_handling", "assessed"): ("propose_remedy", OWNER),
    # 000 §4.1.3: escalated, the complaint is QA's.
    ("escalate_to_qa", "assessed"): ("investigate", (R.QA,)),
    ("escalate_to_qa", "sales_handling"): ("investigate", (R.QA,)),
    ("escalate_to_qa", "customer_rejected"): ("investigate", (R.QA,)),
    ("record_qa_opinion", "qa_investigation"): ("investigate", (R.QA,)),
    # 004 §6.3: the responsible department (here production) answers QA's instruction in writing.
    ("instruct_department", "qa_investigation"): ("record_department_answer", (R.PRODUCTION,)),
    ("record_department_answer", "qa_investigation"): ("investigate", (R.QA,)),
    # 000 §4.1.3: a severe complaint's initial analysis report goes to the general manager.
    ("submit_initial_report", "qa_investigation"): ("approve_initial_report", (R.GM,)),
    ("approve_initial_report", "qa_investigation"): ("investigate", (R.QA,)),
    # A sales remedy is approved by the regional manager or sales director of the department; an escalated one by QA.
    ("propose_remedy", "sales_handling"): ("approve_remedy", SALES_APPROVERS),
    ("propose_remedy", "qa_investigation"): ("approve_remedy_qa", (R.QA,)),
    ("propose_remedy", "customer_rejected"): ("approve_remedy", SALES_APPROVERS),
    ("approve_remedy", "remedy_proposed"): ("customer_decision", OWNER),
    ("customer_accepts", "remedy_approved"): ("complete_remedy", OWNER),
    ("customer_rejects", "remedy_approved"): ("propose_remedy", OWNER),
    ("complete_remedy", "remedy_accepted"): ("close", OWNER),
    ("start_verification", "remedy_done"): ("close", OWNER),
    ("close", "remedy_done"): NOBODY,
    ("close", "verification"): NOBODY,
    # 004 §5.2(3): the problem recurred on a later delivery; QA investigates again.
    ("record_recurrence", "verification"): ("investigate", (R.QA,)),
    # 003 §5.4.2: QA prepares the written explanation, another QA engineer (QA's head) approves it, sales sends it.
    **{("prepare_explanation", s): ("approve_explanation", (R.QA,)) for s in EXPLAINABLE},
    **{("approve_explanation", s): ("send_explanation", OWNER) for s in EXPLAINABLE},
    **{("send_explanation", s): ("explanation_answer", OWNER) for s in EXPLAINABLE},
    ("customer_disputes", "explanation_sent"): ("investigate", (R.QA,)),
    ("customer_acknowledges", "explanation_sent"): NOBODY,
    **{("reject_at_intake", s): NOBODY for s in ("received", "acknowledged", "assessed")},
    **{("cancel", s): NOBODY for s in COMPLAINT_OPEN},
    ("reopen", "closed"): ("route", OWNER),
}
# 000 §3.2–3.3: the responsible department (the action's owner) plans and implements, QA approves, verifies, closes.
CAPA: dict[tuple[str, str], tuple[str, object] | None] = {
    ("submit_plan", "planning"): ("approve_plan", (R.QA,)),
    ("approve_plan", "plan_submitted"): ("report_implemented", OWNER),
    ("return_plan", "plan_submitted"): ("submit_plan", OWNER),
    ("report_implemented", "implementing"): ("verify", (R.QA,)),
    ("verify", "implemented"): ("close", (R.QA,)),
    ("reject_implementation", "implemented"): ("report_implemented", OWNER),
    ("close", "effectiveness"): NOBODY,
    ("not_effective", "effectiveness"): ("submit_plan", OWNER),
    **{("cancel", s): NOBODY for s in ("planning", "plan_submitted", "implementing", "implemented", "effectiveness")},
}
# 000 §4.2: sales → vice GM's analysis and proposal → the GM's approval (§4.2.2; the vice GM only under a delegation,
# which gives no work item) → sales offers → the GM's responsibility meeting (§4.2.4) → finance; a settlement without
# a corrective action waits for QA to accept the reason (§4.2.6, issue 18 §2), here there is none to accept.
CLAIMS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("submit", "collecting"): ("propose", MANAGEMENT),
    ("propose", "analysing"): ("approve", (R.GM,)),
    ("approve", "awaiting_approval"): ("negotiate", OWNER),
    ("return_proposal", "awaiting_approval"): ("propose", MANAGEMENT),
    ("customer_rejects", "negotiating"): ("propose", MANAGEMENT),
    ("customer_accepts", "negotiating"): ("fix_responsibility", (R.GM,)),
    ("withdraw", "negotiating"): NOBODY,
    ("fix_responsibility", "responsibility"): ("settle", (R.FINANCE,)),
    ("settle", "settling"): NOBODY,
    ("accept_no_capa", "settled"): NOBODY,
    **{("cancel", s): NOBODY
       for s in ("collecting", "analysing", "awaiting_approval", "negotiating", "responsibility", "settling")},
}
# Purchasing sends the charge-back, the vice GM (or GM) agrees it, purchasing (the handler) recovers it.
SUPPLIER_CLAIMS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("send", "draft"): ("agree", MANAGEMENT),
    ("agree", "sent"): ("recover", OWNER),
    ("recover", "agreed"): NOBODY,
    **{("write_off", s): NOBODY for s in ("draft", "sent", "agreed")},
}
# 001 §5.1.2: the department's writers submit by the 8th, the GM or vice GM approves or returns it to them.
MARKETING_REPORTS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("submit", "draft"): ("approve", MANAGEMENT),
    ("submit", "returned"): ("approve", MANAGEMENT),
    ("approve", "submitted"): NOBODY,
    ("return", "submitted"): ("submit", (R.SALESPERSON, R.SALES_ASSISTANT, R.REGIONAL_MANAGER, R.SALES_DIRECTOR)),
}
AFTER_SALES_REPORTS = {**MARKETING_REPORTS, ("return", "submitted"): ("submit", (R.AFTER_SALES,))}
# 001 §4.2.2: opening a campaign hands the questionnaires to sales (salespeople and sales assistants collect them).
CAMPAIGNS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("open", "draft"): ("enter_answers", (R.SALESPERSON, R.SALES_ASSISTANT)),
    ("close", "open"): NOBODY,
}
# 003 §5.3.2: approved (呈核准) → the responsible department (here production) carries it out → the campaign owner
# verifies → the customer's salesperson reports the result to the customer.
IMPROVEMENTS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("approve", "proposed"): ("improve", (R.PRODUCTION,)),
    ("complete", "open"): ("verify_improvement", OWNER),
    ("reject_result", "done"): ("improve", (R.PRODUCTION,)),
    ("verify", "done"): ("report_to_customer", (R.SALESPERSON,)),
    ("report_to_customer", "verified"): NOBODY,
}
# 000 §4.3.3.3: sales writes (the OWNER here), the sales head approves, the heads of engineering and QA countersign
# (both wait at once), sales distributes; a return goes back to the writer.
SATISFACTION_REPORTS: dict[tuple[str, str], object] = {
    ("submit", "draft"): ("approve", (R.SALES_DIRECTOR,)),
    ("approve", "submitted"): [("countersign_engineering", (R.ENGINEERING,)), ("countersign_qa", (R.QA,))],
    ("countersign_engineering", "approved"): ("countersign_qa", (R.QA,)),
    ("countersign_qa", "approved"): ("countersign_engineering", (R.ENGINEERING,)),
    ("distribute", "approved"): NOBODY,
    ("return", "submitted"): ("submit", OWNER),
    ("return", "approved"): ("submit", OWNER),
}
# 003 §5.4.1: QA issues the form to the responsible department (here production), which answers; QA (the issuer,
# here the OWNER) verifies; an answer found not effective goes back to the department.
NCRS: dict[tuple[str, str], tuple[str, object] | None] = {
    ("answer", "issued"): ("verify", OWNER),
    ("verify", "answered"): NOBODY,
    ("return", "answered"): ("answer", (R.PRODUCTION,)),
    ("cancel", "issued"): NOBODY,
    ("cancel", "answered"): NOBODY,
}

EXPECTED = {
    "complaints.complaint": COMPLAINTS,
    "capa.action": CAPA,
    "claims.claim": CLAIMS,
    "claims.supplier_claim": SUPPLIER_CLAIMS,
    "surveys.campaign": CAMPAIGNS,
    "surveys.improvement": IMPROVEMENTS,
    "surveys.satisfaction_report": SATISFACTION_REPORTS,
    "reports.department_report.marketing": MARKETING_REPORTS,
    "reports.department_report.after_sales": AFTER_SALES_REPORTS,
    "capa.ncr": NCRS,
}
# The modules added later write their expectations beside their code, in kesu/<app>/tests/handoffs.py (a dict
# EXPECTED of the same shape, keyed by table). A module that registers a table and writes none fails below.
for _app in ("property", "contracts", "service", "prevention"):
    try:
        _module = import_module(f"kesu.{_app}.tests.handoffs")
    except ModuleNotFoundError as missing:
        if missing.name != f"kesu.{_app}.tests.handoffs":
            raise
        continue
    EXPECTED.update(_module.EXPECTED)
# Who acts, when a row allows several roles: the first of these the row allows.
ACTOR_PREFERENCE = (R.SALESPERSON, R.QA, R.VICE_GM, R.GM, R.PURCHASING, R.FINANCE, R.AFTER_SALES, R.PRODUCTION,
                    R.REGIONAL_MANAGER, R.SALES_DIRECTOR, R.SALES_ASSISTANT, R.ENGINEERING)


def test_every_row_of_every_workflow_table_has_a_recipient():
    rows = {key: {(row.name, str(source)) for row in registered.table.rows for source in row.sources}
            for key, registered in tables().items()}
    assert set(rows) == set(EXPECTED), "a workflow table without written-out recipients"
    for key, found in rows.items():
        assert found == set(EXPECTED[key]), key


@pytest.fixture
def people(company_a, company_b):
    people = People(company_a)
    for role in Role:
        if role != Role.ADMIN:
            people[role]
    # The same roles in another company of the group: never told of company A's work.
    others = People(company_b)
    for role in (R.QA, R.GM, R.VICE_GM, R.SALESPERSON, R.PRODUCTION, R.FINANCE):
        others[role]
    return people


def _walk(key: str, people: People, record, *, owner, set_state: Callable, announce: Callable,
          also_told: Callable[[str, str, str], set]) -> list[str]:
    """Every row of table ``key``: put ``record`` in the row's resulting state, announce it, compare.

    What was announced before is forgotten for each row, so each row is judged as the hand-off that gives the
    work (a person still waiting from an earlier step is not told again: test_handoffs covers that).
    """
    failures = []
    for row in tables()[key].table.rows:
        for source in row.sources:
            source = str(source)
            target = str(row.target or source)
            set_state(record, row.name, source, target)
            record.refresh_from_db()
            allowed = row.allowed_roles(record)
            actor = people[next(role for role in ACTOR_PREFERENCE if role in allowed)]
            Notification.objects.all().delete()
            AnnouncedWork.objects.all().delete()
            announce(record, row.name, source, target, actor)

            expected = EXPECTED[key][(row.name, source)]
            want_work = []
            # A row may leave its record waiting for several people at once (a list: the yearly report's two
            # countersignatures).
            for action, who in ([] if expected is None else expected if isinstance(expected, list) else [expected]):
                names = {owner.username} if who == OWNER else {people[role].username for role in who}
                want_work.append((action, frozenset(names)))
            want_work.sort()
            got_work = sorted((item.action, frozenset(user.username for user in work.resolve_users(item)))
                              for item in work.waiting_for(record))
            want_told = sorted((set().union(*(names for _action, names in want_work)) | also_told(row.name, source, target))
                               - {actor.username})
            got_told = sorted(Notification.objects.values_list("recipient__username", flat=True))
            if got_work != want_work or got_told != want_told:
                failures.append(f"{row.name} from {source}: work {got_work} != {want_work} "
                                f"or told {got_told} != {want_told}")
    return failures


def test_every_complaint_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.complaints import signals
    from kesu.complaints.choices import DeadlineKind
    from kesu.complaints.models import Complaint, Deadline
    from kesu.complaints.tests.factories import create_complaint

    owner = UserFactory(role=R.SALESPERSON, company=people.company, username="A-owner")
    complaint = create_complaint(owner)
    production = people[R.PRODUCTION].department

    def set_state(c, name, source, target):
        now = timezone.now()
        escalated = "qa_investigation" in (source, target)
        changes = {"status": target, "escalated_to_qa": escalated, "responsible_department": None,
                   "initial_report_submitted_at": None, "initial_report_approved_at": None,
                   "explanation_prepared_at": None, "explanation_approved_at": None}
        Deadline.objects.filter(complaint=c, kind=DeadlineKind.DEPARTMENT_ANSWER).delete()
        if name in ("submit_initial_report", "approve_initial_report"):
            changes["initial_report_submitted_at"] = now
        if name == "approve_initial_report":
            changes["initial_report_approved_at"] = now
        if name in ("prepare_explanation", "approve_explanation"):
            changes["explanation_prepared_at"] = now
        if name == "approve_explanation":
            changes["explanation_approved_at"] = now
        if name == "instruct_department":
            changes["responsible_department"] = production
            Deadline.objects.create(company=c.company, complaint=c, kind=DeadlineKind.DEPARTMENT_ANSWER,
                                    started_at=now, due_at=now + datetime.timedelta(days=2))
        Complaint.objects.filter(pk=c.pk).update(**changes)

    def announce(c, name, source, target, actor):
        signals.complaint_transitioned.send(Complaint, complaint=c, action=name, old_status=source,
                                            new_status=target, actor=actor, note="")

    # The owner (who also recorded it) hears when someone else moves their complaint to another status; 004 §6.1:
    # the step that passes it on (the initial assessment, which meets the one-working-day pass-on deadline) also
    # tells the salesperson's superior (here the sales department's regional manager) and the sales assistant.
    superior_and_assistant = {people[R.REGIONAL_MANAGER].username, people[R.SALES_ASSISTANT].username}

    def also_told(name, source, target):
        told = {owner.username} if source != target else set()
        return told | superior_and_assistant if name == "assess" else told

    assert _walk("complaints.complaint", people, complaint, owner=owner, set_state=set_state, announce=announce,
                 also_told=also_told) == []


def test_every_corrective_action_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.capa import signals
    from kesu.capa.models import CorrectiveAction
    from kesu.capa.tests.factories import raise_action

    action = raise_action(people)
    owner, raised_by = action.owner, action.raised_by

    def set_state(a, name, source, target):
        CorrectiveAction.objects.filter(pk=a.pk).update(status=target)

    def announce(a, name, source, target, actor):
        signals.action_transitioned.send(CorrectiveAction, action=a, name=name, old_status=source,
                                         new_status=target, actor=actor, note="")

    # The owner and whoever raised the action hear of its changes.
    assert _walk("capa.action", people, action, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username, raised_by.username}) == []


def test_every_nonconforming_report_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.capa import signals
    from kesu.capa.models import NonconformingReport

    issuer = UserFactory(role=R.QA, company=people.company, username="A-issuer")
    production = people[R.PRODUCTION].department
    ncr = NonconformingReport.objects.create(
        company=people.company, number="NCR-TEST-1", quantity=30, description="外壳划伤 30 件", disposition="rework",
        responsible_department=production, issued_by=issuer, issued_at=timezone.now(),
        answer_due_at=timezone.now() + datetime.timedelta(days=5))

    def set_state(r, name, source, target):
        NonconformingReport.objects.filter(pk=r.pk).update(status=target)

    def announce(r, name, source, target, actor):
        signals.ncr_changed.send(NonconformingReport, ncr=r, actor=actor, name=name, old_status=source,
                                 new_status=target, note="")

    # Whoever issued the report hears of every change to it, and so does the responsible department's head.
    head = {production.head.username} if production.head_id else set()
    assert _walk("capa.ncr", people, ncr, owner=issuer, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {issuer.username} | head) == []


def test_every_claim_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.claims import signals
    from kesu.claims.models import Claim
    from kesu.claims.tests.factories import new_claim

    owner = UserFactory(role=R.SALESPERSON, company=people.company, username="A-owner")
    claim = new_claim(people, documents=False)
    Claim.objects.filter(pk=claim.pk).update(owner=owner)

    def set_state(c, name, source, target):
        Claim.objects.filter(pk=c.pk).update(status=target)

    def announce(c, name, source, target, actor):
        signals.claim_transitioned.send(Claim, claim=c, name=name, old_status=source, new_status=target,
                                        actor=actor, note="")

    assert _walk("claims.claim", people, claim, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username}) == []


def test_every_supplier_claim_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.claims import signals
    from kesu.claims.models import SupplierClaim
    from kesu.customers.tests.factories import SupplierFactory

    handler = UserFactory(role=R.PURCHASING, company=people.company, username="A-handler")
    supplier_claim = SupplierClaim.objects.create(
        company=people.company, number="SC-TEST-1", supplier=SupplierFactory(company=people.company),
        share_percent=Decimal("100"), amount=Decimal("1000.00"), handler=handler, raised_at=timezone.now())

    def set_state(sc, name, source, target):
        SupplierClaim.objects.filter(pk=sc.pk).update(status=target)

    def announce(sc, name, source, target, actor):
        signals.supplier_claim_transitioned.send(SupplierClaim, supplier_claim=sc, name=name, old_status=source,
                                                 new_status=target, actor=actor, note="")

    # The handler (purchasing) hears of every change to the charge-back they handle.
    assert _walk("claims.supplier_claim", people, supplier_claim, owner=handler, set_state=set_state,
                 announce=announce, also_told=lambda name, source, target: {handler.username}) == []


@pytest.mark.parametrize("kind, writer", [("marketing", R.SALESPERSON), ("after_sales", R.AFTER_SALES)])
def test_every_departmental_report_hand_off_reaches_its_next_actor_and_tells_no_one_else(people, kind, writer):
    from kesu.reports.models import DepartmentReport
    from kesu.reports.services.department import _announce_step, department_report_draft

    report = department_report_draft(company=people.company, kind=kind, month=datetime.date(2026, 3, 1))
    submitter = people[writer]
    DepartmentReport.objects.filter(pk=report.pk).update(submitted_by=submitter)

    def set_state(r, name, source, target):
        DepartmentReport.objects.filter(pk=r.pk).update(status=target)

    def announce(r, name, source, target, actor):
        _announce_step(r, name, target, actor, "")

    # A decision is told to whoever submitted the report as well.
    def also_told(name, source, target):
        return set() if name == "submit" else {submitter.username}

    assert _walk(f"reports.department_report.{kind}", people, report, owner=submitter, set_state=set_state,
                 announce=announce, also_told=also_told) == []


def test_every_campaign_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.surveys import signals
    from kesu.surveys.models import Campaign
    from kesu.surveys.tests.factories import campaign as new_campaign

    owner = UserFactory(role=R.GENERAL_OFFICE, company=people.company, username="A-owner")
    campaign = new_campaign(people, owner=owner)  # two customers with business, neither has answered

    def set_state(c, name, source, target):
        Campaign.objects.filter(pk=c.pk).update(status=target)

    def announce(c, name, source, target, actor):
        signals.campaign_transitioned.send(Campaign, campaign=c, name=name, old_status=source, new_status=target,
                                           actor=actor, note="")

    # The owner hears when someone else opens or closes their campaign.
    assert _walk("surveys.campaign", people, campaign, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username}) == []


def test_every_survey_improvement_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.customers.models import Customer
    from kesu.surveys import services, signals
    from kesu.surveys.models import Improvement
    from kesu.surveys.tests.factories import campaign as new_campaign
    from kesu.surveys.tests.factories import choices_for

    owner = UserFactory(role=R.GENERAL_OFFICE, company=people.company, username="A-owner")
    proposer = UserFactory(role=R.QA, company=people.company, username="A-proposer")
    campaign = new_campaign(people, owner=owner, customers=1)
    services.campaign_open(actor=owner, campaign=campaign)
    recipient = campaign.recipients.get()
    Customer.objects.filter(pk=recipient.customer_id).update(owner=people[R.SALESPERSON])
    answer = services.answer_submit(actor=people[R.SALESPERSON], recipient=recipient, channel="phone",
                                    choices=choices_for(campaign.template, [0] * 7))
    improvement = services.improvement_save(actor=proposer, campaign=campaign, data={
        "answer": answer, "area": "交期", "measures": "预留产能", "department": people[R.PRODUCTION].department})

    def set_state(i, name, source, target):
        Improvement.objects.filter(pk=i.pk).update(status=target)

    def announce(i, name, source, target, actor):
        signals.improvement_transitioned.send(Improvement, improvement=i, name=name, old_status=source,
                                              new_status=target, actor=actor, note="")

    # The campaign's owner and whoever proposed the line hear of each step.
    assert _walk("surveys.improvement", people, improvement, owner=owner, set_state=set_state, announce=announce,
                 also_told=lambda name, source, target: {owner.username, proposer.username}) == []


def test_every_satisfaction_report_hand_off_reaches_its_next_actor_and_tells_no_one_else(people):
    from kesu.accounts.models import Department, User
    from kesu.surveys import signals
    from kesu.surveys.models import ReportReceipt, SatisfactionReport
    from kesu.surveys.services import report_draft

    writer = UserFactory(role=R.SALES_ASSISTANT, company=people.company, username="A-writer")
    report = report_draft(actor=writer, company=people.company, year=2026)
    assert report.engineering_department == people[R.ENGINEERING].department
    everyone = {u.username for u in User.objects.filter(company=people.company, department__isnull=False)}

    def set_state(r, name, source, target):
        now = timezone.now()
        ReportReceipt.objects.filter(report=r).delete()
        SatisfactionReport.objects.filter(pk=r.pk).update(
            status=target, engineering_signed_at=now if name == "countersign_engineering" else None,
            qa_signed_at=now if name == "countersign_qa" else None)
        if name == "distribute":
            ReportReceipt.objects.bulk_create([ReportReceipt(company=r.company, report=r, department=d)
                                               for d in Department.objects.filter(company=r.company)])

    def announce(r, name, source, target, actor):
        signals.report_transitioned.send(SatisfactionReport, report=r, name=name, old_status=source,
                                         new_status=target, actor=actor, note="")

    # The writer hears of each step; distributed, every department's people are asked to confirm its copy.
    def also_told(name, source, target):
        return {writer.username} | (everyone if name == "distribute" else set())

    assert _walk("surveys.satisfaction_report", people, report, owner=writer, set_state=set_state,
                 announce=announce, also_told=also_told) == []
