"""The KPI dashboard's indicators for one company and period, against the year's targets (issue 7 §4).

Definitions are design §11's, computed by :func:`kesu.surveys.indicators.customer_indicators` (PPM, on-time
delivery, extra freight, return rate, churn, complaints) plus:

- complaints per million parts = complaints received ÷ quantity shipped × 1,000,000;
- claims = net cost (costs − recoveries) in the base currency of the quality cost ledger's entries that
  belong to a customer claim, booked for the period; quality cost = net cost of every entry of the period;
- satisfaction score = the mean score of the survey answers received in the period (0–100), the post-closure
  surveys left out;
- complaint handling satisfaction = the mean score of the post-closure survey answers received in the period
  (0–100; ISO 10002 §8.5, :func:`kesu.surveys.complaint_survey.complaint_handling_satisfaction`);
- open corrective actions = raised before the end of the period and not closed by then (cancelled ones are
  left out); overdue = those of them with a step past due and not done by then (for the current period:
  now).

A month's values are kept in a :class:`~kesu.reports.models.MonthlySnapshot` once the month is over (the
worker's monthly snapshot), so the dashboard's trend reads twelve rows instead of recomputing twelve months.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Exists, OuterRef, Q
from django.utils import timezone

from kesu.surveys.indicators import indicator_totals, ppm_of

from .analyses import Scope, add_months, first_of_month, month_end
from .choices import HIGHER_IS_BETTER, Kpi
from .rollups import tally
from .selectors import snapshots_for, targets_for

MONEY_KPIS = frozenset({Kpi.CLAIMS_AMOUNT, Kpi.QUALITY_COST})
# Quantities that add up over the year: a year's target is an allowance, cut to the part of the year compared.
CUMULATIVE_KPIS = frozenset({Kpi.COMPLAINTS, Kpi.EXTRA_FREIGHT_LINES, Kpi.EXTRA_FREIGHT_COST, Kpi.CLAIMS_AMOUNT,
                             Kpi.QUALITY_COST})
CENT = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def end_instant(company, date_to: datetime.date) -> datetime.datetime:
    """Midnight after ``date_to`` in the company's time zone, or now if that is still to come."""
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=company.tz)
    return min(end, timezone.now())


def _freight_in_base(company, costs: dict[str, Decimal], on: datetime.date) -> Decimal | None:
    """Extra freight summed in the ledger's base currency; None when a currency has no recorded rate."""
    from kesu.claims.selectors import rate_for

    total = Decimal(0)
    for currency, amount in costs.items():
        rate = rate_for(company, currency, on)
        if rate is None:
            return None
        total += amount * rate
    return total


def _ledger(company, date_from: datetime.date, date_to: datetime.date) -> tuple[Decimal, Decimal]:
    """(claims net, all net) of the quality cost ledger for the period, in the base currency (one query)."""
    from kesu.claims.models import CostEntry
    from kesu.claims.selectors import ledger_totals

    qs = CostEntry.objects.filter(company=company, period__gte=first_of_month(date_from), period__lte=date_to)
    claims = ledger_totals(qs.filter(claim__isnull=False))
    return claims["net"], ledger_totals(qs)["net"]


def actions_at(company, at: datetime.datetime) -> tuple[int, int]:
    """(open, overdue) corrective actions of the company at the instant ``at`` (one query)."""
    from django.db.models import Count

    from kesu.capa.choices import ActionStatus
    from kesu.capa.models import ActionStep, CorrectiveAction

    late_step = ActionStep.objects.filter(action=OuterRef("pk"), due_at__lt=at).filter(
        Q(done_at__isnull=True) | Q(done_at__gt=at))
    row = (CorrectiveAction.objects.filter(company=company, raised_at__lt=at)
           .exclude(status=ActionStatus.CANCELLED)
           .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=at))
           .aggregate(open=Count("id"), overdue=Count("id", filter=Exists(late_step))))
    return row["open"], row["overdue"]


def complaint_figures(company, date_from: datetime.date, date_to: datetime.date) -> dict[str, int]:
    """The period's complaints, our defective quantity and the quantity returned, in total: from the monthly
    rollup by category where it is built (:mod:`.rollups`; a few rows a month, where the customer indicators'
    own count reads a row per customer)."""
    # Without grouping the tally always has its one row (of zeros when nothing was received).
    row = tally(Scope(company_ids=(company.pk,), date_from=date_from, date_to=date_to), (),
                ("complaints", "defective", "returned"))[()]
    return {"complaints": row["complaints"], "defective_quantity": row["defective"],
            "returned_quantity": row["returned"]}


