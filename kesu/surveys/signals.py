"""Signals of surveys, sent after commit (notifications listen)."""

from django.dispatch import Signal

# answer
answer_received = Signal()
