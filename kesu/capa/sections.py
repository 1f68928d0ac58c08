"""The editable sections of an action: which fields and rows, in which statuses, completing which step.

One table for the pages and the API (``services.action_section_save`` applies it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .choices import ActionFormat, ActionStatus, ItemKind, Step
from .models import ActionItem, ContainmentRow, TeamMember, WhyRow

S = ActionStatus
OPEN = (S.PLANNING, S.PLAN_SUBMITTED, S.IMPLEMENTING, S.IMPLEMENTED, S.EFFECTIVENESS)
AFTER_APPROVAL = (S.IMPLEMENTING, S.IMPLEMENTED, S.EFFECTIVENESS)


@dataclass(frozen=True)
class Rows:
    """A list of child rows replaced as a whole (``update_only``: existing rows changed by id, no new ones)."""

    model: type
    fields: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    update_only: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    formats: tuple[str, ...]
    statuses: tuple[str, ...]
    fields: tuple[str, ...] = ()
    rows: dict[str, Rows] = field(default_factory=dict)
    step: str | None = None


EIGHT_D = (ActionFormat.EIGHT_D,)
PERMANENT = {"kind": ItemKind.PERMANENT}

SECTIONS: dict[str, Section] = {s.key: s for s in (
    Section("d0", _("D0 Emergency response"), EIGHT_D, OPEN, fields=("emergency_response",), step=Step.D0),
    Section("d1", _("D1 Team"), EIGHT_D, (S.PLANNING,), step=Step.D1,
            rows={"team": Rows(TeamMember, ("user", "department", "is_leader", "responsibility"))}),
    Section("d2", _("D2 Problem description"), EIGHT_D, (S.PLANNING,), step=Step.D2,
            fields=("problem", "what", "where", "when", "who", "why", "how", "how_many")),
    Section("d3", _("D3 Containment"), EIGHT_D, OPEN, step=Step.D3,
            rows={"containment": Rows(ContainmentRow, ("location", "quantity_checked", "quantity_bad",
                                                        "effective_on", "note"))}),
    Section("d4", _("D4 Root cause"), EIGHT_D, (S.PLANNING,), step=Step.D4,
            fields=("occurrence_cause", "escape_cause", "fishbone_man", "fishbone_machine", "fishbone_material",
                    "fishbone_method", "fishbone_measurement", "fishbone_environment"),
            rows={"whys": Rows(WhyRow, ("chain", "answer"))}),
    Section("d5", _("D5 Permanent corrective actions"), EIGHT_D, (S.PLANNING,), step=Step.D5,
            rows={"items": Rows(ActionItem, ("text", "owner", "due_on"), fixed=PERMANENT)}),
    Section("d6", _("D6 Implementation and validation"), EIGHT_D, AFTER_APPROVAL, step=Step.D6,
            rows={"items": Rows(ActionItem, ("implemented_on", "validation"), fixed=PERMANENT, update_only=True)}),
    Section("d7", _("D7 Prevent recurrence"), EIGHT_D, AFTER_APPROVAL, step=Step.D7,
            fields=("procedures_updated", "fmea_updated", "control_plan_updated", "lessons_learned"),
            rows={"prevention": Rows(ActionItem, ("text", "owner", "due_on"), fixed={"kind": ItemKind.PREVENTION})}),
    Section("d8", _("D8 Closure and recognition"), EIGHT_D, (S.EFFECTIVENESS,), fields=("recognition",),
            step=Step.D8),
    Section("plan", _("Problem, cause and action"), (ActionFormat.SIMPLE,), (S.PLANNING,),
            fields=("problem", "cause", "corrective_measures"), step=Step.CAUSE),
    Section("verification", _("Verification"), (ActionFormat.SIMPLE,), AFTER_APPROVAL, fields=("verification",),
            step=Step.VERIFICATION),
)}


def sections_for(action) -> list[Section]:
    return [s for s in SECTIONS.values() if action.format in s.formats]
