"""Complaint handling records (design §2, issue 3).

Every record is company-scoped and audited. Rows are written only by the
``services`` package; status changes only by
``services.complaint_transition`` against the table in ``workflow.py``.
Split by subject: ``config`` (categories, settings, sequences),
``complaint`` (the feedback form and its state) and ``records`` (what hangs
off one complaint).
"""

from __future__ import annotations

from .base import USER  # noqa: F401
from .complaint import Complaint  # noqa: F401
from .config import (  # noqa: F401
    DEFAULT_NUMBER_PATTERN,
    OVERRIDABLE_DURATIONS,
    ComplaintCategory,
    ComplaintSettings,
    CustomerDeadlineOverride,
    DefectType,
    validate_number_pattern,
)
from .customer_messages import (  # noqa: F401
    CustomerMessage,
    CustomerMessageKind,
    CustomerMessageOutcome,
    CustomerMessageSettings,
    CustomerMessageTemplate,
)
from .records import (  # noqa: F401
    AdHocMeeting,
    ComplaintAttachment,
    ComplaintChild,
    ComplaintSearchDocument,
    Deadline,
    DeliveryVerification,
    DispositionLine,
    Escalation,
    RemedyProposal,
    StatusChange,
    TimelineEntry,
    _attachment_path,
)
