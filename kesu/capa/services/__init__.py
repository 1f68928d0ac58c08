"""The one write path for corrective actions and nonconforming reports (conventions habits 1, 3, 4).

Other modules raise actions through ``action_raise`` (or ``action_raise_from_complaint``) and link
recurrences with ``action_link``; nothing else writes these records.
"""

from __future__ import annotations

from .actions import (  # noqa: F401
    COUNTER_KEY,
    RAISE_FIELDS,
    action_link,
    action_raise,
    action_raise_from_complaint,
    action_section_save,
    action_step_update,
    action_transition,
)
from .config import (  # noqa: F401
    RULE_FIELDS,
    SETTINGS_FIELDS,
    capa_settings_update,
    customer_capa_rule_delete,
    customer_capa_rule_set,
)
from .escalation import action_escalate_overdue  # noqa: F401
from .ncr import (  # noqa: F401
    ISSUE_FIELDS,
    ncr_answer,
    ncr_cancel,
    ncr_issue,
    ncr_transition,
    ncr_verify,
    ncr_verify_refusal,
)
