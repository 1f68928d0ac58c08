"""Signals of claims, always sent after commit (notifications listen)."""

from django.dispatch import Signal

# claim, actor
claim_created = Signal()
# claim, name, old_status, new_status, actor, note
claim_transitioned = Signal()
# supplier_claim, name, old_status, new_status, actor, note
supplier_claim_transitioned = Signal()
