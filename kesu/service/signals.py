"""Signals of customer service, sent after commit (receivers.py tells people)."""

from django.dispatch import Signal

# plan, name, old_status, new_status, actor, note
plan_transitioned = Signal()
