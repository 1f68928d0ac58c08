"""The outbox sender, run by ``kesu worker`` every half minute."""

import datetime

from kesu.core.jobs import register


# Every 30 s: a password-reset mail should not wait long; an empty outbox costs one indexed query.
# Not under the lease: every worker sends, each claiming its own rows (issue 24 §2).
@register("notifications.send_outbox", every=datetime.timedelta(seconds=30), exclusive=False)
def send_outbox_job() -> None:
    """Send due e-mail from the outbox in batches, up to KESU_MAIL_PER_MINUTE (each row claimed by one worker)."""
    from .services import outbox_send_pending

    outbox_send_pending()


# Every 15 minutes: each company's morning comes at its own hour; a run with nothing due reads one row per company.
@register("notifications.daily_digest", every=datetime.timedelta(minutes=15))
def daily_digest_job() -> None:
    """Queue each opted-in user's morning digest of waiting and overdue work (once per user and day)."""
    from .digest import digest_send_due

    digest_send_due()
