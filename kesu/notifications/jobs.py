"""The outbox sender, run by ``kesu worker`` every minute."""

import datetime

from kesu.core.jobs import register


@register("notifications.send_outbox", every=datetime.timedelta(minutes=1))
def send_outbox_job() -> None:
    """Send due e-mail from the outbox (idempotent: rows are claimed one by one)."""
    from .services import outbox_send_pending

    outbox_send_pending()
