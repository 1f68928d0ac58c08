"""Signals of corrective actions, always sent after commit (notifications listen)."""

from django.dispatch import Signal

# action, actor
action_raised = Signal()
# action, name, old_status, new_status, actor, note
action_transitioned = Signal()
# action, escalation
action_escalated = Signal()
# ncr, actor, name ("issued", "answered", "verified", "returned", "cancelled")
ncr_changed = Signal()
