"""Periodic jobs of the prevention module, run by ``kesu worker``."""

import datetime

from kesu.core.jobs import register


@register("prevention.monitor", every=datetime.timedelta(hours=1))
def monitor_job() -> None:
    """Raise the automatic early-warning signals not raised before (each cause once)."""
    from .monitoring import signals_raise

    signals_raise()
