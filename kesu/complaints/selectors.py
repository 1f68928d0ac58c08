"""Reads for complaint handling: visibility, effective settings, deadline state, verification, repeats."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, router
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import OPEN_STATUSES, CustomerDecision, DeadlineState, VerificationResult
from .models import (
    OVERRIDABLE_DURATIONS,
    Complaint,
    ComplaintAttachment,
    ComplaintSettings,
    CustomerDeadlineOverride,
    Deadline,
    DeliveryVerification,
    DispositionLine,
    RemedyProposal,
)

LIST_RELATED = ("company", "customer", "part", "category", "owner", "department")
# What a list row shows (complaints/_rows.html: the related records by their __str__), and only that.
# The company too: a reader who sees several companies gets a company column (group_tags.company_of).
ROW_FIELDS = (
    "company", "number", "received_at", "severity", "priority", "warning_class", "status", "customer__code",
    "customer__short_name", "customer__name", "part__part_no", "part__name", "category__name", "owner__username",
    "owner__display_name", "owner__first_name", "owner__last_name",
)


def only_fields(qs: QuerySet[Complaint], fields) -> QuerySet[Complaint]:
    """``qs`` reading only ``fields`` (``relation__field`` joins the relation): a page of fifty rows or an export
    of 100,000 builds five model instances per row, and the fewer columns each has the less it costs."""
    related = sorted({name.split("__")[0] for name in fields if "__" in name})
    return qs.select_related(None).select_related(*related).only(*fields)


def list_rows(ids) -> QuerySet[Complaint]:
    """The list page's rows of ``ids`` (complaints the user's filtered list gave): their shown columns and deadline
    states, read by primary key (:class:`kesu.core.paging.IdFirstPaginator`)."""
    return only_fields(with_deadline_state(Complaint.objects.filter(pk__in=ids)), ROW_FIELDS)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Complaints the user may see, with what a list row shows already joined (no N+1)."""
    return Complaint.objects.visible_to(user).select_related(*LIST_RELATED)


def complaint_get_for_user(user, pk: int) -> Complaint:
    """One complaint for a page or endpoint; 404 (not 403) for another company's, so ids leak nothing."""
    # The rarer relations come by primary key in queries of their own: with them all joined (thirteen tables)
    # PostgreSQL hands the plan to its genetic optimizer, which took 30 ms for one row at a million complaints.
    return get_object_or_404(
        complaints_visible_to(user).prefetch_related("contact", "contract", "shipment", "responsible_department",
                                                     "responsible_supplier", "created_by"),
        pk=pk,
    )


def timeline_for(complaint: Complaint, *, include_internal: bool = True) -> QuerySet:
    """The complaint's timeline in order; the customer portal passes include_internal=False."""
    files = ComplaintAttachment.objects.order_by("uploaded_at", "id")
    if not include_internal:
        files = files.filter(internal=False)
    qs = complaint.timeline.select_related("actor").prefetch_related(Prefetch("attachments", queryset=files))
    qs = qs.order_by("at", "id")
    return qs if include_internal else qs.filter(internal=False)


@dataclass(frozen=True)
class EffectiveSettings:
    """Company settings with a customer's overrides applied (issue 3 §4); ``closure_target_days`` when the reader
    read the company's closure target with them (``intake_settings``)."""

    settings: ComplaintSettings
    values: dict
    closure_target_days: int | None = None

    def __getattr__(self, name: str):
        values = self.__dict__["values"]
        if name in values:
            return values[name]
        return getattr(self.__dict__["settings"], name)


def settings_for(company) -> ComplaintSettings:
    """The company's settings row, or unsaved defaults when it has none yet."""
    found = ComplaintSettings.objects.filter(company=company).first()
    return found or ComplaintSettings(company=company)


def effective_settings(company, customer=None, base: ComplaintSettings | None = None) -> EffectiveSettings:
    """The company's settings (``base`` when the caller has read them already) with ``customer``'s overrides."""
    base = settings_for(company) if base is None else base
    values = {name: getattr(base, name) for name in OVERRIDABLE_DURATIONS}
    if customer is not None:
        override = CustomerDeadlineOverride.objects.filter(customer=customer).first()
        if override is not None:
            for name in OVERRIDABLE_DURATIONS:
                value = getattr(override, name)
                if value is not None:
                    values[name] = value
    return EffectiveSettings(settings=base, values=values)


