"""The departments' monthly reports (seed 001 §5.1.2; design §8; issue 7 §5): drafted from the data, written,
submitted by the 8th, approved or returned by the general manager, with a reminder before the due day.

- the marketing department's management analysis (《营销管理分析报告》): contracts signed in the month and the
  same month a year before, per currency and kind; the product mix shipped; on-time delivery; extra freight;
  complaints received;
- after-sales' feedback analysis (《售后反馈分析报告》): complaints received and closed, the repair rate, the
  first-time fix rate, the top quality problems (categories and defects) and the open corrective actions.

Figures are computed with one aggregate query per measure (never one per row) and kept in ``figures`` as
JSON-safe values (decimals as strings, "n/a" as null). They are refreshed while the report is a draft or
returned and frozen once it is submitted, so what the general manager approves is what the department saw.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Company, Department, DepartmentKind
from kesu.core.context import acting_as
from kesu.core.services import actor_or_none
from kesu.core.workflow import run_transition

from ..analyses import Scope, add_months, breakdown, first_of_month, month_end
from ..choices import ReportKind, ReportStatus
from ..models import DepartmentReport, ReportChange
from ..selectors import report_settings_for, report_settings_map
from ..workflow import INPUT_LABELS, next_roles, table_for, writers_of

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
EDIT_FIELDS = ("analysis", "proposals")
PRODUCT_MIX_TOP = 10
PROBLEMS_TOP = 5
CENT = Decimal("0.01")
# Which department writes each report: the first department of these kinds (by code) in the company.
DEPARTMENT_KINDS = {
    ReportKind.MARKETING: (DepartmentKind.SALES,),
    ReportKind.AFTER_SALES: (DepartmentKind.AFTER_SALES, DepartmentKind.QA),
}


# -- months -------------------------------------------------------------------------------------------------


def due_on_for(month: datetime.date, due_day: int) -> datetime.date:
    """A month's report is due on ``due_day`` of the following month (seed 001 §5.1.2: by the 8th)."""
    return add_months(month, 1).replace(day=due_day)


