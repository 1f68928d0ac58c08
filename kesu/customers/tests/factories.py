"""Factories for customer master data, for this app's tests and every module that builds on it.

Linked records follow their parent's company (a contact's company is its
customer's), so a factory never builds a cross-company link by accident.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from kesu.accounts.tests.factories import CompanyFactory
from kesu.customers.choices import CustomerStatus, CustomerType, Importance
from kesu.customers.models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"常州精密铸造有限公司{n}")
    short_name = factory.Sequence(lambda n: f"精铸{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"K{n:04d}")
    name = factory.Sequence(lambda n: f"上海汽车零部件有限公司{n}")
    short_name = factory.Sequence(lambda n: f"上汽件{n}")
    customer_type = CustomerType.OEM
    status = CustomerStatus.EXISTING
    importance = Importance.B
    region = "华东"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    name = factory.Sequence(lambda n: f"张采购{n}")
    email = factory.Sequence(lambda n: f"buyer{n}@customer.example")


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    company = factory.SubFactory(CompanyFactory)
    part_no = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"齿轮泵{n}")
    model = "GP-20"
    warranty_months = 12


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    number = factory.Sequence(lambda n: f"HT-2026-{n:04d}")
    signed_on = datetime.date(2026, 3, 2)


class ContractLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractLine

    contract = factory.SubFactory(ContractFactory)
    company = factory.SelfAttribute("contract.company")
    line_no = factory.Sequence(lambda n: n + 1)
    part = factory.SubFactory(PartFactory, company=factory.SelfAttribute("..company"))
    quantity = 100
    unit_price = Decimal("12.5000")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    part = factory.SubFactory(PartFactory, company=factory.SelfAttribute("..company"))
    delivery_no = factory.Sequence(lambda n: f"FH{n:06d}")
    line_no = 1
    quantity = 50
    ship_date = datetime.date(2026, 4, 1)
