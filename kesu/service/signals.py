"""Signals of customer service, sent after commit (receivers.py tells people)."""

from django.dispatch import Signal

# plan, name, old_status, new_status, actor, note
plan_transitioned = Signal()
# report (a new product quality report for the GM)
quality_report_sent = Signal()
# report, name, old_status, new_status, actor
quality_report_transitioned = Signal()
# mark (a planned visit of this month not made yet)
service_due = Signal()
