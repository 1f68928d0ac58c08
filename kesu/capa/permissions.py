"""Who may do what with corrective actions outside the transition table (which carries its own roles)."""

from __future__ import annotations

from kesu.accounts.roles import Role

from .workflow import DEPARTMENT, QA

# Any department that finds a problem may raise an action; QA and management above all (000 §3.2).
RAISE = DEPARTMENT | {Role.GM, Role.VICE_GM}
EDIT = DEPARTMENT  # and only within the responsible department, the team or QA (checked by the service)
STEPS = QA | {Role.GM}
NCR_ISSUE = QA
NCR_ANSWER = DEPARTMENT
SETTINGS = QA | {Role.GM}