def intake_settings(company, customer=None) -> EffectiveSettings:
    """What a new complaint's number and first deadlines need, in one query (issue 24; three before): the company's
    settings (unsaved defaults when it has none), ``customer``'s agreed durations over them and the company's
    closure target (reports' settings)."""
    from kesu.accounts.models import Company
    from kesu.reports.models import ReportSettings

    quote = connections[router.db_for_read(ComplaintSettings)].ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    own = [f"s.{quote(field.column)}" for field in ComplaintSettings._meta.concrete_fields]
    agreed = [f"o.{column(CustomerDeadlineOverride, name)} AS {quote('agreed_' + name)}"
              for name in OVERRIDABLE_DURATIONS]
    target = f"r.{column(ReportSettings, 'closure_target_working_days')} AS {quote('closure_target')}"
    sql = (f"SELECT {', '.join([*own, *agreed, target])} FROM {table(Company)} c "  # noqa: S608 - names only
           f"LEFT JOIN {table(ComplaintSettings)} s ON s.{column(ComplaintSettings, 'company')} = c.{quote('id')} "
           f"LEFT JOIN {table(CustomerDeadlineOverride)} o ON o.{column(CustomerDeadlineOverride, 'customer')} = %s "
           f"LEFT JOIN {table(ReportSettings)} r ON r.{column(ReportSettings, 'company')} = c.{quote('id')} "
           f"WHERE c.{quote('id')} = %s")
    row = next(iter(ComplaintSettings.objects.raw(sql, [getattr(customer, "pk", None), company.pk])))
    base = row if row.pk is not None else ComplaintSettings(company=company)
    if row.pk is not None:
        base.company = company  # the caller's company, not read again
    values = {name: getattr(base, name) for name in OVERRIDABLE_DURATIONS}
    for name in OVERRIDABLE_DURATIONS:
        if getattr(row, f"agreed_{name}") is not None:
            values[name] = getattr(row, f"agreed_{name}")
    return EffectiveSettings(settings=base, values=values, closure_target_days=row.closure_target or 0)


def deadline_state(deadline: Deadline, now: datetime.datetime | None = None,
                   at_risk_fraction: Decimal | float = Decimal("0.25")) -> str:
    """due / at_risk / overdue for an open deadline; met or cancelled otherwise.

    At risk: less than ``at_risk_fraction`` of the deadline's whole span is left.
    """
    if deadline.cancelled_at is not None:
        return DeadlineState.CANCELLED
    if deadline.met_at is not None:
        return DeadlineState.MET
    return _open_state(deadline.started_at, deadline.due_at, now, at_risk_fraction)


def _open_state(started_at: datetime.datetime, due_at: datetime.datetime, now: datetime.datetime | None,
                at_risk_fraction: Decimal | float) -> str:
    """due / at_risk / overdue of an open deadline running from ``started_at`` to ``due_at``."""
    now = now or timezone.now()
    if now > due_at:
        return DeadlineState.OVERDUE
    span = (due_at - started_at).total_seconds()
    left = (due_at - now).total_seconds()
    if span <= 0 or left <= span * float(at_risk_fraction):
        return DeadlineState.AT_RISK
    return DeadlineState.DUE


_WORST = [DeadlineState.OVERDUE, DeadlineState.AT_RISK, DeadlineState.DUE]


def complaint_deadlines(complaint: Complaint, now: datetime.datetime | None = None) -> list[tuple[Deadline, str]]:
    """Every deadline of the complaint with its state, earliest first."""
    fraction = settings_for(complaint.company).at_risk_fraction
    now = now or timezone.now()
    return [(d, deadline_state(d, now, fraction)) for d in complaint.deadlines.order_by("due_at", "id")]


def complaint_deadline_state(complaint: Complaint, now: datetime.datetime | None = None) -> str | None:
    """The worst state among the open deadlines (None when nothing is pending)."""
    states = {state for _d, state in complaint_deadlines(complaint, now)}
    for state in _WORST:
        if state in states:
            return state
    return None


