"""Every write of customer service (issue 21)."""

from .visits import VISIT_FIELDS, visit_create, visit_raise_action, visit_raise_complaint, visit_update

__all__ = ["VISIT_FIELDS", "visit_create", "visit_raise_action", "visit_raise_complaint", "visit_update"]
