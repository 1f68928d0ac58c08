"""Signals of contract review, always sent after commit (receivers.py tells people)."""

from django.dispatch import Signal

# review, actor
review_created = Signal()
# review, name, old_status, new_status, actor, note
review_transitioned = Signal()
# notice, name, old_status, new_status, actor, note
notice_transitioned = Signal()
# plan, name, old_status, new_status, actor, note
plan_transitioned = Signal()
