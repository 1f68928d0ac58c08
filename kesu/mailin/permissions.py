"""Who may do what in the mail intake (issue 23 §2): administrators keep the mailboxes, QA triages the mails."""

from __future__ import annotations

from kesu.accounts.roles import Role

MAILBOX_ADMINS = frozenset({Role.ADMIN})
# Seed 004 §6: QA receives complaints that reach the company outside sales; the GM and vice GM may look on.
TRIAGERS = frozenset({Role.QA})
TRIAGE_READERS = TRIAGERS | {Role.GM, Role.VICE_GM, Role.ADMIN}


def may_manage_mailboxes(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*MAILBOX_ADMINS))


def may_read_triage(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*TRIAGE_READERS))


def may_triage(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*TRIAGERS))
