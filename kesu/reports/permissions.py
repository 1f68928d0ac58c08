"""Who may read analyses and who writes, submits and approves the monthly reports (design §1, §9;
seed 001 §5.1.2: the marketing department writes the marketing analysis, after-sales the feedback analysis;
the general manager approves)."""

from __future__ import annotations

from kesu.accounts.roles import Role

from .choices import ReportKind

SALES = frozenset({Role.SALESPERSON, Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR})
# Analyses, the monthly summary, the dashboard and the review pack: reads over complaints, which every member
# of staff may see within their companies (the customer portal never reaches these pages).
READ_PERMISSION = "reports.view_monthlysnapshot"
# Money (claims, quality cost) on the dashboard and in the review pack follows the claims app's rule.
MONEY_PERMISSION = "claims.view_costentry"
TARGETS = frozenset({Role.GM, Role.VICE_GM, Role.QA, Role.GENERAL_OFFICE})
WRITE_REPORT = {
    ReportKind.MARKETING: SALES,
    ReportKind.AFTER_SALES: frozenset({Role.AFTER_SALES, Role.QA}),
}
APPROVE_REPORT = frozenset({Role.GM, Role.VICE_GM})
