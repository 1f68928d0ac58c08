"""Customer indicators shown beside satisfaction surveys (issue 6 §5; design §5 KPIs, definitions in design §11).

Pure reads: every function here only selects. Each measure is one aggregate query grouped by customer over
the whole scope (never one query per customer), so a report over thousands of customers and millions of
shipment lines costs a fixed number of queries:

1. the companies' time zones (a handful of rows);
2. shipments in the period, by ship date: quantity, lines, extra freight;
3. shipment lines due in the period and how many arrived on time;
4. complaints received in the period: count and our confirmed defective quantity — ``(company, received_at)``;
5. quantity returned on complaints received in the period (joins the same complaint range);
6. customers shipped to in the previous period, for churn.

The shipment measures (2, 3, 6) read whole past months from the monthly shipment rollup the worker keeps and
count only the rest from the lines, through the ``(company, ship_date)`` and ``(company, due_date)`` indexes
(:func:`kesu.reports.rollups.shipment_groups`: the built months, the rollup and the live lines, one query each).

Periods are inclusive calendar days (``date_from`` … ``date_to``). Complaints are received at an instant; a
complaint belongs to the day it was received in its company's time zone (design §11: instants are converted
to the company's time zone before any counting), so each company's day boundaries are used in the range.

Rates are computed from integer counts with exact integer arithmetic and rounded half up — percentages to one
decimal place (``Decimal``), PPM to a whole number (``int``). No floats are involved, and a rate whose base is
zero is ``None`` ("n/a"), never 0.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from kesu.accounts.models import Company
from kesu.complaints.choices import DispositionKind, Responsibility, Status
from kesu.complaints.models import Complaint, DispositionLine

DAY = datetime.timedelta(days=1)

# A complaint rejected at intake (not our product, not a complaint) or cancelled (withdrawn by the customer)
# is not a customer complaint in any indicator.
NOT_COUNTED_STATUSES = (Status.REJECTED_AT_INTAKE, Status.CANCELLED)


# -- rounding (design §11: Decimal arithmetic, half up) --------------------------------------------------------


def _divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator ÷ denominator`` rounded half up to an integer, exactly (both non-negative, denominator > 0)."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + 1 if 2 * remainder >= denominator else quotient


def percent_of(part: int, whole: int) -> Decimal | None:
    """``part ÷ whole × 100``, rounded half up to one decimal place; None ("n/a") when ``whole`` is 0."""
    if whole <= 0:
        return None
    return Decimal(_divide_half_up(part * 1000, whole)).scaleb(-1)


def ppm_of(part: int, whole: int) -> int | None:
    """``part ÷ whole × 1,000,000``, rounded half up to a whole number; None ("n/a") when ``whole`` is 0."""
    if whole <= 0:
        return None
    return _divide_half_up(part * 1_000_000, whole)


# -- periods ------------------------------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after (or before) ``day``'s month; ``day`` is a first of month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of equal length just before ``date_from … date_to`` (both inclusive), for churn.

    A period of whole calendar months (a month, a quarter, a half-year, a year: how survey campaigns run,
    design §5) is compared with the same number of whole months before it, so H2 follows H1 even though they
    differ in days. Any other period is compared with the same number of days before it.
    """
    if date_from > date_to:
        raise ValueError("The period must not end before it starts.")
    if date_from.day == 1 and (date_to + DAY).day == 1:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        return _add_months(date_from, -months), date_from - DAY
    days = (date_to - date_from).days + 1
    return date_from - datetime.timedelta(days=days), date_from - DAY


# -- the result ---------------------------------------------------------------------------------------------


