"""``{% personal value "phone" record %}``: a customer's personal data as the reader may see it (issue 18 §13)."""

from __future__ import annotations

from typing import Any

from django import template

from kesu.core import privacy

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, value: Any, kind: str, record: Any = None) -> Any:
    """``value`` in full for those the privacy rule lets see it on ``record``, masked for everyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return privacy.shown(value, kind, user, record)
