"""The panel on the complaint page: the repeat flag with its rule and earlier complaints, and the signal it came
from (issue 22 §1, §4)."""

from __future__ import annotations

from typing import Any


def complaint_panel(complaint, user) -> dict[str, Any] | None:
    from django.db.models import Prefetch

    from kesu.complaints.models import Complaint

    from .models import RepeatFlag, WarningSignal

    # The earlier complaints as the panel links them (up to the rule's whole window of them): three columns each.
    earlier = Prefetch("earlier", queryset=Complaint.objects.only("id", "number", "received_at").order_by(
        "received_at", "id"))
    flag = RepeatFlag.objects.filter(complaint=complaint).prefetch_related(earlier).first()
    signal = WarningSignal.objects.filter(complaint=complaint).first()
    if flag is None and signal is None:
        return None
    return {"repeat": flag, "earlier": list(flag.earlier.all()) if flag else [], "signal": signal}
