"""Reading corrective actions: visibility, settings per customer, step states, effectiveness."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kesu.complaints.choices import DeadlineState
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import deadline_state
from kesu.complaints.selectors import settings_for as complaint_settings_for
from kesu.customers.models import Shipment

from .choices import OPEN_STATUSES, STEPS_BY_FORMAT, ActionFormat, ActionStatus
from .models import (
    ActionChange,
    ActionItem,
    ActionLink,
    ActionStep,
    CapaSettings,
    ContainmentRow,
    CorrectiveAction,
    CustomerCapaRule,
    NonconformingReport,
    TeamMember,
    WhyRow,
)


def capa_settings_for(company) -> CapaSettings:
    obj, _created = CapaSettings.objects.get_or_create(company=company)
    return obj


@dataclass
class Rules:
    """The company's settings with the customer's rule applied (format, step days, effectiveness)."""

    format: str
    step_days: dict[str, int]
    effectiveness_shipments: int
    approval_days: int


def rules_for(company, customer=None) -> Rules:
    cfg = capa_settings_for(company)
    rule = CustomerCapaRule.objects.filter(customer=customer).first() if customer is not None else None
    fmt = (rule.format if rule and rule.format else cfg.default_format)
    days = {step: cfg.days_for(step) for steps in STEPS_BY_FORMAT.values() for step in steps}
    if rule:
        days.update(rule.step_days or {})
    shipments = rule.effectiveness_shipments if rule and rule.effectiveness_shipments is not None \
        else cfg.effectiveness_shipments
    return Rules(format=fmt, step_days=days, effectiveness_shipments=shipments, approval_days=cfg.approval_days)


def actions_visible_to(user) -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.visible_to(user)


def action_list(user) -> QuerySet[CorrectiveAction]:
    """The list's rows with what each row shows, in a fixed number of queries."""
    overdue = ActionStep.objects.filter(action=OuterRef("pk"), done_at__isnull=True, due_at__lt=timezone.now())
    return (actions_visible_to(user)
            .select_related("customer", "responsible_department", "owner", "company")
            .annotate(has_overdue=Exists(overdue)))


def action_get_for_user(user, pk: int) -> CorrectiveAction:
    """One action with everything its page shows (404 outside the user's companies)."""
    qs = actions_visible_to(user).select_related(
        "customer", "category", "responsible_department", "owner", "qa_owner", "raised_by", "approved_by",
        "verified_by", "company",
    ).prefetch_related(
        "parts",
        Prefetch("steps", queryset=ActionStep.objects.select_related("owner").order_by("due_at", "id")),
        Prefetch("team", queryset=TeamMember.objects.select_related("user", "department")),
        Prefetch("containment", queryset=ContainmentRow.objects.all()),
        Prefetch("whys", queryset=WhyRow.objects.all()),
        Prefetch("items", queryset=ActionItem.objects.select_related("owner")),
        Prefetch("links", queryset=ActionLink.objects.order_by("linked_at", "id")),
        Prefetch("changes", queryset=ActionChange.objects.select_related("actor")),
        Prefetch("ncrs", queryset=NonconformingReport.objects.select_related("responsible_department")),
    )
    return get_object_or_404(qs, pk=pk)


def step_state(step: ActionStep, action: CorrectiveAction, now: datetime.datetime | None = None,
               fraction: float | None = None) -> str:
    """due / at risk / overdue / met of one step, counted like complaint deadlines (``fraction``: the company's
    at-risk fraction when the caller has read it)."""
    if action.status not in OPEN_STATUSES and step.done_at is None:
        return DeadlineState.CANCELLED
    if fraction is None:
        fraction = complaint_settings_for(action.company).at_risk_fraction
    view = SimpleNamespace(cancelled_at=None, met_at=step.done_at, due_at=step.due_at, started_at=action.raised_at)
    return deadline_state(view, now, fraction)


def steps_with_state(action: CorrectiveAction, now: datetime.datetime | None = None) -> list[tuple[ActionStep, str]]:
    order = {s: i for i, s in enumerate(STEPS_BY_FORMAT[ActionFormat(action.format)])}
    steps = sorted(action.steps.all(), key=lambda s: order.get(s.step, 99))
    fraction = complaint_settings_for(action.company).at_risk_fraction  # once, not once a step
    return [(s, step_state(s, action, now, fraction)) for s in steps]


def overdue_steps(now: datetime.datetime | None = None) -> QuerySet[ActionStep]:
    now = now or timezone.now()
    return (ActionStep.objects.filter(done_at__isnull=True, due_at__lt=now, action__status__in=OPEN_STATUSES)
            .select_related("action", "action__company", "action__responsible_department__head", "owner",
                            "owner__department__head")
            .order_by("due_at", "id"))


@dataclass
class Effectiveness:
    """The effectiveness check on later shipments (issue 4 §4)."""

    needed: int
    shipments: int = 0
    recurrences: list[str] = field(default_factory=list)
    since: datetime.datetime | None = None

    @property
    def passed(self) -> bool:
        return not self.recurrences and self.shipments >= self.needed


def effectiveness(action: CorrectiveAction) -> Effectiveness | None:
    """Later shipments of the affected parts to the customer, and new complaints of the same part and category.

    None when there is nothing to count on (no customer or no affected part): QA records other evidence.
    """
    result = Effectiveness(needed=action.effectiveness_shipments, since=action.verified_at)
    part_ids = [p.pk for p in action.parts.all()]
    if action.customer_id is None or not part_ids or action.verified_at is None:
        return None
    since_day = timezone.localtime(action.verified_at, action.company.tz).date()
    result.shipments = (Shipment.objects.filter(company_id=action.company_id, customer_id=action.customer_id,
                                                part_id__in=part_ids, ship_date__gt=since_day)
                        .values("delivery_no").distinct().count())
    recurred = Complaint.objects.filter(company_id=action.company_id, customer_id=action.customer_id,
                                        part_id__in=part_ids, received_at__gt=action.verified_at)
    if action.category_id:
        recurred = recurred.filter(category_id=action.category_id)
    result.recurrences = list(recurred.order_by("received_at").values_list("number", flat=True)[:10])
    return result


def links_to(obj) -> QuerySet[ActionLink]:
    """The actions raised from (or shared by) a record, e.g. a complaint."""
    ct = ContentType.objects.get_for_model(type(obj))
    return ActionLink.objects.filter(content_type=ct, object_id=obj.pk).select_related("action")


def actions_for_source(obj, user) -> QuerySet[CorrectiveAction]:
    ct = ContentType.objects.get_for_model(type(obj))
    return actions_visible_to(user).filter(links__content_type=ct, links__object_id=obj.pk).distinct()


def ncrs_visible_to(user) -> QuerySet[NonconformingReport]:
    return NonconformingReport.objects.visible_to(user)


def ncr_changes(ncr: NonconformingReport) -> list:
    """The report's history (its ``NcrChange`` rows, oldest first) with who took each step."""
    return list(ncr.changes.select_related("actor").order_by("at", "id"))


def my_actions(user) -> QuerySet[CorrectiveAction]:
    """Open actions the user owns, is QA engineer of, or works on; the oldest first."""
    from django.db.models import Q

    return (action_list(user).filter(status__in=[s for s in ActionStatus.values if s in OPEN_STATUSES])
            .filter(Q(owner=user) | Q(qa_owner=user) | Q(team__user=user) | Q(steps__owner=user,
                                                                                    steps__done_at__isnull=True))
            .distinct().order_by("raised_at"))
