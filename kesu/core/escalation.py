"""The escalation chain shared by complaints and corrective actions (issue 3 §4, issue 4 §4).

A company's chain lists steps (owner → department head → director → GM); an
overdue duty climbs one step as soon as it is overdue and one more after each
interval. Who stands at each step is decided here; each module records its
own escalations. Each level either only notifies or also reassigns the work to
its person (``ComplaintSettings.escalation_actions``, issue 18 §12).
"""

from __future__ import annotations

import datetime


def step_due(chain: list[str], level: int, last_escalated_at: datetime.datetime | None, interval_hours: int,
             now: datetime.datetime) -> str | None:
    """The chain step an overdue duty at ``level`` climbs to now, or None (end of chain, or too soon)."""
    if level >= len(chain):
        return None
    if level > 0 and last_escalated_at and now - last_escalated_at < datetime.timedelta(hours=interval_hours):
        return None
    return chain[level]


def chain_recipients(step: str, *, company_id: int, owner, department, director_role: str | None = None) -> list:
    """The people at ``step`` for a duty held by ``owner`` in ``department``.

    The director step goes to ``director_role`` holders when there are any
    (sales for complaints sales handles), else to the general manager.
    """
    from kesu.accounts.models import User
    from kesu.accounts.roles import Role

    def by_role(role: str) -> list:
        # By username: a level that reassigns hands the work to the first (issue 18 §12), the same one each time.
        return list(User.objects.filter(company_id=company_id, is_active=True, position__role=role)
                    .order_by("username"))

    if step == "owner":
        return [owner] if owner is not None else []
    if step == "department_head":
        department = department or (owner.department if owner is not None else None)
        return [department.head] if department is not None and department.head_id else []
    if step == "director" and director_role:
        people = by_role(director_role)
        if people:
            return people
    if step in ("director", "gm"):
        return by_role(Role.GM)
    return []