def overdue_deadlines(now: datetime.datetime | None = None) -> QuerySet[Deadline]:
    """Open deadlines past due on open complaints; the escalation job walks these."""
    now = now or timezone.now()
    return (
        Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True, due_at__lt=now,
                                complaint__status__in=OPEN_STATUSES)
        .select_related("complaint__company", "complaint__owner__department", "complaint__department__head")
        .order_by("due_at", "id")
    )


def pass_on_recipients(complaint: Complaint) -> list:
    """Who the salesperson passes a complaint on to within one working day (004 §6.1: "反馈给上级主管及销售内勤").

    The superior (上级主管) is the head of the owner's department (else the complaint's department) when that is
    not the owner, else the department's regional managers, else the company's sales directors; the sales
    assistants (销售内勤) are those of the same department, else of the company. Active people of the company only.
    """
    from kesu.accounts.models import User
    from kesu.accounts.roles import Role

    owner = complaint.owner
    department = (owner.department if owner is not None and owner.department_id else None) or complaint.department
    people = User.objects.filter(company_id=complaint.company_id, is_active=True).order_by("username")
    if owner is not None:
        people = people.exclude(pk=owner.pk)

    def holders(role: str, *, company_wide: bool) -> list:
        qs = people.filter(position__role=role)
        local = list(qs.filter(department=department)) if department is not None else []
        return local or (list(qs) if company_wide else [])

    head = department.head if department is not None and department.head_id else None
    if head is not None and head.is_active and (owner is None or head.pk != owner.pk):
        superiors = [head]
    else:
        superiors = (holders(Role.REGIONAL_MANAGER, company_wide=False)
                     or holders(Role.SALES_DIRECTOR, company_wide=True))
    assistants = holders(Role.SALES_ASSISTANT, company_wide=True)
    seen: set[int] = set()
    return [u for u in [*superiors, *assistants] if not (u.pk in seen or seen.add(u.pk))]


def _remedy_done_on(complaint: Complaint) -> datetime.date | None:
    if complaint.remedy_done_at is None:
        return None
    return timezone.localtime(complaint.remedy_done_at, complaint.company.tz).date()


def verified_delivery_count(complaint: Complaint) -> int:
    """OK verifications on later deliveries of the complaint's part to its customer (004 §5.2(3)).

    Only shipments that left after the (latest) remedy was carried out count, so a recurrence and a new remedy
    start the count again; deliveries are counted by delivery number (three lines of one delivery are one).
    """
    done_on = _remedy_done_on(complaint)
    if done_on is None or not complaint.part_id:
        return 0
    return (
        DeliveryVerification.objects.filter(
            complaint=complaint, result=VerificationResult.OK, shipment__customer_id=complaint.customer_id,
            shipment__part_id=complaint.part_id, shipment__ship_date__gt=done_on)
        .values("shipment__delivery_no").distinct().count()
    )


def recurrence_pending(complaint: Complaint) -> bool:
    """A not-OK verification recorded since the remedy was carried out (what a recurrence step needs)."""
    if complaint.remedy_done_at is None:
        return False
    return DeliveryVerification.objects.filter(complaint=complaint, result=VerificationResult.NOT_OK,
                                               recorded_at__gte=complaint.remedy_done_at).exists()


def verification_needed(complaint: Complaint) -> int:
    """How many OK later deliveries closing needs: 0 unless severe or major, else the (customer's) setting."""
    from .workflow import SERIOUS

    if complaint.severity not in SERIOUS:
        return 0
    return effective_settings(complaint.company, complaint.customer).verification_shipments


def delivery_verifications(complaint: Complaint) -> QuerySet[DeliveryVerification]:
    """The complaint's delivery verifications in order, with shipment and people joined."""
    return (complaint.delivery_verifications.select_related("shipment", "checked_by", "recorded_by")
            .order_by("checked_on", "id"))


def repeat_complaints(complaint: Complaint, days: int | None = None) -> QuerySet[Complaint]:
    """Earlier complaints of the same customer, part and category within the window (design §11: 180 days)."""
    if not (complaint.part_id and complaint.category_id):
        return Complaint.objects.none()
    if days is None:
        days = settings_for(complaint.company).repeat_window_days
    since = complaint.received_at - datetime.timedelta(days=days)
    return (
        Complaint.objects.filter(
            company_id=complaint.company_id, customer_id=complaint.customer_id, part_id=complaint.part_id,
            category_id=complaint.category_id, received_at__gte=since, received_at__lte=complaint.received_at,
        )
        .exclude(pk=complaint.pk)
        .order_by("-received_at")
    )


