"""Every write of customer service (issue 21)."""

from .customer import AUDIT_FIELDS, YIELD_FIELDS, customer_audit_record, customer_yield_record
from .jobs import JOB_FIELDS, job_create, job_update
from .market import MARKET_FIELDS, market_entry_create, market_entry_update
from .plans import (
    plan_generate,
    plan_line_remove,
    plan_line_set,
    plan_transition,
    planned_lines,
    rules_for,
    rules_update,
    top_customer_ids,
)
from .quality import (
    period_before,
    quality_report_generate,
    quality_report_raise_action,
    quality_report_transition,
    quality_reports_generate,
)
from .visits import (
    VISIT_FIELDS,
    visit_create,
    visit_raise_action,
    visit_raise_complaint,
    visit_raise_enquiry,
    visit_raise_signal,
    visit_update,
)

__all__ = ["AUDIT_FIELDS", "YIELD_FIELDS", "customer_audit_record", "customer_yield_record", "JOB_FIELDS", "MARKET_FIELDS", "market_entry_create", "market_entry_update", "VISIT_FIELDS", "job_create", "job_update", "plan_generate", "plan_line_remove", "plan_line_set", "plan_transition",
           "period_before", "planned_lines", "quality_report_generate", "quality_report_raise_action",
           "quality_report_transition", "quality_reports_generate", "rules_for", "rules_update", "top_customer_ids", "visit_create", "visit_raise_action",
           "visit_raise_complaint", "visit_raise_enquiry", "visit_raise_signal", "visit_update"]
