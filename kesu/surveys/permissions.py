"""Who may do what with surveys (seed 001 §4.1: the general office owns satisfaction; seed 003 §3.2: sales
sends and collects the forms; QA takes the actions)."""

from __future__ import annotations

from kesu.accounts.roles import Role

SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
MANAGE = frozenset({Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.QA})  # templates, settings
CAMPAIGNS = frozenset({Role.GENERAL_OFFICE, Role.SALES_DIRECTOR, Role.SALES_ASSISTANT})
ENTER = SALES | {Role.GENERAL_OFFICE, Role.AFTER_SALES}  # answers from written forms and calls
IMPROVE = frozenset({Role.GENERAL_OFFICE, Role.QA, Role.SALES_DIRECTOR, Role.ENGINEERING, Role.PRODUCTION})
