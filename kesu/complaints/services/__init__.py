"""The one write path for complaint handling (conventions habits 1, 3, 4).

Every service is atomic, keyword-only and runs as the acting user so the audit
trail (written by model signals inside the same transaction) names who did
it. Side effects for other modules go out as signals after commit.

The package is split by subject; callers import from here
(``from kesu.complaints import services``):

* ``intake`` — categories, numbering, the acceptance check, create and update;
* ``transitions`` — ``complaint_transition`` and its thin wrappers;
* ``activity`` — assignment, communications, notes, attachments, meetings, dispositions;
* ``escalation`` — the overdue-deadline job;
* ``base`` — permissions, deadlines and the timeline, shared by the others.
"""

from __future__ import annotations

from .activity import (  # noqa: F401
    AttachmentDamaged,
    attachment_add,
    attachment_open,
    communication_log,
    complaint_assign,
    delivery_verification_record,
    disposition_add,
    disposition_approve_mis_order,
    disposition_record_inspection,
    disposition_restock,
    meeting_record,
    meeting_summary,
    note_add,
)
from .base import (  # noqa: F401
    TransitionRefused,
    deadline_due,
)
from .escalation import (  # noqa: F401
    escalate_overdue,
)
from .handling import (  # noqa: F401
    assignment_conflicts,
    closure_target_days,
    complaint_priority_override,
    derived_priority,
)
from .intake import (  # noqa: F401
    COUNTER_KEY,
    DEFAULT_CATEGORIES,
    FORM_FIELDS,
    RELATIONS,
    UPDATE_FIELDS,
    acceptance_check,
    complaint_categories_ensure_defaults,
    complaint_create,
    complaint_update,
    defect_types_for,
)
from .transitions import (  # noqa: F401
    acknowledgement_text,
    complaint_transition,
    customer_decision_record,
    remedy_approve,
    remedy_propose,
    transition_summary,
)
