"""Who may do what in customer service (seed 002 §5.2: sales plans and makes the visits; after-sales services)."""

from __future__ import annotations

from kesu.accounts.roles import Role

SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
VISITORS = SALES | {Role.AFTER_SALES, Role.GENERAL_OFFICE, Role.QA}
READERS = VISITORS | {Role.GM, Role.VICE_GM, Role.ENGINEERING}
# A finding turns into a corrective action through the CAPA service, which has its own raisers.
# Seed 002 §5.2.1: sales (市场) makes the yearly plan; the sales head approves it (issue 21 §1).
PLANNERS = SALES
SALES_HEAD = frozenset({Role.SALES_DIRECTOR})
# Seed 001 §5.1.2 b): after-sales records its jobs; sales and QA may record one made with them.
JOB_WRITERS = frozenset({Role.AFTER_SALES, Role.QA}) | SALES
# Issue 21 §5: the GM analyses the quality report; sales reports the result back to the customers.
GM = frozenset({Role.GM})
REPORT_BACK = SALES | {Role.GENERAL_OFFICE}
# Issue 21 §6: the customer's processing yield and audits of us are recorded by sales and QA.
CUSTOMER_RECORDERS = SALES | {Role.QA, Role.AFTER_SALES, Role.GENERAL_OFFICE}
