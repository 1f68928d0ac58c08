"""The mail intake's worker job (issue 23 §2): read the companies' mailboxes every minute."""

from __future__ import annotations

import datetime

from kesu.core.jobs import register


@register("mailin.fetch", every=datetime.timedelta(minutes=1),
          description="Read the companies' IMAP mailboxes and take in new mails as complaints, replies or triage")
def fetch_mail() -> None:
    """Idempotent: each mail is taken in once by UID (kesu.mailin.fetch); a paused mailbox waits its turn."""
    from .fetch import mailboxes_fetch

    mailboxes_fetch()