@dataclass
class Indicators:
    """One customer's indicators for a period, or the total over every customer in scope.

    The fields are the counts; the rates are properties computed from them, so a total is the sum of the
    counts (its PPM is total defective ÷ total shipped, design §11), never an average of rates.

    - ``shipped_quantity``, ``shipment_lines``: shipment lines with a ship date in the period;
    - ``lines_due``, ``lines_on_time``: lines with a due date in the period, and of them those received (or
      shipped, when the receipt date is unknown) on or before the due date — early counts as on time;
    - ``extra_freight_lines``, ``extra_freight_cost``: lines shipped in the period with an extra (premium)
      freight cost above 0, and the sum of that cost kept per currency code (``{"CNY": Decimal("300.50")}``),
      since lines are invoiced in different currencies and Kesu keeps no exchange rates;
    - ``complaints``: complaints received in the period (not those rejected at intake or cancelled);
    - ``defective_quantity``: confirmed defective quantity on those complaints whose responsibility is ours
      (customer-, supplier-caused and undetermined ones are left out);
    - ``returned_quantity``: quantity of the return dispositions on those complaints;
    - ``lost``: shipped to in the previous period and not in this one (churn); None on the total.
    """

    shipped_quantity: int = 0
    shipment_lines: int = 0
    lines_due: int = 0
    lines_on_time: int = 0
    extra_freight_lines: int = 0
    extra_freight_cost: dict[str, Decimal] = field(default_factory=dict)
    complaints: int = 0
    defective_quantity: int = 0
    returned_quantity: int = 0
    lost: bool | None = False

    @property
    def on_time_percent(self) -> Decimal | None:
        """On-time delivery (design §11): lines on time ÷ lines due in the period × 100; None when none due."""
        return percent_of(self.lines_on_time, self.lines_due)

    @property
    def ppm(self) -> int | None:
        """Delivered PPM (design §11): our defective quantity ÷ quantity shipped × 1,000,000; None when none shipped."""
        return ppm_of(self.defective_quantity, self.shipped_quantity)

    @property
    def return_rate_percent(self) -> Decimal | None:
        """Return rate (design §11): quantity returned ÷ quantity shipped × 100; None when nothing shipped."""
        return percent_of(self.returned_quantity, self.shipped_quantity)


@dataclass
class IndicatorReport:
    """Indicators per customer and in total for one period, with churn over the whole set (design §11)."""

    date_from: datetime.date
    date_to: datetime.date
    previous_from: datetime.date
    previous_to: datetime.date
    by_customer: dict[int, Indicators]
    total: Indicators
    customers_before: int
    customers_lost: int

    @property
    def churn_percent(self) -> Decimal | None:
        """Churn: customers shipped to in the previous period and not in this one ÷ those shipped to before × 100."""
        return percent_of(self.customers_lost, self.customers_before)


@dataclass
class Shipped:
    """What went to one customer in a period (by ship date)."""

    quantity: int = 0
    lines: int = 0
    extra_freight_lines: int = 0
    extra_freight_cost: dict[str, Decimal] = field(default_factory=dict)


# -- scope helpers ----------------------------------------------------------------------------------------


def company_time_zones(company_ids: Iterable[int]) -> dict[str, list[int]]:
    """The companies of the scope grouped by time zone name (one small query)."""
    zones: dict[str, list[int]] = defaultdict(list)
    for pk, time_zone in Company.objects.filter(pk__in=list(company_ids)).values_list("pk", "time_zone"):
        zones[time_zone].append(pk)
    return dict(zones)


def received_in(company_ids: list[int], zones: dict[str, list[int]] | None, date_from: datetime.date,
                 date_to: datetime.date, prefix: str = "") -> Q | None:
    """Complaints received on ``date_from … date_to`` in their company's time zone; None when no company.

    A range on the stored instant (not ``received_at__date``) per time zone, so the ``(company, received_at)``
    index serves it.
    """
    if zones is None:
        zones = company_time_zones(company_ids)
    in_scope = set(company_ids)
    condition = None
    for time_zone, listed in sorted(zones.items()):
        ids = [pk for pk in listed if pk in in_scope]
        if not ids:
            continue
        tz = zoneinfo.ZoneInfo(time_zone)
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(date_to + DAY, datetime.time.min, tzinfo=tz)
        part = Q(**{f"{prefix}company_id__in": ids, f"{prefix}received_at__gte": start,
                    f"{prefix}received_at__lt": end})
        condition = part if condition is None else condition | part
    return condition


def _ids(values: Iterable[int] | None) -> list[int] | None:
    return None if values is None else list(values)


# -- measures: one aggregate query each, grouped by customer ---------------------------------------------------


