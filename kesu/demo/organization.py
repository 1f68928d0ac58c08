"""Demo step: the group 中科精工集团 with two subsidiaries, their departments, positions, regions and people."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from kesu.accounts.models import Company, Department, DepartmentKind, Position, SalesRegion, User
from kesu.accounts.roles import Role

from .base import GROUP_CODE, DemoContext
from .names import GIVEN_CHARS, REGIONS, SURNAMES

# (code, full name, short name, share of the customers and deliveries)
COMPANIES = [
    (GROUP_CODE, "中科精工集团有限公司", "中科精工", 0.5),
    ("ZKSZ", "苏州中科精密机械有限公司", "苏州精机", 0.3),
    ("ZKNB", "宁波中科汽车电子有限公司", "宁波电子", 0.2),
]
SUBSIDIARY_PREFIX = {GROUP_CODE: "", "ZKSZ": "sz.", "ZKNB": "nb."}

# Design §1 defaults: department code, name, kind.
DEPARTMENTS = [
    ("SALES", "销售部", DepartmentKind.SALES),
    ("QA", "品质保证部", DepartmentKind.QA),
    ("ENG", "技术部", DepartmentKind.ENGINEERING),
    ("PROD", "生产部", DepartmentKind.PRODUCTION),
    ("PUR", "采购部", DepartmentKind.PURCHASING),
    ("FIN", "财务部", DepartmentKind.FINANCE),
    ("MGMT", "公司领导", DepartmentKind.MANAGEMENT),
    ("GO", "总经办", DepartmentKind.GENERAL_OFFICE),
    ("AS", "售后服务部", DepartmentKind.AFTER_SALES),
]

# role, user name, position name, department code, heads the department,
# sees the subsidiaries too when in the group company (reports roll up, design §1).
ROLES = [
    (Role.SALESPERSON, "sales", "销售员", "SALES", False, False),
    (Role.SALES_ASSISTANT, "assistant", "销售内勤", "SALES", False, False),
    (Role.REGIONAL_MANAGER, "regional", "区域经理", "SALES", False, False),
    (Role.SALES_DIRECTOR, "director", "销售总监", "SALES", True, False),
    (Role.QA, "qa", "质量工程师", "QA", True, False),
    (Role.ENGINEERING, "engineer", "技术工程师", "ENG", True, False),
    (Role.PRODUCTION, "production", "生产主管", "PROD", True, False),
    (Role.PURCHASING, "purchasing", "采购工程师", "PUR", True, False),
    (Role.FINANCE, "finance", "财务会计", "FIN", True, False),
    (Role.VICE_GM, "vicegm", "副总经理", "MGMT", False, True),
    (Role.GM, "gm", "总经理", "MGMT", True, True),
    (Role.GENERAL_OFFICE, "office", "总经办主任", "GO", True, True),
    (Role.AFTER_SALES, "aftersales", "售后服务工程师", "AS", True, False),
]


SECOND_QA = "qa2"  # the key of the second QA engineer among a company's demo users


def person_name(ctx: DemoContext) -> str:
    given = ctx.pick(GIVEN_CHARS) + (ctx.pick(GIVEN_CHARS) if ctx.chance(0.7) else "")
    return ctx.pick(SURNAMES) + given


def create_organization(ctx: DemoContext) -> None:
    password_hash = make_password(ctx.password)  # hashed once: the demo users share one password
    group = None
    for code, name, short_name, share in COMPANIES:
        company = Company(
            pk=ctx.new_id(Company), code=code, name=name, short_name=short_name,
            parent_id=group.pk if group else None,
        )
        company.demo_share = share
        ctx.add(company)
        ctx.companies.append(company)
        group = group or company
        _create_people(ctx, company, password_hash, is_group=company is group)


def _create_people(ctx: DemoContext, company: Company, password_hash: str, *, is_group: bool) -> None:
    prefix = SUBSIDIARY_PREFIX[company.code]
    departments = {
        code: Department(pk=ctx.new_id(Department), company_id=company.pk, code=code, name=name, kind=kind)
        for code, name, kind in DEPARTMENTS
    }
    positions: dict[str, Position] = {}
    users: dict[str, User] = {}
    for role, username, position_name, dept_code, is_head, group_scope in ROLES:
        position = Position(
            pk=ctx.new_id(Position), company_id=company.pk, name=position_name, role=role,
            scope=Position.Scope.GROUP if (is_group and group_scope) else Position.Scope.COMPANY,
        )
        positions[role] = position
        user = User(
            pk=ctx.new_id(User), username=prefix + username, password=password_hash,
            display_name=person_name(ctx), email=f"{prefix}{username}@demo.kesu.example",
            company_id=company.pk, department_id=departments[dept_code].pk, position_id=position.pk,
        )
        users[role] = user
        if is_head:
            departments[dept_code].head_id = user.pk
        ctx.logins.append((user.username, position_name, company.short_name))

    # A second QA engineer: once a complaint is escalated QA proposes the remedy and QA approves it, and nobody
    # approves a proposal they made (design §11), so approvals within QA need two people.
    users[SECOND_QA] = User(
        pk=ctx.new_id(User), username=f"{prefix}qa2", password=password_hash, display_name=person_name(ctx),
        email=f"{prefix}qa2@demo.kesu.example", company_id=company.pk, department_id=departments["QA"].pk,
        position_id=positions[Role.QA].pk,
    )
    ctx.logins.append((users[SECOND_QA].username, positions[Role.QA].name, company.short_name))

    regions = []
    for code, name in REGIONS:
        regions.append(SalesRegion(
            pk=ctx.new_id(SalesRegion), company_id=company.pk, code=code, name=name,
            manager_id=users[Role.REGIONAL_MANAGER].pk,
        ))
    ctx.regions[company.pk] = [r.pk for r in regions]

    # More salespeople as the data grows, so customers are spread over owners.
    salespeople = [users[Role.SALESPERSON]]
    for n in range(2, 4 + ctx.scale // 5):
        salespeople.append(User(
            pk=ctx.new_id(User), username=f"{prefix}sales{n:02d}", password=password_hash,
            display_name=person_name(ctx), email=f"{prefix}sales{n:02d}@demo.kesu.example",
            company_id=company.pk, department_id=departments["SALES"].pk,
            position_id=positions[Role.SALESPERSON].pk,
        ))
    for i, person in enumerate(salespeople):
        person.sales_region_id = regions[i % len(regions)].pk
    users[Role.REGIONAL_MANAGER].sales_region_id = regions[0].pk

    for obj in [*departments.values(), *positions.values(), *users.values(), *salespeople[1:], *regions]:
        ctx.add(obj)
    ctx.users[company.pk] = users
    ctx.salespeople[company.pk] = [u.pk for u in salespeople]
