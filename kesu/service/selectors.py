"""Reading customer service records (every read with its relations; access decided by ``visible_to``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Visit


def visits_visible_to(user) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related(
        "customer", "visited_by", "complaint", "finding_complaint", "finding_action")


def visit_get_for_user(user, pk: int) -> Visit:
    """The visit, or 404 for a user of another company (outsiders never learn it exists)."""
    return get_object_or_404(visits_visible_to(user).prefetch_related("contacts"), pk=pk)


def visits_of_customer(customer) -> QuerySet[Visit]:
    return Visit.objects.filter(customer=customer).select_related("visited_by").order_by("-visited_on", "-id")


def visits_of_complaint(complaint) -> QuerySet[Visit]:
    """Visits that raised the complaint from a finding or that followed it up after its closure."""
    from django.db.models import Q

    return Visit.objects.filter(Q(complaint=complaint) | Q(finding_complaint=complaint)).select_related(
        "visited_by").order_by("-visited_on", "-id")
