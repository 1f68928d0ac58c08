"""Demo steps: suppliers, customers with contacts, and parts (some made for one customer)."""

from __future__ import annotations

from kesu.accounts.roles import Role
from kesu.customers.choices import CustomerStatus, CustomerType, Importance
from kesu.customers.models import Contact, Customer, Part, Supplier

from .base import DemoContext
from .names import (
    BRAND_CHARS,
    COMPANY_SUFFIXES,
    CONTACT_TITLES,
    DISTRIBUTOR_INDUSTRIES,
    INDUSTRIES,
    PARTS,
    PLACES,
    REGIONS,
    ROADS,
    STREETS,
    SUPPLIER_INDUSTRIES,
)
from .organization import person_name

# Bigger customers take more deliveries; potential customers none yet.
IMPORTANCE_WEIGHT = {Importance.A: 6.0, Importance.B: 2.5, Importance.C: 1.0}
AREA_CODES = ["0512", "0510", "0519", "025", "0574", "0571", "021", "0532", "020", "0755", "0769", "027", "028", "023"]


def _shares(ctx: DemoContext, total: int) -> dict[int, int]:
    """Split a total over the companies by their share; the group takes the rounding."""
    split = {c.pk: int(total * c.demo_share) for c in ctx.companies}
    split[ctx.companies[0].pk] += total - sum(split.values())
    return split


def _place(ctx: DemoContext) -> tuple[str, str, str]:
    province, cities, region = ctx.pick(PLACES)
    city = ctx.pick(cities)
    # Municipalities (上海, 北京 …) are their own province: name them once.
    return ("" if city == province else province), city, region


def _firm_name(ctx: DemoContext, city: str, industries, used: set[str]) -> tuple[str, str]:
    for attempt in range(20):
        brand = ctx.pick(BRAND_CHARS) + ctx.pick(BRAND_CHARS)
        if brand[0] == brand[1]:
            continue
        industry, short = ctx.pick(industries)
        name = f"{city}{brand}{industry}{ctx.pick(COMPANY_SUFFIXES)}"
        if name not in used or attempt == 19:
            if name in used:
                name = f"{name[:-2]}（{len(used)}）{name[-2:]}"
            used.add(name)
            return name, f"{brand}{short}"
    raise AssertionError("unreachable")


def _address(ctx: DemoContext, province: str, city: str) -> str:
    return f"{province}{city}{ctx.pick(STREETS)}{ctx.pick(ROADS)}{ctx.rng.randint(1, 999)}号"


def _phone(ctx: DemoContext) -> str:
    return f"{ctx.pick(AREA_CODES)}-{ctx.rng.randint(5000_0000, 8999_9999)}"


def _mobile(ctx: DemoContext) -> str:
    return f"1{ctx.pick('3578')}{ctx.rng.randint(0, 9)}{ctx.rng.randint(0, 9999_9999):08d}"


def create_suppliers(ctx: DemoContext) -> None:
    used: set[str] = set()
    for company in ctx.companies:
        ids = []
        for seq in range(1, 9 + 2 * ctx.scale):
            province, city, _region = _place(ctx)
            name, short = _firm_name(ctx, city, SUPPLIER_INDUSTRIES, used)
            supplier = ctx.add(Supplier(
                company_id=company.pk, code=f"GYS{seq:04d}", name=name, short_name=short,
                contact_name=person_name(ctx), phone=_phone(ctx),
                email=f"gys{seq:04d}@supplier.example.cn", address=_address(ctx, province, city),
            ))
            ids.append(supplier.pk)
        ctx.suppliers[company.pk] = ids


