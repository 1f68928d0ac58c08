"""Signals of the prevention module, always sent after commit (conventions habit 4)."""

from django.dispatch import Signal

# warning (the signal), actor
signal_raised = Signal()
# warning, name, old_status, new_status, actor, note
signal_transitioned = Signal()
# assessment, name, old_status, new_status, actor, note
assessment_transitioned = Signal()
# flag, complaint, action_owners (owners of verified-effective corrective actions of the earlier complaints)
repeat_flagged = Signal()