def shipments_by_customer(rows: dict[tuple[int, str], dict]) -> tuple[dict[int, Shipped], dict[int, tuple[int, int]]]:
    """Per customer what was shipped and ``(lines due, lines on time)``, from the (customer, currency) groups of
    :func:`kesu.reports.rollups.shipment_groups`.

    Extra freight (design §11): lines with an extra freight cost above 0 and the sum of that cost, per currency.
    On time: received on or before the due date, or — when the receipt date is unknown — shipped on or before it;
    early counts as on time.
    """
    shipped: dict[int, Shipped] = defaultdict(Shipped)
    due: dict[int, tuple[int, int]] = {}
    for (customer_id, currency), row in sorted(rows.items()):
        if row["lines"]:
            sent = shipped[customer_id]
            sent.quantity += row["quantity"]
            sent.lines += row["lines"]
            if row["freight_lines"]:
                sent.extra_freight_lines += row["freight_lines"]
                sent.extra_freight_cost[currency] = Decimal(row["freight"]).quantize(Decimal("0.01"))
        if row["due"]:
            lines_due, on_time = due.get(customer_id, (0, 0))
            due[customer_id] = (lines_due + row["due"], on_time + row["on_time"])
    return dict(shipped), due


def complaints_by_customer(company_ids: Iterable[int], date_from: datetime.date, date_to: datetime.date,
                           customer_ids: Iterable[int] | None = None, *,
                           zones: dict[str, list[int]] | None = None) -> dict[int, tuple[int, int]]:
    """Per customer ``(complaints received, our confirmed defective quantity)`` in the period (one query).

    Delivered PPM's numerator (design §11) counts only complaints whose responsibility is ours; complaints
    rejected at intake or cancelled count in neither number. ``zones`` (from :func:`company_time_zones`) saves
    looking the time zones up again.
    """
    company_ids, customer_ids = list(company_ids), _ids(customer_ids)
    received = received_in(company_ids, zones, date_from, date_to)
    if received is None:
        return {}
    qs = Complaint.objects.filter(received).exclude(status__in=NOT_COUNTED_STATUSES)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    rows = (
        qs.order_by()
        .values("customer_id")
        .annotate(count=Count("id"),
                  defective=Sum("quantity_defective", filter=Q(responsibility=Responsibility.OURS)))
    )
    return {row["customer_id"]: (row["count"], row["defective"] or 0) for row in rows}


def returned_by_customer(company_ids: Iterable[int], date_from: datetime.date, date_to: datetime.date,
                         customer_ids: Iterable[int] | None = None, *,
                         zones: dict[str, list[int]] | None = None) -> dict[int, int]:
    """Per customer the quantity of return dispositions on complaints received in the period (one query).

    Return rate's numerator (design §11: quantity returned ÷ quantity shipped); every return counts, whoever
    was responsible, since the goods came back either way. ``zones`` as in :func:`complaints_by_customer`.
    """
    company_ids, customer_ids = list(company_ids), _ids(customer_ids)
    received = received_in(company_ids, zones, date_from, date_to, prefix="complaint__")
    if received is None:
        return {}
    qs = (DispositionLine.objects.filter(received, kind=DispositionKind.RETURN)
          .exclude(complaint__status__in=NOT_COUNTED_STATUSES))
    if customer_ids is not None:
        qs = qs.filter(complaint__customer_id__in=customer_ids)
    rows = qs.order_by().values("complaint__customer_id").annotate(quantity=Sum("quantity"))
    return {row["complaint__customer_id"]: row["quantity"] or 0 for row in rows}


# -- the report ---------------------------------------------------------------------------------------------