def create_customers(ctx: DemoContext) -> None:
    used: set[str] = set()
    per_company = _shares(ctx, 50 * ctx.scale + 10)
    for company in ctx.companies:
        region_ids = dict(zip([code for code, _n in REGIONS], ctx.regions[company.pk], strict=True))
        salespeople = ctx.salespeople[company.pk]
        made = []
        for seq in range(1, per_company[company.pk] + 1):
            province, city, region = _place(ctx)
            kind = ctx.rng.choices(
                [CustomerType.OEM, CustomerType.AFTERMARKET, CustomerType.DISTRIBUTOR, CustomerType.END_USER],
                weights=[50, 20, 20, 10],
            )[0]
            industries = DISTRIBUTOR_INDUSTRIES if kind == CustomerType.DISTRIBUTOR else INDUSTRIES
            name, short = _firm_name(ctx, city, industries, used)
            status = ctx.rng.choices(
                [CustomerStatus.EXISTING, CustomerStatus.POTENTIAL, CustomerStatus.LOST], weights=[80, 10, 10]
            )[0]
            importance = ctx.rng.choices([Importance.A, Importance.B, Importance.C], weights=[15, 35, 50])[0]
            customer = Customer(
                company_id=company.pk, code=f"KH{seq:05d}", name=name, short_name=short,
                customer_type=kind, status=status, region=f"{province} {city}".strip(),
                sales_region_id=region_ids[region], owner_id=ctx.pick(salespeople), importance=importance,
                address=_address(ctx, province, city), phone=_phone(ctx),
            )
            customer.pk = ctx.new_id(Customer)
            weight = 0.0 if status == CustomerStatus.POTENTIAL else IMPORTANCE_WEIGHT[importance] * ctx.rng.uniform(0.6, 1.4)
            made.append((customer, weight))
            ctx.customer_info[customer.pk] = {
                "company_id": company.pk, "owner_id": customer.owner_id, "weight": weight,
                "lost": status == CustomerStatus.LOST, "code": customer.code, "parts": [],
                "importance": importance,  # the complaints' priority adds it (issue 18 §11)
            }
            _create_contacts(ctx, customer)
        # Yearly sales rank (1 = biggest) among customers doing business now.
        ranked = sorted((c for c in made if c[1] > 0 and c[0].status == CustomerStatus.EXISTING), key=lambda c: -c[1])
        for rank, (customer, _weight) in enumerate(ranked, start=1):
            customer.sales_rank = rank
        for customer, _weight in made:
            ctx.add(customer)
        ctx.customers[company.pk] = [c.pk for c, _w in made]


def _create_contacts(ctx: DemoContext, customer: Customer) -> None:
    for n in range(ctx.rng.choices([1, 2, 3], weights=[30, 45, 25])[0]):
        title, department = ctx.pick(CONTACT_TITLES)
        ctx.add(Contact(
            company_id=customer.company_id, customer_id=customer.pk, name=person_name(ctx),
            title=title, department=department, phone=customer.phone, mobile=_mobile(ctx),
            email=f"{customer.code.lower()}.{customer.pk}.{n + 1}@customer.example.cn", is_primary=(n == 0),
        ))


def _spec(ctx: DemoContext, template: str) -> str:
    r = ctx.rng.randint
    return template.format(
        a=r(20, 180), b=r(10, 90), c=r(2, 9), d=r(8, 50), l=r(120, 900), p=r(2, 75), q=r(6, 35), v=ctx.pick([12, 24, 48])
    )


def create_parts(ctx: DemoContext) -> None:
    """Catalogue parts shared by customers, plus parts made for one customer (customer part number)."""
    for company in ctx.companies:
        customers = [cid for cid in ctx.customers[company.pk] if ctx.customer_info[cid]["weight"] > 0]
        generic: list[int] = []
        count = int(20 + 30 * ctx.scale * company.demo_share)
        # Two parts in three have a responsible engineer (ISO 10002 §6.4: not the investigator of their complaints).
        engineer_id = ctx.users[company.pk][Role.ENGINEERING].pk
        ids = []
        for seq in range(1, count + 1):
            name, prefix, unit, specs, warranty = ctx.pick(PARTS)
            variant = ctx.rng.choices(["", "前", "后", "左", "右", "上", "下"], weights=[60, 8, 8, 6, 6, 6, 6])[0]
            owner = ctx.pick(customers) if customers and ctx.chance(0.4) else None
            part = ctx.add(Part(
                company_id=company.pk, part_no=f"{prefix}{seq:05d}", name=f"{variant}{name}",
                model=f"{prefix}-{ctx.rng.randint(100, 999)}{ctx.pick('ABCDEFGH')}",
                specification=_spec(ctx, ctx.pick(specs)), unit=unit, warranty_months=warranty,
                customer_id=owner,
                customer_part_no=(f"{ctx.customer_info[owner]['code'][-3:]}-{ctx.rng.randint(10000, 99999)}" if owner else ""),
                responsible_engineer_id=engineer_id if seq % 3 else None,
            ))
            ids.append(part.pk)
            if owner:
                ctx.customer_info[owner]["parts"].append(part.pk)
            else:
                generic.append(part.pk)
        ctx.parts[company.pk] = ids
        # Each customer buys its own parts plus a few catalogue parts.
        for cid in customers:
            info = ctx.customer_info[cid]
            info["parts"].extend(ctx.rng.sample(generic, k=min(len(generic), ctx.rng.randint(2, 6))))
