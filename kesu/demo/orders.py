"""Demo step: contracts and orders with lines, and the shipment lines that deliver them.

Shipments are the base of PPM, on-time delivery and extra freight (design §11),
so the mix is deliberate (issue 17 §13: figures a factory would recognise). Goods
leave early enough to arrive by the due date (the customer receives them 1–5 days
after they leave), except about 2 % of lines that arrive late and about 3 % split
in two deliveries whose remainder comes after the due date (often by premium
freight): 93–96 % on time. A story a new user can follow: one or two customers per
company (``troubled``, also the complaints step's worst customers) get a fifth of
their lines late, and February — the weeks after the Spring Festival, when the
workers come back late — ships late three times as often. Deliveries still in
transit have no receipt date; lines due in the future are not shipped yet.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from kesu.customers.choices import ContractKind, ContractStatus
from kesu.customers.models import Contract, ContractLine, Shipment

from .base import DemoContext

HISTORY_DAYS = 900  # about two and a half years
LOST_CUTOFF_DAYS = 365  # lost customers stopped ordering a year ago
SHIPMENTS_PER_CONTRACT = 2.5  # what one contract yields on average, to size the number of contracts
LATE_SHARE = 0.02
SPLIT_SHARE = 0.03
PREMIUM_FREIGHT_SHARE = 0.6
TROUBLED_LATE_SHARE = 0.2  # the troubled customers' lines that arrive late
TROUBLED_PER_COMPANY = 2
SPRING_FESTIVAL_MONTH = 2  # lines due in February arrive late this many times as often
SPRING_FESTIVAL_FACTOR = 3
# Pieces per order line: seals and brackets by the thousand, gearboxes by the hundred (average about 5,000).
LINE_QUANTITIES = [200, 500, 1000, 2000, 3000, 5000, 5000, 8000, 10000, 15000]


def create_contracts_and_shipments(ctx: DemoContext) -> None:
    start = ctx.today - datetime.timedelta(days=HISTORY_DAYS)
    for company in ctx.companies:
        budget = 5000 * ctx.scale * company.demo_share
        customers = [cid for cid in ctx.customers[company.pk] if ctx.customer_info[cid]["weight"] > 0]
        _mark_troubled(ctx, customers)
        total_weight = sum(ctx.customer_info[cid]["weight"] for cid in customers) or 1.0
        counters = {"contract": 0, "delivery": 0}
        for cid in customers:
            info = ctx.customer_info[cid]
            target = budget * info["weight"] / total_weight
            contracts = max(1, round(target / SHIPMENTS_PER_CONTRACT))
            end = ctx.today - datetime.timedelta(days=LOST_CUTOFF_DAYS) if info["lost"] else ctx.today
            dates = sorted(ctx.date_between(start, end) for _ in range(contracts))
            info["shipments"] = 0
            for signed_on in dates:
                info["shipments"] += _contract(ctx, company.pk, cid, info, signed_on, counters)


def _mark_troubled(ctx: DemoContext, customers: list[int]) -> None:
    """Pick the company's troubled customers among the active mid-sized ones (the middle third by sales):
    enough deliveries to show in the figures, not so many that they drag the company's total out of range."""
    active = sorted((cid for cid in customers if not ctx.customer_info[cid]["lost"]),
                    key=lambda cid: -ctx.customer_info[cid]["weight"])
    middle = active[len(active) // 3:max(1, 2 * len(active) // 3)]
    for cid in ctx.rng.sample(middle, k=min(TROUBLED_PER_COMPANY, len(middle))):
        ctx.customer_info[cid]["troubled"] = True


def late_share(info: dict, due: datetime.date) -> float:
    """How likely a line due on ``due`` for this customer arrives late."""
    share = TROUBLED_LATE_SHARE if info.get("troubled") else LATE_SHARE
    if due.month == SPRING_FESTIVAL_MONTH:
        share *= SPRING_FESTIVAL_FACTOR
    return min(share, 0.6)


def _contract(ctx: DemoContext, company_id: int, customer_id: int, info: dict, signed_on: datetime.date,
              counters: dict[str, int]) -> int:
    rng = ctx.rng
    counters["contract"] += 1
    kind = rng.choices(
        [ContractKind.ORDER, ContractKind.CONTRACT, ContractKind.FOREIGN_TRADE, ContractKind.INFORMAL],
        weights=[70, 22, 4, 4],
    )[0]
    cancelled = ctx.chance(0.02)
    due = signed_on + datetime.timedelta(days=rng.randint(15, 45))
    contract = Contract(
        pk=ctx.new_id(Contract), company_id=company_id, number=f"HT{signed_on:%Y}{counters['contract']:06d}", customer_id=customer_id,
        kind=kind, signed_on=signed_on, owner_id=info["owner_id"],
        customer_po=f"PO{signed_on:%y%m}{rng.randint(1000, 9999)}",
        status=ContractStatus.CANCELLED if cancelled else ContractStatus.ACTIVE,
    )
    parts = info["parts"]
    waves: dict[datetime.date, list[Shipment]] = {}
    open_lines = False
    for line_no, part_id in enumerate(rng.sample(parts, k=min(len(parts), rng.randint(1, 4))), start=1):
        quantity = rng.choice(LINE_QUANTITIES)
        line = ctx.add(ContractLine(
            company_id=company_id, contract_id=contract.pk, line_no=line_no, part_id=part_id, quantity=quantity,
            unit_price=Decimal(rng.randint(50, 9000)) / 100, due_date=due,
        ))
        if cancelled:
            continue
        # Days on the road, known when planning: the goods leave early enough to arrive by the due date.
        transit = rng.randint(1, 5)
        ship = due - datetime.timedelta(days=transit + rng.randint(0, 5))
        if ctx.chance(late_share(info, due)):
            ship = due - datetime.timedelta(days=transit) + datetime.timedelta(days=rng.randint(1, 10))
        split = ctx.chance(SPLIT_SHARE)
        first = quantity if not split else max(1, quantity * rng.randint(50, 80) // 100)
        deliveries = [(ship, first, Decimal("0"))]
        if split:
            # The remainder leaves once it is made: after the due date.
            later = max(ship, due) + datetime.timedelta(days=rng.randint(1, 10))
            freight = Decimal(rng.randint(300, 5000)) if ctx.chance(PREMIUM_FREIGHT_SHARE) else Decimal("0")
            deliveries.append((later, quantity - first, freight))
        for n, (ship_date, qty, freight) in enumerate(deliveries):
            if ship_date > ctx.today:
                open_lines = True
                continue
            receipt = ship_date + datetime.timedelta(days=transit if n == 0 else rng.randint(1, 5))
            waves.setdefault(ship_date, []).append(Shipment(
                company_id=company_id, customer_id=customer_id, contract_line_id=line.pk, part_id=part_id,
                quantity=qty, due_date=due, ship_date=ship_date,
                receipt_date=receipt if receipt <= ctx.today else None,
                is_split=split, extra_freight_cost=freight,
            ))
    if not cancelled and not open_lines and (ctx.today - due).days > 60:
        contract.status = ContractStatus.COMPLETED
    # Added last: the writer may insert it at once, and its status is known only now.
    ctx.add(contract)
    # Lines leaving on the same day travel on one delivery note.
    shipped = 0
    for ship_date in sorted(waves):
        counters["delivery"] += 1
        number = f"SH{ship_date:%Y%m%d}{counters['delivery']:07d}"
        for line_no, shipment in enumerate(waves[ship_date], start=1):
            shipment.delivery_no = number
            shipment.line_no = line_no
            ctx.add(shipment)
            shipped += 1
    return shipped
