"""Panels this module adds to other pages: a customer's visits, processing yield and audits; the visits linked to a
complaint, to an early-warning signal and to a contract review."""

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


def customer_quality_panel(customer, user):
    """Issue 21 §6: the customer's processing yield of our parts and their audits of us, on the customer page beside
    the satisfaction indicators."""
    import datetime

    from django.utils import timezone

    from .models import CustomerAudit, CustomerYield
    from .selectors import yield_summary

    if not user.has_perm("service.view_customeryield"):
        return None
    since = timezone.localdate() - datetime.timedelta(days=365)
    yields = list(CustomerYield.objects.filter(customer=customer).select_related("part")
                  .order_by("-period_start", "-id")[:12])
    recent = list(CustomerYield.objects.filter(customer=customer, period_end__gte=since).only("processed", "passed"))
    return {"customer": customer, "yields": yields, "summary": yield_summary(recent),
            "audits": list(CustomerAudit.objects.filter(customer=customer).order_by("-audited_on", "-id")[:10]),
            "can_add": user.has_perm("service.add_customeryield")}


def _source_visits(user, **lookup):
    from .models import Visit

    if not user.has_perm("service.view_visit"):
        return None
    visits = list(Visit.objects.visible_to(user).filter(**lookup).select_related("customer", "visited_by")
                  .order_by("-visited_on", "-id"))
    if not visits:
        return None
    return {"source_visits": visits}


def signal_panel(signal, user):
    """The early-warning signal's page: the visit whose finding raised it (issue 21 §2, linked both ways)."""
    return _source_visits(user, finding_signal=signal)


def review_panel(review, user):
    """The contract review page: the visit whose enquiry (informal order) it came from (issue 21 §2)."""
    return _source_visits(user, finding_review=review)
