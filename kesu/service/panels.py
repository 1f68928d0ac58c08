"""Panels this module adds to other pages: a customer's visits; the visits linked to a complaint."""

from __future__ import annotations

from .choices import VisitPurpose
from .selectors import visits_of_complaint, visits_of_customer


def customer_panel(customer, user):
    if not user.has_perm("service.view_visit"):
        return None
    return {"visits": list(visits_of_customer(customer)[:10]), "customer": customer,
            "can_add": user.has_perm("service.add_visit")}


def complaint_panel(complaint, user):
    from kesu.complaints.choices import Status

    if not user.has_perm("service.view_visit"):
        return None
    return {"visits": list(visits_of_complaint(complaint)),
            "can_follow_up": complaint.status == Status.CLOSED and user.has_perm("service.add_visit"),
            "after_closure": VisitPurpose.AFTER_CLOSURE}
