"""The complaint procedure written out again from seed 004 and design §2–§5, independently of
``complaints/workflow.py`` (issue 25 §2): where each step leads, from which states it may be taken, what it asks
for and who takes it. ``test_procedure_table.py`` checks the table against it; ``test_workflow.py`` checks that
taking each step leaves the complaint where this says."""

from __future__ import annotations

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status as S

SALES = {Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR}
QA = {Role.QA}
DEPARTMENTS = {Role.AFTER_SALES, Role.ENGINEERING, Role.PRODUCTION, Role.PURCHASING}

# Every state in which the complaint is still being handled (anything but closed, cancelled, rejected at intake).
OPEN = {S.RECEIVED, S.ACKNOWLEDGED, S.ASSESSED, S.SALES_HANDLING, S.QA_INVESTIGATION, S.REMEDY_PROPOSED,
        S.REMEDY_APPROVED, S.CUSTOMER_REJECTED, S.REMEDY_ACCEPTED, S.REMEDY_DONE, S.VERIFICATION, S.EXPLANATION_SENT}
# States from which the answer to the customer (remedy or written explanation) is worked out.
HANDLING = {S.SALES_HANDLING, S.QA_INVESTIGATION, S.CUSTOMER_REJECTED}
STAYS = None  # a recording step: the complaint stays where it is

# action: (where it leads, the states it may be taken from, the fields it asks for, who takes it)
PROCEDURE = {
    # 004 §5.1: the salesperson records and acknowledges the complaint (reply to the customer within 24 h), then
    # assesses it (category, severity, warning class A/B/C) and either keeps it or passes it to QA.
    "acknowledge": (S.ACKNOWLEDGED, {S.RECEIVED}, {"channel"}, SALES),
    "assess": (S.ASSESSED, {S.ACKNOWLEDGED}, {"category", "severity", "warning_class"}, SALES),
    "reject_at_intake": (S.REJECTED_AT_INTAKE, {S.RECEIVED, S.ACKNOWLEDGED, S.ASSESSED}, {"note"}, SALES),
    "start_sales_handling": (S.SALES_HANDLING, {S.ASSESSED}, set(), SALES),
    "escalate_to_qa": (S.QA_INVESTIGATION, {S.ASSESSED, S.SALES_HANDLING, S.CUSTOMER_REJECTED}, set(), SALES),
    # 004 §5.2: QA investigates, may instruct a responsible department and hears its answer; a severe complaint
    # whose cause is hard to find gets an initial report the GM approves.
    "record_qa_opinion": (STAYS, {S.QA_INVESTIGATION}, {"note"}, QA),
    "instruct_department": (STAYS, {S.QA_INVESTIGATION}, {"note", "responsible_department"}, QA),
    "record_department_answer": (STAYS, {S.QA_INVESTIGATION}, {"note"}, SALES | QA | DEPARTMENTS),
    "submit_initial_report": (STAYS, {S.QA_INVESTIGATION}, {"initial_report"}, QA),
    "approve_initial_report": (STAYS, {S.QA_INVESTIGATION}, set(), {Role.GM}),
    # Seed 002 / issue 18 §7: a written explanation is prepared by QA, approved by another person (QA or GM)
    # and sent by sales; the customer acknowledges it (closed) or disputes it (back to QA).
    "prepare_explanation": (STAYS, HANDLING | {S.ASSESSED}, {"explanation", "explanation_evidence",
                                                            "responsibility"}, QA),
    "approve_explanation": (STAYS, HANDLING | {S.ASSESSED}, set(), QA | {Role.GM}),
    "send_explanation": (S.EXPLANATION_SENT, HANDLING | {S.ASSESSED}, set(), SALES),
    "customer_acknowledges": (S.CLOSED, {S.EXPLANATION_SENT}, {"note"}, SALES | QA),
    "customer_disputes": (S.QA_INVESTIGATION, {S.EXPLANATION_SENT}, {"reason"}, SALES | QA),
    # 004 §5.3: sales proposes the remedy, the regional manager or sales director approves it, the customer
    # accepts or rejects it (rejection: back to handling), the remedy is carried out.
    "propose_remedy": (S.REMEDY_PROPOSED, HANDLING, {"remedy_text"}, SALES),
    "approve_remedy": (S.REMEDY_APPROVED, {S.REMEDY_PROPOSED}, set(), {Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR}),
    "customer_accepts": (S.REMEDY_ACCEPTED, {S.REMEDY_APPROVED}, set(), SALES | QA),
    "customer_rejects": (S.CUSTOMER_REJECTED, {S.REMEDY_APPROVED}, {"reason"}, SALES | QA),
    "complete_remedy": (S.REMEDY_DONE, {S.REMEDY_ACCEPTED}, set(), SALES | QA | {Role.AFTER_SALES, Role.ENGINEERING,
                                                                                Role.PRODUCTION}),
    # 004 §5.2(3): verification on later deliveries; the problem coming back sends it back to QA.
    "start_verification": (S.VERIFICATION, {S.REMEDY_DONE}, set(), SALES | QA),
    "record_recurrence": (S.QA_INVESTIGATION, {S.VERIFICATION}, {"reason"}, SALES | QA),
    "close": (S.CLOSED, {S.REMEDY_DONE, S.VERIFICATION}, set(), SALES | QA),
    # Design §5: a closed complaint can be reopened (back to assessment, with the reason); any open complaint
    # can be cancelled with a note, by sales or QA.
    "reopen": (S.ASSESSED, {S.CLOSED}, {"note"}, SALES | QA | {Role.GM}),
    "cancel": (S.CANCELLED, OPEN, {"note"}, SALES | QA),
}