def is_repeat_complaint(complaint: Complaint) -> bool:
    return repeat_complaints(complaint).exists()


# -- lists: deadline state per row, my work, defect history ---------------------------------


def _open_deadlines():
    return Deadline.objects.filter(complaint=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True)


def with_deadline_state(qs: QuerySet[Complaint], now: datetime.datetime | None = None) -> QuerySet[Complaint]:
    """Each row with its earliest open deadline and whether any is overdue (subqueries, no query per row)."""
    now = now or timezone.now()
    earliest = _open_deadlines().order_by("due_at")
    fraction = ComplaintSettings.objects.filter(company_id=OuterRef("company_id")).values("at_risk_fraction")[:1]
    return qs.annotate(
        next_due_at=Subquery(earliest.values("due_at")[:1]),
        next_started_at=Subquery(earliest.values("started_at")[:1]),
        risk_fraction=Coalesce(Subquery(fraction), Value(Decimal("0.25"))),
        is_overdue=Exists(_open_deadlines().filter(due_at__lt=now)),
    )


def row_deadline_state(row: Complaint, now: datetime.datetime | None = None) -> str | None:
    """due / at_risk / overdue of a row annotated by ``with_deadline_state`` (None: nothing pending)."""
    if getattr(row, "is_overdue", False):
        return DeadlineState.OVERDUE
    if getattr(row, "next_due_at", None) is None:
        return None
    return _open_state(row.next_started_at, row.next_due_at, now, row.risk_fraction)


WORK_SCOPES = ("mine", "department")


def my_work(user, scope: str = "mine") -> QuerySet[Complaint]:
    """Open complaints the user (or the user's department) owns, overdue first, then by priority (issue 18 §11),
    then by the next due date."""
    qs = complaints_visible_to(user).filter(status__in=OPEN_STATUSES)
    if scope == "department":
        qs = qs.filter(department_id=user.department_id) if user.department_id else qs.none()
    else:
        qs = qs.filter(owner=user)
    return with_deadline_state(qs).order_by(F("is_overdue").desc(), "priority",
                                            F("next_due_at").asc(nulls_last=True), "received_at", "id")


def defect_history(user, *, customer=None, part=None) -> QuerySet[Complaint]:
    """The customer's complaint defect history (客诉不良履历表), for one customer and/or one part, oldest first.

    Rows carry what the paper register shows: accepted remedy and disposition lines come prefetched.
    """
    qs = complaints_visible_to(user).select_related("responsible_department", "responsible_supplier")
    condition = Q()
    if customer is not None:
        condition &= Q(customer=customer)
    if part is not None:
        condition &= Q(part=part)
    if not condition:
        return qs.none()
    accepted = RemedyProposal.objects.filter(customer_decision=CustomerDecision.ACCEPTED).order_by("round")
    return qs.filter(condition).prefetch_related(
        Prefetch("remedies", queryset=accepted, to_attr="accepted_remedies"),
        Prefetch("dispositions", queryset=DispositionLine.objects.order_by("id")),
    ).order_by("received_at", "id")


def defect_history_summary(qs: QuerySet[Complaint]) -> dict:
    """Totals over a defect history: complaints, defective quantity, by category (one aggregate query each)."""
    totals = qs.order_by().aggregate(complaints=Count("id"), defective=Sum("quantity_defective"))
    by_category = list(qs.order_by().values("category__name").annotate(n=Count("id")).order_by("-n"))
    return {**totals, "by_category": by_category}


def photos_of(user, complaint_ids) -> QuerySet:
    """The pictures (with a thumbnail) of those of ``complaint_ids`` the user may see, for pages that show
    the complaint's photos beside another record, such as the 8D report (issue 17 §8). One query."""
    from .models import ComplaintAttachment

    return (ComplaintAttachment.objects.filter(complaint__in=complaints_visible_to(user).filter(pk__in=complaint_ids))
            .exclude(thumbnail="").filter(content_type__startswith="image/").select_related("complaint").order_by("uploaded_at", "id"))
