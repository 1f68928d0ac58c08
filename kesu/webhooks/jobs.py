"""The webhook sender, run by ``kesu worker`` (conventions habit 8)."""

from datetime import timedelta

from kesu.core.jobs import register


@register("webhooks.send", every=timedelta(seconds=10),
          description="Send the webhook deliveries that are due, retrying failed ones with growing pauses")
def send_webhooks() -> None:
    from .services import deliveries_send_pending

    deliveries_send_pending()


@register("webhooks.prune", every=timedelta(days=1),
          description="Forget delivered webhook messages older than 90 days (waiting ones are kept)")
def prune_webhook_log() -> None:
    from .services import deliveries_prune

    deliveries_prune()
