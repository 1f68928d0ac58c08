"""List and detail pages run a fixed number of queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kesu.customers.resources import ALL

from .factories import ContactFactory, ContractLineFactory, CustomerFactory, ShipmentFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def make(company, count):
    for _ in range(count):
        customer = CustomerFactory(company=company)
        ContactFactory(customer=customer)
        line = ContractLineFactory(contract__customer=customer)
        ShipmentFactory(customer=customer, part=line.part, contract_line=line)
        SupplierFactory(company=company)
    return customer


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_list_pages_run_the_same_queries_for_3_and_30_rows(login, salesperson, company_a, resource):
    client = login(salesperson)
    make(company_a, 3)
    few = queries(client, reverse(f"customers:{resource.name}_list"))
    make(company_a, 27)
    many = queries(client, reverse(f"customers:{resource.name}_list"))
    assert many == few
    assert few <= 15


def test_the_customer_detail_page_runs_a_fixed_number_of_queries(login, salesperson, company_a):
    client = login(salesperson)
    customer = make(company_a, 1)
    few = queries(client, reverse("customers:customer_detail", args=[customer.pk]))
    for _ in range(15):
        ContactFactory(customer=customer)
        line = ContractLineFactory(contract__customer=customer)
        ShipmentFactory(customer=customer, part=line.part)
    many = queries(client, reverse("customers:customer_detail", args=[customer.pk]))
    assert many == few
