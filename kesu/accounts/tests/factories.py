"""Factories for organization and people."""

import factory

from kesu.accounts.models import Company, Department, DepartmentKind, Position, SalesRegion, User
from kesu.accounts.roles import Role

ROLE_DEPARTMENT = {
    Role.SALESPERSON: DepartmentKind.SALES,
    Role.SALES_ASSISTANT: DepartmentKind.SALES,
    Role.REGIONAL_MANAGER: DepartmentKind.SALES,
    Role.SALES_DIRECTOR: DepartmentKind.SALES,
    Role.QA: DepartmentKind.QA,
    Role.ENGINEERING: DepartmentKind.ENGINEERING,
    Role.PRODUCTION: DepartmentKind.PRODUCTION,
    Role.PURCHASING: DepartmentKind.PURCHASING,
    Role.FINANCE: DepartmentKind.FINANCE,
    Role.VICE_GM: DepartmentKind.MANAGEMENT,
    Role.GM: DepartmentKind.MANAGEMENT,
    Role.GENERAL_OFFICE: DepartmentKind.GENERAL_OFFICE,
    Role.AFTER_SALES: DepartmentKind.AFTER_SALES,
    Role.ADMIN: DepartmentKind.OTHER,
}


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"测试机械有限公司{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("company", "code")

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ("company", "name")

    company = factory.SubFactory(CompanyFactory)
    name = factory.LazyAttribute(lambda o: str(Role(o.role).label))
    role = Role.SALESPERSON


class SalesRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesRegion

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"华东{n}区")


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; pass role="qa" etc. to get the position and department for that role."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = Role.SALESPERSON

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    company = factory.SubFactory(CompanyFactory)
    department = factory.LazyAttribute(
        lambda o: DepartmentFactory(
            company=o.company, code=ROLE_DEPARTMENT[Role(o.role)].upper()[:20],
            name=str(ROLE_DEPARTMENT[Role(o.role)].label), kind=ROLE_DEPARTMENT[Role(o.role)],
        )
    )
    position = factory.LazyAttribute(lambda o: PositionFactory(company=o.company, role=o.role))
    password = factory.django.Password("kesu-test-pass-1")
