"""Signals of surveys, sent after commit (notifications listen)."""

from django.dispatch import Signal

# answer
answer_received = Signal()
# campaign, name, old_status, new_status, actor, note (issue 16 §3: every status change is announced)
campaign_transitioned = Signal()
# improvement, name, old_status, new_status, actor, note
improvement_transitioned = Signal()
# meeting (an answer below a template's meeting band called it), actor
meeting_called = Signal()
# report, name, old_status, new_status, actor, note
report_transitioned = Signal()