def parse_month(value: Any) -> datetime.date:
    """``2026-03``, ``2026-03-01`` or a date → the first of that month; ValidationError otherwise."""
    if isinstance(value, datetime.date):
        return first_of_month(value)
    text = str(value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d"):
        try:
            return first_of_month(datetime.datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    raise ValidationError({"month": _("Give the month as YYYY-MM.")})


def _local_today(company: Company) -> datetime.date:
    return timezone.localtime(timezone.now(), company.tz).date()


# -- figures ------------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A figure as JSON keeps it: decimals as strings, None stays None ("n/a")."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def _money(value: Any) -> str:
    return str(Decimal(value or 0).quantize(CENT))


def _percent(part: int, whole: int) -> str | None:
    from kesu.surveys.indicators import percent_of

    return _plain(percent_of(part, whole))


def _contracts(company: Company, month: datetime.date) -> dict[str, Any]:
    """Contracts signed in the month and in the same month a year before, per currency and kind (one query).

    Amounts are ``quantity × unit price`` of the contracts' lines, per currency (Kesu converts nothing here:
    contracts are kept in the currency they were signed in). Drafts are not signed; cancelled contracts are
    counted apart as changes and left out of the totals.
    """
    from kesu.customers.choices import ContractStatus
    from kesu.customers.models import Contract

    last_year = add_months(month, -12)
    this = Q(signed_on__gte=month, signed_on__lte=month_end(month))
    before = Q(signed_on__gte=last_year, signed_on__lte=month_end(last_year))
    cancelled = Q(status=ContractStatus.CANCELLED)
    live = ~cancelled
    amount = ExpressionWrapper(F("lines__quantity") * F("lines__unit_price"),
                               output_field=DecimalField(max_digits=28, decimal_places=4))
    rows = (Contract.objects.filter(company=company).exclude(status=ContractStatus.DRAFT).filter(this | before)
            .order_by().values("currency", "kind")
            .annotate(count=Count("id", distinct=True, filter=this & live),
                      amount=Sum(amount, filter=this & live),
                      unpriced=Count("lines", filter=this & live & Q(lines__unit_price__isnull=True)),
                      cancelled=Count("id", distinct=True, filter=this & cancelled),
                      count_last_year=Count("id", distinct=True, filter=before & live),
                      amount_last_year=Sum(amount, filter=before & live)))
    currencies: dict[str, dict[str, Any]] = {}
    kinds: dict[str, int] = defaultdict(int)
    totals = {"count": 0, "count_last_year": 0, "cancelled": 0, "unpriced_lines": 0}
    for row in rows:
        entry = currencies.setdefault(row["currency"], {"currency": row["currency"], "count": 0,
                                                        "amount": Decimal(0), "count_last_year": 0,
                                                        "amount_last_year": Decimal(0)})
        entry["count"] += row["count"]
        entry["amount"] += Decimal(row["amount"] or 0)
        entry["count_last_year"] += row["count_last_year"]
        entry["amount_last_year"] += Decimal(row["amount_last_year"] or 0)
        if row["count"]:
            kinds[row["kind"]] += row["count"]
        totals["count"] += row["count"]
        totals["count_last_year"] += row["count_last_year"]
        totals["cancelled"] += row["cancelled"]
        totals["unpriced_lines"] += row["unpriced"]
    by_currency = []
    for code in sorted(currencies):
        entry = currencies[code]
        if not (entry["count"] or entry["count_last_year"]):
            continue
        by_currency.append({**entry, "amount": _money(entry["amount"]),
                            "amount_last_year": _money(entry["amount_last_year"])})
    return {**totals, "by_currency": by_currency,
            "by_kind": [{"kind": kind, "count": count} for kind, count in sorted(kinds.items(),
                                                                                 key=lambda i: (-i[1], i[0]))]}


def _product_mix(company: Company, month: datetime.date) -> dict[str, Any]:
    """Quantity shipped in the month per part, largest first: the top ten and the rest summed (one query)."""
    from kesu.customers.models import Shipment

    rows = sorted(
        Shipment.objects.filter(company=company, ship_date__gte=month, ship_date__lte=month_end(month))
        .order_by().values("part_id", "part__part_no", "part__name")
        .annotate(quantity=Sum("quantity"), lines=Count("id")),
        key=lambda r: (-r["quantity"], r["part__part_no"]))
    total = sum(r["quantity"] for r in rows)
    shown = [{"part_id": r["part_id"], "part": f"{r['part__part_no']} {r['part__name']}", "quantity": r["quantity"],
              "lines": r["lines"], "share": _percent(r["quantity"], total)} for r in rows[:PRODUCT_MIX_TOP]]
    rest = rows[PRODUCT_MIX_TOP:]
    others = None
    if rest:
        quantity = sum(r["quantity"] for r in rest)
        others = {"parts": len(rest), "quantity": quantity, "lines": sum(r["lines"] for r in rest),
                  "share": _percent(quantity, total)}
    return {"total_quantity": total, "parts": len(rows), "rows": shown, "others": others}


def marketing_figures(company: Company, month: datetime.date) -> dict[str, Any]:
    """The marketing management analysis's figures for one company and month (nine queries)."""
    from kesu.surveys.indicators import customer_indicators

    date_to = month_end(month)
    total = customer_indicators([company.pk], month, date_to).total
    scope = Scope(company_ids=(company.pk,), date_from=month, date_to=date_to)
    return {
        "period": {"from": month.isoformat(), "to": date_to.isoformat()},
        "contracts": _contracts(company, month),
        "product_mix": _product_mix(company, month),
        "delivery": {"shipped_quantity": total.shipped_quantity, "shipment_lines": total.shipment_lines,
                     "lines_due": total.lines_due, "lines_on_time": total.lines_on_time,
                     "on_time_percent": _plain(total.on_time_percent)},
        "extra_freight": {"lines": total.extra_freight_lines,
                          "cost": [{"currency": code, "amount": _money(amount)}
                                   for code, amount in sorted(total.extra_freight_cost.items())]},
        "complaints": {"received": total.complaints, "query": scope.query()},
    }


def _complaint_counts(company: Company, month: datetime.date) -> dict[str, int]:
    """Complaints received in the month and how many of them had a repair; complaints closed in the month
    and how many of them were never reopened (one query, month boundaries in the company's time zone)."""
    from kesu.complaints.choices import DispositionKind, Status
    from kesu.complaints.models import Complaint, DispositionLine
    from kesu.surveys.indicators import NOT_COUNTED_STATUSES, received_in

    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=company.tz)
    end = datetime.datetime.combine(add_months(month, 1), datetime.time.min, tzinfo=company.tz)
    received = received_in([company.pk], {company.time_zone: [company.pk]}, month, month_end(month))
    closed = Q(company_id=company.pk, status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    repair = DispositionLine.objects.filter(
        complaint=OuterRef("pk"), kind__in=(DispositionKind.REPAIR, DispositionKind.ONSITE_REPAIR))
    row = (Complaint.objects.filter(received | closed).exclude(status__in=NOT_COUNTED_STATUSES).order_by()
           .aggregate(received=Count("id", filter=received), repaired=Count("id", filter=received & Exists(repair)),
                      closed=Count("id", filter=closed), first_time=Count("id", filter=closed & Q(reopen_count=0))))
    return {key: value or 0 for key, value in row.items()}


def _problems(scope: Scope, by: str) -> dict[str, Any]:
    result = breakdown(scope, by, limit=PROBLEMS_TOP)
    rows = [{"key": row.key, "label": "" if row.key is None else row.label, "count": row.count,
             "defective": row.defective, "share": _plain(row.share), "query": row.query} for row in result.rows]
    others = None
    if result.others is not None:
        others = {"count": result.others.count, "defective": result.others.defective,
                  "share": _plain(result.others.share)}
    return {"total": result.total, "rows": rows, "others": others}


def after_sales_figures(company: Company, month: datetime.date) -> dict[str, Any]:
    """The after-sales feedback analysis's figures for one company and month (six queries)."""
    from kesu.service.figures import job_figures

    from ..kpis import actions_at, end_instant

    date_to = month_end(month)
    scope = Scope(company_ids=(company.pk,), date_from=month, date_to=date_to)
    counts = _complaint_counts(company, month)
    open_actions, overdue_actions = actions_at(company, end_instant(company, date_to))
    return {
        "period": {"from": month.isoformat(), "to": date_to.isoformat()},
        "complaints": {"received": counts["received"], "closed": counts["closed"], "query": scope.query()},
        # Seed 001 §5.1.2 b): 产品维修率 and 维修一次成功率 from the after-sales service jobs (kesu.service.figures).
        **job_figures(company.pk, month, date_to),
        "categories": _problems(scope, "category"),
        "defects": _problems(scope, "defect"),
        "actions": {"open": open_actions, "overdue": overdue_actions},
    }


def figures_for(company: Company, kind: str, month: datetime.date) -> dict[str, Any]:
    """The report's figures computed now from the records."""
    if kind == ReportKind.MARKETING:
        return marketing_figures(company, month)
    return after_sales_figures(company, month)


# -- access -------------------------------------------------------------------------------------------------


def _require_writer(actor, company_id: int, kind: str) -> None:
    if actor is None:
        return  # the worker drafts with its own checks
    if not (actor.is_superuser or company_id in actor.visible_company_ids()):
        raise PermissionDenied
    if not actor.has_role(*writers_of(kind)):
        raise PermissionDenied(_("Your role does not write this report."))


def may_write(user, report: DepartmentReport) -> bool:
    """Whether the user may change the report's text and refresh its figures now."""
    return report.status in EDITABLE and (user.is_superuser or user.has_role(*writers_of(report.kind)))


def _department(company: Company, kind: str) -> Department | None:
    kinds = DEPARTMENT_KINDS[ReportKind(kind)]
    found: dict[str, Department] = {}
    for department in Department.objects.filter(company=company, kind__in=kinds).order_by("code"):
        found.setdefault(department.kind, department)
    return next((found[k] for k in kinds if k in found), None)


# -- writes -------------------------------------------------------------------------------------------------


def department_report_draft(*, company: Company, kind: str, month: Any, actor=None,
                            source: str = "web") -> DepartmentReport:
    """The month's report of ``kind``: created from the data the first time, its figures refreshed while it is
    a draft or returned, returned unchanged once submitted. Due on the company's due day (the 8th) of the
    following month. Safe to call twice at once: the (company, kind, month) row is unique."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the marketing or the after-sales report.")})
    month = parse_month(month)
    _require_writer(actor, company.pk, kind)
    if month > first_of_month(_local_today(company)):
        raise ValidationError({"month": _("A month that has not begun has no report yet.")})
    existing = DepartmentReport.objects.filter(company=company, kind=kind, month=month).first()
    if existing is not None and existing.status not in EDITABLE:
        return existing
    figures = figures_for(company, kind, month)
    now = timezone.now()
    with acting_as(actor, source):
        try:
            with transaction.atomic():
                report = DepartmentReport.objects.select_for_update().filter(
                    company=company, kind=kind, month=month).first()
                if report is None:
                    report = DepartmentReport.objects.create(
                        company=company, kind=kind, month=month, department=_department(company, kind),
                        due_on=due_on_for(month, report_settings_for(company).report_due_day), figures=figures,
                        drafted_at=now)
                    ReportChange.write(report, name="draft", old="", new=ReportStatus.DRAFT,
                                       actor=actor_or_none(actor), at=now)
                elif report.status in EDITABLE:
                    # The figures are the system's, not the writer's: refreshing them leaves the version alone,
                    # so a writer's open edit form is not made stale by a refresh.
                    report.figures, report.drafted_at = figures, now
                    report.save(update_fields=["figures", "drafted_at", "updated_at"])
        except IntegrityError:  # drafted by someone else at the same moment
            report = DepartmentReport.objects.get(company=company, kind=kind, month=month)
    return report


def department_report_update(*, actor, report: DepartmentReport, data: dict[str, Any],
                             expected_version: int | None = None, source: str = "web") -> DepartmentReport:
    """The department's written analysis and improvement proposals, while the report is a draft or returned."""
    _require_writer(actor, report.company_id, report.kind)
    unknown = sorted(set(data) - set(EDIT_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    with acting_as(actor, source), transaction.atomic():
        locked = DepartmentReport.objects.select_for_update().select_related("company").get(pk=report.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError({"version": _("Someone else changed this report meanwhile; reload it and try "
                                                "again.")})
        if locked.status not in EDITABLE:
            raise ValidationError({"status": _("The report cannot be changed while it is “%(status)s”.") % {
                "status": locked.get_status_display()}})
        for name, value in data.items():
            setattr(locked, name, (value or "").strip())
        try:
            locked.full_clean(exclude=["company", "department", "submitted_by", "approved_by"],
                              validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        locked.version += 1
        locked.save()
    return locked


def _label(name: str) -> str:
    return str(INPUT_LABELS.get(name) or DepartmentReport._meta.get_field(name).verbose_name)


def _effects(actor):
    person = actor_or_none(actor)

    def apply(report: DepartmentReport, row, inputs: dict[str, Any], now) -> None:
        if row.name == "submit":
            report.submitted_by, report.submitted_at = person, now
            report.return_reason = ""
        elif row.name == "approve":
            report.approved_by, report.approved_at = person, now
        elif row.name == "return":
            report.return_reason = str(inputs["reason"]).strip()
            report.approved_by = report.approved_at = None
    return apply


def _announce(actor):
    def announce(report: DepartmentReport, row, old: str, note: str, now) -> None:
        transaction.on_commit(lambda: _announce_step(report, row.name, row.target, actor, note))
    return announce


def department_report_transition(*, actor, report: DepartmentReport, action: str,
                                 inputs: dict[str, Any] | None = None, expected_version: int | None = None,
                                 source: str = "web") -> DepartmentReport:
    """Submit, approve or return the report (``workflow.TABLES``); the only way its status changes."""
    return run_transition(table=table_for(report), obj=report, name=action, actor=actor, inputs=dict(inputs or {}),
                          noun=DepartmentReport._meta.verbose_name, label_of=_label, effects=_effects(actor),
                          changes=ReportChange, announce=_announce(actor),
                          expected_version=expected_version, source=source)


# -- notifications (after commit) -----------------------------------------------------------------------------


def _link(report: DepartmentReport) -> str:
    return reverse("reports:department_detail", args=[report.pk])


def _name(report: DepartmentReport) -> str:
    return _("%(report)s %(month)s") % {"report": report.get_kind_display(), "month": f"{report.month:%Y-%m}"}


def _announce_step(report: DepartmentReport, action: str, status: str, actor, note: str) -> None:
    from kesu.notifications.choices import Event
    from kesu.notifications.services import notify

    if action == "submit":
        notify(event=Event.REPORT_SUBMITTED, company=report.company,
               context={"owner": None, "creator": report.submitted_by, "department": report.department,
                        "record": report, "next_roles": next_roles(report, status)},
               actor=actor, link=_link(report),
               message=lambda: (_("Submitted for approval: %(report)s") % {"report": _name(report)}, note))
        return
    notify(event=Event.REPORT_DECIDED, company=report.company,
           context={"owner": None, "creator": report.submitted_by, "department": report.department,
                    "record": report, "next_roles": next_roles(report, status)},
           actor=actor, link=_link(report),
           message=lambda: (_("%(report)s is now “%(status)s”") % {
               "report": _name(report), "status": report.get_status_display()}, note))


def _announce_due(report: DepartmentReport) -> None:
    from kesu.notifications.choices import Event
    from kesu.notifications.services import notify

    notify(event=Event.REPORT_DUE, company=report.company,
           context={"owner": None, "creator": None, "department": report.department, "record": report,
                    "next_roles": next_roles(report, report.status)},
           link=_link(report),
           message=lambda: (_("Due on %(due)s: %(report)s") % {"due": report.due_on.isoformat(),
                                                               "report": _name(report)},
                            _("Write the department's analysis and submit the report by %(due)s.") % {
                                "due": report.due_on.isoformat()}))


# -- the worker's job ---------------------------------------------------------------------------------------


def department_reports_prepare(today: datetime.date | None = None) -> dict[str, int]:
    """For every active company: draft last month's two reports if missing, and remind the writers of every
    report not yet submitted once ``today`` is within ``report_remind_days`` of its due day — once per report
    (``reminded_at`` is claimed with a compare-and-set, so two workers never remind twice). Idempotent."""
    companies = list(Company.objects.filter(is_active=True).order_by("pk"))
    settings = report_settings_map(c.pk for c in companies)
    drafted = reminded = 0
    for company in companies:
        local_today = today or _local_today(company)
        month = add_months(first_of_month(local_today), -1)
        have = set(DepartmentReport.objects.filter(company=company, month=month).values_list("kind", flat=True))
        for kind in ReportKind:
            if kind.value not in have:
                department_report_draft(company=company, kind=kind, month=month, source="worker")
                drafted += 1
        horizon = local_today + datetime.timedelta(days=settings[company.pk].report_remind_days)
        due = (DepartmentReport.objects.filter(company=company, status__in=EDITABLE, reminded_at__isnull=True,
                                               due_on__lte=horizon)
               .select_related("company", "department__head").order_by("due_on", "pk"))
        for report in due:
            with transaction.atomic():
                claimed = DepartmentReport.objects.filter(pk=report.pk, reminded_at__isnull=True).update(
                    reminded_at=timezone.now())
                if claimed:
                    transaction.on_commit(lambda report=report: _announce_due(report))
                    reminded += 1
    return {"drafted": drafted, "reminded": reminded}
