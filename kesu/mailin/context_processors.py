"""Whether the navigation bar offers the mail-intake pages (triage for QA and management, mailboxes for
administrators)."""

from __future__ import annotations


def menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .permissions import may_manage_mailboxes, may_read_triage

    return {"may_read_mail": may_read_triage(user), "may_manage_mailboxes": may_manage_mailboxes(user)}
