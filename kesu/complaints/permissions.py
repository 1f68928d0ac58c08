"""Who may do what with complaints outside the transition table (which carries its own roles).

These role sets are used by the services. Django model permissions for the
pages and the API belong in ``kesu/accounts/roles.py`` GRANTS (owned by the
foundation).
"""

from __future__ import annotations

from kesu.accounts.roles import ALL, Role

from .workflow import QA, SALES, SALES_OR_QA

CREATE = SALES | QA | {Role.AFTER_SALES}
EDIT = SALES | QA | {Role.AFTER_SALES}
ASSIGN = SALES_OR_QA | {Role.GM, Role.VICE_GM}
COMMUNICATE = SALES | QA | {Role.AFTER_SALES, Role.ENGINEERING}
NOTE = frozenset(ALL) - {Role.ADMIN}
DISPOSITION_ADD = SALES_OR_QA | {Role.AFTER_SALES}
# 004 §6.6: "必须经由区域主管以上主管批准" — the regional manager or anyone above.
MIS_ORDER_APPROVE = frozenset({Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR, Role.GM, Role.VICE_GM})
INSPECTION = QA
RESTOCK = QA | {Role.PRODUCTION}
MEETING = QA
# 004 §5.2(3): "由质量部、销售人员对后续销售产品跟踪验证".
VERIFY_DELIVERY = SALES_OR_QA
# Issue 18 §11: QA (and the GM above it) may override the derived priority.
PRIORITY = QA | {Role.GM}
SETTINGS = frozenset({Role.QA, Role.SALES_DIRECTOR, Role.GM, Role.GENERAL_OFFICE})

# Model permissions for complaints are granted in kesu/accounts/roles.py (GRANTS).

