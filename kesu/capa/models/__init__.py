"""Corrective and preventive action records (design §3, issue 4).

Written only by the ``services`` package; an action's status changes only by
``services.action_transition`` against the table in ``workflow.py``.
"""

from __future__ import annotations

from .action import (  # noqa: F401
    ActionChange,
    ActionEscalation,
    ActionItem,
    ActionLink,
    ActionStep,
    ContainmentRow,
    CorrectiveAction,
    TeamMember,
    WhyRow,
)
from .config import CapaSettings, CustomerCapaRule  # noqa: F401
from .ncr import NcrChange, NonconformingReport  # noqa: F401
