"""Company scope: a user of company B sees and changes nothing of company A, on any page or endpoint."""

import pytest
from django.urls import reverse

from kesu.customers.models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier
from kesu.customers.resources import ALL

from .factories import (
    ContactFactory,
    ContractLineFactory,
    CustomerFactory,
    PartFactory,
    ShipmentFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_of_a(company_a):
    customer = CustomerFactory(company=company_a, name="甲公司的秘密顾客")
    line = ContractLineFactory(contract__customer=customer)
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer),
        "part": PartFactory(company=company_a),
        "contract": line.contract,
        "contractline": line,
        "shipment": ShipmentFactory(customer=customer, part=line.part, contract_line=line),
        "supplier": SupplierFactory(company=company_a),
    }


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_an_outsider_gets_404_for_every_page_of_another_companys_record(login, outsider, records_of_a, resource):
    from kesu.accounts.roles import Role

    outsider.position.role = Role.ADMIN  # even with every permission there is, short of superuser
    outsider.position.save()
    client = login(outsider)
    pk = records_of_a[resource.name].pk
    for action in ("detail", "edit", "delete"):
        response = client.get(reverse(f"customers:{resource.name}_{action}", args=[pk]))
        assert response.status_code == 404, action
        response = client.post(reverse(f"customers:{resource.name}_{action}", args=[pk]), {})
        assert response.status_code == 404, action


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_an_outsider_gets_404_for_every_endpoint_of_another_companys_record(api, outsider, records_of_a, resource):
    caller = api(outsider)
    pk = records_of_a[resource.name].pk
    base = f"/api/v1/{resource.plural}"
    assert caller.get(f"{base}/{pk}").status_code == 404
    assert caller.patch(f"{base}/{pk}", {}).status_code in (403, 404)
    assert caller.delete(f"{base}/{pk}").status_code in (403, 404)
    assert resource.model.objects.filter(pk=pk).exists()
    listed = caller.get(base).json()["items"]
    assert pk not in {item["id"] for item in listed}


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_an_outsider_never_sees_another_company_in_lists_or_exports(login, outsider, records_of_a, resource):
    import io

    from openpyxl import load_workbook

    client = login(outsider)
    body = client.get(reverse(f"customers:{resource.name}_list")).content.decode()
    assert "甲公司的秘密顾客" not in body
    export = client.get(reverse(f"customers:{resource.name}_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only


def test_an_outsider_cannot_create_a_record_in_another_company(api, login, outsider, company_a):
    response = api(outsider).post("/api/v1/customers", {"company_id": company_a.pk, "code": "X", "name": "越权"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "company_id"
    page = login(outsider).post(reverse("customers:customer_create"), {
        "company": company_a.pk, "code": "X", "name": "越权", "customer_type": "oem", "status": "existing",
        "importance": "b",
    })
    assert "company" in page.context["form"].errors
    assert not Customer.objects.filter(code="X").exists()


def test_an_outsider_cannot_link_to_another_companys_records(api, outsider, records_of_a):
    response = api(outsider).post("/api/v1/contacts", {"customer_id": records_of_a["customer"].pk, "name": "偷链"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "customer_id"
    assert not Contact.objects.filter(name="偷链").exists()


def test_an_outsider_import_cannot_touch_another_companys_codes(login, outsider, records_of_a):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["code", "name"])
    workbook.active.append([records_of_a["customer"].code, "被覆盖"])
    data = io.BytesIO()
    workbook.save(data)
    data.name = "x.xlsx"
    data.seek(0)
    login(outsider).post(reverse("customers:customer_import"), {"file": data})
    records_of_a["customer"].refresh_from_db()
    assert records_of_a["customer"].name == "甲公司的秘密顾客"


def test_models_are_all_covered():
    assert {r.model for r in ALL} == {Customer, Contact, Part, Contract, ContractLine, Shipment, Supplier}