def kpi_values(company, date_from: datetime.date, date_to: datetime.date) -> dict[str, Decimal | None]:
    """Every indicator of :class:`Kpi` for one company and period; None where it is "n/a" (design §11)."""
    from kesu.surveys.choices import CampaignKind
    from kesu.surveys.complaint_survey import complaint_handling_satisfaction
    from kesu.surveys.models import Answer

    # Totals only: the shipments summed per currency (churn asks whom lines went to apart), the complaints below.
    report = indicator_totals([company.pk], date_from, date_to, complaints={}, returned={})
    total = replace(report.total, **complaint_figures(company, date_from, date_to))
    claims, quality_cost = _ledger(company, date_from, date_to)
    end = end_instant(company, date_to)
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=company.tz)
    score = (Answer.objects.filter(company=company, answered_at__gte=start, answered_at__lt=end)
             .exclude(campaign__kind=CampaignKind.COMPLAINT).aggregate(mean=Avg("score"))["mean"])
    open_actions, overdue_actions = actions_at(company, end)
    values: dict[str, Any] = {
        Kpi.PPM: total.ppm,
        Kpi.ON_TIME: total.on_time_percent,
        Kpi.EXTRA_FREIGHT_LINES: total.extra_freight_lines,
        Kpi.EXTRA_FREIGHT_COST: _freight_in_base(company, total.extra_freight_cost, date_to),
        Kpi.RETURN_RATE: total.return_rate_percent,
        Kpi.CHURN: report.churn_percent,
        Kpi.COMPLAINTS: total.complaints,
        Kpi.COMPLAINTS_PER_MILLION: ppm_of(total.complaints, total.shipped_quantity),
        Kpi.CLAIMS_AMOUNT: claims,
        Kpi.QUALITY_COST: quality_cost,
        Kpi.SATISFACTION: score,
        Kpi.COMPLAINT_SATISFACTION: complaint_handling_satisfaction([company.pk], start, end),
        Kpi.OPEN_ACTIONS: open_actions,
        Kpi.OVERDUE_ACTIONS: overdue_actions,
    }
    return {key: _decimal(value) for key, value in values.items()}


def target_for_period(kpi: str, target: Decimal | None, date_from: datetime.date, date_to: datetime.date
                      ) -> Decimal | None:
    """The year's target for ``date_from … date_to``: an allowance (complaints, freight, claims, cost) cut to
    the period's share of the year's days; rates and scores keep the year's target."""
    if target is None or kpi not in CUMULATIVE_KPIS:
        return target
    days = (date_to - date_from).days + 1
    year_days = 366 if calendar.isleap(date_to.year) else 365
    if days >= year_days:
        return target
    return (target * days / year_days).quantize(CENT, rounding=ROUND_HALF_UP)


def meets(kpi: str, value: Decimal | None, target: Decimal | None) -> bool | None:
    """Whether ``value`` meets ``target`` (at least it for on-time and satisfaction, at most it otherwise)."""
    if value is None or target is None:
        return None
    return value >= target if kpi in HIGHER_IS_BETTER else value <= target


@dataclass
class KpiRow:
    kpi: str
    label: str
    value: Decimal | None
    target: Decimal | None  # the year's
    target_to_date: Decimal | None  # what the year-to-date value is compared with (allowances cut to date)
    met: bool | None
    last_year: Decimal | None
    trend: list[tuple[datetime.date, Decimal | None]]


def _month_values(company, months: list[datetime.date], today: datetime.date) -> dict[datetime.date, dict]:
    """Each month's values: its snapshot when taken, else computed now (the running month, or a month the
    worker has not reached yet)."""
    snapshots = snapshots_for(company.pk, months)
    values = {}
    for month in months:
        if month in snapshots:
            values[month] = {k: None if v is None else Decimal(v) for k, v in snapshots[month].values.items()}
        elif month <= today:
            values[month] = kpi_values(company, month, min(month_end(month), today))
    return values


def dashboard(company, year: int, *, money: bool, today: datetime.date | None = None) -> list[KpiRow]:
    """The dashboard of ``company`` for ``year``: year-to-date value, the year's target, whether it is met,
    the same period of the year before and the monthly trend. ``money`` False leaves out claims and quality
    cost (people who may not see amounts, see :mod:`.permissions`)."""
    today = today or timezone.localtime(timezone.now(), company.tz).date()
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today) if year <= today.year else datetime.date(year, 12, 31)
    current = kpi_values(company, start, end) if start <= today else {}
    try:
        before_end = end.replace(year=year - 1)
    except ValueError:  # 29 February
        before_end = end.replace(year=year - 1, day=28)
    last_year = kpi_values(company, datetime.date(year - 1, 1, 1), before_end)
    targets = targets_for(company.pk, year)
    months = [add_months(start, i) for i in range(12)]
    monthly = _month_values(company, months, today)
    rows = []
    for kpi in Kpi:
        if kpi in MONEY_KPIS and not money:
            continue
        target = targets[kpi].target if kpi in targets else None
        to_date = target_for_period(kpi, target, start, end)
        value = current.get(kpi)
        rows.append(KpiRow(kpi=kpi.value, label=str(kpi.label), value=value, target=target, target_to_date=to_date,
                           met=meets(kpi, value, to_date), last_year=last_year.get(kpi),
                           trend=[(m, monthly[m].get(kpi) if m in monthly else None) for m in months]))
    return rows