def customer_indicators(company_ids: Iterable[int], date_from: datetime.date, date_to: datetime.date,
                        customer_ids: Iterable[int] | None = None, *,
                        complaints: dict[int, tuple[int, int]] | None = None,
                        returned: dict[int, int] | None = None, totals_only: bool = False) -> IndicatorReport:
    """Indicators per customer and in total for ``date_from … date_to`` (inclusive), per design §11.

    ``company_ids`` is the caller's scope (e.g. ``user.visible_company_ids()``); ``customer_ids`` narrows it to
    some customers (e.g. a campaign's recipients), each of which then appears in ``by_customer`` even without
    any activity. Without it, ``by_customer`` holds every customer with a shipment, a due line, a complaint or
    a return in the period, or a shipment in the previous period (a lost customer).

    Churn compares with :func:`previous_period`: customers shipped to then and not now ÷ customers shipped to
    then × 100 (None when nobody was shipped to then); each customer's ``lost`` says whether it is one of them.

    A fixed number of queries whatever the number of customers or rows (see the module docstring).
    ``complaints`` and ``returned``, when given, are queries 4 and 5 already answered (the KPI dashboard reads them from the
    monthly rollup, :mod:`kesu.reports.rollups`). With ``totals_only`` (the KPI dashboard) only ``total`` and the
    churn's counts are made: the shipments summed per currency in the database, and of the customers only whom
    lines went to, then and now; ``by_customer`` is left empty.
    """
    from kesu.reports.rollups import shipment_groups

    company_ids, customer_ids = list(company_ids), _ids(customer_ids)
    previous_from, previous_to = previous_period(date_from, date_to)
    shipped, due = shipments_by_customer(shipment_groups(company_ids, date_from, date_to, customer_ids,
                                                         by_customer=not totals_only))
    zones = company_time_zones(company_ids) if complaints is None or returned is None else None
    if complaints is None:
        complaints = complaints_by_customer(company_ids, date_from, date_to, customer_ids, zones=zones)
    if returned is None:
        returned = returned_by_customer(company_ids, date_from, date_to, customer_ids, zones=zones)
    before = {customer_id for (customer_id, _currency), row in shipment_groups(
        company_ids, previous_from, previous_to, customer_ids, ("lines",)).items() if row["lines"]}
    if totals_only:  # one row for everybody (keyed None), and whom lines went to now asked apart
        now = {customer_id for (customer_id, _currency), row in shipment_groups(
            company_ids, date_from, date_to, customer_ids, ("lines",)).items() if row["lines"]}
        complaints = {None: (sum(n for n, _d in complaints.values()), sum(d for _n, d in complaints.values()))}
        returned = {None: sum(returned.values())}
        customers = [None]
    else:
        now = set(shipped)
        customers = sorted(set(shipped) | set(due) | set(complaints) | set(returned) | before
                           | set(customer_ids or ()))
    lost = before - now
    by_customer: dict[int, Indicators] = {}
    total = Indicators(lost=None)
    for customer_id in customers:
        sent = shipped.get(customer_id, Shipped())
        lines_due, lines_on_time = due.get(customer_id, (0, 0))
        count, defective = complaints.get(customer_id, (0, 0))
        indicators = Indicators(
            shipped_quantity=sent.quantity,
            shipment_lines=sent.lines,
            lines_due=lines_due,
            lines_on_time=lines_on_time,
            extra_freight_lines=sent.extra_freight_lines,
            extra_freight_cost=dict(sent.extra_freight_cost),
            complaints=count,
            defective_quantity=defective,
            returned_quantity=returned.get(customer_id, 0),
            lost=customer_id in lost,
        )
        if customer_id is not None:
            by_customer[customer_id] = indicators
        _add_to(total, indicators)
    return IndicatorReport(
        date_from=date_from, date_to=date_to, previous_from=previous_from, previous_to=previous_to,
        by_customer=by_customer, total=total, customers_before=len(before), customers_lost=len(lost),
    )


def indicator_totals(company_ids: Iterable[int], date_from: datetime.date, date_to: datetime.date,
                     **answered: Any) -> IndicatorReport:
    """:func:`customer_indicators` without the rows per customer: its total and churn (the KPI dashboard)."""
    return customer_indicators(company_ids, date_from, date_to, totals_only=True, **answered)


def _add_to(total: Indicators, one: Indicators) -> None:
    total.shipped_quantity += one.shipped_quantity
    total.shipment_lines += one.shipment_lines
    total.lines_due += one.lines_due
    total.lines_on_time += one.lines_on_time
    total.extra_freight_lines += one.extra_freight_lines
    for currency, cost in one.extra_freight_cost.items():
        total.extra_freight_cost[currency] = total.extra_freight_cost.get(currency, Decimal("0.00")) + cost
    total.complaints += one.complaints
    total.defective_quantity += one.defective_quantity
    total.returned_quantity += one.returned_quantity
