"""Signals other modules (notifications, CAPA, reports) listen to. Always sent after commit.

A rolled-back transition announces nothing (conventions habit 4).
"""

from django.dispatch import Signal

# complaint, actor
complaint_created = Signal()
# complaint, action, old_status, new_status, actor, note
complaint_transitioned = Signal()
# complaint, escalation
complaint_escalated = Signal()
# complaint, warning_class — A and B go to the leadership group at once (seed 001)
early_warning_raised = Signal()
# complaint, owner, actor
complaint_assigned = Signal()
# complaint, actor — a safety or regulatory impact goes to the QA head and the GM at once (issue 18 §11)
safety_flagged = Signal()
# line, actor — a return the customer may send back: approved at once, or a mis-order return once the regional
# manager approves it (004 §6.6); the ERP expects the goods (issue 23 §5)
disposition_approved = Signal()
