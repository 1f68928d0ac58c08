"""Who may do what with surveys (seed 001 §4.1: the general office owns satisfaction; seed 003 §3.2: sales
sends and collects the forms; QA takes the actions)."""

from __future__ import annotations

from kesu.accounts.roles import Role

SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
MANAGE = frozenset({Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.QA})  # templates, settings
CAMPAIGNS = frozenset({Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.SALES_ASSISTANT})
ENTER = SALES | {Role.GENERAL_OFFICE, Role.AFTER_SALES}  # answers from written forms and calls
IMPROVE = frozenset({Role.GENERAL_OFFICE, Role.QA, Role.SALES_DIRECTOR, Role.ENGINEERING, Role.PRODUCTION})
# Seed 003 §5.3.2.2: the analysis-and-improvement form is approved (呈核准) before it is carried out.
APPROVE_IMPROVEMENT = frozenset({Role.SALES_DIRECTOR, Role.GM, Role.VICE_GM})
VERIFY_IMPROVEMENT = MANAGE | CAMPAIGNS
# Seed 003 §5.3.2.1: sales reports the improvement's result to the customer.
REPORT_TO_CUSTOMER = SALES | {Role.GENERAL_OFFICE}
# Seed 000 §4.3.3.3: sales writes and distributes the yearly report.
REPORT_WRITERS = frozenset({Role.SALES_DIRECTOR, Role.SALES_ASSISTANT, Role.GENERAL_OFFICE})
# Seed 001 §4.2.2 2): sales sends out the questionnaires and collects them.
COLLECT = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT})
# Seed 002 §5.2.3.3.3: QA calls the improvement meeting and records it.
MEETING = frozenset({Role.QA})
