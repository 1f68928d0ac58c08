"""People and departments picked in forms (issue 17 §1): registered once with kesu.core.lookups."""

from __future__ import annotations

from kesu.core.lookups import Lookup, register


def _user_label(user) -> str:
    position = user.position.name if user.position_id else ""
    return f"{user} ({position})" if position else str(user)


register(Lookup("user", "accounts.User", "pk", prefix_fields=("username", "display_name"),
                contains_fields=("display_name",), initials_from=("display_name", "last_name", "first_name"),
                label=_user_label, active={"is_active": True}, related=("position",)))
register(Lookup("department", "accounts.Department", "pk", prefix_fields=("code",), contains_fields=("name",),
                initials_from=("name",)))
