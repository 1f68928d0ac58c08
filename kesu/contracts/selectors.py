"""Reads of contract review: one record for a user (404 for outsiders), its rows, the ledger."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .choices import ReviewStatus
from .models import ChangeNotice, ContractReview, DeliveryPlan


def review_get_for_user(user, pk: int) -> ContractReview:
    return get_object_or_404(ContractReview.objects.visible_to(user).select_related(
        "company", "customer", "contract", "owner", "created_by", "concluded_by", "approver", "approved_by"), pk=pk)


def notice_get_for_user(user, pk: int) -> ChangeNotice:
    return get_object_or_404(ChangeNotice.objects.visible_to(user).select_related(
        "company", "review", "review__customer", "owner"), pk=pk)


def review_rows(review: ContractReview) -> dict:
    return {
        "signoffs": list(review.signoffs.filter(change__isnull=True).select_related("answered_by")),
        "revisions": list(review.revisions.all()),
        "notices": list(review.notices.all()),
        "history": list(review.changes.select_related("actor")),
        "meetings": meetings_of(review),
    }


def _count(model_qs, field: str):
    return Coalesce(Subquery(model_qs.values(field).annotate(n=Count("pk")).values("n")[:1]), Value(0))


def ledger(qs):
    """The contract ledger (合同台账): accepted contracts and orders with their changes, and the shipments and
    complaints of the master contract they are linked to."""
    from kesu.complaints.models import Complaint
    from kesu.customers.models import Shipment

    return qs.filter(status=ReviewStatus.ACCEPTED).annotate(
        notice_count=Count("notices", distinct=True),
        shipment_count=_count(Shipment.objects.filter(contract_line__contract_id=OuterRef("contract_id"))
                              .exclude(Q(contract_line__isnull=True)), "contract_line__contract_id"),
        complaint_count=_count(Complaint.objects.filter(contract_id=OuterRef("contract_id")), "contract_id"),
    )


def plans_for(user):
    return DeliveryPlan.objects.visible_to(user).select_related("customer", "review", "owner").order_by("-id")


def plan_get_for_user(user, pk: int) -> DeliveryPlan:
    return get_object_or_404(DeliveryPlan.objects.visible_to(user).select_related(
        "company", "customer", "review", "owner", "outsourcer", "approved_by", "proposed_by"), pk=pk)


def outsourcers_for(user):
    """The approved-outsourcer list lines of the companies ``user`` sees, with the supplier and approver."""
    from .models import ApprovedOutsourcer

    return ApprovedOutsourcer.objects.visible_to(user).select_related("supplier", "approved_by", "company")


def outsourcer_get_for_user(user, pk: int):
    return get_object_or_404(outsourcers_for(user), pk=pk)


def meetings_of(review: ContractReview) -> list:
    return list(review.meetings.select_related("chaired_by", "recorded_by").prefetch_related("attendees"))


def meeting_get_for_user(user, pk: int):
    from .models import ReviewMeeting

    return get_object_or_404(ReviewMeeting.objects.visible_to(user).select_related(
        "review", "review__customer", "company", "chaired_by", "recorded_by").prefetch_related("attendees"), pk=pk)
