"""Panels other modules add to a record's page (a complaint shows its corrective actions, later its claims).

The page's own app does not import the others: they register here in their
``AppConfig.ready`` and the page renders whatever is registered for its model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PANELS: dict[str, list[tuple[str, Callable[[Any, Any], dict[str, Any] | None]]]] = {}


def register(model_label: str, template: str, context: Callable[[Any, Any], dict[str, Any] | None]) -> None:
    """``context(obj, user)`` returns the panel's data, or None to leave it out for that user."""
    entries = _PANELS.setdefault(model_label, [])
    if all(t != template for t, _c in entries):
        entries.append((template, context))


def panels_for(obj, user) -> list[dict[str, Any]]:
    panels = []
    for template, context in _PANELS.get(obj._meta.label_lower, []):
        data = context(obj, user)
        if data is not None:
            panels.append({"template": template, **data})
    return panels
