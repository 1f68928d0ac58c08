"""Every write of customer service (issue 21)."""

from .jobs import JOB_FIELDS, job_create, job_update
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
from .visits import VISIT_FIELDS, visit_create, visit_raise_action, visit_raise_complaint, visit_update

__all__ = ["JOB_FIELDS", "VISIT_FIELDS", "job_create", "job_update", "plan_generate", "plan_line_remove", "plan_line_set", "plan_transition",
           "planned_lines", "rules_for", "rules_update", "top_customer_ids", "visit_create", "visit_raise_action",
           "visit_raise_complaint", "visit_update"]
