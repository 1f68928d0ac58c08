"""What customer service waits for (issue 21 §7).

A draft plan waits for whoever prepared it to submit it; a submitted plan for the sales head's approval (seed 002
§5.2.1). An approved plan's planned visit (★) whose month has begun and that has no visit record in that month yet
(☆) waits for the customer's salesperson, due at the month's end.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import MarkKind, PlanStatus, QualityReportStatus
from .models import PlanMark, QualityReport, ServicePlan, Visit
from .permissions import GM, PLANNERS, REPORT_BACK, SALES_HEAD, VISITORS


def _plan_url(row) -> str:
    return reverse("service:plan_detail", args=[row.pk])


def _plan_name(row) -> str:
    return str(row)


work.register(work.Source(
    module="service", label=_("Customer service"), model=ServicePlan,
    open=Q(status__in=(PlanStatus.DRAFT, PlanStatus.SUBMITTED)), url=_plan_url, number=_plan_name, customer=None,
    steps=(
        work.Step("submit", _("Submit the service plan"), PLANNERS, Q(status=PlanStatus.DRAFT),
                  assignee="prepared_by"),
        work.Step("approve", _("Approve the service plan"), SALES_HEAD, Q(status=PlanStatus.SUBMITTED)),
    ),
))

VISITED = Exists(Visit.objects.filter(customer=OuterRef("customer"), visited_on__gte=OuterRef("starts_on"),
                                      visited_on__lte=OuterRef("due_on")))
DUE_VISIT = Q(kind=MarkKind.VISIT, plan__status=PlanStatus.APPROVED, starts_on__lte=Now()) & ~Q(VISITED)


def _mark_url(row) -> str:
    return reverse("service:visit_create") + f"?customer={row.customer_id}"


def _mark_name(row) -> str:
    return f"{row.plan.year}-{row.month:02d}"


work.register(work.Source(
    module="service", label=_("Customer service"), model=PlanMark, open=DUE_VISIT, url=_mark_url,
    number=_mark_name, related=("plan",),
    steps=(
        work.Step("make_visit", _("Make the planned visit"), VISITORS, DUE_VISIT, assignee="salesperson",
                  due=work.end_of_day("due_on")),
    ),
))


def _report_url(row) -> str:
    return reverse("service:quality_detail", args=[row.pk])


work.register(work.Source(
    module="service", label=_("Customer service"), model=QualityReport,
    open=Q(status__in=(QualityReportStatus.SENT, QualityReportStatus.ANALYSED)), url=_report_url, number=_plan_name,
    customer=None,
    steps=(
        work.Step("analyse", _("Record the cause analysis of the quality report"), GM,
                  Q(status=QualityReportStatus.SENT)),
        work.Step("report_back", _("Report the result to the customers"), REPORT_BACK,
                  Q(status=QualityReportStatus.ANALYSED)),
    ),
))
